"""Keeping ``UnitFieldSummary`` equal to the live headcount for today.

- ``rebuild(day)`` recomputes every row from the live selectors (the scheduled run does it when the
  day changes; ``manage.py refresh_summary`` does it by hand, e.g. after loading data in bulk).
- Every save or delete of a quota, placement, absence, movement or person refreshes, in the same
  transaction, the units whose counts it can change: the units named by the row before and after
  the write, and where the person is placed and seconded to today (``touch``). Bulk writes that
  send no signals (the workbook import) call ``refresh_units`` themselves.
- Readers (``headcount.selectors``) use the summary only when it holds today's date.

Each person's placement of today is kept beside them the same way (``Staff.today_*``, written by
``store_placements``): by the rebuild, and by every write of a placement or a person, in the same
transaction. The staff list reads it while the summary holds today (``placements_stored``).

Rows come from ``summed_sql`` and ``mismatch_queryset``: the summary is the live query stored.
"""

from django.db import connection, transaction
from django.db.models import Count
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils import timezone

from core.memo import run
from headcount.models import SummaryState, UnitFieldSummary, UnitSummary
from headcount.rules import PARTS, TERMS, View, combine_sql
from staffing import signals as staffing_signals

TABLE = UnitFieldSummary._meta.db_table
UNIT_TABLE = UnitSummary._meta.db_table
STATE_TABLE = SummaryState._meta.db_table
COLUMNS = ("quota", "on_roll", "seconded_out", "seconded_in", "absent", "mismatches")


def summary_day():
    """The day the summary holds, or None when it was never built."""
    return SummaryState.objects.values_list("day", flat=True).first()


def _insert_sql(units, day):
    from headcount.selectors import mismatch_queryset, query_key, summed_sql

    sql, params = summed_sql(units, day)
    mismatches = mismatch_queryset(units, day).values_list("unit_id", "field_id").annotate(n=Count("pk")).order_by()
    msql, mparams = query_key(mismatches)
    text = f"""
        INSERT INTO {TABLE} (unit_id, field_id, {", ".join(COLUMNS)})
        SELECT h.hc_unit, h.hc_field, h.quota, h.on_roll, h.seconded_out, h.seconded_in, h.absent,
               COALESCE(m.n, 0)
        FROM ({sql}) h LEFT JOIN ({msql}) m ON m.unit_id = h.hc_unit AND m.field_id = h.hc_field
    """
    return text, [*params, *mparams]


def _rollup_sql(where=""):
    """Per-unit rows from the unit × field rows (``where`` narrows the units)."""
    gaps = []
    for view in (View.COVERAGE, View.ESTABLISHMENT):
        hc = combine_sql(TERMS[view], {name: name for name in PARTS})
        gaps.append(f"SUM(CASE WHEN {hc} < quota THEN quota - ({hc}) ELSE 0 END)")
        gaps.append(f"SUM(CASE WHEN {hc} > quota THEN {hc} - quota ELSE 0 END)")
    sums = ", ".join(f"SUM({c})" for c in COLUMNS)
    return f"""
        INSERT INTO {UNIT_TABLE} (unit_id, {", ".join(COLUMNS)}, shortage_coverage, surplus_coverage,
                                  shortage_establishment, surplus_establishment)
        SELECT unit_id, {sums}, {", ".join(gaps)} FROM {TABLE} {where} GROUP BY unit_id
    """


def placements_stored(day):
    """Whether the people's stored placement (``Staff.today_*``) is the one in force on ``day``."""
    return day == timezone.localdate() and summary_day() == day


def read_stored_or_live(cursor, stored, live, day):
    """``(rows, stored)``: the rows of ``stored`` (sql, params), read through the people's stored
    placement on the condition (in the same statement) that it holds ``day``; when it gives none,
    the rows of ``live``. Two statements planned apart cost less than one holding both: the
    planner's time, not the reading, is most of a small list's cost."""
    if day == timezone.localdate():
        holds = f"EXISTS (SELECT 1 FROM {STATE_TABLE} WHERE day = %s)"
        params = (*stored[1], connection.ops.adapt_datefield_value(day))
        run(cursor, f"SELECT s.* FROM ({stored[0]}) s WHERE {holds}", params)
        rows = cursor.fetchall()
        if rows:
            return rows, True
    run(cursor, *live)
    return cursor.fetchall(), False


