"""Ordinary sequences an official meets within weeks, replayed with the counts worked out by hand.

The world (conftest): Sở Tài chính (A) has three finance staff — Nguyễn Văn An (p), Trần Thị Bình
(q), Phạm Thị Dung (s); Xã Hòa Phú (B) has one land officer, Lê Văn Cường (r); Xã Ea Tu (C) has
nobody. "Today" is 15/04/2026 unless a test moves the clock. ``counts`` gives each unit's
(establishment, coverage) on a day; every refusal is asserted in Vietnamese.
"""

import threading
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.urls import reverse
from django.utils import translation

from accounts.models import Role
from secondments import services as s
from secondments.models import LEGAL_MAX_MONTHS, Kind, Secondment, Status
from staffing import services as staffing
from staffing.models import AbsenceKind, Assignment, PlacementChange, Staff, StaffStatus
from tests import factories as f
from tests.headcount.conftest import build_world, by_field, counts, parts

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)
NOBODY_AT_C = (0, 0)
# Nobody moved: A 3 on roll and working, B 1, C 0.
AT_HOME = {"A": (3, 3), "B": (1, 1), "C": NOBODY_AT_C}
# An seconded from A to B: A holds 3 posts with 2 at work; B holds 1 post with 2 at work.
AN_AT_B = {"A": (3, 2), "B": (1, 2), "C": NOBODY_AT_C}


def nominate(w, person, to_unit, *, kind=Kind.SECONDMENT, start, end=None, field=None, **kwargs):
    return s.secondment_create(
        by=w.official, person=person, to_unit=to_unit, field=field or w.finance, kind=kind,
        start_date=start, planned_end_date=end, propose=True, **kwargs,
    )  # fmt: skip


def approve(w, m, number="10/QĐ-UBND"):
    return s.secondment_approve(secondment=m, by=w.official, decision_number=number, decision_date=date(2026, 3, 25))


def run(clock, day):
    """The hourly job on ``day``."""
    clock.day = day
    return s.advance_movements(today=day)


def second_an_to_b(w, clock, start=date(2026, 4, 1), end=date(2026, 9, 30)):
    m = approve(w, nominate(w, w.p, w.b, start=start, end=end))
    run(clock, TODAY)
    m.refresh_from_db()
    return m


def leave(w, person, last_day, status=StaffStatus.RESIGNED):
    person = Staff.objects.get(pk=person.pk)
    return staffing.staff_leave(staff=person, by=w.official, version=person.version, status=status, end_date=last_day)


def refused(call):
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


# Seconded A→B, then transferred A→C while the secondment runs.


def test_a_transfer_starting_while_a_secondment_runs_is_refused_naming_it(w, clock, vi):
    sec = second_an_to_b(w, clock)
    assert sec.status == Status.ACTIVE
    errors = refused(lambda: nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1)))
    assert errors == {
        "start_date": [
            f"Nguyễn Văn An đang được cử đến Xã Hòa Phú (số {sec.pk}) đến hết ngày 30/09/2026. Muốn điều động từ "
            "ngày 01/06/2026, cần kết thúc đợt đó vào ngày 31/05/2026 trước."
        ]
    }
    assert Secondment.objects.count() == 1
    for day in (TODAY, date(2026, 6, 1), date(2026, 9, 30)):
        assert counts(w, day) == AN_AT_B
    assert counts(w, date(2026, 10, 1)) == AT_HOME


def test_the_transfer_may_end_the_running_secondment_the_day_before(w, clock):
    sec = second_an_to_b(w, clock)
    transfer = nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1), end_running=True)
    sec.refresh_from_db()
    assert (sec.actual_end_date, sec.status) == (date(2026, 5, 31), Status.ACTIVE)
    transfer = approve(w, transfer)
    assert transfer.status == Status.APPROVED  # starts later: applied by the hourly job on its day
    assert counts(w, TODAY) == AN_AT_B
    assert counts(w, date(2026, 5, 31)) == AN_AT_B
    assert run(clock, date(2026, 6, 1)) == {"started": 1, "completed": 1, "flagged": 0}
    # From 01/06 An belongs to C and works there; B is back to its own officer.
    assert counts(w, date(2026, 6, 1)) == {"A": (2, 2), "B": (1, 1), "C": (1, 1)}
    # The days before keep their numbers.
    assert counts(w, TODAY) == AN_AT_B
    assert counts(w, date(2026, 5, 31)) == AN_AT_B
    sec.refresh_from_db()
    assert (sec.status, sec.actual_end_date) == (Status.COMPLETED, date(2026, 5, 31))


