"""Today's summary equals the live headcount for every unit and province after each kind of write."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from accounts.models import Role
from communes.models import Unit
from headcount import summary
from headcount.models import UnitFieldSummary, UnitSummary
from headcount.rules import View
from headcount.selectors import (
    _totals,
    headcount_sums,
    mismatch_counts,
    mismatch_queryset,
    summary_rows,
    summary_totals,
    summed_sql,
)
from reports.selectors import national_summary
from secondments import services as moves
from secondments.models import Kind, Status
from staffing import services
from staffing.models import Category, Field
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def world():
    w = province_fixture()
    w["official"] = f.user(Role.PROVINCE_OFFICIAL, prov=w["province"])
    summary.rebuild(TODAY)
    return w


def live_rows(units):
    """Live rows (no summary): the same query the summary stores, run for ``TODAY``."""
    sql, params = summed_sql(units, TODAY)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return sorted(tuple(r) for r in rows)


def assert_summary_is_live():
    units = Unit.objects.all()
    stored = sorted(
        UnitFieldSummary.objects.values_list(
            "unit_id", "field_id", "quota", "on_roll", "seconded_out", "seconded_in", "absent"
        )
    )
    assert stored == live_rows(units)
    # Mismatches: the summary's against the live query.
    live_mismatches = dict(
        ((u, fld), n)
        for u, fld, n in mismatch_queryset(units, TODAY)
        .values_list("unit_id", "field_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    stored_mismatches = {
        (u, fld): n
        for u, fld, n in UnitFieldSummary.objects.filter(mismatches__gt=0).values_list(
            "unit_id", "field_id", "mismatches"
        )
    }
    assert stored_mismatches == live_mismatches
    communes = Unit.objects.communes()
    fields = [None, *Field.objects.values_list("pk", flat=True)]
    for view in (View.COVERAGE, View.ESTABLISHMENT):
        for field_id in fields:
            live = _totals(communes, TODAY, view, "province_id", field_id, from_summary=False)
            got = summary_totals(units=communes, as_of=TODAY, view=view, field_id=field_id)
            assert {p: {k: v for k, v in t.items() if k != "mismatches"} for p, t in got.items()} == live
    # The per-unit rows add up their unit × field rows.
    per_unit = {}
    for unit_id, n in UnitFieldSummary.objects.values_list("unit_id", "on_roll"):
        per_unit[unit_id] = per_unit.get(unit_id, 0) + n
    assert dict(UnitSummary.objects.values_list("unit_id", "on_roll")) == per_unit


def test_rebuild_equals_live(world):
    assert_summary_is_live()
    assert UnitFieldSummary.objects.filter(unit=world["an"]).count() == 2


def test_every_kind_of_write_keeps_it_live(world):
    by, an, binh, cu = world["official"], world["an"], world["binh"], world["cu"]
    land, finance, culture = world["land"], world["finance"], world["culture"]

    # Hire.
    person = services.staff_create(
        by=by,
        placement={"unit": an, "field": land, "category": Category.CIVIL_SERVANT, "position": None},
        staff_code="NVS1",
        full_name="Lê Văn Mới",
        gender="male",
        birth_date=TODAY.replace(year=TODAY.year - 30),
        qualification="bachelor",
        start_date=TODAY,
        major_field=culture,
    )
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=an, field=land).on_roll == 4
    assert UnitFieldSummary.objects.get(unit=an, field=land).mismatches == 1

    # Change of placement from today.
    person.refresh_from_db()
    services.placement_change(staff=person, by=by, version=person.version, effective_from=TODAY, unit=binh)
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=binh, field=land).on_roll == 5

    # Person's trained field changes: a mismatch less.
    person.refresh_from_db()
    services.staff_update(staff=person, by=by, version=person.version, major_field=land)
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=binh, field=land).mismatches == 0

    # Secondment approved (running from 5 days ago), then ended yesterday.
    cu_person = cu.assignments.first().person
    m = moves.secondment_create(
        by=by,
        person=cu_person,
        to_unit=an,
        field=land,
        kind=Kind.SECONDMENT,
        start_date=TODAY - timedelta(days=5),
        planned_end_date=TODAY + timedelta(days=60),
        propose=True,
    )
    moves.secondment_approve(secondment=m, by=by, decision_number="1/QĐ-UBND", decision_date=TODAY - timedelta(days=6))
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=an, field=land).seconded_in == 1
    assert UnitFieldSummary.objects.get(unit=cu, field=finance).seconded_out == 1

    # Absence of the seconded person: counted where they work (An).
    services.absence_create(by=by, person=cu_person, kind="sick_leave", start_date=TODAY - timedelta(days=1))
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=an, field=land).absent == 1

    m.refresh_from_db()
    moves.secondment_end(secondment=m, by=by, on=TODAY - timedelta(days=1))
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=an, field=land).seconded_in == 0
    assert UnitFieldSummary.objects.get(unit=cu, field=finance).absent == 1

    # Transfer from Bình to Cư from today, applied on approval.
    binh_person = binh.assignments.filter(field=finance).first().person
    t = moves.secondment_create(
        by=by, person=binh_person, to_unit=cu, field=finance, kind=Kind.TRANSFER, start_date=TODAY, propose=True
    )
    moves.secondment_approve(secondment=t, by=by, decision_number="2/QĐ-UBND", decision_date=TODAY)
    t.refresh_from_db()
    assert t.status == Status.COMPLETED
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=cu, field=finance).on_roll == 4
    assert UnitFieldSummary.objects.get(unit=binh, field=finance).on_roll == 0

    # Leaving the roll yesterday.
    leaver = an.assignments.filter(field=culture).first().person
    services.staff_leave(staff=leaver, by=by, version=leaver.version, status="retired", end_date=TODAY - timedelta(1))
    assert_summary_is_live()

    # A quota decision from today.
    services.quota_set(
        by=by,
        unit=cu,
        field=land,
        category=Category.CIVIL_SERVANT,
        count=4,
        decision_number="3/QĐ-UBND",
        decision_date=TODAY,
        effective_from=TODAY,
    )
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=cu, field=land).quota == 4


def test_a_write_rolled_back_leaves_the_summary_as_it_was(world):
    from django.db import transaction

    before = sorted(UnitFieldSummary.objects.values_list("unit_id", "field_id", "on_roll"))
    with pytest.raises(RuntimeError), transaction.atomic():
        f.staff(world["an"], world["land"], placed_from=TODAY)
        raise RuntimeError
    assert sorted(UnitFieldSummary.objects.values_list("unit_id", "field_id", "on_roll")) == before


def test_readers_use_the_summary_only_for_today(world, django_assert_num_queries):
    communes = Unit.objects.communes()
    assert summary_rows(communes, TODAY) is not None
    assert summary_rows(communes, TODAY - timedelta(days=1)) is None
    # The summary holds yesterday (the day changed): readers compute live, writers leave it alone.
    summary.rebuild(TODAY - timedelta(days=1))
    assert summary_rows(communes, TODAY) is None
    f.staff(world["an"], world["land"], placed_from=TODAY)
    assert summary_totals(units=communes, as_of=TODAY) is None
    viewer = f.user(Role.NATIONAL_VIEWER)
    assert national_summary(viewer, as_of=TODAY)["from_summary"] is False
    summary.rebuild(TODAY)
    assert national_summary(viewer, as_of=TODAY)["from_summary"] is True
    # Same figures either way.
    live = headcount_sums(units=communes, as_of=TODAY - timedelta(days=1))
    assert live == headcount_sums(units=communes, as_of=TODAY - timedelta(days=1))
    assert mismatch_counts(units=communes, as_of=TODAY) == {(world["an"].pk, world["culture"].pk): 1}


def test_national_page_today_equals_live(world):
    viewer = f.user(Role.NATIONAL_VIEWER)
    f.staff(world["an"], world["land"], placed_from=TODAY)
    from_summary = national_summary(viewer, as_of=TODAY)
    assert from_summary["from_summary"] is True
    summary.rebuild(TODAY - timedelta(days=1))
    live = national_summary(viewer, as_of=TODAY)
    assert live["from_summary"] is False
    assert [r.kpis for r in from_summary["rows"]] == [r.kpis for r in live["rows"]]
    assert from_summary["total"] == live["total"]


def test_correcting_a_quota_decision_keeps_it_live(world):
    # Cư holds 2 posts in finance (decided 01/07/2025). Correcting that decision to 3 (the edit
    # form and the API), then to 1 through a decision of the same date, rewrites its row: the
    # summary follows (3, then 1) instead of the write failing while the summary holds today.
    by, cu, finance = world["official"], world["cu"], world["finance"]
    quota = cu.quotas.get(field=finance)
    services.quota_update(quota=quota, by=by, version=quota.version, count=3)
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=cu, field=finance).quota == 3
    services.quota_set(
        by=by, unit=cu, field=finance, category=Category.CIVIL_SERVANT, count=1,
        decision_number=quota.decision_number, decision_date=quota.decision_date, effective_from=quota.effective_from,
    )  # fmt: skip
    assert_summary_is_live()
    assert UnitFieldSummary.objects.get(unit=cu, field=finance).quota == 1
