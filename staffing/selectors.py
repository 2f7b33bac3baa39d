"""Headcount against quota (DESIGN §4), computed by the database.

For unit U, field F and category C on day D:

- ``quota``: the posts of the latest decision for (U, F, C) in force on D;
- ``on_roll``: staff whose home unit is U on D (joined by D, not left before D), corrected for
  transfers: a transfer decided but not yet applied to the person counts from its start date, one
  already applied does not count before its start date;
- ``seconded_out`` / ``seconded_in``: temporary movements in effect on D leaving / entering U;
- ``effective = on_roll − seconded_out + seconded_in``.

The establishment view compares ``on_roll`` with the quota (seconded staff stay on the sender's
payroll); the coverage view compares ``effective`` (who does the work). Every function runs a
fixed number of grouped queries, whatever the number of units, staff or movements.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.utils.translation import gettext_lazy as _

from secondments.models import EFFECTIVE_STATUSES, TEMPORARY_KINDS, Kind, Secondment, Status
from staffing.models import Quota, Staff


class View:
    ESTABLISHMENT = "establishment"
    COVERAGE = "coverage"
    CHOICES = [(ESTABLISHMENT, _("Establishment")), (COVERAGE, _("Coverage"))]

    @classmethod
    def clean(cls, value):
        return value if value in (cls.ESTABLISHMENT, cls.COVERAGE) else cls.COVERAGE


@dataclass
class HeadcountRow:
    unit_id: int
    field_id: int
    category: str | None
    quota: int = 0
    on_roll: int = 0
    seconded_out: int = 0
    seconded_in: int = 0
    view: str = View.COVERAGE

    @property
    def effective(self):
        return self.on_roll - self.seconded_out + self.seconded_in

    @property
    def headcount(self):
        return self.on_roll if self.view == View.ESTABLISHMENT else self.effective

    @property
    def gap(self):
        return self.headcount - self.quota

    @property
    def shortage(self):
        return max(0, -self.gap)

    @property
    def surplus(self):
        return max(0, self.gap)


@dataclass
class Totals:
    """Sums over rows; gross shortage and surplus add per unit × field gaps separately."""

    quota: int = 0
    on_roll: int = 0
    seconded_out: int = 0
    seconded_in: int = 0
    gross_shortage: int = 0
    gross_surplus: int = 0
    view: str = View.COVERAGE
    unit_ids_short: set = field(default_factory=set)
    unit_ids_surplus: set = field(default_factory=set)

    @property
    def effective(self):
        return self.on_roll - self.seconded_out + self.seconded_in

    @property
    def headcount(self):
        return self.on_roll if self.view == View.ESTABLISHMENT else self.effective

    @property
    def net(self):
        return self.headcount - self.quota

    @property
    def units_short(self):
        return len(self.unit_ids_short)

    @property
    def units_surplus(self):
        return len(self.unit_ids_surplus)


def _current_quotas(units, as_of):
    superseded = Quota.objects.filter(
        unit=OuterRef("unit"),
        field=OuterRef("field"),
        category=OuterRef("category"),
        effective_from__gt=OuterRef("effective_from"),
        effective_from__lte=as_of,
    )
    return Quota.objects.filter(unit__in=units, effective_from__lte=as_of).exclude(Exists(superseded))


def on_roll_filter(as_of, prefix=""):
    """Q for staff on a unit's roll on ``as_of`` (before movements)."""
    p = prefix
    return (Q(**{f"{p}start_date__isnull": True}) | Q(**{f"{p}start_date__lte": as_of})) & (
        Q(**{f"{p}end_date__isnull": True}) | Q(**{f"{p}end_date__gte": as_of})
    )


def _movement_filters(as_of):
    temporary = Q(kind__in=TEMPORARY_KINDS, status__in=EFFECTIVE_STATUSES, start_date__lte=as_of) & (
        Q(actual_end_date__gte=as_of) | Q(actual_end_date__isnull=True, planned_end_date__gte=as_of)
    )
    # Decided transfers not yet applied to the person: they count from their start date.
    transfer_pending = Q(kind=Kind.TRANSFER, status__in=[Status.APPROVED, Status.ACTIVE], start_date__lte=as_of)
    # Applied transfers (the person's home unit already changed): not before their start date.
    transfer_applied_later = Q(kind=Kind.TRANSFER, status=Status.COMPLETED, start_date__gt=as_of)
    return temporary, transfer_pending, transfer_applied_later