def test_a_secondment_running_into_a_pending_transfer_is_refused(w, clock, vi):
    transfer = nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1))
    errors = refused(lambda: nominate(w, w.p, w.b, start=date(2026, 5, 1), end=date(2026, 6, 30)))
    assert errors == {
        "planned_end_date": [
            f"Nguyễn Văn An sẽ được điều động đến Xã Ea Tu từ ngày 01/06/2026 (số {transfer.pk}); đợt này phải kết "
            "thúc trước ngày đó."
        ]
    }
    # Ending the day before the transfer is fine.
    approve(w, nominate(w, w.p, w.b, start=date(2026, 5, 1), end=date(2026, 5, 31)))
    approve(w, transfer)
    run(clock, date(2026, 5, 1))
    assert counts(w, date(2026, 5, 31)) == AN_AT_B
    run(clock, date(2026, 6, 1))
    assert counts(w, date(2026, 6, 1)) == {"A": (2, 2), "B": (1, 1), "C": (1, 1)}


def test_a_transfer_decided_while_a_secondment_runs_is_flagged_not_applied(client, w, clock, vi):
    """Recorded before the rules (the model's checks bypassed): the hourly run refuses to apply it."""
    sec = second_an_to_b(w, clock)
    transfer = f.movement(w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1), status=Status.APPROVED)
    assert run(clock, date(2026, 6, 1)) == {"started": 0, "completed": 0, "flagged": 1}
    transfer.refresh_from_db()
    assert transfer.status == Status.APPROVED
    assert transfer.problem == f"Nguyễn Văn An đang được cử đến Xã Hòa Phú (số {sec.pk}) đến hết ngày 30/09/2026."
    # Counted once: at A on the roll and at B at work; C gets nobody, A never goes below zero.
    assert counts(w, date(2026, 6, 1)) == AN_AT_B
    client.force_login(w.official)
    groups = {key: rows for key, _label, rows in client.get(reverse("secondments:movement-alerts")).context["groups"]}
    assert groups["not_applied"] == [transfer]


# Two transfers of one person.


def test_a_second_transfer_is_refused_while_the_first_is_open(w, clock, vi):
    first = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 5, 1)))
    errors = refused(lambda: nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1)))
    assert errors == {
        "person": [
            f"Nguyễn Văn An đã có quyết định điều động đến Xã Hòa Phú (số {first.pk}, đã phê duyệt); mỗi người chỉ "
            "có một quyết định điều động đang chờ hoặc đang thực hiện."
        ]
    }
    assert run(clock, date(2026, 5, 1)) == {"started": 1, "completed": 0, "flagged": 0}
    assert counts(w, date(2026, 4, 30)) == AT_HOME
    assert counts(w, date(2026, 5, 1)) == {"A": (2, 2), "B": (2, 2), "C": NOBODY_AT_C}
    # Once applied, the next transfer starts from the new home unit.
    assert nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1)).from_unit == w.b


def test_a_back_dated_second_transfer_is_flagged_and_changes_no_count(w, clock, vi):
    approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 5, 1)))
    run(clock, date(2026, 5, 2))
    # Nominated from A for 20/04, when An was still placed there; he has been at B since 01/05.
    late = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 4, 20)))
    late.refresh_from_db()
    assert (late.status, late.problem) == (
        Status.APPROVED,
        "Nguyễn Văn An có việc bố trí ghi nhận từ ngày 01/05/2026, sau ngày bắt đầu điều động.",
    )
    assert counts(w, date(2026, 4, 20)) == AT_HOME
    assert counts(w, date(2026, 5, 1)) == {"A": (2, 2), "B": (2, 2), "C": NOBODY_AT_C}