def store_placements(day, person_ids=None):
    """Write the placement in force on ``day`` into ``Staff.today_*`` for these people (None: all);
    only rows that change are written."""
    from staffing.models import TODAY_COLUMNS, Assignment, Staff

    if person_ids is not None:
        person_ids = sorted({p for p in person_ids if p is not None})
        if not person_ids:
            return
    qn = connection.ops.quote_name
    staff, assignment = qn(Staff._meta.db_table), qn(Assignment._meta.db_table)
    pairs = [
        (qn(Staff._meta.get_field(name).column), qn(Assignment._meta.get_field(column).column))
        for name, column in TODAY_COLUMNS
    ]
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    chunks = [None] if person_ids is None else [person_ids[i : i + 5000] for i in range(0, len(person_ids), 5000)]
    with connection.cursor() as cursor:
        for chunk in chunks:
            where = f"WHERE s.id IN ({', '.join(['%s'] * len(chunk))})" if chunk else ""
            sql = f"""
                UPDATE {staff} SET {", ".join(f"{mine} = x.{theirs}" for mine, theirs in pairs)}
                FROM (
                    SELECT s.id AS person, {", ".join(f"a.{theirs}" for _mine, theirs in pairs)}
                    FROM {staff} s LEFT JOIN {assignment} a ON a.person_id = s.id AND a.valid_from <= %s
                         AND (a.valid_to IS NULL OR a.valid_to >= %s)
                    {where}
                ) x
                WHERE {staff}.id = x.person
                  AND ({" OR ".join(f"{staff}.{mine} {differs} x.{theirs}" for mine, theirs in pairs)})
            """
            cursor.execute(sql, [day, day, *(chunk or [])])