def headcount_rows(*, units, as_of: date, view: str = View.COVERAGE, by_category: bool = False):
    """Rows of quota and headcount per unit × field (× category) for the given units on ``as_of``.

    ``units`` is a Unit queryset (used as a subquery). Four grouped queries in all.
    Rows are sorted by unit id, field id, category.
    """
    view = View.clean(view)
    rows = {}

    def row(unit_id, field_id, category):
        key = (unit_id, field_id, category if by_category else None)
        r = rows.get(key)
        if r is None:
            r = rows[key] = HeadcountRow(unit_id, field_id, key[2], view=view)
        return r

    quota_keys = ["unit_id", "field_id"] + (["category"] if by_category else [])
    for q in _current_quotas(units, as_of).values(*quota_keys).annotate(n=Sum("count")).order_by():
        row(q["unit_id"], q["field_id"], q.get("category")).quota += q["n"]

    staff_keys = ["home_unit_id", "field_id"] + (["category"] if by_category else [])
    staff = Staff.objects.filter(on_roll_filter(as_of), home_unit__in=units)
    for s in staff.values(*staff_keys).annotate(n=Count("pk")).order_by():
        row(s["home_unit_id"], s["field_id"], s.get("category")).on_roll += s["n"]

    temporary, transfer_pending, transfer_later = _movement_filters(as_of)
    category_key = ["person__category"] if by_category else []
    incoming = (
        Secondment.objects.filter(to_unit__in=units)
        .filter(temporary | transfer_pending | transfer_later)
        .values("to_unit_id", "field_id", *category_key)
        .annotate(
            temp=Count("pk", filter=temporary),
            pending=Count("pk", filter=transfer_pending),
            later=Count("pk", filter=transfer_later),
        )
        .order_by()
    )
    for m in incoming:
        r = row(m["to_unit_id"], m["field_id"], m.get("person__category"))
        r.seconded_in += m["temp"]
        r.on_roll += m["pending"] - m["later"]

    outgoing = (
        Secondment.objects.filter(from_unit__in=units)
        .filter(temporary | transfer_pending | transfer_later)
        .values("from_unit_id", "person__field_id", *category_key)
        .annotate(
            temp=Count("pk", filter=temporary),
            pending=Count("pk", filter=transfer_pending),
            later=Count("pk", filter=transfer_later),
        )
        .order_by()
    )
    for m in outgoing:
        r = row(m["from_unit_id"], m["person__field_id"], m.get("person__category"))
        r.seconded_out += m["temp"]
        r.on_roll += m["later"] - m["pending"]

    return [rows[k] for k in sorted(rows, key=lambda k: (k[0], k[1], k[2] or ""))]


def summarize(rows, *, view: str | None = None) -> Totals:
    """Totals over rows. Shortage and surplus are gross: per unit × field, then added up."""
    view = View.clean(view or (rows[0].view if rows else View.COVERAGE))
    totals = Totals(view=view)
    per_field = defaultdict(lambda: [0, 0])  # (unit, field) -> [quota, headcount]
    for r in rows:
        totals.quota += r.quota
        totals.on_roll += r.on_roll
        totals.seconded_out += r.seconded_out
        totals.seconded_in += r.seconded_in
        acc = per_field[(r.unit_id, r.field_id)]
        acc[0] += r.quota
        acc[1] += r.on_roll if view == View.ESTABLISHMENT else r.effective
    for (unit_id, _field_id), (quota, headcount) in per_field.items():
        gap = headcount - quota
        if gap < 0:
            totals.gross_shortage -= gap
            totals.unit_ids_short.add(unit_id)
        elif gap > 0:
            totals.gross_surplus += gap
            totals.unit_ids_surplus.add(unit_id)
    return totals


def summarize_by(rows, key, *, view: str | None = None) -> dict:
    """Totals per group of rows, e.g. ``summarize_by(rows, lambda r: r.unit_id)``."""
    groups = defaultdict(list)
    for r in rows:
        groups[key(r)].append(r)
    return {k: summarize(v, view=view) for k, v in groups.items()}


def mismatch_counts(*, units, as_of: date) -> dict:
    """Staff on roll whose trained field differs from their position's field, per (unit, field)."""
    qs = (
        Staff.objects.filter(on_roll_filter(as_of), home_unit__in=units, major_field__isnull=False)
        .exclude(major_field=F("field"))
        .values("home_unit_id", "field_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {(m["home_unit_id"], m["field_id"]): m["n"] for m in qs}
