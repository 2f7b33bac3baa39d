"""Movement integrity: cancelling, transfers applied at approval, leaving before a transfer, alerts.

The world is the sequences' (conftest): Sở Tài chính (A) has three finance staff — An (p), Bình
(q), Dung (s); Xã Hòa Phú (B) has one land officer, Cường (r); Xã Ea Tu (C) has nobody. "Today" is
15/04/2026 unless a test moves the clock. ``counts`` gives each unit's (establishment, coverage) on
a day, worked out by hand; refusals are asserted in Vietnamese.
"""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from communes.models import Unit
from headcount import summary
from headcount.models import UnitFieldSummary
from headcount.selectors import summed_sql
from reports.selectors import province_dashboard
from secondments import services as s
from secondments.models import Kind, Status
from staffing import services as staffing
from staffing.models import Category, Staff, StaffStatus
from tests import factories as f
from tests.headcount.conftest import by_field, counts

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 15)
TOMORROW = TODAY + timedelta(days=1)
HIRED = date(2000, 1, 1)
AT_HOME = {"A": (3, 3), "B": (1, 1), "C": (0, 0)}
AN_AT_B = {"A": (3, 2), "B": (1, 2), "C": (0, 0)}
# An transferred from A to C.
AN_IN_C = {"A": (2, 2), "B": (1, 1), "C": (1, 1)}
# An off the roll.
AN_GONE = {"A": (2, 2), "B": (1, 1), "C": (0, 0)}


def nominate(w, person, to_unit, *, kind=Kind.SECONDMENT, start, end=None):
    return s.secondment_create(
        by=w.official, person=person, to_unit=to_unit, field=w.finance, kind=kind,
        start_date=start, planned_end_date=end, propose=True,
    )  # fmt: skip


def approve(w, m):
    return s.secondment_approve(secondment=m, by=w.official, decision_number="10/QĐ-UBND", decision_date=TODAY)


def run(clock, day):
    clock.day = day
    return s.advance_movements(today=day)


def leave(person, last_day, by, status=StaffStatus.RESIGNED):
    person = Staff.objects.get(pk=person.pk)
    return staffing.staff_leave(staff=person, by=by, version=person.version, status=status, end_date=last_day)


def placements(person):
    return list(person.assignments.order_by("valid_from").values_list("unit__name", "valid_from", "valid_to"))


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "vi"
    return api


def summary_on_roll(w):
    """{unit letter: people on the roll} as today's summary stores them."""
    names = {u.pk: k for k, u in w.units.items()}
    out = dict.fromkeys(w.units, 0)
    for unit_id, n in UnitFieldSummary.objects.filter(unit__in=names).values_list("unit_id", "on_roll"):
        out[names[unit_id]] += n
    return out


def assert_summary_is_live(day):
    sql, params = summed_sql(Unit.objects.all(), day)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        live = sorted(tuple(r) for r in cursor.fetchall())
    stored = sorted(
        UnitFieldSummary.objects.values_list(
            "unit_id", "field_id", "quota", "on_roll", "seconded_out", "seconded_in", "absent"
        )
    )
    assert stored == live


# 1. A movement that has started is ended, not cancelled.

STARTED_MESSAGE = (
    "Lượt điều động này đã bắt đầu từ ngày 01/04/2026 nên không thể hủy: hủy sẽ xóa những ngày đã thực hiện. "
    "Hãy kết thúc lượt điều động (kết thúc ghi nhận ngày làm việc cuối cùng)."
)


def test_a_running_movement_cannot_be_cancelled_by_service_page_or_api(client, w, clock, vi):
    sec = approve(w, nominate(w, w.p, w.b, start=date(2026, 4, 1), end=date(2026, 9, 30)))
    run(clock, TODAY)
    sec.refresh_from_db()
    assert sec.status == Status.ACTIVE
    actions = s.allowed_actions(w.official, sec)
    assert "cancel" not in actions and "end" in actions
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_cancel(secondment=sec, by=w.official, reason="Nhập nhầm")
    assert exc.value.message == STARTED_MESSAGE
    # The page offers "end", not "cancel"; a posted cancel is refused with the message.
    client.force_login(w.official)
    client.cookies["django_language"] = "vi"
    page = client.get(reverse("secondments:movement-detail", args=[sec.pk])).content.decode()
    assert 'data-action="end"' in page and 'data-action="cancel"' not in page
    response = client.post(reverse("secondments:movement-action", args=[sec.pk, "cancel"]), {"reason": "x"})
    assert response.status_code == 409
    assert STARTED_MESSAGE in response.content.decode()
    response = api_as(w.official).post(f"/api/v1/movements/{sec.pk}/cancel/", {}, format="json")
    assert (response.status_code, response.json()["detail"]) == (409, STARTED_MESSAGE)
    sec.refresh_from_db()
    assert sec.status == Status.ACTIVE
    # The days it ran keep counting An at B.
    for day in (date(2026, 4, 1), TODAY):
        assert counts(w, day) == AN_AT_B
    # Ending records today as the last day: B keeps him today, A has him back tomorrow.
    s.secondment_end(secondment=sec, by=w.official, on=TODAY)
    assert counts(w, date(2026, 4, 1)) == AN_AT_B
    assert counts(w, TODAY) == AN_AT_B
    assert counts(w, TOMORROW) == AT_HOME


