"""Quota pool queries: the province's allocation from the central level against what its units
hold, per category, computed by the database."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

from communes.models import Unit
from config.routers import read_connection
from staffing.models import Category, ProvinceQuota, Quota


@dataclass(frozen=True)
class PoolRow:
    category: str
    label: str
    pool: int | None  # None: no pool decision recorded for the category
    allocated: int

    @property
    def unallocated(self) -> int | None:
        return None if self.pool is None else self.pool - self.allocated


def quota_pool(province_id, day: date) -> list[PoolRow]:
    """Per category, in the order of the categories: the pool in force on ``day``, the posts its
    units' quotas in force hold, and the difference. One query (``quota_pool_sql``)."""
    sql, params = quota_pool_sql(province_id, day)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return pool_rows(cursor.fetchall())


def quota_pools(province_ids, day: date) -> dict[tuple[int, str], PoolRow]:
    """``quota_pool`` for several provinces at once (the API's list), keyed by (province id,
    category). One query."""
    province_ids = list(province_ids)
    if not province_ids:
        return {}
    sql, params = _pools_sql(province_ids, day)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(province_id, row.category): row for province_id, *rest in rows for row in pool_rows([rest])}


def allocated_elsewhere(*, province_id, category, day, unit=None, field=None, exclude_pk=None) -> int:
    """Posts of ``category`` the province's quotas in force on ``day`` hold, leaving out the
    decision for (``unit``, ``field``) that a new one replaces."""
    qs = Quota.objects.in_force_on(day).filter(unit__province_id=province_id, category=category)
    if unit is not None:
        qs = qs.exclude(unit=unit, field=field)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.aggregate(n=Sum("count"))["n"] or 0


def allocation_days(*, province_id, category, start: date, end: date | None = None) -> list[date]:
    """``start``, then the days before ``end`` (None: ever) on which the province's pool or one of
    its units' quotas of ``category`` changes: the allocations are constant in between, so these
    are the days to check them against the pool. One query."""
    pools = ProvinceQuota.objects.filter(province_id=province_id, category=category, effective_from__gt=start)
    quotas = Quota.objects.filter(unit__province_id=province_id, category=category, effective_from__gt=start)
    if end is not None:
        pools, quotas = pools.filter(effective_from__lt=end), quotas.filter(effective_from__lt=end)
    later = (
        pools.order_by().values_list("effective_from").union(quotas.order_by().values_list("effective_from")).order_by()
    )
    return [start, *sorted(day for (day,) in later)]


def quota_pool_sql(province_id, day: date) -> tuple[str, list]:
    """``quota_pool`` as one statement, to send with other queries (the province dashboard):
    ``(sql, params)`` of the rows ``pool_rows`` reads: per category, the pool decision in force on
    ``day`` and the posts its units' quotas in force hold."""
    sql, params = _pools_sql([province_id], day)
    return f"SELECT category, pool, allocated FROM ({sql}) pools", params


def _pools_sql(province_ids, day: date) -> tuple[str, list]:
    """Per province and category: the pool decision in force on ``day`` and the posts its units'
    quotas in force hold. The decision in force is the latest that has taken effect (one per date,
    by the unique constraints): on PostgreSQL picked by ``DISTINCT ON`` (a third of the window
    function's time on a province's two thousand quotas), elsewhere by a window function."""
    pools, quotas, units = ProvinceQuota._meta.db_table, Quota._meta.db_table, Unit._meta.db_table
    marks = ", ".join(["%s"] * len(province_ids))
    if read_connection().vendor == "postgresql":
        decisions = f"""
            (SELECT DISTINCT ON (p.province_id, p.category) 0 AS kind, p.province_id, p.category, p.count AS n
             FROM {pools} p WHERE p.province_id IN ({marks}) AND p.effective_from <= %s
             ORDER BY p.province_id, p.category, p.effective_from DESC)
            UNION ALL
            (SELECT DISTINCT ON (q.unit_id, q.field_id, q.category) 1, u.province_id, q.category, q.count
             FROM {quotas} q JOIN {units} u ON u.id = q.unit_id
             WHERE u.province_id IN ({marks}) AND q.effective_from <= %s
             ORDER BY q.unit_id, q.field_id, q.category, q.effective_from DESC)"""
    else:
        decisions = f"""
            SELECT kind, province_id, category, n FROM (
                SELECT 0 AS kind, p.province_id, p.category, p.count AS n,
                       ROW_NUMBER() OVER (PARTITION BY p.province_id, p.category ORDER BY p.effective_from DESC) AS nth
                FROM {pools} p WHERE p.province_id IN ({marks}) AND p.effective_from <= %s
                UNION ALL
                SELECT 1, u.province_id, q.category, q.count,
                       ROW_NUMBER() OVER (PARTITION BY q.unit_id, q.field_id, q.category ORDER BY q.effective_from DESC)
                FROM {quotas} q JOIN {units} u ON u.id = q.unit_id
                WHERE u.province_id IN ({marks}) AND q.effective_from <= %s
            ) numbered WHERE nth = 1"""
    sql = f"""
        SELECT province_id, category, SUM(CASE WHEN kind = 0 THEN n END) AS pool,
               SUM(CASE WHEN kind = 1 THEN n END) AS allocated
        FROM ({decisions}) decisions
        GROUP BY province_id, category"""
    return sql, [*province_ids, day, *province_ids, day]


def pool_rows(rows) -> list[PoolRow]:
    """The ``PoolRow`` list, in the order of the categories, from the rows of ``quota_pool_sql``."""
    by_category = {category: (pool, allocated) for category, pool, allocated in rows}
    return [
        PoolRow(value, str(label), _int(by_category[value][0]), _int(by_category[value][1]) or 0)
        for value, label in Category.choices
        if value in by_category
    ]


def _int(n):
    return None if n is None else int(n)
