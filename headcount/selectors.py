"""The parts of the headcount rule, counted by the database for many units at once.

Every function runs a fixed number of queries whatever the number of units, staff or movements.
Each "in force on D" test is the model's own (``Quota.objects.in_force_on``,
``Assignment.in_force_q``, ``Secondment.in_effect_q``, ``Absence.objects.in_force_on``); this
module only combines them. A person is counted through their assignment in force on D: a movement
or absence of someone not on the roll that day counts nowhere, so nobody is counted twice and no
count goes below zero.
"""

from datetime import UTC, date, datetime

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Unit
from config.routers import read_connection
from core.memo import Kept, run
from headcount.models import SummaryState, UnitFieldSummary, UnitSummary
from headcount.rules import (
    ABSENT,
    ON_ROLL,
    PARTS,
    SECONDED_IN,
    SECONDED_OUT,
    TERMS,
    Balance,
    Headline,
    UnitBalance,
    View,
    combine_sql,
)
from secondments.models import Secondment
from staffing.models import Absence, Assignment, Field, Position, Quota, Staff, placement_on

_SQL_CACHE = Kept(256)


def query_key(queryset):
    """What a queryset's SQL is: its text and parameters (a key for ``cached_sql``)."""
    sql, params = queryset.query.sql_with_params()
    return sql, tuple(params)


def cached_sql(key, build):
    """The ``(sql, params)`` that ``build()`` returns, kept per ``key``: everything they depend on.

    Report queries are built from several querysets that each embed the units as a subquery;
    compiling them through the ORM takes about as long as PostgreSQL takes to run them. The same
    few reports are asked for all day, so the text is kept (never the results).
    """
    return _SQL_CACHE.get_or_build((connection.vendor, *key), build)


def fetch_cached(key, build):
    """The rows of the SQL that ``cached_sql`` keeps for ``key`` (on the router's read connection)."""
    sql, params = cached_sql(key, build)
    with read_connection().cursor() as cursor:
        run(cursor, sql, params)
        return cursor.fetchall()


def fetch_together(statements):
    """The rows of each ``(sql, params)`` in ``statements``, in order. On PostgreSQL they travel in
    one round trip (statements joined, results read one after the other); elsewhere one by one."""
    with read_connection().cursor() as cursor:
        if cursor.db.vendor != "postgresql":
            results = []
            for sql, params in statements:
                cursor.execute(sql, params)
                results.append(cursor.fetchall())
            return results
        run(cursor, ";\n".join(sql for sql, _params in statements), [p for _sql, ps in statements for p in ps])
        results = [cursor.fetchall()]
        while cursor.cursor.nextset():
            results.append(cursor.fetchall())
    return results


def _mismatch_q(prefix=""):
    """Q for assignments whose person trained in another field than the assignment's."""
    return Q(**{f"{prefix}person__major_field__isnull": False}) & ~Q(
        **{f"{prefix}person__major_field": F(f"{prefix}field")}
    )


