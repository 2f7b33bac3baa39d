"""Writes and transitions of movements and staff requests.

Each function checks who may act (``PermissionDenied``, 403) and whether the movement's status
allows it (``TransitionError``, 409), then runs in one transaction on the locked row, validates
the model's rules (``ValidationError``, 400), saves the named fields and leaves a history record
with the acting user and a reason. Views, API actions and the hourly command call these only.
"""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import UNIT_ROLES, Role
from secondments.models import (
    TEMPORARY_KINDS,
    Extension,
    Kind,
    RequestStatus,
    Secondment,
    SendingQuota,
    StaffRequest,
    Status,
)
from secondments.selectors import active_staff_count, department_sent_count
from staffing.models import Staff

OVERLAP_CONSTRAINT = "movement_no_overlap_per_person"


class TransitionError(Exception):
    """The movement's (or request's) current status does not allow the action: HTTP 409."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Statuses from which each action may be taken.
ACTION_STATES = {
    "propose": (Status.DRAFT,),
    "approve": (Status.PROPOSED,),
    "confirm_arrival": (Status.APPROVED, Status.ACTIVE),
    "extend": (Status.APPROVED, Status.ACTIVE),
    "return_early": (Status.APPROVED, Status.ACTIVE),
    "complete": (Status.APPROVED, Status.ACTIVE),
    "cancel": (Status.DRAFT, Status.PROPOSED, Status.APPROVED, Status.ACTIVE),
}
PROVINCE_ACTIONS = ("approve", "extend", "return_early", "complete", "cancel")
ACTIONS = tuple(ACTION_STATES)


def _is_province_official(user, unit):
    return user.is_superuser or (user.role == Role.PROVINCE_OFFICIAL and user.province_id == unit.province_id)


def can_propose(user, from_unit) -> bool:
    """A department officer for its own unit (or a unit under it), or a province official."""
    if _is_province_official(user, from_unit):
        return True
    return user.role == Role.DEPARTMENT_OFFICER and user.unit_id in (from_unit.pk, from_unit.parent_id)


def role_refusal(user, action, m):
    """The 403 message when ``user``'s role may not take ``action`` on ``m``; None if it may."""
    if action in ("propose", "edit"):
        if not can_propose(user, m.from_unit):
            return _("Only the sending unit's department officer or a province official can propose this movement.")
    elif action == "confirm_arrival":
        if not (user.is_superuser or (user.role in UNIT_ROLES and user.unit_id == m.to_unit_id)):
            return _("Only the receiving unit's officer can confirm arrival.")
    elif action in PROVINCE_ACTIONS and not _is_province_official(user, m.from_unit):
        return {
            "approve": _("Only a province official can approve movements."),
            "extend": _("Only a province official can extend movements."),
            "return_early": _("Only a province official can record an early return."),
            "complete": _("Only a province official can complete movements."),
            "cancel": _("Only a province official can cancel movements."),
        }[action]
    return None


def state_refusal(action, m, today):
    if m.status not in ACTION_STATES[action]:
        return _("A movement that is %(status)s cannot be %(action)s.") % {
            "status": m.get_status_display().lower(),
            "action": ACTION_LABELS[action],
        }
    if action in ("extend", "return_early") and not m.is_temporary:
        return _("A transfer has no end date to change.")
    if action == "confirm_arrival" and m.arrival_date is not None:
        return _("Arrival was already confirmed on %(day)s.") % {"day": m.arrival_date.strftime("%d/%m/%Y")}
    if action == "return_early" and m.actual_end_date is not None:
        return _("This movement has already ended.")
    return None


ACTION_LABELS = {
    "propose": gettext_lazy("proposed"),
    "approve": gettext_lazy("approved"),
    "confirm_arrival": gettext_lazy("confirmed"),
    "extend": gettext_lazy("extended"),
    "return_early": gettext_lazy("returned early"),
    "complete": gettext_lazy("completed"),
    "cancel": gettext_lazy("cancelled"),
}


def allowed_actions(user, secondment, *, today=None) -> list[str]:
    """Actions ``user`` may take on ``secondment`` now: the buttons on its page."""
    today = today or timezone.localdate()
    return [
        a for a in ACTIONS if role_refusal(user, a, secondment) is None and state_refusal(a, secondment, today) is None
    ]


def check_action(user, action, m, today=None):
    if user is not None:
        message = role_refusal(user, action, m)
        if message:
            raise PermissionDenied(message)
    message = state_refusal(action, m, today or timezone.localdate())
    if message:
        raise TransitionError(message)