def test_a_second_transfer_starting_the_same_day_is_flagged_not_applied(w, clock, vi):
    first = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=TODAY))
    assert first.status == Status.COMPLETED  # its day has come: applied at approval
    second = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=TODAY))
    assert (second.from_unit, second.status) == (w.b, Status.APPROVED)
    assert second.problem == (
        f"Nguyễn Văn An đã được điều động đến Xã Hòa Phú từ ngày 15/04/2026 (số {first.pk}); không thể có quyết "
        "định điều động thứ hai bắt đầu cùng ngày."
    )
    # The first transfer's placement is as it opened it.
    first.assignment.refresh_from_db()
    assert (first.assignment.unit, first.assignment.valid_from) == (w.b, TODAY)
    assert counts(w, TODAY) == {"A": (2, 2), "B": (2, 2), "C": NOBODY_AT_C}
    assert counts(w, TODAY - timedelta(days=1)) == AT_HOME


def nominate_many(w, n):
    outcomes = []
    for i in range(n):
        try:
            outcomes.append(nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1) + timedelta(days=i)))
        except ValidationError as exc:
            outcomes.append(exc)
    return outcomes


def open_transfer_message(m):
    return (
        f"Nguyễn Văn An đã có quyết định điều động đến Xã Ea Tu (số {m.pk}, đã đề xuất); mỗi người chỉ có một quyết "
        "định điều động đang chờ hoặc đang thực hiện."
    )


def test_twenty_transfer_nominations_of_one_person_store_one(w, clock, vi):
    outcomes = nominate_many(w, 20)
    [stored] = [o for o in outcomes if isinstance(o, Secondment)]
    assert [o.messages for o in outcomes if isinstance(o, ValidationError)] == [[open_transfer_message(stored)]] * 19
    assert Secondment.objects.count() == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers: PostgreSQL")
def test_twenty_simultaneous_transfer_nominations_store_one(transactional_db, clock):
    w = build_world()
    barrier = threading.Barrier(20)
    outcomes = []

    def attempt(i):
        try:
            barrier.wait()
            with translation.override("vi"):  # the language is per thread
                outcomes.append(nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1) + timedelta(days=i)))
        except ValidationError as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [stored] = [o for o in outcomes if isinstance(o, Secondment)]
    refusals = [o.messages for o in outcomes if isinstance(o, ValidationError)]
    database_refusal = "Người này đã có một quyết định điều động đang chờ hoặc đang thực hiện."
    assert len(refusals) == 19
    assert all(m in ([open_transfer_message(stored)], [database_refusal]) for m in refusals)
    assert Secondment.objects.count() == 1
    assert counts(w, date(2026, 6, 1)) == AT_HOME


# Leaving the roll.


def test_leaving_while_seconded_ends_the_running_movement_and_cancels_pending_ones(w, clock, vi):
    sec = second_an_to_b(w, clock)
    pending = nominate(w, w.p, w.c, start=date(2026, 10, 1), end=date(2026, 10, 31))
    transfer = nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 11, 1))
    effects = [
        f"Biệt phái số {sec.pk} đến Xã Hòa Phú kết thúc ngày 31/05/2026.",
        f"Biệt phái số {pending.pk} đến Xã Ea Tu bị hủy.",
        f"Điều động số {transfer.pk} đến Xã Ea Tu bị hủy.",
    ]
    assert staffing.leaving_preview(staff=w.p, last_day=date(2026, 5, 31)) == effects
    assert leave(w, w.p, date(2026, 5, 31)).done == effects
    for m in (sec, pending, transfer):
        m.refresh_from_db()
    assert (sec.actual_end_date, sec.status) == (date(2026, 5, 31), Status.ACTIVE)
    assert (pending.status, transfer.status) == (Status.CANCELLED, Status.CANCELLED)
    assert counts(w, date(2026, 5, 31)) == AN_AT_B
    # From 01/06 An counts nowhere: A has two, B its own officer.
    gone = {"A": (2, 2), "B": (1, 1), "C": NOBODY_AT_C}
    assert counts(w, date(2026, 6, 1)) == gone
    assert run(clock, date(2026, 6, 1))["completed"] == 1
    sec.refresh_from_db()
    assert (sec.actual_end_date, sec.status) == (date(2026, 5, 31), Status.COMPLETED)
    for day in (date(2026, 6, 1), date(2026, 10, 1), date(2026, 11, 1)):
        assert counts(w, day) == gone
    assert counts(w, TODAY) == AN_AT_B