def _parts(units, as_of, by_category=False, mismatches=False):
    """Grouped querysets, one per part, each yielding ``hc_unit``, ``hc_field`` (``hc_cat``) and
    then ``quota`` and the four parts in the order of ``PARTS`` — so they combine with UNION ALL.
    With ``mismatches`` the people on the roll are also counted by ``_mismatch_q`` in a last
    column, in the same pass over the assignments (not a second scan)."""
    names = ("quota", *PARTS, *(["mismatches"] if mismatches else []))

    def _columns(**values):
        zero = Value(0, output_field=IntegerField())
        return {name: values.get(name, zero) for name in names}

    def keys(unit, field_, category):
        return {"hc_unit": F(unit), "hc_field": F(field_), **({"hc_cat": F(category)} if by_category else {})}

    quotas = (
        Quota.objects.in_force_on(as_of)
        .filter(unit__in=units)
        .values(**keys("unit_id", "field_id", "category"))
        .annotate(**_columns(quota=Sum("count")))
    )

    # Two passes, each joining a person's movement in effect and absence in force (at most one of
    # each on a day: clean() and, on PostgreSQL, exclusion constraints) rather than one part per
    # count, each finding the person's assignment again. Absent people count where they work.
    # Home: the units' assignments in force — on the roll, seconded out, absent while not away.
    def away():
        path = "person__movements"
        return FilteredRelation(path, condition=Secondment.objects.in_effect_q(as_of, prefix=f"{path}__"))

    def off():
        path = "person__absences"
        return FilteredRelation(path, condition=Absence.objects.in_force_q(as_of, prefix=f"{path}__"))

    home = (
        Assignment.objects.in_force_on(as_of)
        .filter(unit__in=units)
        .alias(away=away(), off=off())
        .values(**keys("unit_id", "field_id", "category"))
        .annotate(
            **_columns(
                **{
                    ON_ROLL: Count("pk"),
                    SECONDED_OUT: Count("away__id"),
                    ABSENT: Count("off__id", filter=Q(away__isnull=True)),
                    "mismatches": Count("pk", filter=_mismatch_q()),
                }
            )
        )
    )
    # Away: movements in effect into the units of people on the roll — seconded in, and absent there.
    came = (
        Secondment.objects.in_effect_on(as_of)
        .filter(to_unit__in=units)
        .alias(
            placed=placement_on(as_of),
            placed_unit=F("placed__unit_id"),
            off=off(),
        )
        .filter(placed_unit__isnull=False)
        .values(**keys("to_unit_id", "field_id", "placed__category"))
        .annotate(**_columns(**{SECONDED_IN: Count("pk"), ABSENT: Count("off__id")}))
    )
    return [qs.order_by() for qs in (quotas, home, came)]


def _latest_quotas_sql(units, as_of, by_category, names):
    """PostgreSQL: the quotas part of ``_parts`` reading each (unit, field, category)'s decision in
    force — ``Quota.in_force_q``: the latest from on or before the day, one row by the unique
    (unit, field, category, date) — once, by DISTINCT ON, instead of an anti-join of the table on
    itself (about half the time over every commune)."""
    unit_sql, unit_params = units.order_by().values("pk").query.sql_with_params()
    cat = ", q.category AS hc_cat" if by_category else ""
    zeros = "".join(f", 0 AS {name}" for name in names if name != "quota")
    sql = (
        f"SELECT q.unit_id AS hc_unit, q.field_id AS hc_field{cat}, SUM(q.count) AS quota{zeros} "
        f"FROM (SELECT DISTINCT ON (unit_id, field_id, category) unit_id, field_id, category, count "
        f"FROM {Quota._meta.db_table} WHERE effective_from <= %s AND unit_id IN ({unit_sql}) "
        f"ORDER BY unit_id, field_id, category, effective_from DESC) q "
        f"GROUP BY q.unit_id, q.field_id{', q.category' if by_category else ''}"
    )
    return sql, [as_of, *unit_params]


def _build_summed_sql(units, as_of, *, by_category, field_id, mismatches=False):
    parts = _parts(units, as_of, by_category, mismatches)
    names = ("quota", *PARTS, *(["mismatches"] if mismatches else []))
    if read_connection().vendor == "postgresql":
        quota_sql, quota_params = _latest_quotas_sql(units, as_of, by_category, names)
        rest_sql, rest_params = parts[1].union(*parts[2:], all=True).order_by().query.sql_with_params()
        union_sql, params = f"({quota_sql}) UNION ALL {rest_sql}", [*quota_params, *rest_params]
    else:
        union_sql, params = parts[0].union(*parts[1:], all=True).order_by().query.sql_with_params()
    keys = "p.hc_unit, p.hc_field, p.hc_cat" if by_category else "p.hc_unit, p.hc_field"
    # Integer sums: SUM over the parts' bigint counts would add up in numeric, several times slower.
    sums = ", ".join(f"CAST(SUM(CAST(p.{name} AS INTEGER)) AS INTEGER) AS {name}" for name in names)
    where = "WHERE p.hc_field = %s" if field_id else ""
    sql = f"SELECT {keys}, {sums} FROM ({union_sql}) p {where} GROUP BY {keys}"
    return sql, [*params, *([field_id] if field_id else [])]


