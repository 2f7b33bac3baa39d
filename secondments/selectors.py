"""Reads about plans and movements, computed by the database in a fixed number of grouped queries.

The movement list, its API and its export all filter with ``secondments.filters.MovementFilterSet``;
a plan's progress, which reads the headcount, is a report (``reports/plans.py``).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.scoping import for_user
from communes.models import Unit
from secondments.models import (
    OPEN_STATUSES,
    TEMPORARY_KINDS,
    Kind,
    Plan,
    Secondment,
    Status,
)
from staffing.models import Assignment, Field, Staff, StaffStatus, placement_on

# Movements that count as sent / received under a plan: decided and not cancelled.
SENT_STATUSES = (Status.APPROVED, Status.ACTIVE, Status.COMPLETED)


def department_sent_count(*, plan: Plan, unit_id: int, exclude_pk=None) -> int:
    """People a unit has been decided to send under a plan (approved, active, completed)."""
    qs = Secondment.objects.filter(plan=plan, from_unit_id=unit_id, status__in=SENT_STATUSES)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def active_staff_count(*, unit_id: int, as_of: date) -> int:
    """People on the unit's roll on ``as_of`` (the base of a percentage sending quota)."""
    return Assignment.objects.in_force_on(as_of).filter(unit_id=unit_id).count()


def eligible_staff(*, user, start: date | None = None, end: date | None = None, exclude_movement=None):
    """People ``user`` may nominate: active, on the roll of a unit in scope, free of other movements.

    With dates, "free" means on the roll on ``start`` and no non-cancelled temporary movement meeting
    [start, end]; without, on the roll today and no open movement at all. Nobody with a pending or
    running transfer is offered. ``exclude_movement`` is the movement being edited, which does not
    make its own person busy. Rows carry ``unit_name`` and ``field_name`` of that placement.
    """
    day = start or timezone.localdate()
    busy = Secondment.objects.filter(person=OuterRef("pk"), kind__in=TEMPORARY_KINDS)
    transfer = Secondment.objects.filter(person=OuterRef("pk")).open_transfers()
    if exclude_movement is not None:
        busy = busy.exclude(pk=exclude_movement.pk)
        transfer = transfer.exclude(pk=exclude_movement.pk)
    if start and end:
        busy = busy.exclude(status=Status.CANCELLED).filter(start_date__lte=end)
        busy = busy.filter(Q(actual_end_date__gte=start) | Q(actual_end_date__isnull=True, planned_end_date__gte=start))
    else:
        busy = busy.filter(status__in=OPEN_STATUSES)
    placed_units = for_user(Unit.objects.all(), user)
    staff = (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .alias(placed=placement_on(day, "assignments"), placed_unit=F("placed__unit_id"))
        .filter(placed_unit__in=placed_units)
        .exclude(Exists(busy))
        .exclude(Exists(transfer))
        .annotate(unit_name=F("placed__unit__name"), field_name=F(f"placed__field__{Field.name_column()}"))
    )
    return staff


@dataclass
class Alerts:
    ending_soon: object
    overdue: object
    not_started: object
    not_applied: object


def movement_alerts(*, user, as_of: date, within_days: int = 30) -> Alerts:
    """Movements that need attention, in the user's scope.

    - ending soon: temporary, in effect today (decided, started, not ended), ending within
      ``within_days`` — the test the dashboards count with;
    - overdue: still approved or active after their end date (the automatic return has not run);
    - never started: approved, start date passed, arrival not confirmed by the receiving unit (a
      transfer that could not be applied is listed only under "not applied");
    - not applied: approved transfers that could not be applied on their start date (the person
      had left the roll or was no longer placed at the sending unit), with the reason.
    """
    base = for_user(Secondment.objects.all(), user).select_related("person", "from_unit", "to_unit", "field", "plan")
    running = base.filter(kind__in=TEMPORARY_KINDS, status__in=(Status.APPROVED, Status.ACTIVE))
    end = Q(actual_end_date__isnull=False) & Q(actual_end_date__gte=as_of) | Q(
        actual_end_date__isnull=True, planned_end_date__gte=as_of
    )
    # The dashboards' test (``reports.selectors``): in effect that day and ending within the window,
    # so the count on a dashboard and the list here agree.
    ending_soon = (
        base.filter(Secondment.objects.in_effect_q(as_of))
        .with_end()
        .filter(effective_end__lte=as_of + timedelta(days=within_days))
        .order_by("effective_end", "pk")
    )
    overdue = running.exclude(end).order_by("planned_end_date", "pk")
    not_started = (
        base.filter(status__in=(Status.APPROVED, Status.ACTIVE), start_date__lt=as_of, arrival_date__isnull=True)
        .exclude(kind=Kind.TRANSFER, status=Status.ACTIVE)
        .exclude(Q(kind=Kind.TRANSFER) & ~Q(problem=""))  # listed once, under "not applied"
        .order_by("start_date", "pk")
    )
    not_applied = (
        base.filter(kind=Kind.TRANSFER, status=Status.APPROVED).exclude(problem="").order_by("start_date", "pk")
    )
    return Alerts(ending_soon=ending_soon, overdue=overdue, not_started=not_started, not_applied=not_applied)