def test_leaving_cancels_a_movement_never_decided_even_if_its_start_date_has_passed(w, clock, vi):
    proposed = nominate(w, w.p, w.b, start=date(2026, 4, 1), end=date(2026, 6, 30))
    assert staffing.leaving_preview(staff=w.p, last_day=date(2026, 4, 10)) == [
        f"Biệt phái số {proposed.pk} đến Xã Hòa Phú bị hủy."
    ]
    leave(w, w.p, date(2026, 4, 10))
    proposed.refresh_from_db()
    assert (proposed.status, proposed.actual_end_date) == (Status.CANCELLED, None)
    assert counts(w, date(2026, 4, 10)) == AT_HOME
    assert counts(w, TODAY) == {"A": (2, 2), "B": (1, 1), "C": NOBODY_AT_C}


def test_leaving_and_its_consequences_are_one_transaction(w, clock, monkeypatch):
    sec = second_an_to_b(w, clock)
    pending = nominate(w, w.p, w.c, start=date(2026, 10, 1), end=date(2026, 10, 31))

    def broken(*args, **kwargs):
        raise RuntimeError("cancel failed")

    monkeypatch.setattr(s, "_cancel", broken)
    with pytest.raises(RuntimeError):
        leave(w, w.p, date(2026, 5, 31))
    for obj in (sec, pending, w.p):
        obj.refresh_from_db()
    assert (w.p.status, w.p.end_date) == (StaffStatus.ACTIVE, None)
    assert (sec.actual_end_date, sec.status, pending.status) == (None, Status.ACTIVE, Status.PROPOSED)
    assert f.placement(w.p).valid_to is None
    assert counts(w, date(2026, 6, 1)) == AN_AT_B


def test_a_pending_transfer_of_someone_who_left_is_cancelled_and_counts_nowhere(w, clock):
    transfer = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 6, 1)))
    leave(w, w.p, date(2026, 5, 31), status=StaffStatus.RETIRED)
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED
    assert run(clock, date(2026, 6, 1)) == {"started": 0, "completed": 0, "flagged": 0}
    assert counts(w, date(2026, 5, 31)) == AT_HOME
    assert counts(w, date(2026, 6, 1)) == {"A": (2, 2), "B": (1, 1), "C": NOBODY_AT_C}


def test_a_decided_transfer_of_someone_who_left_is_flagged_not_applied(client, w, clock, vi):
    """Decided before the rules (cancelling on leaving bypassed): the hourly run does not apply it."""
    leave(w, w.p, date(2026, 5, 31), status=StaffStatus.RETIRED)
    transfer = f.movement(w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 6, 1), status=Status.APPROVED)
    assert run(clock, date(2026, 6, 1)) == {"started": 0, "completed": 0, "flagged": 1}
    transfer.refresh_from_db()
    assert transfer.problem == "Nguyễn Văn An không có trong danh sách biên chế vào ngày 01/06/2026."
    # B is not +1 and A not −1.
    assert counts(w, date(2026, 6, 1)) == {"A": (2, 2), "B": (1, 1), "C": NOBODY_AT_C}
    client.force_login(w.official)
    client.cookies["django_language"] = "vi"
    response = client.get(reverse("secondments:movement-alerts"))
    assert "Nguyễn Văn An không có trong danh sách biên chế vào ngày 01/06/2026." in response.content.decode()


def test_leaving_before_an_applied_transfer_undoes_it(client, w, clock, vi):
    """Someone who really left before a transfer's start can be recorded: the transfer is undone
    (tests/headcount/test_movement_integrity.py has the form, the API and the permission)."""
    transfer = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=TODAY))
    assert transfer.status == Status.COMPLETED
    message = f"Điều động số {transfer.pk} đến Xã Hòa Phú được hủy bỏ (khi đó chưa bắt đầu)."
    assert leave(w, w.p, date(2026, 4, 12)).done == [message]
    transfer.refresh_from_db()
    w.p.refresh_from_db()
    assert (transfer.status, transfer.assignment) == (Status.CANCELLED, None)
    assert (w.p.status, f.placement(w.p, date(2026, 4, 12)).unit, f.placement(w.p, date(2026, 4, 12)).valid_to) == (
        StaffStatus.RESIGNED,
        w.a,
        date(2026, 4, 12),
    )
    assert counts(w, date(2026, 4, 12)) == AT_HOME
    assert counts(w, TODAY) == {"A": (2, 2), "B": (1, 1), "C": NOBODY_AT_C}