def summed_sql(units, as_of, *, by_category=False, field_id=None, mismatches=False):
    """SQL adding up the parts per unit × field (× category), and its parameters (kept per shape);
    with ``mismatches``, a last column counts the mismatched people on the roll."""
    return cached_sql(
        ("headcount", query_key(units), as_of, by_category, field_id, mismatches),
        lambda: _build_summed_sql(units, as_of, by_category=by_category, field_id=field_id, mismatches=mismatches),
    )


def headcount_sums(*, units, as_of: date, by_category: bool = False, field_id=None):
    """Tuples ``(unit id, field id, [category,] quota, on roll, seconded out, seconded in, absent)``.

    One query. Pages that only need numbers read these plain tuples; ``headcount_rows`` wraps them
    in ``Balance``.
    """
    sql, params = summed_sql(units, as_of, by_category=by_category, field_id=field_id)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# --- Today's summary (headcount/summary.py keeps it) ----------------------------------------------

SUMMARY_PARTS = ("quota", *PARTS, "mismatches")


class SummaryRows(list):
    """Rows read from today's summary; ``rebuilt_at`` is when the summary was last rebuilt (writes
    since then refreshed their units in their own transactions)."""

    rebuilt_at = None


class SummarySums(tuple):
    """``(per unit, per field)`` sums read from today's summary; ``rebuilt_at`` as for ``SummaryRows``."""

    rebuilt_at = None


class SummaryTotals(dict):
    """Totals read from today's summary; ``rebuilt_at`` as for ``SummaryRows``."""

    rebuilt_at = None


def _epoch_sql(column):
    if read_connection().vendor == "postgresql":
        return f"CAST(EXTRACT(EPOCH FROM {column}) AS BIGINT)"
    return f"CAST(strftime('%%s', {column}) AS INTEGER)"


def _fresh_marker(day, width):
    """A row that exists only when the summary holds ``day``: NULL first, then when the summary
    was rebuilt (seconds since the epoch), then NULLs. A reader learns in the same query whether
    the rows it got are today's, and since when."""
    nulls = ", ".join(["NULL"] * (width - 2))
    sql = f"SELECT NULL, {_epoch_sql('rebuilt_at')}, {nulls} FROM {SummaryState._meta.db_table} WHERE day = %s"
    return sql, [day]


def _split_marker(rows):
    """The rows without the marker, with the summary's rebuild time (``SummaryRows``), or None when
    the marker is missing (the summary does not hold the day)."""
    marker = next((r for r in rows if r[0] is None), None)
    if marker is None:
        return None
    out = SummaryRows(r for r in rows if r[0] is not None)
    out.rebuilt_at = datetime.fromtimestamp(int(marker[1]), tz=UTC)
    return out


def _summary_source(units, field_id):
    unit_sql, unit_params = units.values("pk").query.sql_with_params()
    where = " AND s.field_id = %s" if field_id else ""
    cols = ", ".join(f"s.{c}" for c in SUMMARY_PARTS)
    sql = (
        f"SELECT s.unit_id AS hc_unit, s.field_id AS hc_field, {cols} FROM {UnitFieldSummary._meta.db_table} s "
        f"WHERE s.unit_id IN ({unit_sql}){where}"
    )
    return sql, [*unit_params, *([field_id] if field_id else [])]


def summary_holds(day):
    """Whether ``day`` is today (the only day the summary can hold)."""
    return day == timezone.localdate()


def summary_rows(units, as_of, *, field_id=None):
    """Tuples ``(unit id, field id, quota, on roll, out, in, absent, mismatches)`` from the summary,
    or None when it does not hold ``as_of`` (then the caller computes live). One query."""
    if not summary_holds(as_of):
        return None
    sql, params = _summary_source(units, field_id)
    marker, mparams = _fresh_marker(as_of, 2 + len(SUMMARY_PARTS))
    with read_connection().cursor() as cursor:
        cursor.execute(f"{marker} UNION ALL {sql}", [*mparams, *params])
        return _split_marker(cursor.fetchall())


