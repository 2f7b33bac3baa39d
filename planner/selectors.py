"""What the planner reads from the database: the solver's problem and the shortage forecast.

``build_problem`` turns a province, a plan, a start date and a run's knobs into a
``planner.solver.Problem`` with the names the explanations need. It reads the headcount rule
(``headcount.selectors.headcount_rows``, coverage view on the start date), movements not yet in
that count (drafts, proposals and decided movements starting later, so a rerun plans only what is
left), the plan's sending quotas and priority communes, and the people free to move. A fixed
number of queries whatever the province's size.

``forecast`` projects the coverage and establishment shortage month by month (retirements from
Decree 135/2020, movements ending, absences starting and ending), with the people behind each
change.
"""

import bisect
import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q

from communes.models import COMMUNE_LEVEL_KINDS, PROVINCIAL_KINDS, Unit
from core.dates import add_months
from headcount.rules import PARTS, TERMS, View
from headcount.selectors import headcount_rows, headcount_series, placement_on
from planner import solver
from planner.retirement import retirement_last_day
from secondments.models import OPEN_STATUSES, TEMPORARY_KINDS, Kind, Secondment, SendingQuota, Status, round_people
from staffing.models import Absence, Assignment, Field, Staff, StaffStatus

# Knobs of a run and their defaults; the run form (planner.forms.RunForm) validates them.
DEFAULT_KNOBS = {
    "fields": [],  # empty: the plan's priority fields, or every field when the plan names none
    "only_priority_communes": False,
    "priority_weight": 2.0,  # added to a shortage's weight in the plan's priority communes
    "disadvantaged_weight": 1.0,
    "border_weight": 0.5,
    "priority_field_weight": 0.5,
    "sending_percent": None,  # for percentage quotas: the share sent, within the plan's range
    "include_communes": True,  # surplus communes send too
    "allow_leaders": True,
    "department_kind": Kind.SECONDMENT.value,
    "commune_kind": Kind.TRANSFER.value,
    "duration_days": 180,
}


@dataclass
class Built:
    problem: solver.Problem
    end_date: date | None  # the temporary movements' last day
    units: dict = field(default_factory=dict)  # id -> {name, kind, disadvantaged, border, parent}
    fields: dict = field(default_factory=dict)  # id -> {code, name_vi, name_en}
    people: dict = field(default_factory=dict)  # id -> {name, code, qualification, major}
    quota_ranges: dict = field(default_factory=dict)  # unit id -> (min, max) before what was sent
    already_sent: dict = field(default_factory=dict)  # unit id -> movements under the plan
    pending_in: dict = field(default_factory=dict)  # (commune, field) -> planned arrivals
    retiring: dict = field(default_factory=dict)  # (unit, field) -> retired before the start date
    queries: int = 0


def knobs_with_defaults(knobs: dict | None) -> dict:
    return {**DEFAULT_KNOBS, **(knobs or {})}


def movement_end(start: date, knobs: dict) -> date:
    return start + timedelta(days=int(knobs["duration_days"]) - 1)


def _retirement_day(person) -> date | None:
    try:
        return retirement_last_day(person["birth_date"], person["gender"])
    except (ValueError, TypeError):
        return None


def _old_enough(day: date) -> Q:
    """People who may have reached retirement age by ``day`` (women from 55; a narrow prefilter)."""
    return Q(birth_date__lte=date(day.year - 55, 12, 31))


def retirements_by_cell(*, units, start: date, end: date) -> list[dict]:
    """People on the roll of ``units`` whose last day before retirement falls in [start, end]:
    ``{person, name, code, unit, field, last_day}``, sorted by last day. One query."""
    rows = (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .filter(_old_enough(end))
        .alias(placed=placement_on(end if end >= start else start, "assignments"))
        .filter(placed__unit__in=units)
        .values("pk", "full_name", "staff_code", "birth_date", "gender", "placed__unit_id", "placed__field_id")
    )
    out = []
    for r in rows:
        last = _retirement_day(r)
        if last is not None and start <= last <= end:
            out.append(
                {
                    "person": r["pk"],
                    "name": r["full_name"],
                    "code": r["staff_code"],
                    "unit": r["placed__unit_id"],
                    "field": r["placed__field_id"],
                    "last_day": last,
                }
            )
    out.sort(key=lambda e: (e["last_day"], e["name"]))
    return out