def test_the_home_unit_changes_through_an_open_movement_and_a_transfer_checks_the_sender(w, clock, vi):
    transfer = nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 6, 1))
    sec = approve(w, nominate(w, w.q, w.b, start=date(2026, 4, 1), end=date(2026, 9, 30)))

    def move(person, unit):
        person = Staff.objects.get(pk=person.pk)
        return lambda: staffing.placement_change(
            staff=person, by=w.official, version=person.version, effective_from=date(2026, 5, 1), unit=unit
        )

    assert refused(move(w.p, w.c)) == {
        "unit": [
            f"Nguyễn Văn An đang có quyết định điều động số {transfer.pk} đến Xã Hòa Phú; hãy thay đổi đơn vị qua "
            "quyết định đó hoặc hủy nó trước."
        ]
    }
    assert refused(move(w.q, w.c)) == {
        "unit": [
            f"Trần Thị Bình đang được cử đến Xã Hòa Phú (số {sec.pk}) đến hết ngày 30/09/2026; hãy kết thúc đợt đó "
            "trước khi đổi đơn vị quản lý."
        ]
    }
    # Dung moves to Xã Ea Tu from 01/05; a transfer from A decided before the rules is not applied.
    move(w.s, w.c)()
    legacy = f.movement(w.s, w.b, kind=Kind.TRANSFER, start=date(2026, 6, 1), status=Status.APPROVED, from_unit=w.a)
    assert run(clock, date(2026, 6, 1))["flagged"] == 1
    legacy.refresh_from_db()
    assert legacy.problem == "Ngày 01/06/2026, Phạm Thị Dung được bố trí tại Xã Ea Tu, không phải đơn vị cử đi."
    # An (transfer not approved) stays at A; Bình seconded to B; Dung at C.
    assert counts(w, date(2026, 6, 1)) == {"A": (2, 1), "B": (1, 2), "C": (1, 1)}


# Editing a placement rewrites no earlier day.


def test_editing_home_unit_or_field_rewrites_no_past_date(client, w, clock):
    yesterday = TODAY - timedelta(days=1)
    before = {("A", "finance"): (3, 3), ("B", "land"): (1, 1)}
    assert by_field(w, yesterday) == before
    # Bình moves to land from today through the page; Cường to Xã Ea Tu through the service.
    client.force_login(w.official)
    data = {
        "unit": w.a.pk, "position": "", "field": w.land.pk, "category": "civil_servant", "decision_number": "",
        "decision_date": "", "reason": "", "effective_from": TODAY.strftime("%d/%m/%Y"), "version": 1,
    }  # fmt: skip
    assert client.post(reverse("staff-placement", args=[w.q.pk]), data).status_code == 302
    staffing.placement_change(staff=w.r, by=w.official, version=1, effective_from=TODAY, unit=w.c)
    assert by_field(w, yesterday) == before
    assert by_field(w, TODAY) == {("A", "finance"): (2, 2), ("A", "land"): (1, 1), ("C", "land"): (1, 1)}
    # A correction from 01/04 changes the days from 01/04 on, never those before, and says so.
    staffing.placement_change(
        staff=w.s, by=w.official, version=1, effective_from=date(2026, 4, 1), field=w.land,
        reason="Quyết định 5/QĐ-SNV ghi sai lĩnh vực",
    )  # fmt: skip
    assert by_field(w, date(2026, 3, 31)) == before
    assert by_field(w, date(2026, 4, 1)) == {("A", "finance"): (2, 2), ("A", "land"): (1, 1), ("B", "land"): (1, 1)}
    assert by_field(w, TODAY) == {("A", "finance"): (1, 1), ("A", "land"): (2, 2), ("C", "land"): (1, 1)}
    assert Assignment.objects.get(person=w.s, valid_from=date(2026, 4, 1)).change == PlacementChange.CORRECTION


def test_a_back_dated_change_by_a_commune_officer_is_refused_and_changes_nothing(w, clock, vi):
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.b)
    with pytest.raises(PermissionDenied):
        staffing.placement_change(
            staff=w.r, by=officer, version=1, effective_from=date(2026, 4, 1), field=w.finance, reason="Sửa"
        )
    assert by_field(w, date(2026, 4, 1)) == {("A", "finance"): (3, 3), ("B", "land"): (1, 1)}


