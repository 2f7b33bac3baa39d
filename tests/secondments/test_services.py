"""Transitions: who may take each one, what each rule refuses, and what history they leave."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Role
from secondments import services as s
from secondments.models import Extension, Kind, RequestStatus, Secondment, Status
from staffing.models import Assignment, StaffStatus
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db

START, END = date(2025, 8, 1), date(2025, 12, 31)
# A movement running today: what can be extended or ended early.
TODAY = timezone.localdate()
NOW_START, NOW_END = TODAY - timedelta(days=30), TODAY + timedelta(days=30)


@pytest.fixture
def w():
    return b.World()


def users(w):
    return {
        Role.NATIONAL_VIEWER: f.user(Role.NATIONAL_VIEWER),
        Role.API_CLIENT: f.user(Role.API_CLIENT, prov=w.province),
        Role.PROVINCE_OFFICIAL: f.user(Role.PROVINCE_OFFICIAL, prov=w.province),
        Role.DEPARTMENT_OFFICER: f.user(Role.DEPARTMENT_OFFICER, unit=w.dept),
        Role.COMMUNE_OFFICER: f.user(Role.COMMUNE_OFFICER, unit=w.commune),
    }


# action -> (status to start from, call)
ACTIONS = {
    "propose": (Status.DRAFT, lambda m, u: s.secondment_propose(secondment=m, by=u)),
    "approve": (
        Status.PROPOSED,
        lambda m, u: s.secondment_approve(
            secondment=m, by=u, decision_number="45/QĐ-UBND", decision_date=date(2025, 7, 25)
        ),
    ),
    "confirm_arrival": (Status.APPROVED, lambda m, u: s.secondment_confirm_arrival(secondment=m, by=u, on=START)),
    "extend": (
        Status.ACTIVE,
        lambda m, u: s.secondment_extend(
            secondment=m,
            by=u,
            new_end_date=NOW_END + timedelta(days=90),
            decision_number="9/QĐ-UBND",
            decision_date=TODAY,
        ),
    ),
    "end": (Status.ACTIVE, lambda m, u: s.secondment_end(secondment=m, by=u, on=TODAY - timedelta(days=1))),
    "cancel": (Status.PROPOSED, lambda m, u: s.secondment_cancel(secondment=m, by=u, reason="Không còn nhu cầu")),
}
ALLOWED = {
    "propose": {Role.PROVINCE_OFFICIAL, Role.DEPARTMENT_OFFICER},
    "approve": {Role.PROVINCE_OFFICIAL},
    "confirm_arrival": {Role.COMMUNE_OFFICER},
    "extend": {Role.PROVINCE_OFFICIAL},
    "end": {Role.PROVINCE_OFFICIAL},
    "cancel": {Role.PROVINCE_OFFICIAL},
}
RESULT = {
    "propose": Status.PROPOSED,
    "approve": Status.APPROVED,
    "confirm_arrival": Status.ACTIVE,
    "extend": Status.ACTIVE,
    "end": Status.COMPLETED,  # ended yesterday: completed at once
    "cancel": Status.CANCELLED,
}
MESSAGES = {
    "propose": "Only the sending unit's department officer or a province official can propose this movement.",
    "approve": "Only a province official can approve movements.",
    "confirm_arrival": "Only the receiving unit's officer can confirm arrival.",
    "extend": "Only a province official can extend movements.",
    "end": "Only a province official can end movements.",
    "cancel": "Only a province official can cancel movements.",
}


@pytest.mark.parametrize("role", [r.value for r in Role])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_transition_matrix(w, action, role):
    status, call = ACTIONS[action]
    start, end = (NOW_START, NOW_END) if action in ("extend", "end") else (START, END)
    m = f.movement(w.people[0], w.commune, status=status, plan=w.plan, start=start, end=end)
    user = users(w)[role]
    if role in ALLOWED[action]:
        result = call(m, user)
        assert result.status == RESULT[action]
        last = m.history.first()
        assert last.history_user == user
        assert last.status == RESULT[action]
    else:
        with pytest.raises(PermissionDenied) as exc:
            call(m, user)
        assert str(exc.value) == MESSAGES[action]
        m.refresh_from_db()
        assert m.status == status
        assert m.history.count() == 1


@pytest.mark.parametrize(
    ("action", "status", "message"),
    [
        ("propose", Status.PROPOSED, "A movement that is proposed cannot be proposed."),
        ("approve", Status.DRAFT, "A movement that is draft cannot be approved."),
        ("approve", Status.APPROVED, "A movement that is approved cannot be approved."),
        ("extend", Status.COMPLETED, "A movement that is completed cannot be extended."),
        ("cancel", Status.COMPLETED, "A movement that is completed cannot be cancelled."),
        ("cancel", Status.CANCELLED, "A movement that is cancelled cannot be cancelled."),
        ("end", Status.PROPOSED, "A movement that is proposed cannot be ended."),
    ],
)
def test_transitions_from_the_wrong_state_are_conflicts(w, action, status, message):
    m = f.movement(w.people[0], w.commune, status=status, plan=w.plan)
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    with pytest.raises(s.TransitionError) as exc:
        ACTIONS[action][1](m, official)
    assert exc.value.message == message


def test_department_officer_of_another_unit_cannot_propose(w):
    other = f.user(Role.DEPARTMENT_OFFICER, unit=f.department("Sở Y tế"))
    with pytest.raises(PermissionDenied):
        s.secondment_create(
            by=other, person=w.people[0], to_unit=w.commune, field=w.finance, kind=Kind.SECONDMENT,
            start_date=START, planned_end_date=END, plan=w.plan, propose=True,
        )  # fmt: skip
    assert not Secondment.objects.exists()


def test_province_official_of_another_province_cannot_approve(w):
    m = f.movement(w.people[0], w.commune, status=Status.PROPOSED, plan=w.plan)
    stranger = f.user(Role.PROVINCE_OFFICIAL, prov=w.far_province)
    with pytest.raises(PermissionDenied):
        ACTIONS["approve"][1](m, stranger)


def nominate(w, by=None, **changes):
    values = {
        "by": by or f.user(Role.DEPARTMENT_OFFICER, unit=w.dept),
        "person": w.people[0],
        "to_unit": w.commune,
        "field": w.finance,
        "kind": Kind.SECONDMENT,
        "start_date": START,
        "planned_end_date": END,
        "plan": w.plan,
        "propose": True,
    }
    values.update(changes)
    return s.secondment_create(**values)


def test_nomination_creates_a_proposed_movement_from_the_home_unit(w):
    m = nominate(w)
    assert (m.status, m.from_unit, m.to_unit, m.version) == (Status.PROPOSED, w.dept, w.commune, 1)
    assert m.history.first().history_change_reason == "Proposed"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"planned_end_date": date(2025, 7, 31)},
            None,
            "The planned end date must not be before the start date.",
        ),
        ({"to_unit": "dept"}, None, "The receiving unit must differ from the sending unit."),
        (
            {"planned_end_date": date(2025, 8, 3)},
            "planned_end_date",
            "The duration (3 days) must be between 7 and 1096 days under this plan.",
        ),
        (
            {"start_date": "after the plan", "planned_end_date": None},
            "start_date",
            "The start date must fall within the plan's period (01/07/2025–{end}).",
        ),
    ],
)
def test_nomination_rules(w, changes, field, message):
    if changes.get("to_unit") == "dept":
        changes["to_unit"] = w.dept
    if changes.get("start_date") == "after the plan":
        after = w.plan.period_end + timedelta(days=4)
        changes = {"start_date": after, "planned_end_date": after + timedelta(days=31)}
        message = message.format(end=f"{w.plan.period_end:%d/%m/%Y}")
    with pytest.raises(ValidationError) as exc:
        nominate(w, **changes)
    assert message in exc.value.message_dict[field or "__all__"]
    assert not Secondment.objects.exists()


def test_plan_duration_bounds_both_ways(w):
    w.plan.min_duration_days, w.plan.max_duration_days = 90, 180
    w.plan.save()
    with pytest.raises(ValidationError) as exc:
        nominate(w, planned_end_date=date(2026, 3, 1))  # 213 days
    assert exc.value.message_dict["planned_end_date"] == [
        "The duration (213 days) must be between 90 and 180 days under this plan."
    ]
    assert nominate(w, planned_end_date=date(2025, 10, 29)).duration_days == 90


def test_kind_not_allowed_by_plan(w):
    w.plan.allowed_kinds = [Kind.SECONDMENT]
    w.plan.save()
    with pytest.raises(ValidationError) as exc:
        nominate(w, kind=Kind.ROTATION)
    assert exc.value.message_dict["kind"] == ["The plan does not allow movements of this kind (Rotation)."]


def test_inactive_person_cannot_be_nominated(w):
    person = w.people[1]
    person.status, person.end_date = StaffStatus.RETIRED, date(2025, 6, 30)
    person.save()
    with pytest.raises(ValidationError) as exc:
        nominate(w, person=person)
    assert exc.value.message_dict["person"] == ["Trần Thị Bình is not active (Retired) and cannot be moved."]


def test_sender_must_be_home_unit_at_approval(w):
    m = nominate(w)
    # Placed at Xã Ea Tu from the movement's start (a correction recorded after the nomination).
    placed = f.placement(w.people[0])
    placed.valid_to = START - timedelta(days=1)
    placed.save()
    Assignment.objects.create(
        person=w.people[0], unit=w.other_commune, field=w.finance, category="civil_servant", valid_from=START
    )
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    with pytest.raises(ValidationError) as exc:
        s.secondment_approve(secondment=m, by=official, decision_number="1/QĐ", decision_date=START)
    assert exc.value.message_dict["from_unit"] == [
        "The sending unit must be the person's home unit on the start date (Xã Ea Tu)."
    ]
    m.refresh_from_db()
    assert m.status == Status.PROPOSED


def test_overlap_names_the_conflicting_movement(w):
    first = f.movement(w.people[0], w.other_commune, start=date(2025, 9, 1), end=date(2025, 9, 30))
    with pytest.raises(ValidationError) as exc:
        nominate(w)
    assert exc.value.messages == [
        f"Nguyễn Văn An already has a movement to Xã Ea Tu from 01/09/2025 to 30/09/2025 (no. {first.pk}); "
        "one person can have only one temporary movement at a time."
    ]
    assert Secondment.objects.count() == 1


@pytest.mark.parametrize(("number", "day", "errors"), [
    ("", START, {"decision_number": ["Enter the decision number."]}),
    ("  ", None, {"decision_number": ["Enter the decision number."], "decision_date": ["Enter the decision date."]}),
])  # fmt: skip
def test_approval_needs_a_decision(w, number, day, errors):
    m = nominate(w)
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    with pytest.raises(ValidationError) as exc:
        s.secondment_approve(secondment=m, by=official, decision_number=number, decision_date=day)
    assert exc.value.message_dict == errors
    m.refresh_from_db()
    assert m.status == Status.PROPOSED


def test_approving_beyond_the_sending_quota_needs_a_reason(w):
    b.fixed_quota(w.plan, w.dept, 1)
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    first = nominate(w)
    s.secondment_approve(secondment=first, by=official, decision_number="1/QĐ", decision_date=START)
    second = nominate(w, person=w.people[1])
    with pytest.raises(ValidationError) as exc:
        s.secondment_approve(secondment=second, by=official, decision_number="2/QĐ", decision_date=START)
    assert exc.value.message_dict["over_quota_reason"] == [
        "Sở Tài chính is to send at most 1 people under this plan and 1 are already approved; "
        "state a reason to approve beyond its quota."
    ]
    second.refresh_from_db()
    assert second.status == Status.PROPOSED
    approved = s.secondment_approve(
        secondment=second, by=official, decision_number="2/QĐ", decision_date=START,
        over_quota_reason="Xã thiếu 2 kế toán",
    )  # fmt: skip
    assert (approved.status, approved.over_quota_reason) == (Status.APPROVED, "Xã thiếu 2 kế toán")


def test_extension_keeps_history_and_respects_bounds(w):
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, plan=w.plan, start=NOW_START, end=NOW_END)
    with pytest.raises(ValidationError) as exc:
        s.secondment_extend(
            secondment=m, by=official, new_end_date=NOW_END, decision_number="9/QĐ", decision_date=TODAY
        )
    assert exc.value.message_dict["new_end_date"] == [
        f"The new end date must be after the current end date ({NOW_END:%d/%m/%Y})."
    ]
    too_long = NOW_START + timedelta(days=1096)  # day 1097 of the movement
    with pytest.raises(ValidationError) as exc:
        s.secondment_extend(
            secondment=m, by=official, new_end_date=too_long, decision_number="9/QĐ", decision_date=TODAY
        )
    assert exc.value.message_dict["new_end_date"] == [
        "With the extension the movement would last 1097 days; the plan allows at most 1096."
    ]
    first, second = NOW_END + timedelta(days=90), NOW_END + timedelta(days=181)
    s.secondment_extend(secondment=m, by=official, new_end_date=first, decision_number="9/QĐ", decision_date=TODAY)
    s.secondment_extend(secondment=m, by=official, new_end_date=second, decision_number="15/QĐ", decision_date=TODAY)
    m.refresh_from_db()
    assert m.planned_end_date == second
    assert list(Extension.objects.values_list("previous_end_date", "new_end_date", "decision_number")) == [
        (NOW_END, first, "9/QĐ"),
        (first, second, "15/QĐ"),
    ]
    assert [h.planned_end_date for h in m.history.order_by("history_id")] == [NOW_END, first, second]


def test_extension_on_the_last_day_but_not_after(w):
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    last_day = f.movement(w.people[0], w.commune, status=Status.ACTIVE, start=NOW_START, end=TODAY)
    s.secondment_extend(
        secondment=last_day,
        by=official,
        new_end_date=TODAY + timedelta(days=30),
        decision_number="3/QĐ",
        decision_date=TODAY,
    )
    over = f.movement(w.people[1], w.commune, status=Status.ACTIVE, start=NOW_START, end=TODAY - timedelta(days=1))
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_extend(
            secondment=over,
            by=official,
            new_end_date=TODAY + timedelta(days=30),
            decision_number="3/QĐ",
            decision_date=TODAY,
        )
    assert exc.value.message == (
        f"The movement ended on {TODAY - timedelta(days=1):%d/%m/%Y}; it can be extended until its last day."
    )


def test_extension_into_another_movement_is_refused(w):
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, start=NOW_START, end=NOW_END)
    later = NOW_END + timedelta(days=10)
    nxt = f.movement(w.people[0], w.other_commune, start=later, end=later + timedelta(days=60))
    with pytest.raises(ValidationError) as exc:
        s.secondment_extend(
            secondment=m,
            by=official,
            new_end_date=later + timedelta(days=5),
            decision_number="9/QĐ",
            decision_date=TODAY,
        )
    assert f"(no. {nxt.pk})" in exc.value.messages[0]
    m.refresh_from_db()
    assert m.planned_end_date == NOW_END
    assert not Extension.objects.exists()


def test_ending_records_the_actual_last_day_never_after_the_planned_end(w):
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    m = f.movement(w.people[0], w.commune, status=Status.ACTIVE, start=NOW_START, end=NOW_END)
    with pytest.raises(ValidationError) as exc:
        s.secondment_end(secondment=m, by=official, on=NOW_END + timedelta(days=1))
    assert exc.value.message_dict["actual_end_date"] == [
        f"The last day must be between the start date ({NOW_START:%d/%m/%Y}) and the planned end date "
        f"({NOW_END:%d/%m/%Y})."
    ]
    # Today by default: still active today (it counts today), completed by tomorrow's run.
    done = s.secondment_end(secondment=m, by=official)
    assert (done.status, done.actual_end_date, done.end_date) == (Status.ACTIVE, TODAY, TODAY)
    s.advance_movements(today=TODAY)
    m.refresh_from_db()
    assert m.status == Status.ACTIVE
    s.advance_movements(today=TODAY + timedelta(days=1))
    m.refresh_from_db()
    assert (m.status, m.actual_end_date) == (Status.COMPLETED, TODAY)


def test_ending_is_offered_only_once_the_movement_has_started(w):
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=TODAY + timedelta(days=3), end=NOW_END)
    assert "end" not in s.allowed_actions(official, m)
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_end(secondment=m, by=official)
    assert exc.value.message == f"The movement has not started yet (start date {TODAY + timedelta(days=3):%d/%m/%Y})."


def test_arrival_cannot_be_confirmed_before_start_or_twice(w):
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.commune)
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=START, end=END)
    with pytest.raises(ValidationError) as exc:
        s.secondment_confirm_arrival(secondment=m, by=officer, on=date(2025, 7, 31))
    assert exc.value.message_dict["arrival_date"] == [
        "The arrival date must be between the start date (01/08/2025) and today."
    ]
    s.secondment_confirm_arrival(secondment=m, by=officer, on=date(2025, 8, 2))
    with pytest.raises(s.TransitionError) as exc:
        s.secondment_confirm_arrival(secondment=m, by=officer, on=date(2025, 8, 3))
    assert exc.value.message == "Arrival was already confirmed on 02/08/2025."


def test_transfer_applies_home_unit_and_field_on_arrival(w):
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.commune)
    person = w.people[2]
    m = f.movement(person, w.commune, kind=Kind.TRANSFER, field=w.land, status=Status.APPROVED, start=START)
    s.secondment_confirm_arrival(secondment=m, by=officer, on=START)
    person.refresh_from_db()
    m.refresh_from_db()
    placed = f.placement(person)
    assert (placed.unit, placed.field, placed.valid_from, placed.change, m.status, m.assignment) == (
        w.commune,
        w.land,
        START,
        "transfer",
        Status.COMPLETED,
        placed,
    )
    # The days before the transfer keep the sending unit.
    assert f.placement(person, START - timedelta(days=1)).unit == w.dept
    assert person.history.first().history_change_reason == f"Transfer no. {m.pk}"


def test_cancel_keeps_the_reason(w):
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    start = TODAY + timedelta(days=10)  # not started: a started movement is ended, not cancelled
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, note="Đợt 1", start=start, end=start)
    s.secondment_cancel(secondment=m, by=official, reason="Xã đã tuyển được")
    m.refresh_from_db()
    assert (m.status, m.note) == (Status.CANCELLED, "Đợt 1\nCancelled: Xã đã tuyển được")
    assert m.history.first().history_change_reason == "Cancelled: Xã đã tuyển được"


def test_allowed_actions_are_the_buttons(w):
    m = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=NOW_START, end=NOW_END)
    u = users(w)
    # Started: it is ended, no longer cancelled (that would erase the days it ran).
    assert s.allowed_actions(u[Role.PROVINCE_OFFICIAL], m) == ["extend", "end"]
    ahead = f.movement(w.people[1], w.commune, status=Status.APPROVED, start=TODAY + timedelta(days=1), end=NOW_END)
    assert s.allowed_actions(u[Role.PROVINCE_OFFICIAL], ahead) == ["extend", "cancel"]
    assert s.allowed_actions(u[Role.COMMUNE_OFFICER], m) == ["confirm_arrival"]
    assert s.allowed_actions(u[Role.DEPARTMENT_OFFICER], m) == []
    assert s.allowed_actions(u[Role.NATIONAL_VIEWER], m) == []


def test_staff_request_by_commune_and_fulfilment_by_province(w):
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.commune)
    r = s.staff_request_create(by=officer, commune=w.commune, field=w.finance, count=2, plan=w.plan)
    assert (r.status, r.requested_by) == (RequestStatus.OPEN, officer)
    with pytest.raises(PermissionDenied) as exc:
        s.staff_request_create(by=officer, commune=w.other_commune, field=w.finance, count=1)
    assert str(exc.value) == "Only the commune's officer can request staff for it."
    official = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    wrong = f.movement(w.people[1], w.other_commune)
    with pytest.raises(ValidationError) as exc:
        s.staff_request_fulfil(request=r, by=official, movements=[wrong])
    assert exc.value.message_dict["movements"] == [
        f"Movement no. {wrong.pk} does not bring anyone to Xã Hòa Phú in Finance."
    ]
    with pytest.raises(PermissionDenied):
        s.staff_request_fulfil(request=r, by=officer, movements=[])
    right = f.movement(w.people[0], w.commune, field=w.finance)
    s.staff_request_fulfil(request=r, by=official, movements=[right])
    r.refresh_from_db()
    right.refresh_from_db()
    assert (r.status, right.request) == (RequestStatus.FULFILLED, r)
    with pytest.raises(s.TransitionError):
        s.staff_request_fulfil(request=r, by=official, movements=[right])


def test_staff_request_count_must_be_positive(w):
    officer = f.user(Role.COMMUNE_OFFICER, unit=w.commune)
    with pytest.raises(ValidationError) as exc:
        s.staff_request_create(by=officer, commune=w.commune, field=w.finance, count=0)
    assert exc.value.messages == ["Request at least one person."]