def _retired_before(*, province, start: date, today: date):
    """(unit, field) -> people placed there on ``start`` whose retirement falls before it, and
    their ids."""
    if start <= today:
        return Counter(), set()
    units = Unit.objects.filter(province=province)
    gone = Counter()
    rows = (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .filter(_old_enough(start))
        .alias(placed=placement_on(start, "assignments"))
        .filter(placed__unit__in=units)
        .values("pk", "birth_date", "gender", "placed__unit_id", "placed__field_id")
    )
    ids = set()
    for r in rows:
        last = _retirement_day(r)
        if last is not None and last < start:
            gone[(r["placed__unit_id"], r["placed__field_id"])] += 1
            ids.add(r["pk"])
    return gone, ids


def build_problem(*, province, plan, start: date, knobs: dict | None = None, today: date | None = None) -> Built:
    """The solver's problem for ``province`` (and ``plan``: its quotas, priorities and movements)
    on ``start``. See the module docstring; knobs are those of ``DEFAULT_KNOBS``."""
    from django.utils import timezone

    knobs = knobs_with_defaults(knobs)
    today = today or timezone.localdate()
    end = movement_end(start, knobs)

    # 1: the province's units.
    units = {
        u["pk"]: u
        for u in Unit.objects.filter(province=province, is_active=True).values(
            "pk", "name", "code", "kind", "parent_id", "is_disadvantaged", "is_border"
        )
    }
    communes = [pk for pk, u in units.items() if u["kind"] in COMMUNE_LEVEL_KINDS]
    commune_set = set(communes)
    # 2: the coverage view of every unit of the province on the start date.
    rows = headcount_rows(units=Unit.objects.filter(pk__in=list(units)), as_of=start, view=View.COVERAGE)
    gap = {(r.unit_id, r.field_id): r.gap for r in rows}
    quota_of = {(r.unit_id, r.field_id): r.quota for r in rows}

    # 3: movements not yet counted on the start date: pending ones and those decided to start later.
    later = (
        Secondment.objects.filter(to_unit__province=province)
        .filter(Q(status__in=(Status.DRAFT, Status.PROPOSED)) | Q(status__in=(Status.APPROVED,), start_date__gt=start))
        .filter(Q(kind=Kind.TRANSFER) | Q(planned_end_date__gte=start))
        .values("person_id", "from_unit_id", "to_unit_id", "field_id", "plan_id", "kind")
    )
    pending_in, pending_out = Counter(), Counter()
    busy = set()
    sent_under_plan = Counter()
    placed_field = {}
    later = list(later)
    for m in later:
        busy.add(m["person_id"])
        pending_in[(m["to_unit_id"], m["field_id"])] += 1
    # 4: the placed field of those people (to take them off their sending unit's count).
    if later:
        placed_field = dict(
            Assignment.objects.in_force_on(start).filter(person_id__in=busy).values_list("person_id", "field_id")
        )
    for m in later:
        f = placed_field.get(m["person_id"])
        if f is not None and m["from_unit_id"] in units:
            pending_out[(m["from_unit_id"], f)] += 1
    for key, n in pending_in.items():
        gap[key] = gap.get(key, 0) + n
    for key, n in pending_out.items():
        gap[key] = gap.get(key, 0) - n

    # 5: retirements before a future start date.
    retired, retired_ids = _retired_before(province=province, start=start, today=today)
    for key, n in retired.items():
        gap[key] = gap.get(key, 0) - n

    # 6: leaders placed per commune × field on the start date (a post without one is short).
    leaders = Counter(
        dict(
            ((u, f), n)
            for u, f, n in Assignment.objects.in_force_on(start)
            .filter(unit_id__in=communes, is_leader=True)
            .values_list("unit_id", "field_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
    )

    # 7: the plan's priorities and sending quotas; 8: staff counts of the sending units.
    priority_communes, priority_fields, quotas = set(), set(), []
    if plan is not None:
        priority_communes = set(plan.priority_communes.values_list("pk", flat=True))
        priority_fields = set(plan.priority_fields.values_list("pk", flat=True))
        quotas = list(SendingQuota.objects.filter(plan=plan))
    quota_units = {q.unit_id for q in quotas}
    staff_counts = {}
    if quota_units:
        staff_counts = dict(
            Assignment.objects.in_force_on(start)
            .filter(unit_id__in=quota_units)
            .values_list("unit_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        # 9: what each sending unit already sends under the plan (any status but cancelled).
        sent_under_plan = Counter(
            dict(
                Secondment.objects.filter(plan=plan, from_unit_id__in=quota_units)
                .exclude(status=Status.CANCELLED)
                .values_list("from_unit_id")
                .annotate(n=Count("pk"))
                .order_by()
            )
        )

    chosen_fields = {int(f) for f in knobs["fields"]} or priority_fields or None
    weights = (
        float(knobs["priority_weight"]),
        float(knobs["disadvantaged_weight"]),
        float(knobs["border_weight"]),
        float(knobs["priority_field_weight"]),
    )
    demands = []
    for (u, f), g in sorted(gap.items()):
        if u not in commune_set or g >= 0:
            continue
        if chosen_fields is not None and f not in chosen_fields:
            continue
        if knobs["only_priority_communes"] and u not in priority_communes:
            continue
        unit = units[u]
        prio = u in priority_communes
        w = 1.0 + (weights[0] if prio else 0) + (weights[1] if unit["is_disadvantaged"] else 0)
        w += (weights[2] if unit["is_border"] else 0) + (weights[3] if f in priority_fields else 0)
        short = -g
        demands.append(
            solver.Demand(
                commune_id=u,
                field_id=f,
                shortage=short,
                weight=round(w, 3),
                priority=prio,
                disadvantaged=unit["is_disadvantaged"],
                border=unit["is_border"],
                leader_shortage=1 if quota_of.get((u, f), 0) > 0 and leaders[(u, f)] == 0 else 0,
            )
        )

    ranges, solver_quotas = {}, []
    pct = knobs.get("sending_percent")
    for q in quotas:
        n = staff_counts.get(q.unit_id, 0)
        low, high = q.required_range(n)
        if pct not in (None, "") and q.rule == "percent":
            p = min(max(Decimal(str(pct)), q.min_percent), q.max_percent)
            high = max(low, round_people(p * n / 100))
        ranges[q.unit_id] = (low, high)
        done = sent_under_plan[q.unit_id]
        solver_quotas.append(solver.SendingQuota(q.unit_id, max(0, low - done), max(0, high - done)))

    surplus_communes = {
        (u, f): g for (u, f), g in gap.items() if u in commune_set and g > 0 and knobs["include_communes"]
    }
    sending_units = set(quota_units) | {pk for pk, u in units.items() if u["parent_id"] in quota_units}
    sending_units = {pk for pk in sending_units if pk in units and units[pk]["kind"] in PROVINCIAL_KINDS}
    source_communes = {u for (u, _f) in surplus_communes}

    # 10: the people free to move on [start, end] from those units.
    moving = Secondment.objects.filter(person=OuterRef("pk")).exclude(status=Status.CANCELLED)
    temporary_clash = moving.filter(kind__in=TEMPORARY_KINDS, start_date__lte=end).filter(
        Q(actual_end_date__gte=start) | Q(actual_end_date__isnull=True, planned_end_date__gte=start)
    )
    open_transfer = moving.filter(kind=Kind.TRANSFER, status__in=OPEN_STATUSES)
    absent = Absence.objects.filter(person=OuterRef("pk")).filter(Absence.objects.in_force_q(start))
    people_rows = (
        Staff.objects.filter(status=StaffStatus.ACTIVE)
        .alias(placed=placement_on(start, "assignments"))
        .filter(placed__unit_id__in=sending_units | source_communes)
        .exclude(Exists(temporary_clash))
        .exclude(Exists(open_transfer))
        .exclude(Exists(absent))
        .exclude(pk__in=busy)
        .values(
            "pk",
            "full_name",
            "staff_code",
            "qualification",
            "major_field_id",
            "birth_date",
            "gender",
            "placed__unit_id",
            "placed__field_id",
            "placed__is_leader",
        )
        .order_by("pk")
    )
    candidates, people = [], {}
    for r in people_rows:
        unit_id, placed = r["placed__unit_id"], r["placed__field_id"]
        is_commune = unit_id in commune_set
        if is_commune and (unit_id, placed) not in surplus_communes:
            continue
        if r["pk"] in retired_ids:
            continue
        last = _retirement_day(r)
        if last is not None and last < end:
            continue  # retires before the movement would end
        quota_unit = unit_id if unit_id in quota_units else units[unit_id]["parent_id"]
        candidates.append(
            solver.Candidate(
                person_id=r["pk"],
                unit_id=unit_id,
                unit_is_commune=is_commune,
                placed_field_id=placed,
                major_field_id=r["major_field_id"],
                is_leader=r["placed__is_leader"],
                quota_unit_id=None if is_commune else quota_unit,
            )
        )
        people[r["pk"]] = {
            "name": r["full_name"],
            "code": r["staff_code"],
            "qualification": r["qualification"],
            "major": r["major_field_id"],
        }

    department_surplus = [solver.Surplus(u, f, g) for (u, f), g in sorted(gap.items()) if u in sending_units and g > 0]
    problem = solver.Problem(
        demands=tuple(demands),
        candidates=tuple(candidates),
        quotas=tuple(solver_quotas),
        commune_surplus=tuple(solver.Surplus(u, f, g) for (u, f), g in sorted(surplus_communes.items())),
        department_surplus=tuple(department_surplus),
        options=solver.Options(
            communes_may_send=bool(knobs["include_communes"]),
            allow_leaders=bool(knobs["allow_leaders"]),
            time_limit=float(knobs.get("time_limit", 60.0)),
        ),
    )
    # 11: the fields' names.
    fields = {
        f["pk"]: {"code": f["code"], "name_vi": f["name_vi"], "name_en": f["name_en"]}
        for f in Field.objects.values("pk", "code", "name_vi", "name_en")
    }
    return Built(
        problem=problem,
        end_date=end,
        units=units,
        fields=fields,
        people=people,
        quota_ranges=ranges,
        already_sent=dict(sent_under_plan),
        pending_in=dict(pending_in),
        retiring=dict(retired),
    )


# ------------------------------------------------------------------------------------ forecast


def month_ends(start: date, months: int) -> list[date]:
    """The last day of each of the ``months`` months from ``start``'s month on."""
    out = []
    for k in range(months):
        first = add_months(start.replace(day=1), k)
        out.append(first.replace(day=calendar.monthrange(first.year, first.month)[1]))
    return out


@dataclass
class ForecastMonth:
    day: date
    quota: int = 0
    establishment: int = 0
    coverage: int = 0
    establishment_shortage: int = 0
    coverage_shortage: int = 0
    retirements: list = field(default_factory=list)
    movements_ending: list = field(default_factory=list)
    absences_starting: list = field(default_factory=list)
    absences_ending: list = field(default_factory=list)


@dataclass
class Forecast:
    province: object
    start: date
    months: list[ForecastMonth]
    cells: list  # [{unit, field, quota, shortages: [coverage shortage per month], now}]
    units: dict
    fields: dict


def forecast(*, province, start: date, months: int = 12, communes_only: bool = True) -> Forecast:
    """The province's projected shortage at the end of each of the next ``months`` months.

    Each month's headcount is the rule's own on that day (placements ending, movements ending and
    absences starting or ending are dated in the record); people who reach retirement age by then
    are taken off where they are placed. Per commune × field the coverage shortage month by month
    (only cells where it is or becomes positive), per province the totals, and the people behind
    each month's changes. Six queries whatever the number of months.
    """
    unit_qs = Unit.objects.filter(province=province, is_active=True)
    if communes_only:
        unit_qs = unit_qs.filter(kind__in=COMMUNE_LEVEL_KINDS)
    days = month_ends(start, months)
    horizon = days[-1]
    retirements = retirements_by_cell(units=unit_qs, start=start, end=horizon)
    # Every month's parts in one query (the start's too), per unit × field as lists over the days.
    all_days = sorted({start, *days})
    series = headcount_series(units=unit_qs, days=all_days)
    at = [all_days.index(d) for d in days]
    now_at = all_days.index(start)
    # Retirements per cell: how many have left by each month end.
    gone = defaultdict(lambda: [0] * months)
    for e in retirements:
        first_month = bisect.bisect_right(days, e["last_day"])  # the first month end after the last day
        for k in range(first_month, months):
            gone[(e["unit"], e["field"])][k] += 1
    none_gone = [0] * months

    def headcount(view, parts):
        """The view's headcount on each day: the rule's signed parts (``TERMS``), added day by day."""
        total = [0] * len(all_days)
        for sign, name in TERMS[view]:
            total = [t + sign * n for t, n in zip(total, parts[PARTS.index(name)], strict=True)]
        return total

    per_month = [ForecastMonth(day=day) for day in days]
    cells = []
    for (unit_id, field_id), (quotas, *parts) in series.items():
        coverage, establishment = headcount(View.COVERAGE, parts), headcount(View.ESTABLISHMENT, parts)
        out = gone.get((unit_id, field_id), none_gone)
        shortages = [0] * months
        for k, i in enumerate(at):
            quota = quotas[i]
            est = max(0, establishment[i] - out[k])
            cov = max(0, coverage[i] - out[k])
            month = per_month[k]
            month.quota += quota
            month.establishment += est
            month.coverage += cov
            month.establishment_shortage += max(0, quota - est)
            shortages[k] = max(0, quota - cov)
            month.coverage_shortage += shortages[k]
        now = max(0, quotas[now_at] - coverage[now_at])
        if now or any(shortages):
            cells.append((unit_id, field_id, quotas[at[-1]] if months else 0, now, shortages))

    # Events: movements ending, absences starting and ending within the horizon.
    first = start
    ending = (
        Secondment.objects.filter(kind__in=TEMPORARY_KINDS, status__in=(Status.APPROVED, Status.ACTIVE))
        .filter(Q(to_unit__in=unit_qs) | Q(from_unit__in=unit_qs))
        .with_end()
        .filter(effective_end__gte=first, effective_end__lte=horizon)
        .values("pk", "person__full_name", "to_unit_id", "from_unit_id", "field_id", "effective_end")
        .order_by("effective_end", "pk")
    )
    absences = (
        Absence.objects.filter(person__assignments__unit__in=unit_qs)
        .filter(Q(start_date__gte=first, start_date__lte=horizon) | Q(end_date__gte=first, end_date__lte=horizon))
        .values("pk", "person__full_name", "kind", "start_date", "end_date")
        .distinct()
        .order_by("start_date", "pk")
    )

    def month_of(day):
        for i, d in enumerate(days):
            if day <= d:
                return i
        return None

    for e in retirements:
        i = month_of(e["last_day"] + timedelta(days=1))
        if i is not None:
            per_month[i].retirements.append(e)
    for m in ending:
        i = month_of(m["effective_end"] + timedelta(days=1))
        if i is not None:
            per_month[i].movements_ending.append(m)
    for a in absences:
        if first <= a["start_date"] <= horizon:
            per_month[month_of(a["start_date"])].absences_starting.append(a)
        if a["end_date"] and first <= a["end_date"] <= horizon:
            i = month_of(a["end_date"] + timedelta(days=1))
            if i is not None:
                per_month[i].absences_ending.append(a)

    units = {u["pk"]: u for u in unit_qs.values("pk", "name", "code")}
    fields = {f.pk: f for f in Field.objects.all()}
    cell_list = [
        {"unit": units[u], "field": fields.get(f), "quota": quota, "now": now, "shortages": shortages}
        for u, f, quota, now, shortages in cells
        if u in units
    ]
    cell_list.sort(key=lambda c: (-max(c["shortages"] + [c["now"]]), c["unit"]["name"], c["field"].sort_order))
    return Forecast(province=province, start=start, months=per_month, cells=cell_list, units=units, fields=fields)
