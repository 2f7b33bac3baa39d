"""The floor of an HTTP page: a bare WSGI app that runs one SQL query and returns its rows as JSON.

The SQL is the query a Django page or endpoint ran for the same rows (written to BARE_SQL_FILE by
report_bench.py); one psycopg connection per worker, no framework, and like Django's connections no
server-side prepared statements.
"""

import datetime
import json
import os

import psycopg

_conn = None
_sql = None


def _default(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    raise TypeError(repr(value))


def application(environ, start_response):
    global _conn, _sql
    if _conn is None:
        _conn = psycopg.connect(os.environ["BARE_DSN"], autocommit=True, prepare_threshold=None)
        with open(os.environ["BARE_SQL_FILE"]) as fh:
            _sql = fh.read()
    with _conn.cursor() as cur:
        cur.execute(_sql)
        names = [d.name for d in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    body = json.dumps({"results": rows}, default=_default).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
