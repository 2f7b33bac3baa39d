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

import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Sum, Value
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
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


def current_quotas(units, as_of):
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


def _headcount_parts(units, as_of, by_category=False):
    """The four grouped querysets behind headcount: quota, staff on roll, movements in and out.

    Each yields ``hc_unit``, ``hc_field`` (and ``hc_cat`` by category), then ``quota``, ``on_roll``,
    ``s_in``, ``s_out`` — the same columns in the same order, so they also combine with UNION ALL.
    """
    zero = Value(0, output_field=IntegerField())
    cat = {"hc_cat": F("category")} if by_category else {}
    quotas = (
        current_quotas(units, as_of)
        .values(hc_unit=F("unit_id"), hc_field=F("field_id"), **cat)
        .annotate(quota=Sum("count"), on_roll=zero, s_in=zero, s_out=zero)
        .order_by()
    )
    staff = (
        Staff.objects.filter(on_roll_filter(as_of), home_unit__in=units)
        .values(hc_unit=F("home_unit_id"), hc_field=F("field_id"), **cat)
        .annotate(quota=zero, on_roll=Count("pk"), s_in=zero, s_out=zero)
        .order_by()
    )
    temporary, transfer_pending, transfer_later = _movement_filters(as_of)
    person_cat = {"hc_cat": F("person__category")} if by_category else {}
    incoming = (
        Secondment.objects.filter(to_unit__in=units)
        .filter(temporary | transfer_pending | transfer_later)
        .values(hc_unit=F("to_unit_id"), hc_field=F("field_id"), **person_cat)
        .annotate(
            quota=zero,
            on_roll=Count("pk", filter=transfer_pending) - Count("pk", filter=transfer_later),
            s_in=Count("pk", filter=temporary),
            s_out=zero,
        )
        .order_by()
    )
    outgoing = (
        Secondment.objects.filter(from_unit__in=units)
        .filter(temporary | transfer_pending | transfer_later)
        .values(hc_unit=F("from_unit_id"), hc_field=F("person__field_id"), **person_cat)
        .annotate(
            quota=zero,
            on_roll=Count("pk", filter=transfer_later) - Count("pk", filter=transfer_pending),
            s_in=zero,
            s_out=Count("pk", filter=temporary),
        )
        .order_by()
    )
    return quotas, staff, incoming, outgoing


_SQL_CACHE = OrderedDict()
_SQL_CACHE_SIZE = 256
_SQL_LOCK = threading.Lock()


