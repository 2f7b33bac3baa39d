"""Writes and transitions of movements and staff requests.

Each function checks who may act (``PermissionDenied``, 403) and whether the movement's status
allows it (``TransitionError``, 409), then runs in one transaction on the locked row, validates
the model's rules (``ValidationError``, 400), saves the named fields and leaves a history record
with the acting user and a reason. Views, API actions and the hourly command call these only.
"""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from core.constraints import constraint_message
from core.dates import fmt
from secondments.models import (
    OPEN_STATUSES,
    Extension,
    Kind,
    RequestStatus,
    Secondment,
    SendingQuota,
    StaffRequest,
    Status,
)
from secondments.selectors import active_staff_count, department_sent_count
from staffing import services as staffing_services
from staffing.models import Staff

OVERLAP_CONSTRAINT = "movement_no_overlap_per_person"
OPEN_TRANSFER_CONSTRAINT = "movement_one_open_transfer_per_person"


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
    "end": (Status.APPROVED, Status.ACTIVE),
    "cancel": (Status.DRAFT, Status.PROPOSED, Status.APPROVED, Status.ACTIVE),
}
ACTIONS = tuple(ACTION_STATES)


def can_propose(user, from_unit) -> bool:
    """A department officer for its own unit (or a unit under it), or a province official."""
    return policy.may(user, "movement.nominate", from_unit)


def role_refusal(user, action, m):
    """The 403 message when ``user``'s role may not take ``action`` on ``m``; None if it may."""
    return policy.refusal(user, "movement." + ("propose" if action == "edit" else action), m)


def state_refusal(action, m, today):
    if m.status not in ACTION_STATES[action]:
        return _("A movement that is %(status)s cannot be %(action)s.") % {
            "status": m.get_status_display().lower(),
            "action": ACTION_LABELS[action],
        }
    if action in ("extend", "end") and not m.is_temporary:
        return _("A transfer has no end date to change.")
    if action == "confirm_arrival" and m.arrival_date is not None:
        return _("Arrival was already confirmed on %(day)s.") % {"day": m.arrival_date.strftime("%d/%m/%Y")}
    if action in ("extend", "end") and m.actual_end_date is not None:
        return _("This movement was ended on %(day)s.") % {"day": fmt(m.actual_end_date)}
    if action == "end" and m.start_date > today:
        return _("The movement has not started yet (start date %(day)s).") % {"day": fmt(m.start_date)}
    if action == "cancel" and has_started(m, today):
        if m.is_temporary:
            return _(
                "This movement started on %(day)s and cannot be cancelled: that would erase the days it ran. "
                "End it instead (ending records its last day)."
            ) % {"day": fmt(m.start_date)}
        return _("This transfer took effect on %(day)s and cannot be cancelled.") % {"day": fmt(m.start_date)}
    if action == "extend" and m.planned_end_date < today:
        return _("The movement ended on %(day)s; it can be extended until its last day.") % {
            "day": fmt(m.planned_end_date)
        }
    return None


def has_started(m, today) -> bool:
    """A decided movement whose start date has come: its days are in the record (a transfer that
    could not be applied has none)."""
    if m.status not in (Status.APPROVED, Status.ACTIVE) or m.start_date > today:
        return False
    return m.is_temporary or m.assignment_id is not None