def _summary_sums_sql(units, as_of, view, field_id):
    source, params = _summary_source(units, field_id)
    hc = combine_sql(TERMS[view], {name: f"s.{name}" for name in PARTS})
    sums = ", ".join(
        [
            "SUM(s.quota)",
            *(f"SUM(s.{name})" for name in PARTS),
            f"SUM({hc})",
            f"SUM(CASE WHEN {hc} < s.quota THEN s.quota - ({hc}) ELSE 0 END)",
            f"SUM(CASE WHEN {hc} > s.quota THEN {hc} - s.quota ELSE 0 END)",
            "SUM(s.mismatches)",
        ]
    )
    marker, mparams = _fresh_marker(as_of, 11)
    sql = (
        f"WITH s AS ({source}) {marker} "
        f"UNION ALL SELECT 0, s.hc_unit, {sums} FROM s GROUP BY s.hc_unit "
        f"UNION ALL SELECT 1, s.hc_field, {sums} FROM s GROUP BY s.hc_field"
    )
    return sql, [*params, *mparams]


def summary_sums(units, as_of, *, view: str = View.COVERAGE, field_id=None, key=None, before=None):
    """Today's summary rows added up by the database, per unit and per field: ``(units, fields)``,
    each ``{id: (quota, on roll, out, in, absent, headcount, gross shortage, gross surplus,
    mismatches)}`` in ``view`` (shortage and surplus add each unit × field's gap), or None when the
    summary does not hold ``as_of``. One query: a province's 2,000 unit × field rows stay in the
    database. With ``key`` (what the units depend on) the SQL is kept (``cached_sql``).

    ``before``: ``(sql, params)`` of another query sent in the same round trip (``fetch_together``);
    then the result is ``(its rows, sums)``.
    """
    if not summary_holds(as_of):
        return None if before is None else (None, None)
    view = View.clean(view)

    def build():
        return _summary_sums_sql(units, as_of, view, field_id)

    statement = cached_sql(("summary sums", key, as_of, view, field_id), build) if key else build()
    if before is None:
        rows, first = fetch_together([statement])[0], None
    else:
        first, rows = fetch_together([before, statement])
    sums = None
    marker = next((r for r in rows if r[0] is None), None)
    if marker is not None:
        by_unit, by_field = {}, {}
        for part, unit_or_field, *numbers in rows:
            if part is not None:
                (by_field if part else by_unit)[unit_or_field] = tuple(int(n) for n in numbers)
        sums = SummarySums((by_unit, by_field))
        sums.rebuilt_at = datetime.fromtimestamp(int(marker[1]), tz=UTC)
    return sums if before is None else (first, sums)


def headcount_rows(*, units, as_of: date, view: str = View.COVERAGE, by_category: bool = False, field_id=None):
    """Balances per unit × field (× category) for the given units on ``as_of``, sorted by unit id,
    field id, category. ``units`` is a Unit queryset (used as a subquery). One query."""
    view = View.clean(view)
    rows = []
    for t in headcount_sums(units=units, as_of=as_of, by_category=by_category, field_id=field_id):
        unit_id, field_id_, category = (t[0], t[1], t[2]) if by_category else (t[0], t[1], None)
        quota, *parts = t[-5:]
        rows.append(Balance(unit_id, field_id_, category, quota, *parts, view=view))
    rows.sort(key=lambda r: (r.unit_id, r.field_id, r.category or ""))
    return rows


# --- Several days at once (the forecast) -----------------------------------------------------------


