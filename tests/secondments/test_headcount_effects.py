"""What movements do to the headcount rules (headcount.selectors.headcount_rows)."""

from datetime import date

import pytest
from django.core.management import call_command

from communes.models import Unit
from headcount.rules import View, summarize_by
from headcount.selectors import headcount_rows
from secondments.models import Kind, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def totals(w, day, view):
    units = Unit.objects.filter(pk__in=[w.dept.pk, w.commune.pk])
    by_unit = summarize_by(headcount_rows(units=units, as_of=day, view=view), lambda r: r.unit_id, view=view)
    return by_unit[w.dept.pk].headcount, by_unit[w.commune.pk].headcount


def test_coverage_changes_on_start_and_back_on_return_establishment_never():
    w = b.World()
    f.movement(w.people[0], w.commune, status=Status.APPROVED, start=date(2025, 8, 1), end=date(2025, 10, 31))
    # dept 3 on roll, commune 0 on roll
    for day in (date(2025, 7, 31), date(2025, 8, 1), date(2025, 10, 31), date(2025, 11, 1)):
        call_command("advance_movements", today=day.isoformat())
        assert totals(w, day, View.ESTABLISHMENT) == (3, 0)
    assert totals(w, date(2025, 7, 31), View.COVERAGE) == (3, 0)
    assert totals(w, date(2025, 8, 1), View.COVERAGE) == (2, 1)
    assert totals(w, date(2025, 10, 31), View.COVERAGE) == (2, 1)
    assert totals(w, date(2025, 11, 1), View.COVERAGE) == (3, 0)


def test_early_return_ends_coverage_the_day_after():
    w = b.World()
    f.movement(
        w.people[0], w.commune, status=Status.COMPLETED, start=date(2025, 8, 1), end=date(2025, 10, 31),
        actual_end=date(2025, 9, 15),
    )  # fmt: skip
    assert totals(w, date(2025, 9, 15), View.COVERAGE) == (2, 1)
    assert totals(w, date(2025, 9, 16), View.COVERAGE) == (3, 0)


def test_transfer_moves_establishment_from_its_start_date():
    w = b.World()
    f.movement(w.people[0], w.commune, kind=Kind.TRANSFER, status=Status.APPROVED, start=date(2025, 9, 1))
    # Decided but not applied: a transfer counts through the placement it opens, not before.
    assert totals(w, date(2025, 9, 1), View.ESTABLISHMENT) == (3, 0)
    call_command("advance_movements", today="2025-09-01")  # applies it to the person
    assert totals(w, date(2025, 8, 31), View.ESTABLISHMENT) == (3, 0)
    assert totals(w, date(2025, 9, 1), View.ESTABLISHMENT) == (2, 1)
    assert totals(w, date(2025, 9, 1), View.COVERAGE) == (2, 1)