def rebuild(day=None):
    """Recompute every row for ``day`` (default today). Returns the number of rows."""
    from communes.models import Unit

    day = day or timezone.localdate()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Writers refreshing their units wait for the rebuild, and the rebuild for them.
            cursor.execute(f"LOCK TABLE {TABLE}, {UNIT_TABLE} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(f"DELETE FROM {UNIT_TABLE}")
        cursor.execute(*_insert_sql(Unit.objects.all(), day))
        rows = cursor.rowcount
        cursor.execute(_rollup_sql())
        store_placements(day)
        SummaryState.objects.update_or_create(pk=1, defaults={"day": day, "rebuilt_at": timezone.now()})
    return rows


def refresh_units(unit_ids, *, day=None):
    """Recompute the rows of these units if the summary holds today; in the caller's transaction."""
    ids = sorted({u for u in unit_ids if u is not None})
    if not ids:
        return
    day = day or timezone.localdate()
    if summary_day() == day:
        _refresh(ids, day)


_SENTINEL = -48151623  # stands for the unit id in the kept one-unit statement


def _one_unit_insert(day):
    """The INSERT for one unit, compiled once per day and database: (sql, params with the unit's
    places marked). Compiling the ORM queries costs more than running them for one unit."""
    from communes.models import Unit
    from headcount.selectors import cached_sql

    sql, params = cached_sql(("summary one unit", day), lambda: _insert_sql(Unit.objects.filter(pk=_SENTINEL), day))
    return sql, params


def _refresh(ids, day):
    sql, params = _one_unit_insert(day)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Two writers refreshing one unit take turns; the second recomputes after the first
            # committed (each statement reads what is committed when it starts).
            cursor.execute(f"SELECT pg_advisory_xact_lock({_LOCK_SPACE}, id) FROM unnest(%s::int[]) AS id", [ids])
        placeholders = ", ".join(["%s"] * len(ids))
        cursor.execute(f"DELETE FROM {TABLE} WHERE unit_id IN ({placeholders})", ids)
        cursor.execute(f"DELETE FROM {UNIT_TABLE} WHERE unit_id IN ({placeholders})", ids)
        for unit_id in ids:
            cursor.execute(sql, [unit_id if p == _SENTINEL else p for p in params])
        cursor.execute(_rollup_sql(f"WHERE unit_id IN ({placeholders})"), ids)


_LOCK_SPACE = 48151  # advisory lock namespace of the summary (per unit)


def footprint(person_id, day):
    """Units where the person counts on ``day``: placed there, or seconded there."""
    from secondments.models import Secondment
    from staffing.models import Assignment

    placed = Assignment.objects.in_force_on(day).filter(person_id=person_id).values_list("unit_id").order_by()
    away = Secondment.objects.in_effect_on(day).filter(person_id=person_id).values_list("to_unit_id").order_by()
    return {u for (u,) in placed.union(away).order_by()}


def touch(unit_ids=(), person_id=None, placed=()):
    """Refresh the given units and, for a person, the units they count in today; store today's
    placement of the people in ``placed``."""
    day = timezone.localdate()
    if summary_day() != day:
        return
    store_placements(day, placed)
    units = set(unit_ids)
    if person_id is not None:
        units |= footprint(person_id, day)
    ids = sorted(u for u in units if u is not None)
    if ids:
        _refresh(ids, day)


def touch_many(unit_ids=(), person_ids=()):
    """After bulk writes (no signals): refresh these units and where these people are placed today."""
    from staffing.models import Assignment

    day = timezone.localdate()
    if summary_day() != day:
        return
    ids = list(person_ids)
    store_placements(day, ids)
    units = set(unit_ids)
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        units |= set(Assignment.objects.in_force_on(day).filter(person_id__in=chunk).values_list("unit_id", flat=True))
    units = sorted(u for u in units if u is not None)
    if units:
        _refresh(units, day)


# --- Signals: what each kind of row names --------------------------------------------------------


def _row_units(instance):
    from secondments.models import Secondment

    if isinstance(instance, Secondment):
        return {instance.from_unit_id, instance.to_unit_id}
    return {getattr(instance, "unit_id", None)}


def _person(instance):
    from staffing.models import Quota, Staff

    if isinstance(instance, Staff):
        return instance.pk
    if isinstance(instance, Quota):
        return None
    return instance.person_id


def _before_save(sender, instance, raw=False, **kwargs):
    instance._summary_before = set()
    instance._placed_before = None
    if raw or instance.pk is None or summary_day() != timezone.localdate():
        return
    columns = [c for c in ("unit_id", "from_unit_id", "to_unit_id", "person_id") if hasattr(instance, c)]
    old = sender._base_manager.filter(pk=instance.pk).values(*columns).first()
    if old:
        instance._summary_before = {v for k, v in old.items() if k != "person_id"}
        if old.get("person_id") not in (None, getattr(instance, "person_id", None)):  # (a quota has no person)
            instance._summary_before |= footprint(old["person_id"], timezone.localdate())
            instance._placed_before = old["person_id"]


def _placed_people(instance):
    """People whose placement of today a write of ``instance`` can change."""
    from staffing.models import Assignment, Staff

    if isinstance(instance, Staff):
        return [instance.pk]
    if isinstance(instance, Assignment):
        return [instance.person_id, getattr(instance, "_placed_before", None)]
    return []


def _after_write(sender, instance, raw=False, **kwargs):
    if raw:
        return
    touch(
        _row_units(instance) | getattr(instance, "_summary_before", set()),
        _person(instance),
        placed=_placed_people(instance),
    )


def connect():
    from secondments.models import Secondment
    from staffing.models import Absence, Assignment, Quota, Staff

    for model in (Quota, Assignment, Absence, Secondment):
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"summary-pre-{model.__name__}")
        post_save.connect(_after_write, sender=model, dispatch_uid=f"summary-post-{model.__name__}")
        post_delete.connect(_after_write, sender=model, dispatch_uid=f"summary-del-{model.__name__}")
    # A person's trained field changes their mismatches where they are placed.
    post_save.connect(_after_write, sender=Staff, dispatch_uid="summary-post-Staff")
    staffing_signals.bulk_written.connect(_after_bulk_write, dispatch_uid="summary-bulk")


def _after_bulk_write(sender, unit_ids=(), person_ids=(), **kwargs):
    touch_many(unit_ids=unit_ids, person_ids=person_ids)
