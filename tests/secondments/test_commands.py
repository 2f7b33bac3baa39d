"""The hourly command on a timeline: before start, on start, on the end, after an extension."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Role
from secondments import services as s
from secondments.models import Kind, Status
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def run(day):
    out = StringIO()
    call_command("advance_movements", today=day.isoformat(), stdout=out)
    return out.getvalue().strip()


def test_timeline_of_a_secondment_with_an_extension():
    w = b.World()
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=date(2025, 8, 1), end=date(2025, 10, 31))
    other = f.movement(w.people[1], w.commune, status=Status.PROPOSED, start=date(2025, 8, 1), end=date(2025, 9, 30))

    assert run(date(2025, 7, 31)) == "2025-07-31: 0 started, 0 completed"
    m.refresh_from_db()
    assert m.status == Status.APPROVED

    assert run(date(2025, 8, 1)) == "2025-08-01: 1 started, 0 completed"
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.ACTIVE, None)
    assert run(date(2025, 8, 1)) == "2025-08-01: 0 started, 0 completed"

    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    s.secondment_extend(
        secondment=m,
        by=official,
        new_end_date=date(2025, 12, 31),
        decision_number="9/QĐ",
        decision_date=date(2025, 10, 1),
    )
    assert run(date(2025, 10, 31)) == "2025-10-31: 0 started, 0 completed"  # the old end: extended
    m.refresh_from_db()
    assert m.status == Status.ACTIVE

    assert run(date(2025, 12, 31)) == "2025-12-31: 0 started, 1 completed"
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.COMPLETED, date(2025, 12, 31))
    history = m.history.count()
    assert run(date(2025, 12, 31)) == "2025-12-31: 0 started, 0 completed"
    assert run(date(2026, 1, 5)) == "2026-01-05: 0 started, 0 completed"
    assert m.history.count() == history
    other.refresh_from_db()
    assert other.status == Status.PROPOSED  # never decided: never started


def test_a_late_run_starts_and_completes_in_one_go():
    w = b.World()
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=date(2025, 8, 1), end=date(2025, 8, 31))
    assert run(date(2025, 9, 2)) == "2025-09-02: 1 started, 1 completed"
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.COMPLETED, date(2025, 8, 31))


def test_transfer_is_applied_on_its_start_date():
    w = b.World()
    person = w.people[2]
    m = f.movement(person, w.commune, kind=Kind.TRANSFER, status=Status.APPROVED, start=date(2025, 9, 1))
    run(date(2025, 8, 31))
    person.refresh_from_db()
    assert person.home_unit == w.dept
    assert run(date(2025, 9, 1)) == "2025-09-01: 1 started, 0 completed"
    person.refresh_from_db()
    m.refresh_from_db()
    assert (person.home_unit, m.status) == (w.commune, Status.COMPLETED)
    assert run(date(2025, 9, 1)) == "2025-09-01: 0 started, 0 completed"
    assert person.history.count() == 2


def test_bad_date_argument():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--today must be YYYY-MM-DD, not '01/08/2025'"):
        call_command("advance_movements", today="01/08/2025")