def query_key(queryset):
    """What a queryset's SQL is: its text and parameters (a key for ``cached_sql``)."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def cached_sql(key, build):
    """The ``(sql, params)`` that ``build()`` returns, kept per ``key``: everything they depend on.

    Report queries are built from several querysets that each embed the units as a subquery;
    compiling the headcount query through the ORM takes about as long as PostgreSQL takes to run
    it. The same few reports are asked for all day, so the text is kept (never the results).
    """
    key = (connection.vendor, *key)
    with _SQL_LOCK:
        hit = _SQL_CACHE.get(key)
        if hit is not None:
            _SQL_CACHE.move_to_end(key)
            return hit
    value = build()
    with _SQL_LOCK:
        _SQL_CACHE[key] = value
        while len(_SQL_CACHE) > _SQL_CACHE_SIZE:
            _SQL_CACHE.popitem(last=False)
    return value


def fetch_cached(key, build):
    """The rows of the SQL that ``cached_sql`` keeps for ``key``."""
    sql, params = cached_sql(key, build)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _summed_sql(units, as_of, *, by_category=False, field_id=None):
    """SQL adding up the four parts per unit × field (× category), and its parameters."""
    return cached_sql(
        ("headcount", query_key(units), as_of, by_category, field_id),
        lambda: _build_summed_sql(units, as_of, by_category=by_category, field_id=field_id),
    )


def _build_summed_sql(units, as_of, *, by_category, field_id):
    parts = _headcount_parts(units, as_of, by_category)
    union_sql, params = parts[0].union(*parts[1:], all=True).order_by().query.sql_with_params()
    keys = "p.hc_unit, p.hc_field, p.hc_cat" if by_category else "p.hc_unit, p.hc_field"
    where = "WHERE p.hc_field = %s" if field_id else ""
    sql = f"""
        SELECT {keys}, CAST(SUM(p.quota) AS INTEGER) AS quota, CAST(SUM(p.on_roll) AS INTEGER) AS on_roll,
               CAST(SUM(p.s_in) AS INTEGER) AS s_in, CAST(SUM(p.s_out) AS INTEGER) AS s_out
        FROM ({union_sql}) p
        {where}
        GROUP BY {keys}
    """
    return sql, [*params, *([field_id] if field_id else [])]


def headcount_sums(*, units, as_of: date, by_category: bool = False, field_id=None):
    """Tuples ``(unit id, field id, [category,] quota, on roll, seconded in, seconded out)``.

    The four parts added up by the database in one query; pages that only need numbers read these
    plain tuples, ``headcount_rows`` wraps them in ``HeadcountRow``.
    """
    sql, params = _summed_sql(units, as_of, by_category=by_category, field_id=field_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def headcount_rows(*, units, as_of: date, view: str = View.COVERAGE, by_category: bool = False, field_id=None):
    """Rows of quota and headcount per unit × field (× category) for the given units on ``as_of``.

    ``units`` is a Unit queryset (used as a subquery). One query. Rows are sorted by unit id,
    field id, category.
    """
    view = View.clean(view)
    rows = []
    for t in headcount_sums(units=units, as_of=as_of, by_category=by_category, field_id=field_id):
        unit_id, field_id_, category = (t[0], t[1], t[2]) if by_category else (t[0], t[1], None)
        quota, on_roll, s_in, s_out = t[-4:]
        rows.append(HeadcountRow(unit_id, field_id_, category, quota, on_roll, s_out, s_in, view=view))
    rows.sort(key=lambda r: (r.unit_id, r.field_id, r.category or ""))
    return rows


def headcount_totals(*, units, as_of: date, view: str = View.COVERAGE, group_by: str = "province_id", field_id=None):
    """Totals per group of units (e.g. per province), computed entirely by the database.

    The same numbers as ``summarize_by(headcount_rows(...), key)`` — gross shortage and surplus
    add the gaps of each unit × field — but one query returning one row per group, so a national
    summary does not move 60,000 unit × field rows into Python. ``group_by`` is a Unit column.
    Returns ``{group: {"quota", "on_roll", "seconded_in", "seconded_out", "gross_shortage",
    "gross_surplus", "units_short", "units_surplus"}}``.
    """
    view = View.clean(view)
    summed_sql, params = _summed_sql(units, as_of, field_id=field_id)
    unit_table = Unit._meta.db_table
    group_col = Unit._meta.get_field(group_by.removesuffix("_id")).column
    headcount = "g.on_roll" if view == View.ESTABLISHMENT else "g.on_roll - g.s_out + g.s_in"
    sql = f"""
        SELECT u.{group_col}, SUM(t.quota), SUM(t.on_roll), SUM(t.s_in), SUM(t.s_out),
               SUM(CASE WHEN t.hc < t.quota THEN t.quota - t.hc ELSE 0 END),
               SUM(CASE WHEN t.hc > t.quota THEN t.hc - t.quota ELSE 0 END),
               COUNT(DISTINCT CASE WHEN t.hc < t.quota THEN t.unit END),
               COUNT(DISTINCT CASE WHEN t.hc > t.quota THEN t.unit END)
        FROM (
            SELECT g.hc_unit AS unit, g.quota, g.on_roll, g.s_in, g.s_out, {headcount} AS hc
            FROM ({summed_sql}) g
        ) t
        JOIN {unit_table} u ON u.id = t.unit
        GROUP BY u.{group_col}
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    keys = ("quota", "on_roll", "seconded_in", "seconded_out", "gross_shortage", "gross_surplus")
    keys += ("units_short", "units_surplus")
    return {r[0]: {k: int(v or 0) for k, v in zip(keys, r[1:], strict=True)} for r in rows}


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

    def build():
        qs = (
            Staff.objects.filter(on_roll_filter(as_of), home_unit__in=units, major_field__isnull=False)
            .exclude(major_field=F("field"))
            .values_list("home_unit_id", "field_id")
            .annotate(n=Count("pk"))
            .order_by()
        )
        return query_key(qs)

    rows = fetch_cached(("mismatches", query_key(units), as_of), build)
    return {(unit_id, field_id): n for unit_id, field_id, n in rows}