def _parts_by_day(units, days):
    """The parts of ``_parts`` for every day of ``days`` in one pass over the units' rows: grouped
    querysets yielding ``hc_unit``, ``hc_field``, ``hc_part`` (an index into ``quota`` + ``PARTS``)
    and one column per day (``d0``, ``d1``…), each the part counted with the models' own "in force on
    that day" test. Rows are read once if they meet any of the days; a person's placement, movement
    and absence rows are joined over the whole period and matched per day (one of each at a time)."""
    first, last = min(days), max(days)

    def per_day(aggregate, expression, condition):
        return {f"d{k}": aggregate(expression, filter=condition(day)) for k, day in enumerate(days)}

    def grouped(qs, unit, field_, part, columns):
        return qs.values(hc_unit=F(unit), hc_field=F(field_)).annotate(
            hc_part=Value(part, output_field=IntegerField()), **columns
        )

    def placed_on(day):
        return Assignment.objects.in_force_q(day, prefix="placed__")

    def not_away(day):
        return ~Exists(Secondment.objects.in_effect_on(day).filter(person=OuterRef("person")))

    def in_period(prefix=""):
        """Movements in effect on some day of the period (each day's own test is applied per column)."""
        return Secondment.objects.in_effect_between_q(first, last, prefix=prefix)

    def placed():
        path = "person__assignments"
        return FilteredRelation(path, condition=Assignment.objects.overlap_q(first, last, prefix=f"{path}__"))

    quotas = grouped(
        Quota.objects.filter(unit__in=units, effective_from__lte=last),
        "unit_id",
        "field_id",
        0,
        per_day(Sum, "count", Quota.objects.in_force_q),
    )
    on_roll = grouped(
        Assignment.objects.overlapping(first, last).filter(unit__in=units),
        "unit_id",
        "field_id",
        1,
        per_day(Count, "pk", Assignment.objects.in_force_q),
    )
    moving = Secondment.objects.filter(in_period()).alias(placed=placed())
    seconded_out = grouped(
        moving.filter(placed__unit__in=units),
        "placed__unit_id",
        "placed__field_id",
        2,
        per_day(Count, "pk", lambda d: Secondment.objects.in_effect_q(d) & placed_on(d)),
    )
    seconded_in = grouped(
        moving.filter(to_unit__in=units),
        "to_unit_id",
        "field_id",
        3,
        per_day(Count, "pk", lambda d: Secondment.objects.in_effect_q(d) & placed_on(d)),
    )
    absences = Absence.objects.overlapping(first, last).alias(placed=placed())
    absent_home = grouped(
        absences.filter(placed__unit__in=units),
        "placed__unit_id",
        "placed__field_id",
        4,
        per_day(Count, "pk", lambda d: Absence.objects.in_force_q(d) & placed_on(d) & not_away(d)),
    )
    absent_away = grouped(
        absences.alias(away=FilteredRelation("person__movements", condition=in_period("person__movements__"))).filter(
            away__to_unit__in=units
        ),
        "away__to_unit_id",
        "away__field_id",
        4,
        per_day(
            Count,
            "pk",
            lambda d: Absence.objects.in_force_q(d) & placed_on(d) & Secondment.objects.in_effect_q(d, prefix="away__"),
        ),
    )
    return [qs.order_by() for qs in (quotas, on_roll, seconded_out, seconded_in, absent_home, absent_away)]


def headcount_series(*, units, days) -> dict:
    """``{(unit id, field id): [quota, on roll, seconded out, seconded in, absent]}``, each a list
    over ``days`` in order (say, a forecast's months): what ``headcount_sums`` gives on each day,
    in one query whatever the number of days. Every unit × field met on any day is listed, with
    zeros on the other days. ``days`` must be sorted and distinct."""
    days = list(days)
    if days != sorted(set(days)):
        raise ValueError("days must be sorted and distinct")

    def build():
        parts = _parts_by_day(units, days)
        return query_key(parts[0].union(*parts[1:], all=True).order_by())

    cells = {}
    for unit_id, field_id, part, *counts in fetch_cached(("headcount series", query_key(units), tuple(days)), build):
        series = cells.setdefault((unit_id, field_id), [[0] * len(days) for _ in range(1 + len(PARTS))])
        series[part] = [a + (b or 0) for a, b in zip(series[part], counts, strict=True)]
    return cells