def test_a_transfer_changing_field_moves_no_past_count(w, clock):
    approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, field=w.land, start=date(2026, 5, 1)))
    before = {("A", "finance"): (3, 3), ("B", "land"): (1, 1)}
    assert by_field(w, date(2026, 4, 30)) == before
    run(clock, date(2026, 5, 1))
    assert by_field(w, date(2026, 4, 30)) == before
    assert by_field(w, TODAY) == before
    assert by_field(w, date(2026, 5, 1)) == {("A", "finance"): (2, 2), ("B", "land"): (2, 2)}


# Ending early and extending.


def test_ending_early_stops_counting_the_next_day(w, clock, vi):
    sec = second_an_to_b(w, clock)
    errors = refused(lambda: s.secondment_end(secondment=sec, by=w.official, on=date(2026, 10, 1)))
    assert errors == {
        "actual_end_date": [
            "Ngày làm việc cuối cùng phải từ ngày bắt đầu (01/04/2026) đến ngày kết thúc theo kế hoạch (30/09/2026)."
        ]
    }
    s.secondment_end(secondment=sec, by=w.official, on=date(2026, 4, 20))
    assert counts(w, date(2026, 4, 20)) == AN_AT_B
    assert counts(w, date(2026, 4, 21)) == AT_HOME
    assert run(clock, date(2026, 4, 21))["completed"] == 1
    sec.refresh_from_db()
    assert (sec.status, sec.actual_end_date) == (Status.COMPLETED, date(2026, 4, 20))
    assert counts(w, date(2026, 4, 20)) == AN_AT_B
    assert counts(w, date(2026, 9, 30)) == AT_HOME


def test_ending_defaults_to_today_and_is_offered_only_once_started(w, clock, vi):
    sec = second_an_to_b(w, clock)
    later = approve(w, nominate(w, w.q, w.c, start=date(2026, 5, 1), end=date(2026, 6, 30)))
    assert "end" not in s.allowed_actions(w.official, later)
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_end(secondment=later, by=w.official)
    assert exc.value.message == "Lượt điều động chưa bắt đầu (ngày bắt đầu 01/05/2026)."
    assert s.secondment_end(secondment=sec, by=w.official).actual_end_date == TODAY
    assert counts(w, TODAY) == AN_AT_B
    assert counts(w, TODAY + timedelta(days=1)) == AT_HOME


def test_an_extension_recorded_on_the_last_day_is_accepted(w, clock, vi):
    sec = second_an_to_b(w, clock, end=date(2026, 4, 30))
    other = approve(w, nominate(w, w.q, w.c, start=date(2026, 4, 1), end=date(2026, 4, 30)))
    run(clock, TODAY)
    # The hourly run on the last day leaves both running.
    assert run(clock, date(2026, 4, 30))["completed"] == 0
    s.secondment_extend(
        secondment=sec, by=w.official, new_end_date=date(2026, 5, 31), decision_number="20/QĐ-UBND",
        decision_date=date(2026, 4, 30),
    )  # fmt: skip
    # The day after its last day, before the run completes it, the other one can no longer be extended.
    clock.day = date(2026, 5, 1)
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_extend(
            secondment=other, by=w.official, new_end_date=date(2026, 5, 31), decision_number="21/QĐ-UBND",
            decision_date=date(2026, 5, 1),
        )  # fmt: skip
    assert exc.value.message == "Đợt này đã kết thúc ngày 30/04/2026; chỉ gia hạn được đến hết ngày cuối cùng của đợt."
    assert run(clock, date(2026, 5, 1))["completed"] == 1  # the other one
    assert counts(w, date(2026, 4, 30)) == {"A": (3, 1), "B": (1, 2), "C": (0, 1)}
    assert counts(w, date(2026, 5, 1)) == AN_AT_B
    assert counts(w, date(2026, 5, 31)) == AN_AT_B
    assert counts(w, date(2026, 6, 1)) == AT_HOME
    assert run(clock, date(2026, 6, 1))["completed"] == 1


# The legal maximum.