PICKER_LIMIT = 20


def person_search(
    *,
    user,
    q: str = "",
    field_id=None,
    unit_id=None,
    available: bool = True,
    start: date | None = None,
    end: date | None = None,
    exclude_movement=None,
    limit: int = PICKER_LIMIT,
    person_id=None,
):
    """People for the person picker: accent-insensitive search on name and staff code, filtered by
    field (placed or trained), home unit and availability (``eligible_staff``'s rule), each with
    their unit, field, trained major and any open movement. Returns at most ``limit`` + 1 rows
    (one more tells the page there are more); with ``person_id``, that person or None. One query."""
    from staffing.filters import search_words

    day = start or timezone.localdate()
    if available:
        people = eligible_staff(user=user, start=start, end=end, exclude_movement=exclude_movement)
    else:
        placed_units = for_user(Unit.objects.all(), user)
        people = (
            Staff.objects.filter(status=StaffStatus.ACTIVE)
            .alias(placed=placement_on(day, "assignments"), placed_unit=F("placed__unit_id"))
            .filter(placed_unit__in=placed_units)
            .annotate(unit_name=F("placed__unit__name"), field_name=F(f"placed__field__{Field.name_column()}"))
        )
    if q:
        people = search_words(people, q)
    if field_id:
        people = people.alias(placed_field=F("placed__field_id")).filter(
            Q(placed_field=field_id) | Q(major_field_id=field_id)
        )
    if unit_id:
        units = Unit.objects.filter(Q(pk=unit_id) | Q(parent_id=unit_id)).values("pk")
        people = people.filter(placed_unit__in=units)
    running = (
        Secondment.objects.filter(person=OuterRef("pk"), status__in=OPEN_STATUSES)
        .exclude(pk=getattr(exclude_movement, "pk", None))
        .order_by("start_date")
    )

    people = people.annotate(
        major_name=F(f"major_field__{Field.name_column()}"),
        running_to=Subquery(running.values("to_unit__name")[:1]),
        running_end=Subquery(running.values("planned_end_date")[:1]),
        running_status=Subquery(running.values("status")[:1]),
    ).order_by("sort_key", "staff_code")
    if person_id is not None:
        return people.filter(pk=person_id).first()
    return people[: limit + 1]


ALERT_LIMIT = 200


def alert_groups(user, *, as_of: date, limit: int = ALERT_LIMIT):
    """The alerts page's groups: (key, label, movements), at most ``limit`` each."""
    alerts = movement_alerts(user=user, as_of=as_of)
    return [
        ("ending_soon", _("Ending within 30 days"), list(alerts.ending_soon[:limit])),
        ("overdue", _("Overdue: past their end date and not completed"), list(alerts.overdue[:limit])),
        (
            "not_started",
            _("Approved but never started: start date passed, arrival not confirmed"),
            list(alerts.not_started[:limit]),
        ),
        ("not_applied", _("Transfers that could not be applied on their start date"), list(alerts.not_applied[:limit])),
    ]


def alert_rows(groups):
    """The alert groups as rows of ``secondments.tables.ALERTS``."""
    return [
        {
            "pk": m.pk,
            "group_key": key,
            "group": str(label),
            "full_name": m.person.full_name,
            "staff_code": m.person.staff_code,
            "kind": m.get_kind_display(),
            "from_unit": m.from_unit.name,
            "to_unit": m.to_unit.name,
            "start_date": m.start_date,
            "end_date": m.end_date,
            "status": m.get_status_display(),
            "status_code": m.status,
            "problem": m.problem,
        }
        for key, label, movements in groups
        for m in movements
    ]