def headcount_sums_by_day(*, units, days) -> dict:
    """``{day: {(unit id, field id): (quota, on roll, seconded out, seconded in, absent)}}`` from
    ``headcount_series`` (one query)."""
    days = sorted(set(days))
    out = {day: {} for day in days}
    for key, series in headcount_series(units=units, days=days).items():
        for day, values in zip(days, zip(*series, strict=True), strict=True):
            out[day][key] = values
    return out


def unit_balances(*, units, as_of: date, view: str = View.COVERAGE, field_id=None, rows=None) -> dict:
    """``{unit id: UnitBalance}`` for the units with a quota or anyone counted on ``as_of``; ``rows``
    are ``headcount_sums`` rows already read (e.g. from today's summary). One query at most."""
    view = View.clean(view)
    if rows is None:
        rows = headcount_sums(units=units, as_of=as_of, field_id=field_id)
    result = {}
    for unit_id, field_id_, quota, *counts in rows:
        b = result.get(unit_id)
        if b is None:
            b = result[unit_id] = UnitBalance(unit_id, view)
        b.add_field(field_id_, quota, dict(zip(PARTS, counts, strict=True)))
    return result


HEADLINE_KEYS = tuple(Headline.__dataclass_fields__)
TOTAL_KEYS = ("quota", *PARTS, "gross_shortage", "gross_surplus", *HEADLINE_KEYS)


def _headline_columns(hc, quota, short, extra):
    """The SQL aggregates after the parts, in the order of TOTAL_KEYS: gross shortage and surplus,
    then the headline, from per-unit expressions (headcount, quota, field shortage and surplus)."""
    return f"""SUM({short}), SUM({extra}),
               COUNT(*) FILTER (WHERE {hc} < {quota}),
               SUM(CASE WHEN {hc} < {quota} THEN {quota} - {hc} ELSE 0 END),
               COUNT(*) FILTER (WHERE {hc} > {quota}),
               SUM(CASE WHEN {hc} > {quota} THEN {hc} - {quota} ELSE 0 END),
               COUNT(*) FILTER (WHERE {short} > 0), COUNT(*) FILTER (WHERE {extra} > 0)"""


def headcount_totals(
    *,
    units,
    as_of: date,
    view: str = View.COVERAGE,
    group_by: str = "province_id",
    field_id=None,
    summary=True,
    mismatches=False,
):
    """Totals per group of units (e.g. per province), computed entirely by the database.

    The same numbers as ``summarize_by(headcount_rows(...), key)`` — gross shortage and surplus add
    the gaps of each unit × field; the headline (``Headline``) counts units by their total
    headcount against their total quota, and by whether a field is short or over — in one query
    returning one row per group, so a national summary does not move 60,000 unit × field rows into
    Python. ``group_by`` is a Unit column. Returns ``{group: {key: number}}`` for ``TOTAL_KEYS``
    (and ``mismatches`` with ``mismatches``, or when read from the summary).
    """
    view = View.clean(view)
    if summary and summary_holds(as_of):
        totals = _totals(units, as_of, view, group_by, field_id, from_summary=True)
        if totals is not None:
            return totals
    return _totals(units, as_of, view, group_by, field_id, from_summary=False, mismatches=mismatches)


def summary_totals(*, units, as_of: date, view: str = View.COVERAGE, group_by: str = "province_id", field_id=None):
    """``headcount_totals`` with ``mismatches`` per group, read from today's summary; None when the
    summary does not hold ``as_of``. One query."""
    if not summary_holds(as_of):
        return None
    return _totals(units, as_of, View.clean(view), group_by, field_id, from_summary=True)


