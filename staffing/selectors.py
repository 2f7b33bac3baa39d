"""Quota pool queries: the province's allocation from the central level against what its units
hold, per category, computed by the database."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Sum

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
    """Per category: the pool in force on ``day``, the posts its units' quotas in force hold, and the
    difference. Two queries."""
    pools = dict(
        ProvinceQuota.objects.in_force_on(day).filter(province_id=province_id).values_list("category", "count")
    )
    allocated = dict(
        Quota.objects.in_force_on(day)
        .filter(unit__province_id=province_id)
        .order_by()
        .values("category")
        .annotate(n=Sum("count"))
        .values_list("category", "n")
    )
    return [
        PoolRow(value, str(label), pools.get(value), allocated.get(value) or 0)
        for value, label in Category.choices
        if value in pools or value in allocated
    ]


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