ACTION_LABELS = {
    "propose": gettext_lazy("proposed"),
    "approve": gettext_lazy("approved"),
    "confirm_arrival": gettext_lazy("confirmed"),
    "extend": gettext_lazy("extended"),
    "end": gettext_lazy("ended"),
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


def _save(m, by, reason, fields=None, *, validate=True):
    """Validate and save ``m``; an overlap caught by the database reads like the one clean() finds.

    ``validate=False`` for bookkeeping that changes no decision (the hourly run starting, completing
    or flagging a movement; leaving shortening one): the rules judge decisions, and a movement
    recorded before a rule must not stop the run or the person's leaving.
    """
    if validate:
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
        if OPEN_TRANSFER_CONSTRAINT in str(exc) or "secondments_secondment.person_id" in str(exc):
            # Two transfers of one person nominated at once: the database kept the first.
            raise ValidationError({"person": constraint_message(Secondment, OPEN_TRANSFER_CONSTRAINT)}) from exc
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


def _sending_unit(person, start_date):
    """The person's home unit on ``start_date`` (their latest one when not on the roll then)."""
    placement = person.assignments.in_force_on(start_date).select_related("unit").first()
    if placement is None:
        placement = person.assignments.select_related("unit").order_by("-valid_from").first()
    return placement.unit if placement is not None else None


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
    end_running=False,
) -> Secondment:
    """Nominate ``person``: a draft movement from their home unit on the start date, or a proposed one.

    For a transfer that starts while the person's temporary movement runs, ``end_running`` ends that
    movement the day before (or cancels it if it has not started by then) in the same transaction;
    without it the nomination is refused with a message naming the movement.
    """
    m = Secondment(
        person=person,
        from_unit=_sending_unit(person, start_date),
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
    if m.from_unit is None:
        raise ValidationError({"person": _("%(person)s has no placement.") % {"person": person.full_name}})
    message = role_refusal(by, "propose", m)
    if message:
        raise PermissionDenied(message)
    with transaction.atomic():
        Staff.objects.select_for_update().filter(pk=person.pk).first()  # one nomination of a person at a time
        if end_running and kind == Kind.TRANSFER:
            running = m.running_temporary()
            if running is not None:
                _end_before(running, by, start_date, _("Ended for transfer from %(day)s") % {"day": fmt(start_date)})
        return _save(m, by, _("Proposed") if propose else _("Draft created"))


def _end_before(m, by, day, reason):
    """End movement ``m`` on the day before ``day``, or cancel it if it has not started by then."""
    m = _locked(m)
    last = day - timedelta(days=1)
    if m.start_date > last or m.status in (Status.DRAFT, Status.PROPOSED):
        m.status = Status.CANCELLED
        return _save(m, by, reason, fields=["status"])
    m.actual_end_date = min(last, m.end_date)
    m.status = Status.COMPLETED if m.actual_end_date < timezone.localdate() else Status.ACTIVE
    return _save(m, by, reason, fields=["actual_end_date", "status"])


def secondment_update(*, secondment: Secondment, by, version: int | None = None, **changes) -> Secondment:
    """Change a draft or proposed movement (person, units, dates, plan, note).

    ``version`` is the one the writer read; a movement changed since is refused (``TransitionError``,
    409) rather than overwritten.
    """
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
        if version is not None and int(version) != m.version:
            raise TransitionError(str(staffing_services.STALE_MESSAGE))
        for name, value in changes.items():
            setattr(m, name, value)
        m.from_unit = _sending_unit(m.person, m.start_date) or m.from_unit
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
    needs a stated reason, which is kept on the movement. A transfer is applied at once: its
    placement at the receiving unit is recorded from its start date (today's counts and every later
    day's read it without waiting for the hourly run), or it is flagged if it cannot be applied.
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
        _save(
            m,
            by,
            _("Approved: %(number)s") % {"number": m.decision_number},
            fields=["status", "decision_number", "decision_date", "over_quota_reason"],
        )
        if m.kind == Kind.TRANSFER:
            _apply_transfer(m, by)
        return m


def secondment_decision_record(*, secondment: Secondment, by, decision_number: str, decision_date: date):
    """An approved movement not yet started takes the number and date of the decision document
    generated for it (the number typed at approval was provisional). Kept in its history."""
    message = role_refusal(by, "approve", secondment) if by is not None else None
    if message:
        raise PermissionDenied(message)
    _require_decision(decision_number, decision_date)
    with transaction.atomic():
        m = _locked(secondment)
        if m.status != Status.APPROVED:
            raise ValidationError(_("Only an approved movement that has not started takes a new decision number."))
        m.decision_number = decision_number.strip()
        m.decision_date = decision_date
        label = _("Decision: %(number)s") % {"number": m.decision_number}
        _save(m, by, label, fields=["decision_number", "decision_date"])
        if m.assignment_id is not None:  # a transfer applied ahead: its placement cites the decision
            staffing_services.placement_decision(
                assignment=m.assignment,
                by=by,
                decision_number=m.decision_number,
                decision_date=decision_date,
                label=label,
            )
        return m


def _apply_transfer(m, by):
    """Place the person at the receiving unit from the transfer's start date; complete the transfer
    if that date has come (otherwise the hourly run completes it on the day).

    If the person is not on the roll or not placed at the sending unit on that date, the transfer
    is not applied: it stays approved and carries the problem, which the alerts page lists.
    Returns whether it was applied.
    """
    if m.assignment_id is not None:
        return True
    running = m.running_temporary()
    try:
        if running is not None:
            raise ValidationError(
                _("%(person)s has a movement to %(unit)s (no. %(pk)s) until %(end)s.")
                % {
                    "person": m.person.full_name,
                    "unit": running.to_unit,
                    "pk": running.pk,
                    "end": fmt(running.end_date),
                }
            )
        with transaction.atomic():
            assignment = staffing_services.placement_transfer(
                staff=m.person,
                by=by,
                effective_from=m.start_date,
                from_unit=m.from_unit,
                unit=m.to_unit,
                field=m.field,
                decision_number=m.decision_number,
                decision_date=m.decision_date,
                label=_("Transfer no. %(pk)s") % {"pk": m.pk},
            )
    except ValidationError as exc:
        problem = " ".join(exc.messages)
        if m.problem != problem:
            m.problem = problem
            _save(m, by, _("Not applied: %(problem)s") % {"problem": problem}, fields=["problem"], validate=False)
        return False
    m.assignment = assignment
    if m.start_date <= timezone.localdate():
        m.status = Status.COMPLETED
    m.problem = ""
    _save(m, by, _("Transfer applied"), fields=["assignment", "status", "problem"])
    return True


def _start_transfer(m, by):
    """On its start date: an applied transfer is completed, one not applied yet is applied."""
    if m.assignment_id is None:
        return _apply_transfer(m, by)
    m.status = Status.COMPLETED
    _save(m, by, _("Transfer took effect"), fields=["status"], validate=False)
    return True


def _withdraw_transfer(m, by, reason):
    """Take back the placement an applied transfer opened (the days before its start unchanged)."""
    if m.assignment_id is None:
        return
    assignment = m.assignment
    m.assignment = None
    _save(m, by, reason, fields=["assignment"], validate=False)
    staffing_services.placement_withdraw(assignment=assignment, by=by, label=reason)


def secondment_confirm_arrival(*, secondment: Secondment, by, on: date) -> Secondment:
    """The receiving unit confirms the person has arrived: the movement is active.

    A transfer whose start date has come is applied (if it was not already).
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
        if m.kind != Kind.TRANSFER:
            m.status = Status.ACTIVE
        _save(m, by, _("Arrival confirmed"), fields=["arrival_date", "status"])
        if m.kind == Kind.TRANSFER and m.status == Status.APPROVED:
            _start_transfer(m, by)
        return m


def secondment_activate(*, secondment: Secondment, by=None, on: date) -> Secondment:
    """Start an approved movement whose start date has come (the hourly run); applies transfers."""
    with transaction.atomic():
        m = _locked(secondment)
        if m.status != Status.APPROVED or m.start_date > on:
            return m
        if m.kind == Kind.TRANSFER:
            _start_transfer(m, by)
            return m
        m.status = Status.ACTIVE
        return _save(m, by, _("Started"), fields=["status"], validate=False)


def secondment_extend(
    *, secondment: Secondment, by, new_end_date: date, decision_number: str, decision_date: date
) -> Secondment:
    """Move the planned end date later under a new decision; each extension is kept.

    Possible until the movement's last day included (it is completed the day after).
    """
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
        try:
            m.full_clean()  # the legal maximum and the person's other movements
        except ValidationError as exc:
            errors = exc.message_dict
            raise ValidationError(
                {"new_end_date": errors.pop("planned_end_date", []) + sum(errors.values(), [])}
            ) from exc
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


def secondment_end(*, secondment: Secondment, by, on: date | None = None) -> Secondment:
    """End a running temporary movement early: ``on`` (default today) is the person's last day at the
    receiving unit, between the start date and the planned end date.

    The movement stops counting after ``on``; it is completed the day after (at once when ``on`` is
    already past).
    """
    today = timezone.localdate()
    on = on or today
    check_action(by, "end", secondment, today)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "end", m, today)
        if not (m.start_date <= on <= m.planned_end_date):
            raise ValidationError(
                {
                    "actual_end_date": _(
                        "The last day must be between the start date (%(start)s) and the planned end date (%(end)s)."
                    )
                    % {"start": fmt(m.start_date), "end": fmt(m.planned_end_date)}
                }
            )
        m.actual_end_date = on
        m.status = Status.COMPLETED if on < today else Status.ACTIVE
        return _save(m, by, _("Ended on %(day)s") % {"day": fmt(on)}, fields=["actual_end_date", "status"])


def secondment_complete(*, secondment: Secondment, on: date) -> Secondment:
    """The hourly run: a running temporary movement whose last day is before ``on`` is completed."""
    with transaction.atomic():
        m = _locked(secondment)
        if m.kind == Kind.TRANSFER or m.status not in (Status.APPROVED, Status.ACTIVE) or m.end_date >= on:
            return m
        m.actual_end_date = m.end_date
        m.status = Status.COMPLETED
        return _save(m, None, _("Completed"), fields=["actual_end_date", "status"], validate=False)


def secondment_cancel(*, secondment: Secondment, by, reason: str = "") -> Secondment:
    """Cancel a movement that has not been completed; the reason is kept in its history."""
    check_action(by, "cancel", secondment)
    with transaction.atomic():
        m = _locked(secondment)
        check_action(by, "cancel", m)
        return _cancel(m, by, reason)


def _cancel(m, by, reason):
    reason = (reason or "").strip()
    label = f"{_('Cancelled')}: {reason}" if reason else _("Cancelled")
    _withdraw_transfer(m, by, label)
    m.status = Status.CANCELLED
    if reason:
        m.note = f"{m.note}\n{_('Cancelled')}: {reason}".strip()
    return _save(m, by, label, fields=["status", "note"])


def advance_movements(*, today: date) -> dict:
    """What the hourly command does: start approved movements whose start date has come (applying
    transfers, or flagging those that cannot be applied) and complete temporary ones the day after
    their last day.

    Returns how many were started, completed and flagged; a second run the same day changes nothing.
    """
    started = completed = 0
    due = Secondment.objects.filter(status=Status.APPROVED, start_date__lte=today).order_by("start_date", "pk")
    for m in due:
        if secondment_activate(secondment=m, on=today).status != Status.APPROVED:
            started += 1
    ending = (
        Secondment.objects.temporary()
        .filter(status__in=(Status.APPROVED, Status.ACTIVE))
        .filter(Q(actual_end_date__lt=today) | Q(actual_end_date__isnull=True, planned_end_date__lt=today))
        .order_by("planned_end_date", "pk")
    )
    for m in ending:
        secondment_complete(secondment=m, on=today)
        completed += 1
    flagged = Secondment.objects.filter(status=Status.APPROVED, kind=Kind.TRANSFER).exclude(problem="").count()
    return {"started": started, "completed": completed, "flagged": flagged}


# When a person leaves the roll or changes home unit (staffing.signals).


def _person_movements(person):
    return Secondment.objects.filter(person=person, status__in=OPEN_STATUSES).select_related("to_unit")


def _leaving_effects(person, last_day):
    """(movement, action) pairs: ``end`` for a decided temporary movement running past ``last_day``,
    ``undo`` for an applied transfer starting after it (its placement is taken back), ``cancel`` for
    a movement not started by then, one never decided and a transfer not applied."""
    effects = []
    applied_later = (
        Secondment.objects.filter(
            person=person,
            kind=Kind.TRANSFER,
            status__in=(Status.APPROVED, Status.COMPLETED),
            assignment__isnull=False,
            start_date__gt=last_day,
        )
        .select_related("to_unit")
        .order_by("-start_date", "-pk")
    )
    undone = list(applied_later)
    for m in _person_movements(person).order_by("start_date", "pk"):
        if m.is_temporary and m.status in (Status.APPROVED, Status.ACTIVE) and m.start_date <= last_day:
            if m.end_date > last_day:
                effects.append((m, "end"))
        elif m.kind == Kind.TRANSFER and m.assignment_id is not None:
            continue  # applied: undone below if it starts after the last day, else it stands
        else:
            effects.append((m, "cancel"))
    # The latest first: each takes back the placement it opened.
    return effects + [(m, "undo") for m in undone]


def _describe(m, action, last_day):
    values = {"kind": m.get_kind_display(), "pk": m.pk, "unit": m.to_unit, "day": fmt(last_day)}
    if action == "end":
        return _("%(kind)s no. %(pk)s to %(unit)s ends on %(day)s.") % values
    if action == "undo":
        return _("Transfer no. %(pk)s to %(unit)s is undone (it had not started).") % values
    return _("%(kind)s no. %(pk)s to %(unit)s is cancelled.") % values


def on_leaving_preview(sender, *, person, last_day, **kwargs):
    return [_describe(m, action, last_day) for m, action in _leaving_effects(person, last_day)]


def on_person_leaving(sender, *, person, last_day, by, **kwargs):
    done = []
    reason = _("Left the roll on %(day)s") % {"day": fmt(last_day)}
    today = timezone.localdate()
    for m, action in _leaving_effects(person, last_day):
        m = _locked(m)
        if action == "undo" and last_day < today:
            # Back-dated: the person's record before today changes, as in any correction.
            message = policy.refusal(by, "placement.correct", m.from_unit)
            if message:
                raise PermissionDenied(message)
        if action == "end":
            m.actual_end_date = last_day
            if last_day < today:
                m.status = Status.COMPLETED
            _save(m, by, reason, fields=["actual_end_date", "status"], validate=False)
        else:
            _cancel(m, by, reason)
        done.append(_describe(m, action, last_day))
    return done


def _applied_ahead(person, after):
    return Secondment.objects.filter(
        person=person, kind=Kind.TRANSFER, status=Status.APPROVED, assignment__isnull=False, start_date__gt=after
    ).order_by("-start_date", "-pk")


def on_placement_reopening(sender, *, person, effective_from, by, **kwargs):
    """A placement change from ``effective_from`` takes back the placement a transfer starting later
    opened ahead (it was built on the placement being changed); ``on_placement_changed`` applies
    the transfer again on the new one, in the same transaction."""
    reason = _("Placement changed from %(day)s") % {"day": fmt(effective_from)}
    taken = []
    for m in _applied_ahead(person, effective_from):
        _withdraw_transfer(_locked(m), by, reason)
        taken.append(m.pk)
    return taken


def on_placement_changed(sender, *, person, effective_from, by, **kwargs):
    pending = Secondment.objects.filter(
        person=person, kind=Kind.TRANSFER, status=Status.APPROVED, assignment__isnull=True
    ).filter(start_date__gt=effective_from)
    for m in pending.order_by("start_date", "pk"):
        _apply_transfer(_locked(m), by)
    return []


def on_placement_changing(sender, *, person, effective_from, unit, **kwargs):
    """A change of home unit is refused while a movement of the person is open over that date."""
    for m in _person_movements(person):
        if m.kind == Kind.TRANSFER:
            raise ValidationError(
                {
                    "unit": _(
                        "%(person)s has transfer no. %(pk)s to %(unit)s pending; change the home unit through it "
                        "or cancel it first."
                    )
                    % {"person": person.full_name, "pk": m.pk, "unit": m.to_unit}
                }
            )
        if m.end_date >= effective_from:
            raise ValidationError(
                {
                    "unit": _(
                        "%(person)s has movement no. %(pk)s to %(unit)s until %(end)s; end it before changing the "
                        "home unit."
                    )
                    % {"person": person.full_name, "pk": m.pk, "unit": m.to_unit, "end": fmt(m.end_date)}
                }
            )
    return []


def staff_request_create(*, by, commune, field, count: int, plan=None, note="") -> StaffRequest:
    """A commune officer asks for ``count`` people in ``field`` for their commune."""
    policy.require(by, "staff_request.create", commune)
    r = StaffRequest(commune=commune, field=field, count=count, plan=plan, note=note, requested_by=by)
    r.full_clean()
    r._history_user = by
    with transaction.atomic():
        r.save()
    return r


def staff_request_fulfil(*, request: StaffRequest, by, movements=()) -> StaffRequest:
    """A province official closes a request with the movements that answer it."""
    policy.require(by, "staff_request.fulfil", request)
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