def _unit_summary_totals(units, as_of, view, group_by):
    """Totals per group from the per-unit summary rows (no field filter). One query."""
    unit_sql, unit_params = units.values("pk").query.sql_with_params()
    group_col = Unit._meta.get_field(group_by.removesuffix("_id")).column
    short, extra = f"s.shortage_{view}", f"s.surplus_{view}"
    hc = combine_sql(TERMS[view], {name: f"s.{name}" for name in PARTS})
    sql = f"""
        SELECT u.{group_col}, SUM(s.quota), {", ".join(f"SUM(s.{n})" for n in PARTS)},
               {_headline_columns(hc, "s.quota", short, extra)}, SUM(s.mismatches)
        FROM {UnitSummary._meta.db_table} s JOIN {Unit._meta.db_table} u ON u.id = s.unit_id
        WHERE s.unit_id IN ({unit_sql})
        GROUP BY u.{group_col}
    """
    keys = (*TOTAL_KEYS, "mismatches")
    marker, mparams = _fresh_marker(as_of, 1 + len(keys))
    with read_connection().cursor() as cursor:
        cursor.execute(f"{marker} UNION ALL {sql}", [*mparams, *unit_params])
        rows = _split_marker(cursor.fetchall())
    return None if rows is None else _as_totals(rows, keys)


def _as_totals(rows, keys):
    totals = SummaryTotals({r[0]: {k: int(v or 0) for k, v in zip(keys, r[1:], strict=True)} for r in rows})
    totals.rebuilt_at = getattr(rows, "rebuilt_at", None)
    return totals


def _totals(units, as_of, view, group_by, field_id, *, from_summary, mismatches=False):
    if from_summary and not field_id:
        return _unit_summary_totals(units, as_of, view, group_by)
    mismatches = mismatches or from_summary
    if from_summary:
        sql, params = _summary_source(units, field_id)
    else:
        sql, params = summed_sql(units, as_of, field_id=field_id, mismatches=mismatches)
    extra = ", SUM(t.mismatches)" if mismatches else ""
    unit_table = Unit._meta.db_table
    group_col = Unit._meta.get_field(group_by.removesuffix("_id")).column
    headcount = combine_sql(TERMS[view], {name: f"g.{name}" for name in PARTS})
    parts = ", ".join(f"SUM(t.{name})" for name in PARTS)
    inner = ", ".join(f"g.{n}" for n in (*PARTS, *(["mismatches"] if mismatches else [])))
    unit_hc = combine_sql(TERMS[view], {name: f"t.{name}" for name in PARTS})
    # Per unit first, then per group with FILTER (no COUNT(DISTINCT ...), which sorts).
    outer = f"""
        SELECT u.{group_col}, SUM(t.quota), {parts},
               {_headline_columns(unit_hc, "t.quota", "t.short", "t.extra")}{extra}
        FROM (SELECT g.hc_unit AS unit, SUM(g.quota) AS quota,
                     {", ".join(f"SUM(g.{n}) AS {n}" for n in (*PARTS, *(["mismatches"] if mismatches else [])))},
                     SUM(CASE WHEN g.hc < g.quota THEN g.quota - g.hc ELSE 0 END) AS short,
                     SUM(CASE WHEN g.hc > g.quota THEN g.hc - g.quota ELSE 0 END) AS extra
              FROM (SELECT g.hc_unit, g.quota, {inner}, {headcount} AS hc FROM ({sql}) g) g
              GROUP BY g.hc_unit) t
        JOIN {unit_table} u ON u.id = t.unit
        GROUP BY u.{group_col}
    """
    if from_summary:
        marker, mparams = _fresh_marker(as_of, 2 + len(TOTAL_KEYS))
        outer = f"{marker} UNION ALL {outer}"
        params = [*mparams, *params]
    with read_connection().cursor() as cursor:
        cursor.execute(outer, params)
        rows = cursor.fetchall()
    if from_summary:
        rows = _split_marker(rows)
        if rows is None:
            return None
        return _as_totals(rows, (*TOTAL_KEYS, "mismatches"))
    keys = (*TOTAL_KEYS, *(["mismatches"] if mismatches else []))
    return {r[0]: {k: int(v or 0) for k, v in zip(keys, r[1:], strict=True)} for r in rows}