def test_movements_not_started_or_never_decided_can_still_be_cancelled(w, clock, vi):
    starting_today = approve(w, nominate(w, w.q, w.c, start=TODAY, end=date(2026, 6, 30)))
    starting_tomorrow = approve(w, nominate(w, w.s, w.c, start=TOMORROW, end=date(2026, 6, 30)))
    never_decided = nominate(w, w.p, w.b, start=date(2026, 4, 1), end=date(2026, 6, 30))
    assert "cancel" not in s.allowed_actions(w.official, starting_today)
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_cancel(secondment=starting_today, by=w.official)
    assert exc.value.message.startswith("Lượt điều động này đã bắt đầu từ ngày 15/04/2026 nên không thể hủy")
    for m in (starting_tomorrow, never_decided):
        assert "cancel" in s.allowed_actions(w.official, m)
        assert s.secondment_cancel(secondment=m, by=w.official, reason="Đổi người").status == Status.CANCELLED
    # Only Bình works at C (seconded from A): A 3 on the roll, 2 at work.
    assert counts(w, TOMORROW) == {"A": (3, 2), "B": (1, 1), "C": (0, 1)}


# 2. A transfer is applied when it is approved, from its start date.


def test_an_approved_transfer_counts_from_its_start_without_waiting_for_the_hourly_run(w, clock):
    summary.rebuild(TODAY)
    transfer = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 5, 1)))
    transfer.refresh_from_db()
    assert (transfer.status, transfer.assignment.unit, transfer.assignment.valid_from) == (
        Status.APPROVED,
        w.c,
        date(2026, 5, 1),
    )
    assert placements(w.p) == [("Sở Tài chính", HIRED, date(2026, 4, 30)), ("Xã Ea Tu", date(2026, 5, 1), None)]
    assert counts(w, TODAY) == AT_HOME
    assert counts(w, date(2026, 4, 30)) == AT_HOME
    assert counts(w, date(2026, 5, 1)) == AN_IN_C
    # Today's summary, refreshed in the same transaction, does not change: the placement is future.
    assert summary_on_roll(w) == {"A": 3, "B": 1, "C": 0}
    assert_summary_is_live(TODAY)
    # Midnight of 01/05, before the hourly run: the day's counts are already right.
    clock.day = date(2026, 5, 1)
    assert counts(w, date(2026, 5, 1)) == AN_IN_C
    call_command("refresh_summary", "--if-stale", verbosity=0)  # the scheduled rebuild on a new day
    assert summary_on_roll(w) == {"A": 2, "B": 1, "C": 1}
    assert_summary_is_live(date(2026, 5, 1))
    # The hourly run only marks it completed; the record does not change.
    assert run(clock, date(2026, 5, 1)) == {"started": 1, "completed": 0, "flagged": 0}
    transfer.refresh_from_db()
    assert transfer.status == Status.COMPLETED
    assert placements(w.p) == [("Sở Tài chính", HIRED, date(2026, 4, 30)), ("Xã Ea Tu", date(2026, 5, 1), None)]
    assert run(clock, date(2026, 5, 1)) == {"started": 0, "completed": 0, "flagged": 0}
    assert counts(w, date(2026, 4, 30)) == AT_HOME
    assert counts(w, date(2026, 5, 1)) == AN_IN_C
    assert_summary_is_live(date(2026, 5, 1))


def test_cancelling_an_applied_transfer_before_its_start_takes_back_its_placement(w, clock, vi):
    summary.rebuild(TODAY)
    transfer = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 5, 1)))
    assert "cancel" in s.allowed_actions(w.official, transfer)
    s.secondment_cancel(secondment=transfer, by=w.official, reason="Đổi kế hoạch")
    transfer.refresh_from_db()
    assert (transfer.status, transfer.assignment) == (Status.CANCELLED, None)
    assert placements(w.p) == [("Sở Tài chính", HIRED, None)]
    for day in (TODAY, date(2026, 5, 1)):
        assert counts(w, day) == AT_HOME
    assert_summary_is_live(TODAY)


