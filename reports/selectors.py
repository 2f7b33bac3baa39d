"""Report queries built on the headcount selectors.

One function per report; its page, its API endpoint and its Excel export all call it. Each runs a
fixed number of grouped queries, whatever the number of communes, staff or movements.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Q, Value
from django.utils import timezone
from django.utils.translation import gettext

from accounts.scoping import for_user
from communes.models import COMMUNE_LEVEL_KINDS, Province, Unit
from config.routers import read_alias
from core.memo import kept_statement
from headcount.rules import EFFECTIVE_TERMS, PARTS, TERMS, Headline, UnitBalance, View, combine, headline, summarize
from headcount.selectors import (
    cached_sql,
    fetch_cached,
    fetch_together,
    headcount_rows,
    headcount_totals,
    mismatch_counts,
    mismatch_queryset,
    query_key,
    summary_rows,
    summary_sums,
    summary_totals,
    unit_balances,
)
from secondments.models import EFFECTIVE_STATUSES, Secondment, SendingQuota, Status
from secondments.selectors import active_staff_count
from staffing.models import Field
from staffing.selectors import pool_rows, quota_pool_sql

ENDING_WITHIN_DAYS = 30
TOP_SHORTAGE = 15
# Commune-table filters: by the commune's total against its quota (the headline), or by its fields.
ONLY_SHORT = "short"
ONLY_SURPLUS = "surplus"
ONLY_SHORT_IN_A_FIELD = "short_in_a_field"
ONLY_SURPLUS_IN_A_FIELD = "surplus_in_a_field"
ONLY_CHOICES = (ONLY_SHORT, ONLY_SURPLUS, ONLY_SHORT_IN_A_FIELD, ONLY_SURPLUS_IN_A_FIELD)

COMMUNE_SORTS = (
    "name",
    "code",
    "quota",
    "on_roll",
    "seconded_in",
    "seconded_out",
    "absent",
    "effective",
    "net",
    "shortage",
    "surplus",
    "mismatches",
)


@dataclass
class Filters:
    """What narrows a province report: field, unit kind, disadvantaged/border flags, short/surplus."""

    field_id: int | None = None
    kind: str | None = None
    disadvantaged: bool = False
    border: bool = False
    only: str | None = None  # one of ONLY_CHOICES: commune table rows only
    sort: str = "-shortage"


@dataclass
class Kpis:
    quota: int = 0
    on_roll: int = 0
    seconded_in: int = 0
    seconded_out: int = 0
    absent: int = 0
    effective: int = 0
    headcount: int = 0
    gross_shortage: int = 0
    gross_surplus: int = 0
    net: int = 0
    communes: int = 0
    # The headline: communes by their total headcount against their total quota.
    communes_net_short: int = 0
    net_shortage: int = 0
    communes_net_surplus: int = 0
    net_surplus: int = 0
    # Communes with at least one field short / over, whatever their total.
    communes_short_in_a_field: int = 0
    communes_surplus_in_a_field: int = 0
    active_movements: int = 0
    ending_soon: int = 0
    mismatches: int = 0

    def as_dict(self):
        return dict(self.__dict__)

    def set_headline(self, h: Headline):
        self.communes_net_short, self.net_shortage = h.units_net_short, h.net_shortage
        self.communes_net_surplus, self.net_surplus = h.units_net_surplus, h.net_surplus
        self.communes_short_in_a_field = h.units_short_in_a_field
        self.communes_surplus_in_a_field = h.units_surplus_in_a_field


@dataclass
class FieldRow:
    field_id: int
    code: str
    name: str
    quota: int
    headcount: int
    shortage: int
    surplus: int

    @property
    def net(self):
        return self.headcount - self.quota


@dataclass
class CommuneRow:
    unit_id: int
    code: str
    name: str
    kind: str
    is_disadvantaged: bool
    is_border: bool
    quota: int = 0
    on_roll: int = 0
    seconded_in: int = 0
    seconded_out: int = 0
    absent: int = 0
    effective: int = 0
    headcount: int = 0
    net: int = 0
    shortage: int = 0
    surplus: int = 0
    mismatches: int = 0
    by_field: dict = field(default_factory=dict)  # field id -> (quota, headcount)


@dataclass(frozen=True)
class FigureSource:
    """Where a report's figures come from: today's summary (``rebuilt_at``: when it was last
    rebuilt; every write since refreshed its units in the same transaction) or the record, live
    (another day than today, or today's summary not rebuilt yet)."""

    as_of: date
    rebuilt_at: datetime | None = None

    @property
    def from_summary(self):
        return self.rebuilt_at is not None

    @property
    def rebuilt_at_text(self):
        """The rebuild time in local time, dd/mm/yyyy HH:MM ("" when live)."""
        return timezone.localtime(self.rebuilt_at).strftime("%d/%m/%Y %H:%M") if self.rebuilt_at else ""

    def text(self) -> str:
        if self.from_summary:
            return gettext(
                "Today's figures are read from the daily summary, rebuilt at %(time)s and updated with every "
                "change since."
            ) % {"time": self.rebuilt_at_text}
        if self.as_of == timezone.localdate():
            return gettext("Figures computed live from the records: today's summary has not been rebuilt yet.")
        return gettext("Figures for %(day)s computed live from the records (the daily summary holds today only).") % {
            "day": self.as_of.strftime("%d/%m/%Y")
        }

    def as_dict(self):
        return {
            "from_summary": self.from_summary,
            "summary_rebuilt_at": self.rebuilt_at,
            "text": self.text(),
        }


def figure_source(as_of, stored):
    """The source of figures read through ``summary_rows`` / ``summary_totals`` (None: live)."""
    return FigureSource(as_of, getattr(stored, "rebuilt_at", None) if stored is not None else None)


@dataclass
class ProvinceDashboard:
    province: Province
    as_of: date
    view: str
    filters: Filters
    fields: list
    kpis: Kpis
    by_field: list
    top_shortage: list
    communes: list
    source: FigureSource
    quota_pool: list | None = None  # with ``pool``: the province's pool per category (``PoolRow``)


REPORT_FIELD_COLUMNS = ("id", "code", "name_vi", "name_en", "sort_order")


def report_fields():
    """The professional fields in display order (one query)."""
    return list(Field.objects.only(*REPORT_FIELD_COLUMNS))


def with_report_fields(model, key, build, *values):
    """The first ``model`` row of the queryset ``build(*values)`` (None if none), its SQL kept per
    ``key`` (``core.memo.kept_statement``), and ``report_fields()``, read in one round trip on
    PostgreSQL. The fields' SQL never changes, so it is kept (``cached_sql``)."""
    fields_sql = cached_sql(("report fields",), lambda: query_key(Field.objects.values_list(*REPORT_FIELD_COLUMNS)))
    names = [f.attname for f in model._meta.concrete_fields]
    alias = read_alias()
    sql, params, _converters = kept_statement(key, lambda *v: build(*v).values_list(*names)[:1], *values, using=alias)
    first, rows = fetch_together([(sql, params), fields_sql])
    obj = model.from_db(alias, names, first[0]) if first else None
    return obj, [Field.from_db(alias, REPORT_FIELD_COLUMNS, row) for row in rows]


def commune_units(province_ids, filters: Filters):
    """Commune-level units of the given provinces, narrowed by kind and flags (a queryset)."""
    units = Unit.objects.filter(province_id__in=province_ids, kind__in=COMMUNE_LEVEL_KINDS, is_active=True)
    if filters.kind:
        units = units.filter(kind=filters.kind)
    if filters.disadvantaged:
        units = units.filter(is_disadvantaged=True)
    if filters.border:
        units = units.filter(is_border=True)
    return units


def _movement_counts(unit_ids, as_of, field_id=None, also=()):
    """Temporary movements in effect on ``as_of`` to or from the units, and those ending soon.

    ``also``: more ``(sql, params)`` sent in the same round trip; then the result is ``(counts,
    their rows)``.
    """
    if not unit_ids:
        counts = {"active": 0, "ending": 0}
        return (counts, fetch_together(also)) if also else counts

    def build():
        soon = as_of + timedelta(days=ENDING_WITHIN_DAYS)
        qs = Secondment.objects.in_effect_on(as_of).filter(Q(to_unit__in=unit_ids) | Q(from_unit__in=unit_ids))
        if field_id:
            qs = qs.filter(field_id=field_id)
        # Grouped by a constant, i.e. not grouped: one row, as aggregate() would read it.
        qs = (
            qs.with_end()
            .annotate(everything=Value(1))
            .values("everything")
            .annotate(active=Count("pk"), ending=Count("pk", filter=Q(effective_end__lte=soon)))
            .values_list("active", "ending")
            .order_by()
        )
        return query_key(qs)

    key = ("movement counts", tuple(unit_ids), as_of, field_id)
    if not also:
        [(active, ending)] = fetch_cached(key, build)
        return {"active": active, "ending": ending}
    [(active, ending)], *rows = fetch_together([cached_sql(key, build), *also])
    return {"active": active, "ending": ending}, rows


def _sort_communes(rows, sort):
    key = sort.lstrip("-")
    if key not in COMMUNE_SORTS:
        key, sort = "shortage", "-shortage"
    reverse = sort.startswith("-")
    if key in ("name", "code"):
        return sorted(rows, key=lambda r: (getattr(r, key), r.code), reverse=reverse)
    # Ties fall back to the name, always ascending.
    ordered = sorted(rows, key=lambda r: r.name)
    return sorted(ordered, key=lambda r: getattr(r, key), reverse=reverse)


def province_dashboard(
    province,
    *,
    as_of: date,
    view: str = View.COVERAGE,
    filters: Filters | None = None,
    fields=None,
    detail=True,
    pool=False,
):
    """Everything the province dashboard shows, for its commune-level units on ``as_of``.

    Field, kind and flag filters narrow every block; ``only`` short / surplus narrows the commune
    table. Queries: fields 1, units 1, headcount 1, mismatches 1, movements 1 — five in all.
    ``detail``: each commune row carries its fields (``by_field``, which the Excel export reads);
    without it, today's figures are added up per commune and per field by the database, in the
    same round trip as the list of communes on PostgreSQL (fields, units and sums, movements).
    ``pool``: the province's quota pool on ``as_of`` too (``quota_pool``), read in the same round
    trip as the movements.
    """
    filters = filters or Filters()
    view = View.clean(view)
    fields = report_fields() if fields is None else fields
    units = commune_units([province.pk], filters)
    columns = ("id", "code", "name", "kind", "is_disadvantaged", "is_border")
    if detail:
        unit_list = list(units.order_by("name").values_list(*columns))
        sums = None
    else:
        # What the units depend on: their SQL (the list and the sums) is kept per this key, and
        # both travel in one round trip.
        key = ("province dashboard", province.pk, filters.kind, filters.disadvantaged, filters.border)
        listed = cached_sql(key, lambda: query_key(units.order_by("name").values_list(*columns)))
        rows, sums = summary_sums(units, as_of, view=view, field_id=filters.field_id, key=key, before=listed)
        if rows is None:
            rows = fetch_cached(key, lambda: listed)
        unit_list = [(pk, code, name, kind, bool(poor), bool(border)) for pk, code, name, kind, poor, border in rows]
    field_sums = {}
    stored = sums
    if sums is not None:
        by_unit, by_field_sums = sums
        # Each unit's quota, parts (in the order of PARTS) and gross shortage and surplus.
        balances = {unit_id: UnitBalance(unit_id, view, *n[:5], n[6], n[7]) for unit_id, n in by_unit.items()}
        mismatch_by_unit = {unit_id: n[-1] for unit_id, n in by_unit.items() if n[-1]}
        field_sums = {field_id: [n[0], n[5], n[6], n[7]] for field_id, n in by_field_sums.items()}
    else:
        # Today: parts and mismatches from the day's summary in one query; other days live (and
        # without the detail, summary_sums already found the summary did not hold the day).
        stored = summary_rows(units, as_of, field_id=filters.field_id) if detail else None
        if stored is not None:
            balances = unit_balances(units=units, as_of=as_of, view=view, rows=[r[:-1] for r in stored])
            mismatches = {(r[0], r[1]): r[-1] for r in stored if r[-1]}
        else:
            balances = unit_balances(units=units, as_of=as_of, view=view, field_id=filters.field_id)
            mismatches = mismatch_counts(units=units, as_of=as_of)
            if filters.field_id:
                mismatches = {k: v for k, v in mismatches.items() if k[1] == filters.field_id}
        mismatch_by_unit = {}
        for (unit_id, _field_id), n in mismatches.items():
            mismatch_by_unit[unit_id] = mismatch_by_unit.get(unit_id, 0) + n
    # The province's commune ids as constants: an OR of two subqueries makes PostgreSQL scan every
    # movement in effect, two IN lists use the (to_unit, status) and (from_unit, status) indexes.
    unit_ids = [u[0] for u in unit_list]
    quota_pool = None
    if pool:
        movements, [pool_result] = _movement_counts(
            unit_ids, as_of, filters.field_id, [quota_pool_sql(province.pk, as_of)]
        )
        quota_pool = pool_rows(pool_result)
    else:
        movements = _movement_counts(unit_ids, as_of, filters.field_id)

    kpis = Kpis(
        communes=len(unit_list),
        active_movements=movements["active"] or 0,
        ending_soon=movements["ending"] or 0,
        mismatches=sum(mismatch_by_unit.values()),
    )
    communes = []
    for u in unit_list:
        c = CommuneRow(*u)
        b = balances.get(c.unit_id) or UnitBalance(c.unit_id, view)
        c.quota, c.by_field = b.quota, b.by_field
        for name in PARTS:
            setattr(c, name, getattr(b, name))
            setattr(kpis, name, getattr(kpis, name) + getattr(b, name))
        c.effective, c.headcount, c.net = b.effective, b.headcount, b.net
        c.shortage, c.surplus = b.gross_shortage, b.gross_surplus
        c.mismatches = mismatch_by_unit.get(c.unit_id, 0)
        kpis.quota += c.quota
        kpis.gross_shortage += c.shortage
        kpis.gross_surplus += c.surplus
        if sums is None:
            for field_id, (quota, headcount) in b.by_field.items():
                fs = field_sums.setdefault(field_id, [0, 0, 0, 0])
                fs[0] += quota
                fs[1] += headcount
                fs[2] += max(0, quota - headcount)
                fs[3] += max(0, headcount - quota)
        communes.append(c)
    kpis.set_headline(headline(balances.get(c.unit_id) or UnitBalance(c.unit_id, view) for c in communes))
    parts = {name: getattr(kpis, name) for name in PARTS}
    kpis.effective = combine(EFFECTIVE_TERMS, parts)
    kpis.headcount = combine(TERMS[view], parts)
    kpis.net = kpis.headcount - kpis.quota
    by_field = [FieldRow(f.pk, f.code, f.name, *field_sums[f.pk]) for f in fields if f.pk in field_sums]

    top = sorted((c for c in communes if c.shortage > 0), key=lambda c: (-c.shortage, c.name))[:TOP_SHORTAGE]
    communes = [c for c in communes if commune_matches(c, filters.only)]
    communes = _sort_communes(communes, filters.sort)
    source = figure_source(as_of, stored)
    return ProvinceDashboard(province, as_of, view, filters, fields, kpis, by_field, top, communes, source, quota_pool)


def commune_matches(c, only) -> bool:
    """Whether a commune row passes the ``only`` filter (None: every commune)."""
    if only == ONLY_SHORT:
        return c.net < 0
    if only == ONLY_SURPLUS:
        return c.net > 0
    if only == ONLY_SHORT_IN_A_FIELD:
        return c.shortage > 0
    if only == ONLY_SURPLUS_IN_A_FIELD:
        return c.surplus > 0
    return True


@dataclass
class ProvinceRow:
    province_id: int
    code: str
    name: str
    kpis: Kpis


def national_summary(user, *, as_of: date, view: str = View.COVERAGE, filters: Filters | None = None, fields=None):
    """One row of province-dashboard KPIs per province the user may see, plus the country total.

    Totals per province are computed by the database (``headcount_totals``), so the page does not
    pull 60,000 unit × field rows into Python. Queries: provinces 1, communes per province 1,
    headcount with mismatches 1, movements 1 — four in all (``fields`` is accepted for symmetry
    with the dashboard; the rows do not depend on it).
    """
    filters = filters or Filters()
    view = View.clean(view)
    provinces = list(for_user(Province.objects.all(), user).only("id", "code", "name"))
    units = commune_units([p.pk for p in provinces], filters)
    communes = dict(units.values("province_id").annotate(n=Count("pk")).order_by().values_list("province_id", "n"))
    # Today: totals and mismatches from the summary in one query; other days (or before the day's
    # summary is built) live.
    totals = summary_totals(units=units, as_of=as_of, view=view, group_by="province_id", field_id=filters.field_id)
    from_summary = totals is not None
    if from_summary:
        mismatches = {p: t["mismatches"] for p, t in totals.items()}
    else:
        # Mismatches in the same pass over the assignments as the headcount.
        totals = headcount_totals(
            units=units,
            as_of=as_of,
            view=view,
            group_by="province_id",
            field_id=filters.field_id,
            summary=False,
            mismatches=True,
        )
        mismatches = {p: t["mismatches"] for p, t in totals.items()}

    soon = as_of + timedelta(days=ENDING_WITHIN_DAYS)
    moves = Secondment.objects.in_effect_on(as_of).filter(Q(to_unit__in=units) | Q(from_unit__in=units))
    if filters.field_id:
        moves = moves.filter(field_id=filters.field_id)
    # A movement between two provinces counts in the receiving one.
    movements = {
        m["to_unit__province_id"]: m
        for m in moves.with_end()
        .values("to_unit__province_id")
        .annotate(active=Count("pk"), ending=Count("pk", filter=Q(effective_end__lte=soon)))
        .order_by()
    }

    result = []
    for p in provinces:
        t = totals.get(p.pk, {})
        parts = {name: t.get(name, 0) for name in PARTS}
        headcount = combine(TERMS[view], parts)
        kpis = Kpis(
            quota=t.get("quota", 0),
            **parts,
            effective=combine(EFFECTIVE_TERMS, parts),
            headcount=headcount,
            gross_shortage=t.get("gross_shortage", 0),
            gross_surplus=t.get("gross_surplus", 0),
            net=headcount - t.get("quota", 0),
            communes=communes.get(p.pk, 0),
            active_movements=movements.get(p.pk, {}).get("active", 0),
            ending_soon=movements.get(p.pk, {}).get("ending", 0),
            mismatches=mismatches.get(p.pk, 0),
        )
        kpis.set_headline(Headline(**{k: t.get(k, 0) for k in Headline.__dataclass_fields__}))
        result.append(ProvinceRow(p.pk, p.code, p.name, kpis))
    total = Kpis()
    for r in result:
        for k, v in r.kpis.__dict__.items():
            setattr(total, k, getattr(total, k) + v)
    return {
        "as_of": as_of,
        "view": view,
        "filters": filters,
        "rows": result,
        "total": total,
        "from_summary": from_summary,
        "source": figure_source(as_of, totals if from_summary else None),
    }


def department_report(unit, *, as_of: date, view: str = View.COVERAGE):
    """A department's staff by field against its quota, and what it has sent, plan by plan.

    Queries: fields 1, headcount 1, mismatches 1, movements by plan 1, sending quotas 1, and the
    department's active staff 1 when a plan sets it a quota — at most nine.
    """
    view = View.clean(view)
    fields = report_fields()
    units = Unit.objects.filter(pk=unit.pk)
    rows = headcount_rows(units=units, as_of=as_of, view=view)
    mismatches = mismatch_counts(units=units, as_of=as_of)
    by_row = {r.field_id: r for r in rows}
    by_field = []
    for f in fields:
        r = by_row.get(f.pk)
        if r is None:
            continue
        by_field.append(
            {
                "field_id": f.pk,
                "code": f.code,
                "name": f.name,
                "quota": r.quota,
                "on_roll": r.on_roll,
                "seconded_out": r.seconded_out,
                "seconded_in": r.seconded_in,
                "absent": r.absent,
                "effective": r.effective,
                "headcount": r.headcount,
                "gap": r.gap,
                "mismatches": mismatches.get((unit.pk, f.pk), 0),
            }
        )
    in_effect = Secondment.objects.in_effect_q(as_of)
    sent = (
        Secondment.objects.filter(from_unit=unit)
        .exclude(status=Status.CANCELLED)
        .values("plan_id", "plan__name")
        .annotate(
            proposed=Count("pk", filter=Q(status=Status.PROPOSED)),
            approved=Count("pk", filter=Q(status__in=EFFECTIVE_STATUSES)),
            in_effect=Count("pk", filter=in_effect),
            completed=Count("pk", filter=Q(status=Status.COMPLETED)),
            total=Count("pk"),
        )
        .order_by(F("plan__name").asc(nulls_last=True))
    )
    plans = {
        s["plan_id"]: {
            "plan_id": s["plan_id"],
            "plan": s["plan__name"],
            "required_min": None,
            "required_max": None,
            "proposed": s["proposed"],
            "approved": s["approved"],
            "in_effect": s["in_effect"],
            "completed": s["completed"],
            "total": s["total"],
        }
        for s in sent
    }
    # What each plan asks of the department, against what it has sent (approved or later).
    quotas = list(SendingQuota.objects.filter(unit=unit).select_related("plan").order_by("plan__name"))
    if quotas:
        active = active_staff_count(unit_id=unit.pk, as_of=as_of)
        for q in quotas:
            row = plans.setdefault(
                q.plan_id,
                {
                    "plan_id": q.plan_id,
                    "plan": q.plan.name,
                    **dict.fromkeys(("proposed", "approved", "in_effect", "completed", "total"), 0),
                },
            )
            row["required_min"], row["required_max"] = q.required_range(active)
    plans = sorted(plans.values(), key=lambda p: (p["plan"] is None, p["plan"] or ""))
    outside = gettext("Outside any plan")
    for p in plans:
        p.setdefault("required_min", None)
        p.setdefault("required_max", None)
        p["plan_label"] = p["plan"] or outside
        low, high = p["required_min"], p["required_max"]
        p["required"] = "—" if low is None else str(low) if low == high else f"{low}–{high}"
    totals = summarize(rows, view=view)
    return {
        "unit": unit,
        "as_of": as_of,
        "view": view,
        "by_field": by_field,
        "totals": totals,
        "mismatches": sum(mismatches.values()),
        "plans": plans,
    }


# What the sections show (and the foreign keys they are reached through): no other columns.
SECTION_MOVEMENT_COLUMNS = (
    "kind",
    "status",
    "start_date",
    "planned_end_date",
    "actual_end_date",
    "person",
    "person__full_name",
    "field",
    "field__code",
    "field__name_vi",
    "field__name_en",
    "field__sort_order",
    "from_unit",
    "from_unit__code",
    "from_unit__name",
    "to_unit",
    "to_unit__code",
    "to_unit__name",
    "plan",
    "plan__name",
)
SECTION_MISMATCH_COLUMNS = (
    "person",
    "person__staff_code",
    "person__full_name",
    "person__major_field",
    "person__major_field__code",
    "person__major_field__name_vi",
    "person__major_field__name_en",
    "person__major_field__sort_order",
    "position",
    "position__name",
    "field",
    "field__code",
    "field__name_vi",
    "field__name_en",
    "field__sort_order",
)


def unit_sections(unit, *, as_of: date):
    """Context of the commune page's movement and mismatch sections (three queries).

    Movements in and out that are not cancelled and have not ended before ``as_of`` (current and
    coming), and the placements in force whose person trained in another field than the post's.
    """
    not_over = Q(actual_end_date__gte=as_of) | Q(actual_end_date__isnull=True) & (
        Q(planned_end_date__isnull=True) | Q(planned_end_date__gte=as_of)
    )
    base = (
        Secondment.objects.exclude(status=Status.CANCELLED)
        .filter(not_over)
        .select_related("person", "field", "from_unit", "to_unit", "plan")
        .only(*SECTION_MOVEMENT_COLUMNS)
        .order_by("start_date", "pk")
    )
    movements = list(base.filter(Q(to_unit=unit) | Q(from_unit=unit)))
    mismatched = list(
        mismatch_queryset(Unit.objects.filter(pk=unit.pk), as_of)
        .select_related("person__major_field", "field", "position")
        .only(*SECTION_MISMATCH_COLUMNS)
        .order_by("field__sort_order", "person__sort_key", "person__staff_code")
    )
    by_field = {}
    for s in mismatched:
        by_field.setdefault(s.field, 0)
        by_field[s.field] += 1
    return {
        "unit": unit,
        "as_of": as_of,
        "movements_in": [m for m in movements if m.to_unit_id == unit.pk],
        "movements_out": [m for m in movements if m.from_unit_id == unit.pk],
        "mismatched_staff": mismatched,
        "mismatch_rows": [_mismatch_row(a) for a in mismatched],
        "tables": _tables(),
        "mismatches_by_field": sorted(by_field.items(), key=lambda kv: kv[0].sort_order),
    }


def landing_summary(user, *, as_of: date):
    """What the landing page shows: the user's scope, with coverage and establishment totals.

    Returns a dict with ``title`` (province or unit name, or None for national viewers) and
    ``coverage`` / ``establishment`` Totals from one headcount query.
    """
    units = for_user(Unit.objects.all(), user)
    if user.unit_id:
        title = user.unit.name
    elif user.province_id:
        title = Province.objects.only("name").get(pk=user.province_id).name
    else:
        title = None
    rows = headcount_rows(units=units, as_of=as_of, view=View.COVERAGE)
    return {
        "title": title,
        "coverage": summarize(rows, view=View.COVERAGE),
        "establishment": summarize(rows, view=View.ESTABLISHMENT),
    }


def unit_quota_rows(unit, *, as_of: date, view: str = View.COVERAGE):
    """Quota against headcount per field × category of one unit (two queries): plain rows for
    ``reports.tables.UNIT_QUOTAS``, and their totals."""
    from staffing.models import Category

    rows = headcount_rows(units=Unit.objects.filter(pk=unit.pk), as_of=as_of, view=view, by_category=True)
    fields = Field.objects.in_bulk({r.field_id for r in rows})
    rows.sort(key=lambda r: (fields[r.field_id].sort_order, fields[r.field_id].code, r.category or ""))
    labels = dict(Category.choices)
    out = [
        {
            "row": r,
            "field": fields[r.field_id],
            "field_id": r.field_id,
            "field_code": fields[r.field_id].code,
            "field_name": fields[r.field_id].name,
            "category": r.category,
            "category_label": str(labels.get(r.category, r.category)),
            "quota": r.quota,
            **r.parts(),
            "effective": r.effective,
            "headcount": r.headcount,
            "gap": r.gap,
        }
        for r in rows
    ]
    return out, summarize(rows, view=view)


def mismatch_rows(unit, *, as_of: date):
    """People on the unit's roll whose trained field differs from their post's (one query), as
    rows of ``reports.tables.MISMATCHES``, by field then name as staff lists are sorted."""
    qs = (
        mismatch_queryset(Unit.objects.filter(pk=unit.pk), as_of)
        .select_related("person__major_field", "field", "position")
        .only(*SECTION_MISMATCH_COLUMNS)
        .order_by("field__sort_order", "person__sort_key", "person__staff_code")
    )
    return [_mismatch_row(a) for a in qs]


def _mismatch_row(a):
    return {
        "person_id": a.person_id,
        "full_name": a.person.full_name,
        "staff_code": a.person.staff_code,
        "position": a.position.name if a.position else "",
        "field": str(a.field),
        "major_field": str(a.person.major_field),
    }


def _tables():
    from reports import tables

    return tables