def mismatch_queryset(units, as_of: date):
    """Assignments in force on ``as_of`` at the units whose person trained in another field."""
    return Assignment.objects.in_force_on(as_of).filter(_mismatch_q(), unit__in=units)


def mismatch_counts(*, units, as_of: date) -> dict:
    """People on the roll whose trained field differs from their position's field, per (unit, field)."""

    def build():
        qs = mismatch_queryset(units, as_of).values_list("unit_id", "field_id").annotate(n=Count("pk")).order_by()
        return query_key(qs)

    rows = fetch_cached(("mismatches", query_key(units), as_of), build)
    return {(unit_id, field_id): n for unit_id, field_id, n in rows}


class Roster:
    """Which people a unit's roster lists on a day: the same tests as the counts above."""

    ON_ROLL = "roll"  # placed at the unit (the establishment headcount)
    WORKING = "working"  # doing the work here: on roll and not away or absent, or seconded in (coverage)
    ABSENT = "absent"  # absent while on roll here (not away) or seconded in
    CHOICES = [
        (ON_ROLL, _("On the roll")),
        (WORKING, _("Working here")),
        (ABSENT, _("Absent")),
    ]

    @classmethod
    def clean(cls, value):
        return value if value in (cls.ON_ROLL, cls.WORKING, cls.ABSENT) else cls.ON_ROLL


def roster_people(unit, day: date, mode: str = Roster.ON_ROLL, *, name_column: str = "name_vi", stored=False):
    """People of ``unit``'s roster on ``day`` as a Staff queryset, with their placement
    (``placed_*``, see ``Staff.objects.with_placement``) and what they do that day:
    ``work_field`` (the movement's field for people seconded in) with its ``work_field_name`` (from
    ``name_column``), ``work_field_order`` and ``work_field_code``, ``seconded_to`` /
    ``seconded_from`` (unit names), ``absence_kind``, ``position_name``.

    ``stored``: read the placement of today stored beside each person (the caller checks that it
    holds ``day``: ``headcount.summary.placements_stored`` or ``stored_or_live_sql``).

    Counted with ``headcount_rows`` for the same unit and day, the ON_ROLL list has ``on_roll``
    people, WORKING has ``effective`` and ABSENT has ``absent``.
    """
    mode = Roster.clean(mode)
    here, came = Q(placed_unit=unit.pk), Q(away__to_unit=unit)
    qs = (
        Staff.objects.with_placement(day, stored=stored)
        .alias(
            away=FilteredRelation("movements", condition=Secondment.objects.in_effect_q(day, prefix="movements__")),
            off=FilteredRelation("absences", condition=Absence.objects.in_force_q(day, prefix="absences__")),
        )
        .filter(placed_unit__isnull=False)
    )
    works_here = (here & Q(away__isnull=True)) | came
    if mode == Roster.ON_ROLL:
        qs = qs.filter(here)
    elif mode == Roster.WORKING:
        qs = qs.filter(works_here, off__isnull=True)
    else:
        qs = qs.filter(works_here, off__isnull=False)

    # Names from the small catalogues by key, in subqueries: each join more multiplies the
    # planner's work on this short list more than it costs to run.
    def name(model, key, column="name"):
        return Subquery(model.objects.filter(pk=OuterRef(key)).order_by().values(column))

    return qs.alias(away_to=F("away__to_unit_id")).annotate(
        work_field=Case(When(came, then=F("away__field_id")), default=F("placed_field")),
        work_field_name=name(Field, "work_field", name_column),
        work_field_order=name(Field, "work_field", "sort_order"),
        work_field_code=name(Field, "work_field", "code"),
        seconded_to=Case(When(~came & Q(away__isnull=False), then=name(Unit, "away_to"))),
        seconded_from=Case(When(came, then=name(Unit, "placed_unit"))),
        absence_kind=F("off__kind"),
        position_name=name(Position, "placed_position"),
    )
