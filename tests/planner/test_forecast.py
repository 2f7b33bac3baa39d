"""The shortage forecast, month by month, worked out by hand on the small world."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communes.models import COMMUNE_LEVEL_KINDS, Unit
from core.dates import add_months
from headcount.rules import View
from headcount.selectors import headcount_rows
from planner.retirement import retirement_last_day
from planner.selectors import forecast, month_ends
from secondments.models import Status
from staffing.models import Absence, AbsenceKind
from tests import factories as f
from tests.planner.worlds import TODAY

pytestmark = pytest.mark.django_db


def retiring_in(days, months):
    """(month index, birth date) of a man whose last day on the roll is the end of one of
    ``months`` (the schedule skips some months: the age rises by three months a year)."""
    for k in months:
        for back in range(60 * 12, 63 * 12):
            born = add_months(days[k].replace(day=1), -back)
            if retirement_last_day(born, "male") == days[k]:
                return k, born
    raise AssertionError("no birth month retires then")


def test_retirement_movement_ending_and_absence_month_by_month(world):
    days = month_ends(TODAY, 12)
    # Hòa Xuân (land quota 1, short 1): an officer whose last day is the end of month k (3 or so).
    k, born = retiring_in(days, (3, 4, 2))
    f.staff(world.y, world.land, name="Bùi Văn Hưu", birth_date=born)
    # Ea Kao (land quota 2, short 2): An seconded in until the end of month 1, and a land officer
    # of its own on maternity leave from five days before the end of month 2 to ten days before
    # the end of month 5.
    f.movement(world.a, world.x, start=TODAY - timedelta(days=10), end=days[1], status=Status.APPROVED)
    sinh = f.staff(world.x, world.land, name="H' Sinh", gender="female")
    Absence.objects.create(
        person=sinh,
        kind=AbsenceKind.MATERNITY,
        start_date=days[2] - timedelta(days=5),
        end_date=days[5] - timedelta(days=10),
    )

    fc = forecast(province=world.province, start=TODAY)
    cells = {(c["unit"]["pk"], c["field"].pk): c for c in fc.cells}
    assert cells[(world.x.pk, world.land.pk)]["now"] == 0
    assert cells[(world.x.pk, world.land.pk)]["shortages"] == [0, 0, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert cells[(world.y.pk, world.land.pk)]["now"] == 0
    hoa_xuan = [0] * (k + 1) + [1] * (11 - k)
    assert cells[(world.y.pk, world.land.pk)]["shortages"] == hoa_xuan
    ea_kao = [0, 0, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1]
    assert [m.coverage_shortage for m in fc.months] == [a + b for a, b in zip(ea_kao, hoa_xuan, strict=True)]
    # Establishment: the absent officer holds her post; the secondment never counted there.
    assert [m.establishment_shortage for m in fc.months] == [1 + h for h in hoa_xuan]
    # The people behind each change, in the month it takes effect.
    assert [e["name"] for e in fc.months[k + 1].retirements] == ["Bùi Văn Hưu"]
    assert [e["person__full_name"] for e in fc.months[2].movements_ending] == ["Nguyễn Văn An"]
    assert [e["person__full_name"] for e in fc.months[2].absences_starting] == ["H' Sinh"]
    assert [e["person__full_name"] for e in fc.months[5].absences_ending] == ["H' Sinh"]


def test_the_planner_uses_the_projection_for_a_future_start(world):
    from planner.selectors import build_problem

    _k, born = retiring_in(month_ends(TODAY, 12), (1, 2, 0))
    f.staff(world.y, world.land, name="Bùi Văn Hưu", birth_date=born)
    now = {
        (d.commune_id, d.field_id): d.shortage
        for d in build_problem(province=world.province, plan=world.plan, start=TODAY).problem.demands
    }
    assert (world.y.pk, world.land.pk) not in now
    later = month_ends(TODAY, 4)[3]
    built = build_problem(province=world.province, plan=world.plan, start=later)
    after = {(d.commune_id, d.field_id): d.shortage for d in built.problem.demands}
    assert after[(world.y.pk, world.land.pk)] == 1  # retired by then


def _changing_world(world):
    """A movement ending, an absence starting and ending, a new quota decision and a placement
    ending inside the twelve months (no retirements: each month is then the rule's own count)."""
    days = month_ends(TODAY, 12)
    f.movement(world.a, world.x, start=TODAY - timedelta(days=10), end=days[1], status=Status.APPROVED)
    sinh = f.staff(world.x, world.land, name="H' Sinh", gender="female")
    Absence.objects.create(
        person=sinh, kind=AbsenceKind.MATERNITY, start_date=days[2] - timedelta(days=5), end_date=days[5]
    )
    Absence.objects.create(person=world.a, kind=AbsenceKind.SICK_LEAVE, start_date=TODAY, end_date=days[0])
    f.quota(world.y, world.land, 3, effective_from=days[3] - timedelta(days=2))
    world.h.assignments.update(valid_to=days[6] - timedelta(days=1))
    return days


def test_each_month_is_the_headcount_rule_on_its_last_day(world):
    days = _changing_world(world)
    fc = forecast(province=world.province, start=TODAY)
    units = Unit.objects.filter(province=world.province, kind__in=COMMUNE_LEVEL_KINDS)
    for month, day in zip(fc.months, days, strict=True):
        rows = headcount_rows(units=units, as_of=day, view=View.COVERAGE)
        assert month.day == day
        assert month.quota == sum(r.quota for r in rows)
        assert month.coverage == sum(max(0, r.effective) for r in rows)
        assert month.establishment == sum(r.on_roll for r in rows)
        assert month.coverage_shortage == sum(r.shortage for r in rows)
    # By hand, Ea Kao land (quota 2): An seconded in to the end of month 1 (and on sick leave to the
    # end of month 0), H' Sinh on leave from five days before the end of month 2 to the end of month 5.
    cells = {(c["unit"]["pk"], c["field"].pk): c for c in fc.cells}
    assert cells[(world.x.pk, world.land.pk)]["shortages"] == [1, 0, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1]
    # Hòa Xuân land: quota 1 then 3 from month 3, nobody there.
    assert cells[(world.y.pk, world.land.pk)]["shortages"] == [1, 1, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3]


def test_the_months_take_a_fixed_number_of_queries(world):
    _changing_world(world)
    counts = []
    for months in (1, 6, 12, 24):
        forecast(province=world.province, start=TODAY, months=months)  # SQL text kept after the first
        with CaptureQueriesContext(connection) as ctx:
            forecast(province=world.province, start=TODAY, months=months)
        counts.append(len(ctx))
    # Retirements, headcount of every month, movements ending, absences, units, fields.
    assert counts == [6, 6, 6, 6]