def test_a_secondment_without_a_plan_lasts_at_most_36_months(w, clock, vi):
    assert LEGAL_MAX_MONTHS[Kind.SECONDMENT] == 36
    message = (
        "Theo quy định, biệt phái kéo dài tối đa 36 tháng: bắt đầu ngày 01/05/2026 thì phải kết thúc chậm nhất ngày "
        "30/04/2029."
    )
    longest = nominate(w, w.p, w.b, start=date(2026, 5, 1), end=date(2029, 4, 30))
    for end in (date(2029, 5, 1), date(2036, 4, 30)):  # a day over; ten years
        assert refused(lambda end=end: nominate(w, w.q, w.b, start=date(2026, 5, 1), end=end)) == {
            "planned_end_date": [message]
        }
    longest = approve(w, longest)
    errors = refused(
        lambda: s.secondment_extend(
            secondment=longest, by=w.official, new_end_date=date(2029, 5, 1), decision_number="30/QĐ-UBND",
            decision_date=TODAY,
        )
    )  # fmt: skip
    assert errors == {"new_end_date": [message]}
    # A ten-year one recorded before the rule is not approved either.
    legacy = f.movement(w.s, w.b, start=date(2026, 5, 1), end=date(2036, 4, 30), status=Status.PROPOSED)
    assert refused(lambda: approve(w, legacy)) == {"planned_end_date": [message]}
    legacy.refresh_from_db()
    assert legacy.status == Status.PROPOSED
    assert counts(w, date(2029, 4, 30)) == AN_AT_B
    assert counts(w, date(2029, 5, 1)) == AT_HOME


# No silent overwrite.


def test_a_movement_form_post_without_its_version_is_refused(client, w, clock):
    m = nominate(w, w.q, w.c, start=date(2026, 5, 1), end=date(2026, 6, 30), note="Đợt 1")
    client.force_login(w.official)
    client.cookies["django_language"] = "vi"
    data = {
        "person": w.q.pk, "kind": "secondment", "to_unit": w.c.pk, "field": w.finance.pk, "plan": "",
        "start_date": "01/05/2026", "planned_end_date": "30/06/2026", "note": "Đợt 2", "request": "",
    }  # fmt: skip
    url = reverse("secondments:movement-update", args=[m.pk])
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["version"] == [
        "Biểu mẫu được gửi mà không kèm phiên bản của hồ sơ lúc mở; hãy tải lại trang và nhập lại thay đổi."
    ]
    m.refresh_from_db()
    assert (m.note, m.version) == ("Đợt 1", 1)
    # Someone else saves first; a post from the older page is refused, not written over it.
    assert client.post(url, {**data, "note": "Đợt 3", "version": 1}).status_code == 302
    stale = client.post(url, {**data, "note": "Đợt 4", "version": 1})
    assert stale.status_code == 409
    assert (
        "Đã có người khác thay đổi bản ghi này sau khi bạn mở. Các giá trị hiện tại đang được hiển thị; hãy xem lại "
        "và lưu lần nữa nếu thay đổi của bạn vẫn cần thiết." in stale.content.decode()
    )
    m.refresh_from_db()
    assert (m.note, m.version) == ("Đợt 3", 2)


def test_a_staff_form_post_with_an_older_version_does_not_overwrite(client, w, clock):
    client.force_login(w.official)
    data = {
        "staff_code": "NV002", "full_name": "Trần Thị Bình Hai", "gender": "female", "birth_date": "20/05/1985",
        "qualification": "bachelor", "version": 1,
    }  # fmt: skip
    url = reverse("staff-update", args=[w.q.pk])
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "full_name": "Trần Thị Bình Ba"}).status_code == 409
    assert client.post(url, {k: v for k, v in data.items() if k != "version"}).status_code == 400
    w.q.refresh_from_db()
    assert (w.q.full_name, w.q.version) == ("Trần Thị Bình Hai", 2)


# Absences.


