"""Today's placement stored beside each person (``Staff.today_*``) is the live one after every
kind of write, the staff list reads it only while today's summary holds today, and a change
dated in the future shows on its day once the day's rebuild has run."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from communes.models import Unit
from headcount import summary
from headcount.models import SummaryState
from headcount.selectors import Roster, roster_people
from reports.exports import staff_list
from secondments import services as moves
from secondments.models import Kind, Status
from staffing import services
from staffing.importer import validate_workbook
from staffing.models import Category, Staff, reads_stored
from tests import factories as f
from tests.reports.builders import province_fixture
from tests.reports.test_report_api import api_as
from tests.staffing import hostile_files as hf

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PLACEMENT = ("placed_unit", "placed_field", "placed_position", "placed_category", "placed_is_leader", "placed_from")


def placements(day, *, stored):
    rows = Staff.objects.with_placement(day, stored=stored).values_list("pk", *PLACEMENT)
    return {pk: tuple(values) for pk, *values in rows}


ROSTER = (
    "pk",
    *PLACEMENT,
    "work_field",
    "work_field_name",
    "work_field_order",
    "work_field_code",
    "seconded_to",
    "seconded_from",
    "absence_kind",
    "position_name",
)


def rosters(day, *, stored):
    """Every unit's roster in each mode, in the roster's order, with all its annotations."""
    return {
        (unit.code, mode): list(
            roster_people(unit, day, mode, stored=stored).order_by("sort_key", "staff_code").values_list(*ROSTER)
        )
        for unit in Unit.objects.order_by("code")
        for mode in (Roster.ON_ROLL, Roster.WORKING, Roster.ABSENT)
    }


def assert_stored_is_live(day=TODAY):
    assert summary.placements_stored(day)
    live = placements(day, stored=False)
    assert placements(day, stored=True) == live
    assert rosters(day, stored=True) == rosters(day, stored=False)
    return live


@pytest.fixture
def world():
    w = province_fixture()
    w["official"] = f.user(Role.PROVINCE_OFFICIAL, prov=w["province"])
    summary.rebuild(TODAY)
    return w


def test_rebuild_stores_everyone(world):
    live = assert_stored_is_live()
    placed = [p for p, values in live.items() if values[0] is not None]
    assert len(placed) == 28 and Staff.objects.filter(today_unit__isnull=False).count() == 28


def test_every_write_path_keeps_it_live(world, client):
    by, an, binh, cu = world["official"], world["an"], world["binh"], world["cu"]
    land, finance, culture = world["land"], world["finance"], world["culture"]

    # Hire by the service, then by the form.
    person = services.staff_create(
        by=by,
        placement={"unit": an, "field": land, "category": Category.CIVIL_SERVANT, "position": None},
        staff_code="NVS1",
        full_name="Lê Văn Mới",
        gender="male",
        birth_date=TODAY.replace(year=TODAY.year - 30),
        qualification="bachelor",
        start_date=TODAY,
    )
    assert assert_stored_is_live()[person.pk][:2] == (an.pk, land.pk)
    client.force_login(by)
    response = client.post(
        reverse("staff-create", args=[cu.code]),
        {
            "staff_code": "NVS2",
            "full_name": "Lê Thị Mẫu",
            "gender": "female",
            "birth_date": "01/02/1990",
            "qualification": "bachelor",
            "start_date": TODAY.strftime("%d/%m/%Y"),
            "field": finance.pk,
            "category": Category.CIVIL_SERVANT,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert assert_stored_is_live()[Staff.objects.get(staff_code="NVS2").pk][:2] == (cu.pk, finance.pk)

    # Change of placement from today.
    person.refresh_from_db()
    services.placement_change(staff=person, by=by, version=person.version, effective_from=TODAY, unit=binh)
    assert assert_stored_is_live()[person.pk][0] == binh.pk

    # From a future date: today's placement does not change.
    person.refresh_from_db()
    services.placement_change(
        staff=person, by=by, version=person.version, effective_from=TODAY + timedelta(days=3), field=culture
    )
    assert assert_stored_is_live()[person.pk][:2] == (binh.pk, land.pk)

    # A back-dated correction by the province official.
    old = an.assignments.filter(field=land).first().person
    services.placement_change(
        staff=old,
        by=by,
        version=old.version,
        effective_from=TODAY - timedelta(days=10),
        reason="Nhập sai lĩnh vực",
        field=finance,
    )
    assert assert_stored_is_live()[old.pk][:2] == (an.pk, finance.pk)

    # An instance read before a change saves nothing of the placement back.
    stale = Staff.objects.get(pk=old.pk)
    services.placement_change(staff=old, by=by, version=stale.version, effective_from=TODAY, unit=cu)
    stale.full_name = "Tên Đã Sửa"
    stale.save()
    assert assert_stored_is_live()[old.pk][0] == cu.pk

    # A transfer applied on approval.
    mover = binh.assignments.filter(field=finance).first().person
    t = moves.secondment_create(
        by=by, person=mover, to_unit=cu, field=finance, kind=Kind.TRANSFER, start_date=TODAY, propose=True
    )
    moves.secondment_approve(secondment=t, by=by, decision_number="2/QĐ-UBND", decision_date=TODAY)
    t.refresh_from_db()
    assert t.status == Status.COMPLETED
    assert assert_stored_is_live()[mover.pk][0] == cu.pk

    # A secondment running today, to another field: listed at both units, the receiving one
    # under the field of the work there.
    seconded = an.assignments.filter(field=land).exclude(person=old).first().person
    s = moves.secondment_create(
        by=by, person=seconded, to_unit=cu, field=culture, kind=Kind.SECONDMENT, start_date=TODAY,
        planned_end_date=TODAY + timedelta(days=90), propose=True,
    )  # fmt: skip
    moves.secondment_approve(secondment=s, by=by, decision_number="3/QĐ-UBND", decision_date=TODAY)
    assert assert_stored_is_live()[seconded.pk][0] == an.pk
    roster = rosters(TODAY, stored=True)
    at_cu = {row[0]: row for row in roster[(cu.code, Roster.WORKING)]}
    assert at_cu[seconded.pk][ROSTER.index("work_field")] == culture.pk
    assert at_cu[seconded.pk][ROSTER.index("seconded_from")] == an.name
    away = {row[0]: row for row in roster[(an.code, Roster.ON_ROLL)]}[seconded.pk]
    assert away[ROSTER.index("seconded_to")] == cu.name
    assert seconded.pk not in {row[0] for row in roster[(an.code, Roster.WORKING)]}

    # Leaving the roll yesterday: no placement today.
    leaver = an.assignments.filter(field=culture).first().person
    services.staff_leave(staff=leaver, by=by, version=leaver.version, status="retired", end_date=TODAY - timedelta(1))
    assert assert_stored_is_live()[leaver.pk] == (None,) * len(PLACEMENT)

    # An absence leaves the placement as it is.
    absent = cu.assignments.first().person
    services.absence_create(by=by, person=absent, kind="sick_leave", start_date=TODAY - timedelta(days=1))
    assert assert_stored_is_live()[absent.pk][0] == cu.pk
    absent_here = rosters(TODAY, stored=True)[(cu.code, Roster.ABSENT)]
    assert [(row[0], row[ROSTER.index("absence_kind")]) for row in absent_here] == [(absent.pk, "sick_leave")]


def test_import_keeps_it_live(world):
    user = world["official"]
    content = hf.xlsx(
        {"Danh sách": [hf.STAFF_HEADERS, hf.staff_row("66003", "NVI1", "Phạm Văn Nhập", field="finance")]}
    )
    result = validate_workbook(io.BytesIO(content), user=user, default_unit=world["cu"])
    assert result.ok, result.errors
    services.import_apply(plan=result.plan, by=user)
    person = Staff.objects.get(staff_code="NVI1")
    assert assert_stored_is_live()[person.pk][:2] == (world["cu"].pk, world["finance"].pk)
    # The same person moved to another field by a second file.
    content = hf.xlsx({"Danh sách": [hf.STAFF_HEADERS, hf.staff_row("66003", "NVI1", "Phạm Văn Nhập", field="land")]})
    result = validate_workbook(io.BytesIO(content), user=user, default_unit=world["cu"])
    assert result.ok, result.errors
    services.import_apply(plan=result.plan, by=user)
    assert assert_stored_is_live()[person.pk][:2] == (world["cu"].pk, world["land"].pk)


def test_a_future_change_shows_on_its_day_after_the_rebuild(world, monkeypatch):
    by, binh = world["official"], world["binh"]
    person = world["an"].assignments.first().person
    day = TODAY + timedelta(days=2)
    services.placement_change(staff=person, by=by, version=person.version, effective_from=day, unit=binh)
    assert assert_stored_is_live()[person.pk][0] == world["an"].pk

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    # The day has come, the rebuild has not run: the list reads the assignments.
    assert not summary.placements_stored(day)
    listed = staff_list(world["official"], {}, day)
    assert not reads_stored(listed)
    assert listed.get(pk=person.pk).placed_unit == binh.pk
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    rows = client.get(reverse("api-report-staff"), {"page_size": 100}).json()["results"]
    assert {r["id"]: r["unit_id"] for r in rows}[person.pk] == binh.pk
    # After it, the stored placement is that day's.
    summary.rebuild(day)
    assert assert_stored_is_live(day)[person.pk][0] == binh.pk
    assert reads_stored(staff_list(world["official"], {}, day))
    rows = client.get(reverse("api-report-staff"), {"page_size": 100}).json()["results"]
    assert {r["id"]: r["unit_id"] for r in rows}[person.pk] == binh.pk


def test_staff_api_gives_the_same_rows_stored_or_live(world):
    client = api_as(Role.PROVINCE_OFFICIAL, prov=world["province"])
    url = reverse("api-report-staff")
    params = [{}, {"unit_code": "66002"}, {"field_code": "finance", "page_size": 3}, {"ordering": "-unit"}]
    with CaptureQueriesContext(connection) as queries:
        stored = [client.get(url, p).json() for p in params]
    # By the stored placement's index order, not through the assignments.
    rows = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "staffing_staff" in q["sql"]]
    assert len(rows) == 4 and all('ORDER BY "staffing_staff"."today_unit_id"' in sql for sql in rows[:3])
    assert not any("staffing_assignment" in sql for sql in rows)
    SummaryState.objects.all().delete()
    assert not summary.placements_stored(TODAY)
    live = [client.get(url, p).json() for p in params]
    assert stored == live
    assert [len(page["results"]) for page in stored] == [26, 5, 3, 26]


def test_staff_export_gives_the_same_rows_stored_or_live(world):
    from django.http import QueryDict

    from reports.exports import build

    def rows():
        spec = build("staff", world["official"], QueryDict("ordering=unit"))
        return spec.rows, list(spec.exporter.rows())

    assert reads_stored(staff_list(world["official"], QueryDict("")))
    stored = rows()
    SummaryState.objects.all().delete()
    assert not reads_stored(staff_list(world["official"], QueryDict("")))
    assert rows() == stored
    assert stored[0] == 26 and {r[5] for r in stored[1]} == {"Xã An", "Phường Bình", "Xã Cư", "Sở Tài chính"}


def test_roster_page_gives_the_same_rows_stored_or_live(world, client):
    by, an, cu = world["official"], world["an"], world["cu"]
    person = an.assignments.first().person
    s = moves.secondment_create(
        by=by, person=person, to_unit=cu, field=world["culture"], kind=Kind.SECONDMENT, start_date=TODAY,
        planned_end_date=TODAY + timedelta(days=30), propose=True,
    )  # fmt: skip
    moves.secondment_approve(secondment=s, by=by, decision_number="4/QĐ-UBND", decision_date=TODAY)
    client.force_login(by)
    urls = [
        reverse("unit-roster", args=[unit.code]) + query
        for unit in (an, cu)
        for query in ("", "?mode=working", "?mode=absent", "?ordering=-field", "?category=civil_servant")
    ]

    def pages():
        out = []
        for url in urls:
            ctx = client.get(url).context
            choices = [list(ctx["filter_options"][k]) for k in ("field", "position")]
            out.append((ctx["page_obj"].paginator.count, list(ctx["page_obj"].object_list), choices))
        return out

    with CaptureQueriesContext(connection) as queries:
        stored = pages()
    rows = [q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "staffing_staff" in q["sql"]]
    assert len(rows) == len(urls) - 2  # nobody is absent: no page of rows to read
    assert not any("staffing_assignment" in sql for sql in rows)
    SummaryState.objects.all().delete()
    assert pages() == stored
    # Xã An: 8 on the roll, one of them seconded to Xã Cư; Xã Cư: 3 and the one seconded in.
    assert [count for count, _rows, _choices in stored] == [8, 7, 0, 8, 8, 3, 4, 0, 3, 3]
    seconded_in = {row.pk: row for row in stored[6][1]}[person.pk]
    culture = world["culture"]
    assert seconded_in.seconded_from == an.name and seconded_in.work_field_name in {culture.name_vi, culture.name_en}
