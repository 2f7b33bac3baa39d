"""The hourly command on a timeline: before start, on start, on the end, after an extension."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Role
from secondments import services as s
from secondments.models import Kind, Status
from secondments.selectors import movement_alerts
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def run(day):
    out = StringIO()
    call_command("advance_movements", today=day.isoformat(), stdout=out)
    return out.getvalue().strip()


def test_timeline_of_a_secondment_with_an_extension():
    w = b.World()
    # Dates ahead of today, so the extension is recorded while the movement runs.
    start = timezone.localdate() + timedelta(days=10)
    end, extended = start + timedelta(days=91), start + timedelta(days=152)
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=start, end=end)
    other = f.movement(w.people[1], w.commune, status=Status.PROPOSED, start=start, end=start + timedelta(days=60))

    day_before = start - timedelta(days=1)
    assert run(day_before) == f"{day_before}: 0 started, 0 completed, 0 transfers that cannot be applied"
    m.refresh_from_db()
    assert m.status == Status.APPROVED

    assert run(start) == f"{start}: 1 started, 0 completed, 0 transfers that cannot be applied"
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.ACTIVE, None)
    assert run(start) == f"{start}: 0 started, 0 completed, 0 transfers that cannot be applied"

    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    s.secondment_extend(
        secondment=m, by=official, new_end_date=extended, decision_number="9/QĐ", decision_date=timezone.localdate()
    )
    after_old_end = end + timedelta(days=1)
    assert run(after_old_end) == f"{after_old_end}: 0 started, 0 completed, 0 transfers that cannot be applied"
    m.refresh_from_db()
    assert m.status == Status.ACTIVE

    # The last day is still a working day there: completed only the day after it.
    assert run(extended) == f"{extended}: 0 started, 0 completed, 0 transfers that cannot be applied"
    next_day = extended + timedelta(days=1)
    assert run(next_day) == f"{next_day}: 0 started, 1 completed, 0 transfers that cannot be applied"
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.COMPLETED, extended)
    history = m.history.count()
    assert run(next_day) == f"{next_day}: 0 started, 0 completed, 0 transfers that cannot be applied"
    assert m.history.count() == history
    other.refresh_from_db()
    assert other.status == Status.PROPOSED  # never decided: never started


def test_a_late_run_starts_and_completes_in_one_go():
    w = b.World()
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=date(2025, 8, 1), end=date(2025, 8, 31))
    assert run(date(2025, 9, 2)) == "2025-09-02: 1 started, 1 completed, 0 transfers that cannot be applied"
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.COMPLETED, date(2025, 8, 31))


def test_transfer_is_applied_on_its_start_date():
    w = b.World()
    person = w.people[2]
    m = f.movement(person, w.commune, kind=Kind.TRANSFER, status=Status.APPROVED, start=date(2025, 9, 1))
    run(date(2025, 8, 31))
    assert f.placement(person).unit == w.dept
    assert run(date(2025, 9, 1)) == "2025-09-01: 1 started, 0 completed, 0 transfers that cannot be applied"
    m.refresh_from_db()
    assert (f.placement(person).unit, f.placement(person).valid_from, m.status) == (
        w.commune,
        date(2025, 9, 1),
        Status.COMPLETED,
    )
    assert f.placement(person, date(2025, 8, 31)).unit == w.dept
    assert run(date(2025, 9, 1)) == "2025-09-01: 0 started, 0 completed, 0 transfers that cannot be applied"
    assert person.assignments.count() == 2


def test_a_transfer_of_someone_no_longer_placed_at_the_sender_is_flagged_not_applied():
    w = b.World()
    person = w.people[2]
    m = f.movement(person, w.commune, kind=Kind.TRANSFER, status=Status.APPROVED, start=date(2025, 9, 1))
    placed = f.placement(person)
    placed.valid_to = date(2025, 8, 15)
    placed.save()  # left the department's roll in August (recorded without the leave service)
    assert run(date(2025, 9, 1)) == "2025-09-01: 0 started, 0 completed, 1 transfers that cannot be applied"
    m.refresh_from_db()
    assert (m.status, m.problem) == (Status.APPROVED, "Lê Văn Cường is not on the roll on 01/09/2025.")
    assert person.assignments.count() == 1
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    alerts = movement_alerts(user=official, as_of=date(2025, 9, 2))
    assert list(alerts.not_applied) == [m]
    history = m.history.count()
    run(date(2025, 9, 2))  # the same problem is not written again
    assert m.history.count() == history


def test_bad_date_argument():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--today must be YYYY-MM-DD, not '01/08/2025'"):
        call_command("advance_movements", today="01/08/2025")
