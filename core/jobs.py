"""Background jobs that write a heartbeat as they go (exports, imports).

A job whose worker was killed or whose machine stopped writes nothing more: the scheduled work
marks it failed once its last sign of life is older than the stale limit, so no page spins
forever and its owner can start it again.
"""

from datetime import datetime, timedelta

from django.utils import timezone

SILENT = "silent"
OVERRAN = "overran"


def beat(queryset, **fields) -> int:
    """Write a sign of life (and ``fields``, e.g. the progress) on the jobs of ``queryset``."""
    return queryset.update(heartbeat_at=timezone.now(), **fields)


def stale_reason(
    *, now: datetime, last_sign: datetime | None, stale_seconds: int, started_at=None, time_limit=None
) -> str | None:
    """``SILENT`` when the job gave no sign of life for ``stale_seconds`` (or none at all),
    ``OVERRAN`` when it has run longer than ``time_limit`` seconds, else None."""
    if last_sign is None or last_sign < now - timedelta(seconds=stale_seconds):
        return SILENT
    if time_limit is not None and started_at is not None and now - started_at > timedelta(seconds=time_limit):
        return OVERRAN
    return None
