"""Reports read from a replica when one is configured (``DATABASE_REPLICA_URL``).

Only what runs inside ``reading_reports()`` goes to the replica: the report pages, the report API
and the export builders open it; everything else — writes, and the pages that read what a user has
just written — stays on the primary. A user who has just written something is pinned to the
primary for a few seconds (``PinPrimaryAfterWriteMiddleware``), so a report opened right after a
save never shows the replica's lag.
"""

import contextvars
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

REPLICA = "replica"
PIN_COOKIE = "bienche_pin_primary"
PIN_SECONDS = 10

_reports = contextvars.ContextVar("reading_reports", default=False)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def reading_reports(request=None):
    """Route reads to the replica inside this block (unless the request is pinned to the primary)."""
    pinned = request is not None and PIN_COOKIE in getattr(request, "COOKIES", {})
    token = _reports.set(replica_configured() and not pinned)
    try:
        yield
    finally:
        _reports.reset(token)


def read_alias() -> str:
    """The database alias that report reads use right now."""
    return REPLICA if _reports.get() else "default"


def read_connection():
    """The connection the kept-SQL report helpers run their text on (the router's choice)."""
    return connections[read_alias()]


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


REPORT_PATHS = ("/reports/", "/api/v1/reports/")
# Written by the worker and polled right after: never read from a lagging replica.
PRIMARY_PATHS = ("/reports/exports/", "/api/v1/reports/exports/", "/reports/documents/", "/reports/decisions/")


class ReportsFromReplicaMiddleware:
    """Report pages and the report API read inside ``reading_reports`` (GET and HEAD only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.method in ("GET", "HEAD") and path.startswith(REPORT_PATHS) and not path.startswith(PRIMARY_PATHS):
            with reading_reports(request):
                return self.get_response(request)
        return self.get_response(request)


class PinPrimaryAfterWriteMiddleware:
    """After a write (any successful unsafe request), the user's next reads stay on the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if replica_configured() and request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            response.set_cookie(PIN_COOKIE, "1", max_age=PIN_SECONDS, httponly=True, samesite="Lax")
        return response