def _locked(m):
    return (
        Secondment.objects.select_for_update(of=("self",))
        .select_related("person", "from_unit", "to_unit", "plan")
        .get(pk=m.pk)
    )


def _save(m, by, reason, fields=None):
    """Validate and save ``m``; an overlap caught by the database reads like the one clean() finds."""
    m.full_clean()
    m._history_user = by
    m._change_reason = str(reason)[:100]
    try:
        with transaction.atomic():
            if fields is None:
                m.save()
            else:
                m.version += 1
                m.save(update_fields=[*fields, "version"])
    except IntegrityError as exc:
        if OVERLAP_CONSTRAINT not in str(exc):
            raise
        # A concurrent request saved a clashing movement after our check: name it.
        clash = m.find_overlap()
        if clash is None:
            raise ValidationError(
                _("This person already has another temporary movement at that time."), code="overlap"
            ) from exc
        raise m.overlap_error(clash) from exc
    return m


def _require_decision(number, day):
    errors = {}
    if not (number or "").strip():
        errors["decision_number"] = _("Enter the decision number.")
    if not day:
        errors["decision_date"] = _("Enter the decision date.")
    if errors:
        raise ValidationError(errors)


EDITABLE_FIELDS = ("person", "to_unit", "field", "kind", "plan", "start_date", "planned_end_date", "note", "request")


def secondment_create(
    *,
    by,
    person: Staff,
    to_unit,
    field,
    kind,
    start_date: date,
    planned_end_date: date | None = None,
    plan=None,
    note="",
    request=None,
    propose=False,
) -> Secondment:
    """Nominate ``person``: a draft movement from their home unit, or a proposed one."""
    m = Secondment(
        person=person,
        from_unit=person.home_unit,
        to_unit=to_unit,
        field=field,
        kind=kind,
        plan=plan,
        start_date=start_date,
        planned_end_date=None if kind == Kind.TRANSFER else planned_end_date,
        note=note,
        request=request,
        status=Status.PROPOSED if propose else Status.DRAFT,
    )
    message = role_refusal(by, "propose", m)
    if message:
        raise PermissionDenied(message)
    with transaction.atomic():
        return _save(m, by, _("Proposed") if propose else _("Draft created"))


