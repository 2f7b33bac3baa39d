"""A plan's progress: per sending unit, the required range and the people proposed and sent; per
receiving commune and field, the coverage shortage and the people received. The plan page, the plan
API and the plan's Excel export all call ``plan_progress``."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
from headcount.rules import View
from headcount.selectors import headcount_rows
from secondments.models import (
    QUOTA_ROUNDING_RULE,
    Kind,
    Plan,
    RequestStatus,
    Secondment,
    SendingQuota,
    StaffRequest,
    Status,
)
from secondments.selectors import SENT_STATUSES
from staffing.models import Assignment, Field


def _status_counts():
    return {
        "draft": Count("pk", filter=Q(status=Status.DRAFT)),
        "proposed": Count("pk", filter=Q(status=Status.PROPOSED)),
        "approved": Count("pk", filter=Q(status=Status.APPROVED)),
        "active": Count("pk", filter=Q(status=Status.ACTIVE)),
        "completed": Count("pk", filter=Q(status=Status.COMPLETED)),
    }


@dataclass
class DepartmentProgress:
    """One sending unit under a plan: what it must send and what it has sent."""

    unit: Unit
    active_staff: int = 0
    quota: SendingQuota | None = None
    required_min: int | None = None
    required_max: int | None = None
    draft: int = 0
    proposed: int = 0
    approved: int = 0
    active: int = 0
    completed: int = 0

    @property
    def sent(self):
        """Approved, active and completed: the people the unit has been decided to send."""
        return self.approved + self.active + self.completed

    @property
    def missing(self):
        return None if self.required_min is None else max(0, self.required_min - self.sent)

    @property
    def over_quota(self):
        return self.required_max is not None and self.sent > self.required_max


@dataclass
class CommuneProgress:
    """One receiving commune and field under a plan: people received against the shortage."""

    unit: Unit
    field: Field
    is_priority: bool = False
    proposed: int = 0
    received: int = 0  # approved, active or completed movements into the commune in this field
    active: int = 0
    requested: int = 0  # people asked for in the commune's open requests
    shortage: int = 0  # coverage shortage from the headcount rules, on the progress date

    @property
    def remaining(self):
        return max(0, self.shortage)


@dataclass
class KindTotal:
    kind: str
    label: str
    target: int | None = None
    proposed: int = 0
    sent: int = 0

    @property
    def percent(self):
        return None if not self.target else round(100 * self.sent / self.target)


def _required_text(low, high):
    """The required range as the page says it: "7–10", "7", or "–" without a sending quota."""
    if low is None:
        return "–"
    return localize(low) if high == low else f"{localize(low)}–{localize(high)}"


@dataclass
class PlanProgress:
    plan: Plan
    as_of: date
    departments: list[DepartmentProgress] = field(default_factory=list)
    communes: list[CommuneProgress] = field(default_factory=list)
    totals: list[KindTotal] = field(default_factory=list)

    @property
    def rounding_rule(self):
        return str(QUOTA_ROUNDING_RULE)  # in the language of the request

    @property
    def target_total(self):
        targets = [t.target for t in self.totals if t.target is not None]
        return sum(targets) if targets else None

    @property
    def sent_total(self):
        return sum(t.sent for t in self.totals)

    @property
    def proposed_total(self):
        return sum(t.proposed for t in self.totals)

    @property
    def totals_row(self):
        """The totals under the kinds (``reports.tables.PLAN_TOTALS``): no target total without targets."""
        return {"target": self.target_total, "proposed": self.proposed_total, "sent": self.sent_total}

    def department_rows(self):
        """The sending units as the page, the API and the workbook read them
        (``reports.tables.PLAN_DEPARTMENTS``)."""
        return [
            {
                "unit": r.unit.pk,
                "unit_code": r.unit.code,
                "unit_name": r.unit.name,
                "active_staff": r.active_staff,
                "rule": r.quota.describe() if r.quota else None,
                "required_min": r.required_min,
                "required_max": r.required_max,
                "required": _required_text(r.required_min, r.required_max),
                "draft": r.draft,
                "proposed": r.proposed,
                "approved": r.approved,
                "active": r.active,
                "completed": r.completed,
                "sent": r.sent,
                "quota_id": r.quota.pk if r.quota else None,
            }
            for r in self.departments
        ]

    def commune_rows(self):
        """The receiving communes as the page, the API and the workbook read them
        (``reports.tables.PLAN_COMMUNES``)."""
        yes = str(_("Yes"))
        return [
            {
                "unit": r.unit.pk,
                "unit_code": r.unit.code,
                "unit_name": r.unit.name,
                "field": r.field.code,
                "field_name": str(r.field),
                "is_priority": r.is_priority,
                "priority": yes if r.is_priority else "",
                "shortage": r.shortage,
                "requested": r.requested,
                "proposed": r.proposed,
                "received": r.received,
                "active": r.active,
            }
            for r in self.communes
        ]


def plan_progress(*, plan: Plan, as_of: date) -> PlanProgress:
    """Progress of ``plan`` on ``as_of``: per sending unit, per receiving commune × field, per kind.

    Sending units are those with a quota rule in the plan and those that sent under it; their
    required range applies the plan's rule to their active staff on ``as_of``. Receiving rows are
    the commune × field pairs that received or requested people under the plan, plus the
    plan's priority communes in fields short of staff. Ten queries (eleven when a unit
    sends without a quota rule), whatever the size.
    """
    movements = Secondment.objects.filter(plan=plan).exclude(status=Status.CANCELLED)
    progress = PlanProgress(plan=plan, as_of=as_of)

    # 1: quota rules with their units; 2: movements per sending unit and status.
    quotas = {q.unit_id: q for q in SendingQuota.objects.filter(plan=plan).select_related("unit")}
    by_sender = {m["from_unit_id"]: m for m in movements.values("from_unit_id").annotate(**_status_counts()).order_by()}
    sender_ids = set(quotas) | set(by_sender)
    # 3: active staff of the sending units; (+1) sending units without a rule.
    units = {q.unit_id: q.unit for q in quotas.values()}
    missing_units = sender_ids - set(units)
    if missing_units:
        units.update(Unit.objects.in_bulk(missing_units))
    staff_counts = dict(
        Assignment.objects.in_force_on(as_of)
        .filter(unit_id__in=sender_ids)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for unit_id in sender_ids:
        row = DepartmentProgress(unit=units[unit_id], active_staff=staff_counts.get(unit_id, 0))
        row.quota = quotas.get(unit_id)
        if row.quota is not None:
            row.required_min, row.required_max = row.quota.required_range(row.active_staff)
        for key in ("draft", "proposed", "approved", "active", "completed"):
            setattr(row, key, by_sender.get(unit_id, {}).get(key, 0))
        progress.departments.append(row)
    progress.departments.sort(key=lambda r: (r.unit.name, r.unit.code))

    # 5: movements per receiving unit × field; 6: priority communes; 7: open requests.
    received = {
        (m["to_unit_id"], m["field_id"]): m
        for m in movements.values("to_unit_id", "field_id").annotate(**_status_counts()).order_by()
    }
    priority_ids = set(plan.priority_communes.values_list("pk", flat=True))
    requests = dict(
        (((r["commune_id"], r["field_id"]), r["n"]))
        for r in StaffRequest.objects.filter(plan=plan, status=RequestStatus.OPEN)
        .values("commune_id", "field_id")
        .annotate(n=Sum("count"))
        .order_by()
    )
    commune_ids = {k[0] for k in received} | {k[0] for k in requests} | priority_ids
    # 8–11: coverage of those communes by field (headcount rules).
    shortages = {}
    if commune_ids:
        rows = headcount_rows(units=Unit.objects.filter(pk__in=commune_ids), as_of=as_of, view=View.COVERAGE)
        shortages = {(r.unit_id, r.field_id): r.shortage for r in rows}
    # 12: the communes; 13: the fields.
    commune_units = Unit.objects.in_bulk(commune_ids) if commune_ids else {}
    fields = Field.objects.in_bulk()
    keys = set(received) | set(requests)
    keys |= {k for k, short in shortages.items() if short > 0 and k[0] in priority_ids}
    for unit_id, field_id in keys:
        unit = commune_units[unit_id]
        if not unit.is_commune_level:
            continue
        counts = received.get((unit_id, field_id), {})
        progress.communes.append(
            CommuneProgress(
                unit=unit,
                field=fields[field_id],
                is_priority=unit_id in priority_ids,
                proposed=counts.get("proposed", 0),
                received=sum(counts.get(s, 0) for s in SENT_STATUSES),
                active=counts.get("active", 0),
                requested=requests.get((unit_id, field_id), 0),
                shortage=shortages.get((unit_id, field_id), 0),
            )
        )
    progress.communes.sort(key=lambda r: (not r.is_priority, r.unit.name, r.field.sort_order, r.field.code))

    # 14: movements per kind, against the plan's targets.
    by_kind = {m["kind"]: m for m in movements.values("kind").annotate(**_status_counts()).order_by()}
    targets = plan.targets()
    for kind, label in Kind.choices:
        if kind not in plan.allowed_kinds and kind not in by_kind:
            continue
        counts = by_kind.get(kind, {})
        progress.totals.append(
            KindTotal(
                kind=kind,
                label=str(label),
                target=targets.get(kind),
                proposed=counts.get("proposed", 0),
                sent=sum(counts.get(s, 0) for s in SENT_STATUSES),
            )
        )
    return progress
