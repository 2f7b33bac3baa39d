"""Headcount rules (DESIGN §4) on small, hand-computed cases."""

from datetime import date, timedelta

import pytest

from communes.models import Unit
from headcount.rules import View, summarize, summarize_by
from headcount.selectors import headcount_rows, mismatch_counts
from secondments.models import Kind, Status
from secondments.services import advance_movements
from staffing.models import Category
from tests import factories as f

pytestmark = pytest.mark.django_db

D = date(2025, 10, 15)


def by_key(rows):
    return {(r.unit_id, r.field_id): r for r in rows}


@pytest.fixture
def world():
    """Commune A: land quota 5 with 3 staff, culture quota 2 with 5 staff. Commune B: land quota 4, 4 staff."""
    a, b = f.unit("Xã A"), f.unit("Xã B")
    land, culture = f.field("land"), f.field("culture")
    f.quota(a, land, 5)
    f.quota(a, culture, 2)
    f.quota(b, land, 4)
    a_land = f.staff_many(a, land, 3)
    a_culture = f.staff_many(a, culture, 5)
    f.staff_many(b, land, 4)
    return {"a": a, "b": b, "land": land, "culture": culture, "a_land": a_land, "a_culture": a_culture}


def rows_for(*units, as_of=D, view=View.COVERAGE, by_category=False):
    return headcount_rows(
        units=Unit.objects.filter(pk__in=[u.pk for u in units]), as_of=as_of, view=view, by_category=by_category
    )


def test_shortage_and_surplus_in_one_commune_gross_differs_from_net(world):
    rows = by_key(rows_for(world["a"]))
    land = rows[(world["a"].pk, world["land"].pk)]
    culture = rows[(world["a"].pk, world["culture"].pk)]
    assert (land.quota, land.on_roll, land.effective, land.gap, land.shortage, land.surplus) == (5, 3, 3, -2, 2, 0)
    assert (culture.quota, culture.on_roll, culture.gap, culture.shortage, culture.surplus) == (2, 5, 3, 0, 3)
    totals = summarize(list(rows.values()))
    # quota 7, headcount 8: net +1, yet 2 short in land and 3 extra in culture
    assert (totals.quota, totals.effective, totals.net) == (7, 8, 1)
    assert (totals.gross_shortage, totals.gross_surplus) == (2, 3)
    assert (totals.units_short, totals.units_surplus) == (1, 1)
    # By its total the commune is one over: the headline counts it over, not short.
    h = totals.headline
    assert (h.units_net_short, h.net_shortage, h.units_net_surplus, h.net_surplus) == (0, 0, 1, 1)
    assert (h.units_short_in_a_field, h.units_surplus_in_a_field) == (1, 1)


def test_movement_starting_tomorrow_counts_from_tomorrow(world):
    person = world["a_culture"][0]
    f.movement(person, world["b"], field=world["land"], start=D + timedelta(days=1), end=D + timedelta(days=90))
    today = by_key(rows_for(world["a"], world["b"]))
    assert today[(world["a"].pk, world["culture"].pk)].effective == 5
    assert today[(world["b"].pk, world["land"].pk)].effective == 4
    tomorrow = by_key(rows_for(world["a"], world["b"], as_of=D + timedelta(days=1)))
    a_culture = tomorrow[(world["a"].pk, world["culture"].pk)]
    b_land = tomorrow[(world["b"].pk, world["land"].pk)]
    assert (a_culture.on_roll, a_culture.seconded_out, a_culture.effective, a_culture.gap) == (5, 1, 4, 2)
    assert (b_land.on_roll, b_land.seconded_in, b_land.effective, b_land.gap) == (4, 1, 5, 1)


def test_movement_ended_yesterday_no_longer_counts(world):
    person = world["a_culture"][0]
    f.movement(person, world["b"], start=D - timedelta(days=60), end=D - timedelta(days=1), status=Status.COMPLETED)
    assert by_key(rows_for(world["a"], as_of=D))[(world["a"].pk, world["culture"].pk)].effective == 5
    # on its last day it still counts (end date is inclusive)
    assert (
        by_key(rows_for(world["a"], as_of=D - timedelta(days=1)))[(world["a"].pk, world["culture"].pk)].effective == 4
    )


def test_early_return_ends_on_actual_end_date(world):
    person = world["a_culture"][0]
    f.movement(
        person,
        world["b"],
        start=D - timedelta(days=30),
        end=D + timedelta(days=30),
        actual_end=D - timedelta(days=1),
        status=Status.COMPLETED,
    )
    assert by_key(rows_for(world["a"]))[(world["a"].pk, world["culture"].pk)].effective == 5


def test_establishment_view_ignores_temporary_movements(world):
    person = world["a_land"][0]
    f.movement(person, world["b"], field=world["culture"], start=D - timedelta(days=10), end=D + timedelta(days=10))
    est = summarize(rows_for(world["a"], world["b"], view=View.ESTABLISHMENT))
    cov = summarize(rows_for(world["a"], world["b"], view=View.COVERAGE))
    # establishment: A land 3/5 (-2), A culture 5/2 (+3), B land 4/4
    assert (est.quota, est.headcount, est.net, est.gross_shortage, est.gross_surplus) == (11, 12, 1, 2, 3)
    # coverage: A land 2/5 (-3), A culture 5/2 (+3), B land 4/4, B culture 1 with no quota (+1)
    assert (cov.quota, cov.headcount, cov.net, cov.gross_shortage, cov.gross_surplus) == (11, 12, 1, 3, 4)
    by_unit = summarize_by(rows_for(world["a"], world["b"], view=View.COVERAGE), lambda r: r.unit_id)
    assert (by_unit[world["a"].pk].effective, by_unit[world["a"].pk].net) == (7, 0)
    assert (by_unit[world["b"].pk].effective, by_unit[world["b"].pk].net, by_unit[world["b"].pk].seconded_in) == (
        5,
        1,
        1,
    )