def test_absent_people_count_in_establishment_not_in_coverage(client, w, clock):
    staffing.absence_create(
        by=w.official, person=w.q, kind=AbsenceKind.MATERNITY, start_date=date(2026, 4, 1), end_date=date(2026, 9, 30)
    )
    second_an_to_b(w, clock)
    # An is on sick leave while seconded: absent where he works, at B.
    staffing.absence_create(
        by=w.official, person=w.p, kind=AbsenceKind.SICK_LEAVE, start_date=date(2026, 5, 1), end_date=date(2026, 5, 31)
    )
    zero = (0, 0, 0, 0)
    # (on roll, seconded out, seconded in, absent)
    assert parts(w, date(2026, 3, 31)) == {"A": (3, 0, 0, 0), "B": (1, 0, 0, 0), "C": zero}
    assert parts(w, TODAY) == {"A": (3, 1, 0, 1), "B": (1, 0, 1, 0), "C": zero}
    assert parts(w, date(2026, 5, 15)) == {"A": (3, 1, 0, 1), "B": (1, 0, 1, 1), "C": zero}
    assert counts(w, TODAY) == {"A": (3, 1), "B": (1, 2), "C": NOBODY_AT_C}
    assert counts(w, date(2026, 5, 15)) == {"A": (3, 1), "B": (1, 1), "C": NOBODY_AT_C}
    assert counts(w, date(2026, 10, 1)) == AT_HOME
    # The unit page shows the absent column with the same numbers.
    client.force_login(w.official)
    client.cookies["django_language"] = "vi"
    clock.day = date(2026, 5, 15)
    html = client.get(reverse("unit-detail", args=[w.b.code])).content.decode()
    assert '<th scope="col" class="num">Vắng mặt</th>' in html
    assert 'data-total="absent">1<' in html and 'data-total="effective">1<' in html
    html = client.get(reverse("unit-detail", args=[w.a.code])).content.decode()
    assert 'data-total="absent">1<' in html and 'data-total="effective">1<' in html


# The hourly run is bookkeeping: movements recorded before the rules do not stop it.


def test_the_hourly_run_starts_flags_and_completes_movements_recorded_before_the_rules(w, clock, vi):
    # A ten-year secondment decided before the legal maximum, and a transfer decided for someone whose
    # secondment was still running: neither may stop the run for everyone else.
    ten_years = f.movement(w.q, w.c, start=date(2026, 4, 1), end=date(2036, 3, 31), status=Status.APPROVED)
    sec = f.movement(w.p, w.b, start=date(2026, 3, 1), end=date(2026, 9, 30), status=Status.APPROVED)
    transfer = f.movement(w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 4, 10), status=Status.APPROVED)
    assert run(clock, TODAY) == {"started": 2, "completed": 0, "flagged": 1}
    for m in (ten_years, sec, transfer):
        m.refresh_from_db()
    assert (ten_years.status, sec.status, transfer.status) == (Status.ACTIVE, Status.ACTIVE, Status.APPROVED)
    assert transfer.problem == f"Nguyễn Văn An đang được cử đến Xã Hòa Phú (số {sec.pk}) đến hết ngày 30/09/2026."
    assert counts(w, TODAY) == {"A": (3, 1), "B": (1, 2), "C": (0, 1)}
    assert run(clock, date(2026, 10, 1))["completed"] == 1
    sec.refresh_from_db()
    assert (sec.status, sec.actual_end_date) == (Status.COMPLETED, date(2026, 9, 30))


def test_leaving_is_not_blocked_by_a_movement_recorded_before_the_rules(w, clock):
    ten_years = f.movement(w.q, w.c, start=date(2026, 4, 1), end=date(2036, 3, 31), status=Status.ACTIVE)
    leave(w, w.q, date(2029, 6, 30), status=StaffStatus.RETIRED)
    ten_years.refresh_from_db()
    assert (ten_years.actual_end_date, ten_years.status) == (date(2029, 6, 30), Status.ACTIVE)
    assert counts(w, date(2029, 6, 30)) == {"A": (3, 2), "B": (1, 1), "C": (0, 1)}
    assert counts(w, date(2029, 7, 1)) == {"A": (2, 2), "B": (1, 1), "C": NOBODY_AT_C}
    assert run(clock, date(2029, 7, 1))["completed"] == 1


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL's exclusion constraint forbids the data")
def test_the_hourly_run_completes_overlapping_movements_recorded_before_the_rules(w, clock):
    first = f.movement(w.p, w.b, start=date(2026, 3, 1), end=date(2026, 4, 30), status=Status.ACTIVE)
    second = f.movement(w.p, w.c, start=date(2026, 4, 15), end=date(2026, 5, 31), status=Status.ACTIVE)
    assert run(clock, date(2026, 6, 1))["completed"] == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.COMPLETED, Status.COMPLETED)
