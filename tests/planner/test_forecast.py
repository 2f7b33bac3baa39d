"""The shortage forecast, month by month, worked out by hand on the small world."""

from datetime import timedelta

import pytest

from core.dates import add_months
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
