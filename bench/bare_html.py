"""The floor of the roster page: a bare WSGI app that does the page's work without the framework.

Per request it finds the signed-in user the way the page does (bench/floor_session.py: the session
from Redis or the database, its signature, the user's row and session hash), runs the other
queries the page ran (unit, filter options and count, the page of 50 rows, the audit entry:
written by report_bench.py to BARE_SQL_FILE as a JSON list) and writes the same table of 50 rows
inside a plain page with string formatting. One psycopg connection per worker, no server-side
prepared statements (as Django's connections).
"""

import datetime
import html
import json
import os

import psycopg

from bench.floor_session import SessionReader

_conn = None
_queries = None
_sessions = None

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Danh sách · {unit}</title>
<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css"></head>
<body><main><h1>{unit}</h1><p>{count} người</p>
<table class="table table-sm"><thead><tr><th>Mã</th><th>Họ và tên</th><th>Ngày sinh</th><th>Ngạch</th>
<th>Vị trí</th><th>Lĩnh vực</th><th>Trình độ</th><th>Trạng thái</th><th>Ngày vào</th></tr></thead>
<tbody>
{rows}
</tbody></table></main></body></html>"""


def _date(value):
    return value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else ""


def _setup():
    global _conn, _queries, _sessions
    _conn = psycopg.connect(os.environ["BARE_DSN"], autocommit=True, prepare_threshold=None)
    with open(os.environ["BARE_SQL_FILE"]) as fh:
        # The session and the user are read by SessionReader, as the page reads them.
        _queries = [q for q in json.load(fh) if q["kind"] not in ("session", "user")]
    _sessions = SessionReader(os.environ["BARE_SECRET_KEY"], os.environ.get("REDIS_URL"))


def _rows_html(cur):
    esc = html.escape
    names = [d.name for d in cur.description]
    out = []
    for values in cur.fetchall():
        r = dict(zip(names, values, strict=True))
        notes = [f'<span class="badge text-bg-success">{esc(r["status"])}</span>']
        if r.get("seconded_from"):
            notes.append(f'<span class="badge text-bg-info">Biệt phái đến từ {esc(r["seconded_from"])}</span>')
        if r.get("seconded_to"):
            notes.append(f'<span class="badge text-bg-light">Biệt phái đến {esc(r["seconded_to"])}</span>')
        if r.get("absence_kind"):
            notes.append(f'<span class="badge text-bg-warning">Vắng: {esc(r["absence_kind"])}</span>')
        out.append(
            f"<tr><td>{esc(r['staff_code'])}</td>"
            f'<td><a href="/staff/{r["pk"]}/">{esc(r["full_name"])}</a></td>'
            f"<td>{_date(r['birth_date'])}</td><td>{esc(r['placed_category'] or '')}</td>"
            f"<td>{esc(r['position_name'] or '—')}</td><td>{esc(r['work_field_name'] or '')}</td>"
            f"<td>{esc(r['qualification'])}</td><td>{' '.join(notes)}</td><td>{_date(r['start_date'])}</td></tr>"
        )
    return "\n".join(out)


def application(environ, start_response):
    if _conn is None:
        _setup()
    unit, count, rows = "", 0, ""
    with _conn.cursor() as cur:
        if _sessions.user(environ, cur, "role, province_id") is None:
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"not signed in"]
        for q in _queries:
            cur.execute(q["sql"])
            if q["kind"] == "unit":
                row = cur.fetchone()
                unit = html.escape(str(row[[d.name for d in cur.description].index("name")]))
            elif q["kind"] == "choices":
                count = sum(r[-1] for r in cur.fetchall())
            elif q["kind"] == "rows":
                rows = _rows_html(cur)
            elif cur.description is not None:
                cur.fetchall()
    body = PAGE.format(unit=unit, count=count, rows=rows).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