def test_transfer_moves_the_person_from_its_start_date_once_applied(world):
    person = world["a_land"][0]
    start = D - timedelta(days=5)
    m = f.movement(person, world["b"], kind=Kind.TRANSFER, start=start, status=Status.APPROVED)
    # Decided but not applied yet: the person is still placed at A on every date.
    assert by_key(rows_for(world["a"], world["b"], as_of=start))[(world["a"].pk, world["land"].pk)].on_roll == 3
    advance_movements(today=D)
    m.refresh_from_db()
    assert m.status == Status.COMPLETED and m.assignment.unit == world["b"]
    before = by_key(rows_for(world["a"], world["b"], as_of=start - timedelta(days=1)))
    assert before[(world["a"].pk, world["land"].pk)].on_roll == 3
    assert before[(world["b"].pk, world["land"].pk)].on_roll == 4
    after = by_key(rows_for(world["a"], world["b"], as_of=start))
    assert after[(world["a"].pk, world["land"].pk)].on_roll == 2
    assert after[(world["b"].pk, world["land"].pk)].on_roll == 5
    # A transfer never counts as seconded in or out.
    assert after[(world["b"].pk, world["land"].pk)].seconded_in == 0


def test_transfer_into_another_field_keeps_the_past_in_the_old_field(world):
    person = world["a_land"][0]
    f.movement(person, world["b"], kind=Kind.TRANSFER, start=D, status=Status.APPROVED, field=world["culture"])
    advance_movements(today=D)
    earlier = by_key(rows_for(world["a"], world["b"], as_of=D - timedelta(days=1)))
    assert earlier[(world["a"].pk, world["land"].pk)].on_roll == 3  # still counted in land at A
    assert (world["b"].pk, world["culture"].pk) not in earlier
    later = by_key(rows_for(world["a"], world["b"], as_of=D))
    assert later[(world["a"].pk, world["land"].pk)].on_roll == 2
    assert later[(world["b"].pk, world["culture"].pk)].on_roll == 1


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.DRAFT, Status.PROPOSED])
def test_undecided_or_cancelled_movements_do_not_count(world, status):
    person = world["a_culture"][0]
    f.movement(person, world["b"], start=D - timedelta(days=5), end=D + timedelta(days=5), status=status)
    rows = by_key(rows_for(world["a"], world["b"]))
    assert rows[(world["a"].pk, world["culture"].pk)].effective == 5
    assert (world["b"].pk, world["culture"].pk) not in rows


def test_quota_changed_by_later_decision(world):
    f.quota(world["a"], world["land"], 7, effective_from=date(2026, 1, 1))
    assert by_key(rows_for(world["a"], as_of=date(2025, 12, 31)))[(world["a"].pk, world["land"].pk)].quota == 5
    assert by_key(rows_for(world["a"], as_of=date(2026, 1, 1)))[(world["a"].pk, world["land"].pk)].quota == 7
    # before the first decision there is no quota at all
    assert by_key(rows_for(world["a"], as_of=date(2025, 6, 30)))[(world["a"].pk, world["land"].pk)].quota == 0


def test_staff_who_left_or_join_later_are_not_on_roll(world):
    f.staff(world["a"], world["land"], status="retired", end_date=D - timedelta(days=1))
    f.staff(world["a"], world["land"], start_date=D + timedelta(days=1))
    f.staff(world["a"], world["land"], status="resigned", end_date=D)  # last day on roll is today
    assert by_key(rows_for(world["a"]))[(world["a"].pk, world["land"].pk)].on_roll == 4


def test_by_category_splits_rows_but_gross_is_per_field(world):
    f.quota(world["a"], world["land"], 1, category=Category.CADRE)
    f.staff(world["a"], world["land"], category=Category.CADRE)
    f.staff(world["a"], world["land"], category=Category.CADRE)
    rows = rows_for(world["a"], by_category=True)
    land = {r.category: r for r in rows if r.field_id == world["land"].pk}
    assert (land["cadre"].quota, land["cadre"].on_roll, land["cadre"].gap) == (1, 2, 1)
    assert (land["civil_servant"].quota, land["civil_servant"].on_roll, land["civil_servant"].gap) == (5, 3, -2)
    totals = summarize(rows)
    # land: quota 6, headcount 5 -> short 1 (not short 2 and surplus 1); culture +3
    assert (totals.gross_shortage, totals.gross_surplus, totals.net) == (1, 3, 2)


def test_mismatch_counts(world):
    f.staff(world["a"], world["land"], major_field=world["culture"])
    f.staff(world["a"], world["land"], major_field=world["land"])
    f.staff(world["a"], world["land"], major_field=world["culture"], status="retired", end_date=D - timedelta(days=1))
    assert mismatch_counts(units=Unit.objects.all(), as_of=D) == {(world["a"].pk, world["land"].pk): 1}


@pytest.mark.parametrize("communes", [1, 100])
def test_query_count_does_not_depend_on_size(django_assert_num_queries, communes):
    land, culture = f.field("land"), f.field("culture")
    units = [f.unit() for _ in range(communes)]
    for u in units:
        f.quota(u, land, 2)
        f.staff(u, land)
        f.staff(u, culture)
    f.movement(f.staff(units[0], land), units[-1] if communes > 1 else f.unit(), start=D, end=D)
    # quotas, staff, incoming and outgoing movements added up in one statement
    with django_assert_num_queries(1):
        rows = headcount_rows(units=Unit.objects.all(), as_of=D)
    totals = summarize(rows)
    assert totals.quota == 2 * communes