def test_a_transfer_that_took_effect_cannot_be_cancelled(w, clock, vi):
    transfer = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 5, 1)))
    clock.day = date(2026, 5, 1)  # before the hourly run: still approved, already counted at C
    assert "cancel" not in s.allowed_actions(w.official, transfer)
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_cancel(secondment=transfer, by=w.official)
    assert exc.value.message == "Quyết định điều động này đã có hiệu lực từ ngày 01/05/2026 nên không thể hủy."
    assert counts(w, date(2026, 5, 1)) == AN_IN_C


def test_a_placement_change_before_the_start_rebuilds_the_transfer_on_the_new_placement(w, clock):
    transfer = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 6, 1)))
    first = transfer.assignment
    p = Staff.objects.get(pk=w.p.pk)
    # From 01/05 An works in land at A, under a labour contract.
    staffing.placement_change(
        staff=p, by=w.official, version=p.version, effective_from=date(2026, 5, 1), field=w.land,
        category=Category.CONTRACT,
    )  # fmt: skip
    transfer.refresh_from_db()
    assert transfer.status == Status.APPROVED and transfer.problem == ""
    assert transfer.assignment.pk != first.pk
    columns = ("unit", "field", "category", "valid_from", "valid_to")
    rows = list(w.p.assignments.order_by("valid_from").values_list(*columns))
    assert rows == [
        (w.a.pk, w.finance.pk, Category.CIVIL_SERVANT, HIRED, date(2026, 4, 30)),
        (w.a.pk, w.land.pk, Category.CONTRACT, date(2026, 5, 1), date(2026, 5, 31)),
        # The transfer's placement keeps the new category.
        (w.c.pk, w.finance.pk, Category.CONTRACT, date(2026, 6, 1), None),
    ]
    before = {("A", "finance"): (3, 3), ("B", "land"): (1, 1)}
    assert by_field(w, TODAY) == before
    assert by_field(w, date(2026, 5, 1)) == {("A", "finance"): (2, 2), ("A", "land"): (1, 1), ("B", "land"): (1, 1)}
    assert by_field(w, date(2026, 6, 1)) == {("A", "finance"): (2, 2), ("B", "land"): (1, 1), ("C", "finance"): (1, 1)}


# 3. Leaving before an applied transfer's start.


def undone(transfer):
    return f"Điều động số {transfer.pk} đến Xã Hòa Phú được hủy bỏ (khi đó chưa bắt đầu)."


def test_leaving_before_an_applied_transfer_in_advance_undoes_it(w, clock, vi):
    summary.rebuild(TODAY)
    transfer = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 6, 1)))
    assert staffing.leaving_preview(staff=w.p, last_day=date(2026, 5, 31)) == [undone(transfer)]
    # Dated ahead: not a correction.
    assert leave(w.p, date(2026, 5, 31), by=w.official).done == [undone(transfer)]
    transfer.refresh_from_db()
    assert (transfer.status, transfer.assignment) == (Status.CANCELLED, None)
    assert transfer.note == "Đã hủy: Thôi trong danh sách biên chế từ sau ngày 31/05/2026"
    assert placements(w.p) == [("Sở Tài chính", HIRED, date(2026, 5, 31))]
    assert counts(w, date(2026, 5, 31)) == AT_HOME
    assert counts(w, date(2026, 6, 1)) == AN_GONE
    assert_summary_is_live(TODAY)
    assert run(clock, date(2026, 6, 1)) == {"started": 0, "completed": 0, "flagged": 0}


def test_a_back_dated_leaving_before_an_applied_transfer_is_a_correction_by_the_province(client, w, clock, vi):
    transfer = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=TODAY))
    assert transfer.status == Status.COMPLETED
    assert counts(w, TODAY) == {"A": (2, 2), "B": (2, 2), "C": (0, 0)}
    # An in fact left on 12/04. The commune officer now over him may not correct the past.
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.b)
    with pytest.raises(PermissionDenied) as exc:
        leave(w.p, date(2026, 4, 12), by=officer)
    assert str(exc.value) == "Chỉ công chức cấp tỉnh mới được ghi nhận điều chỉnh có hiệu lực từ ngày đã qua."
    transfer.refresh_from_db()
    assert (transfer.status, transfer.assignment.unit) == (Status.COMPLETED, w.b)
    assert counts(w, TODAY) == {"A": (2, 2), "B": (2, 2), "C": (0, 0)}
    # The province official's form lists what it undoes, then records it.
    client.force_login(w.official)
    client.cookies["django_language"] = "vi"
    url = reverse("staff-deactivate", args=[w.p.pk])
    data = {"status": "retired", "end_date": "12/04/2026", "version": Staff.objects.get(pk=w.p.pk).version}
    preview = client.post(url, data)
    assert preview.status_code == 200
    assert undone(transfer) in preview.content.decode()
    transfer.refresh_from_db()
    assert transfer.status == Status.COMPLETED  # nothing saved before confirmation
    assert client.post(url, {**data, "confirmed": "True"}).status_code == 302
    transfer.refresh_from_db()
    assert (transfer.status, transfer.assignment) == (Status.CANCELLED, None)
    assert placements(w.p) == [("Sở Tài chính", HIRED, date(2026, 4, 12))]
    assert counts(w, date(2026, 4, 12)) == AT_HOME
    for day in (date(2026, 4, 13), TODAY):
        assert counts(w, day) == AN_GONE