def secondment_update(*, secondment: Secondment, by, **changes) -> Secondment:
    """Change a draft or proposed movement (person, units, dates, plan, note)."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    message = role_refusal(by, "edit", secondment)
    if message:
        raise PermissionDenied(message)
    if secondment.status not in (Status.DRAFT, Status.PROPOSED):
        raise TransitionError(_("Only draft or proposed movements can be edited."))
    with transaction.atomic():
        m = _locked(secondment)
        for name, value in changes.items():
            setattr(m, name, value)
        m.from_unit = m.person.home_unit
        if m.kind == Kind.TRANSFER:
            m.planned_end_date = None
        if role_refusal(by, "edit", m):  # the new person must be the officer's too
            raise PermissionDenied(role_refusal(by, "edit", m))
        return _save(m, by, _("Edited"), fields=[*changes, "from_unit", "planned_end_date"])


def secondment_propose(*, secondment: Secondment, by) -> Secondment:
    """Send a draft to the province for approval."""
    check_action(by, "propose", secondment)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "propose", m)
        m.status = Status.PROPOSED
        return _save(m, by, _("Proposed"), fields=["status"])


def secondment_approve(
    *, secondment: Secondment, by, decision_number: str, decision_date: date, over_quota_reason: str = ""
) -> Secondment:
    """Approve a proposed movement with the decision behind it.

    Beyond the sending unit's quota in the plan (its maximum, see ``SendingQuota``) approval
    needs a stated reason, which is kept on the movement.
    """
    check_action(by, "approve", secondment)
    _require_decision(decision_number, decision_date)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "approve", m)
        m.full_clean()  # the nomination rules still hold (person active, home unit, plan bounds)
        reason = (over_quota_reason or "").strip()
        if m.plan_id:
            quota = SendingQuota.objects.select_for_update().filter(plan_id=m.plan_id, unit_id=m.from_unit_id).first()
            if quota is not None:
                staff = active_staff_count(unit_id=m.from_unit_id, as_of=timezone.localdate())
                _low, high = quota.required_range(staff)
                sent = department_sent_count(plan=m.plan, unit_id=m.from_unit_id, exclude_pk=m.pk)
                if sent + 1 > high and not reason:
                    raise ValidationError(
                        {
                            "over_quota_reason": _(
                                "%(unit)s is to send at most %(max)s people under this plan and %(sent)s are "
                                "already approved; state a reason to approve beyond its quota."
                            )
                            % {"unit": m.from_unit, "max": high, "sent": sent}
                        }
                    )
        m.status = Status.APPROVED
        m.decision_number = decision_number.strip()
        m.decision_date = decision_date
        m.over_quota_reason = reason
        return _save(
            m,
            by,
            _("Approved: %(number)s") % {"number": m.decision_number},
            fields=["status", "decision_number", "decision_date", "over_quota_reason"],
        )


def _apply_transfer(m, by, on):
    """Make the receiving unit the person's home unit (and the movement's field their field)."""
    if on < m.start_date:
        raise ValidationError(
            _("A transfer takes effect on its start date (%(day)s).") % {"day": m.start_date.strftime("%d/%m/%Y")}
        )
    person = Staff.objects.select_for_update(of=("self",)).select_related("position").get(pk=m.person_id)
    person.home_unit_id = m.to_unit_id
    person.field_id = m.field_id
    if person.position_id and person.position.field_id != m.field_id:
        person.position = None
    person.version += 1
    person._history_user = by
    person._change_reason = str(_("Transfer no. %(pk)s") % {"pk": m.pk})[:100]
    person.save(update_fields=["home_unit", "field", "position", "version"])
    m.status = Status.COMPLETED
    return ["status"]


def secondment_confirm_arrival(*, secondment: Secondment, by, on: date) -> Secondment:
    """The receiving unit confirms the person has arrived: the movement is active.

    A transfer takes effect at arrival: the person's home unit becomes the receiving unit.
    """
    check_action(by, "confirm_arrival", secondment)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "confirm_arrival", m)
        if on < m.start_date or on > timezone.localdate():
            raise ValidationError(
                {
                    "arrival_date": _("The arrival date must be between the start date (%(start)s) and today.")
                    % {"start": m.start_date.strftime("%d/%m/%Y")}
                }
            )
        m.arrival_date = on
        fields = ["arrival_date", "status"]
        if m.kind == Kind.TRANSFER:
            _apply_transfer(m, by, on)
        else:
            m.status = Status.ACTIVE
        return _save(m, by, _("Arrival confirmed"), fields=fields)


def secondment_activate(*, secondment: Secondment, by=None, on: date) -> Secondment:
    """Start an approved movement on its start date (the hourly command); applies transfers."""
    with transaction.atomic():
        m = _locked(secondment)
        if m.status != Status.APPROVED or m.start_date > on:
            return m
        if m.kind == Kind.TRANSFER:
            _apply_transfer(m, by, on)
        else:
            m.status = Status.ACTIVE
        return _save(m, by, _("Started"), fields=["status"])


def secondment_extend(
    *, secondment: Secondment, by, new_end_date: date, decision_number: str, decision_date: date
) -> Secondment:
    """Move the planned end date later under a new decision; each extension is kept."""
    check_action(by, "extend", secondment)
    _require_decision(decision_number, decision_date)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "extend", m)
        previous = m.planned_end_date
        if not new_end_date or new_end_date <= previous:
            raise ValidationError(
                {
                    "new_end_date": _("The new end date must be after the current end date (%(day)s).")
                    % {"day": previous.strftime("%d/%m/%Y")}
                }
            )
        days = (new_end_date - m.start_date).days + 1
        if m.plan_id and days > m.plan.max_duration_days:
            raise ValidationError(
                {
                    "new_end_date": _(
                        "With the extension the movement would last %(days)s days; the plan allows at most %(max)s."
                    )
                    % {"days": days, "max": m.plan.max_duration_days}
                }
            )
        m.planned_end_date = new_end_date
        _save(
            m,
            by,
            _("Extended to %(day)s: %(number)s")
            % {"day": new_end_date.strftime("%d/%m/%Y"), "number": decision_number},
            fields=["planned_end_date"],
        )
        Extension.objects.create(
            secondment=m,
            previous_end_date=previous,
            new_end_date=new_end_date,
            decision_number=decision_number.strip(),
            decision_date=decision_date,
            created_by=by,
        )
        return m


def secondment_return_early(*, secondment: Secondment, by, on: date) -> Secondment:
    """The person returns before the planned end: ``on`` is their last day at the receiving unit."""
    check_action(by, "return_early", secondment)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "return_early", m)
        if not on or not (m.start_date <= on < m.planned_end_date):
            raise ValidationError(
                {
                    "actual_end_date": _(
                        "The last day must be between the start date (%(start)s) and the day before the planned "
                        "end date (%(end)s)."
                    )
                    % {"start": m.start_date.strftime("%d/%m/%Y"), "end": m.planned_end_date.strftime("%d/%m/%Y")}
                }
            )
        m.actual_end_date = on
        m.status = Status.COMPLETED
        return _save(m, by, _("Returned early"), fields=["actual_end_date", "status"])


def secondment_complete(*, secondment: Secondment, by=None, on: date | None = None) -> Secondment:
    """End a movement as planned: temporary ones on their planned end date; transfers take effect.

    ``by`` is None for the hourly command, which completes only movements whose end has come.
    """
    today = on or timezone.localdate()
    check_action(by, "complete", secondment, today)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "complete", m, today)
        if m.kind == Kind.TRANSFER:
            _apply_transfer(m, by, today)
            return _save(m, by, _("Transfer applied"), fields=["status"])
        if m.start_date > today:
            raise ValidationError(
                _("The movement has not started yet (start date %(day)s).") % {"day": m.start_date.strftime("%d/%m/%Y")}
            )
        m.actual_end_date = m.planned_end_date
        m.status = Status.COMPLETED
        return _save(m, by, _("Completed"), fields=["actual_end_date", "status"])


def secondment_cancel(*, secondment: Secondment, by, reason: str = "") -> Secondment:
    """Cancel a movement that has not been completed; the reason is kept in its history."""
    check_action(by, "cancel", secondment)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "cancel", m)
        m.status = Status.CANCELLED
        reason = (reason or "").strip()
        if reason:
            m.note = f"{m.note}\n{_('Cancelled')}: {reason}".strip()
        return _save(m, by, f"{_('Cancelled')}: {reason}" if reason else _("Cancelled"), fields=["status", "note"])


def advance_movements(*, today: date) -> dict:
    """What the hourly command does: start approved movements whose start date has come (applying
    transfers) and complete temporary ones whose planned end date has come, unless extended.

    Returns how many were started and completed; a second run the same day changes nothing.
    """
    started = completed = 0
    due = Secondment.objects.filter(status=Status.APPROVED, start_date__lte=today).order_by("start_date", "pk")
    for m in due:
        if secondment_activate(secondment=m, on=today).status != Status.APPROVED:
            started += 1
    ending = Secondment.objects.filter(
        kind__in=TEMPORARY_KINDS,
        status=Status.ACTIVE,
        actual_end_date__isnull=True,
        planned_end_date__lte=today,
    ).order_by("planned_end_date", "pk")
    for m in ending:
        secondment_complete(secondment=m, on=today)
        completed += 1
    return {"started": started, "completed": completed}


def staff_request_create(*, by, commune, field, count: int, plan=None, note="") -> StaffRequest:
    """A commune officer asks for ``count`` people in ``field`` for their commune."""
    if not (by.is_superuser or (by.role == Role.COMMUNE_OFFICER and by.unit_id == commune.pk)):
        raise PermissionDenied(_("Only the commune's officer can request staff for it."))
    r = StaffRequest(commune=commune, field=field, count=count, plan=plan, note=note, requested_by=by)
    r.full_clean()
    r._history_user = by
    with transaction.atomic():
        r.save()
    return r


def staff_request_fulfil(*, request: StaffRequest, by, movements=()) -> StaffRequest:
    """A province official closes a request with the movements that answer it."""
    if not _is_province_official(by, request.commune):
        raise PermissionDenied(_("Only a province official can fulfil staff requests."))
    if request.status != RequestStatus.OPEN:
        raise TransitionError(
            _("This request is already %(status)s.") % {"status": request.get_status_display().lower()}
        )
    with transaction.atomic():
        r = StaffRequest.objects.select_for_update().get(pk=request.pk)
        if r.status != RequestStatus.OPEN:
            raise TransitionError(_("This request is already %(status)s.") % {"status": r.get_status_display().lower()})
        for m in movements:
            if m.to_unit_id != r.commune_id or m.field_id != r.field_id or m.status == Status.CANCELLED:
                raise ValidationError(
                    {
                        "movements": _("Movement no. %(pk)s does not bring anyone to %(commune)s in %(field)s.")
                        % {"pk": m.pk, "commune": r.commune, "field": r.field}
                    }
                )
        ids = [m.pk for m in movements]
        Secondment.objects.filter(pk__in=ids).update(request=r)
        if not r.movements.exclude(status=Status.CANCELLED).exists():
            raise ValidationError({"movements": _("Choose at least one movement that fulfils the request.")})
        r.status = RequestStatus.FULFILLED
        r._history_user = by
        r._change_reason = str(_("Fulfilled"))
        r.save(update_fields=["status"])
        return r