def test_the_api_undoes_the_transfer_when_someone_left_before_it(w, clock, vi):
    transfer = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=TODAY))
    p = Staff.objects.get(pk=w.p.pk)
    response = api_as(w.official).post(
        f"/api/v1/staff/{p.pk}/deactivate/",
        {"status": "retired", "end_date": "2026-04-12", "version": p.version},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["done"] == [undone(transfer)]
    transfer.refresh_from_db()
    assert transfer.status == Status.CANCELLED
    assert counts(w, TODAY) == AN_GONE


# 4. A transfer that could not be applied is one alert.


def test_a_transfer_not_applied_is_listed_once_and_the_dashboard_agrees(client, w, clock, vi):
    sec = approve(w, nominate(w, w.q, w.b, start=date(2026, 4, 1), end=date(2026, 5, 10)))
    # Recorded before the rules: An has left, yet a transfer of his is approved from 10/04.
    leave(w.p, date(2026, 4, 5), by=w.official)
    transfer = f.movement(w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 4, 10), status=Status.APPROVED)
    assert run(clock, TODAY)["flagged"] == 1
    client.force_login(w.official)
    groups = {key: rows for key, _l, rows in client.get(reverse("secondments:movement-alerts")).context["groups"]}
    assert groups == {"ending_soon": [sec], "overdue": [], "not_started": [sec], "not_applied": [transfer]}
    report = province_dashboard(w.province, as_of=TODAY)
    assert report.kpis.ending_soon == len(groups["ending_soon"]) == 1
    # Never applied, it has no days in the record: it can still be cancelled, which clears the alert.
    assert "cancel" in s.allowed_actions(w.official, transfer)
    s.secondment_cancel(secondment=transfer, by=w.official, reason="Người đã nghỉ")
    groups = {key: rows for key, _l, rows in client.get(reverse("secondments:movement-alerts")).context["groups"]}
    assert groups["not_applied"] == []


def test_the_decision_generated_later_is_cited_by_the_transfers_placement(w, clock):
    transfer = approve(w, nominate(w, w.p, w.c, kind=Kind.TRANSFER, start=date(2026, 5, 1)))
    assert (transfer.assignment.decision_number, transfer.assignment.decision_date) == ("10/QĐ-UBND", TODAY)
    s.secondment_decision_record(
        secondment=transfer, by=w.official, decision_number="130/QĐ-SNV", decision_date=date(2026, 4, 14)
    )
    transfer.assignment.refresh_from_db()
    assert (transfer.assignment.decision_number, transfer.assignment.decision_date) == (
        "130/QĐ-SNV",
        date(2026, 4, 14),
    )
    assert counts(w, date(2026, 5, 1)) == AN_IN_C


def test_undoing_a_transfer_on_leaving_is_one_transaction(w, clock, monkeypatch):
    transfer = approve(w, nominate(w, w.p, w.b, kind=Kind.TRANSFER, start=date(2026, 6, 1)))

    def broken(**kwargs):
        raise RuntimeError("withdraw failed")

    monkeypatch.setattr(staffing, "placement_withdraw", broken)
    with pytest.raises(RuntimeError):
        leave(w.p, date(2026, 5, 31), by=w.official)
    transfer.refresh_from_db()
    w.p.refresh_from_db()
    assert (transfer.status, transfer.assignment.unit) == (Status.APPROVED, w.b)
    assert (w.p.status, w.p.end_date) == (StaffStatus.ACTIVE, None)
    assert placements(w.p) == [("Sở Tài chính", HIRED, date(2026, 5, 31)), ("Xã Hòa Phú", date(2026, 6, 1), None)]
    assert counts(w, date(2026, 6, 1)) == {"A": (2, 2), "B": (2, 2), "C": (0, 0)}
