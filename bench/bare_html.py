"""The floor of the roster page: a bare WSGI app that does the page's work without the framework.

Per request it reads the session cookie, runs the queries the page ran (session, user, unit,
filter options and count, the page of 50 rows, the audit entry: written by report_bench.py to
BARE_SQL_FILE as a JSON list), checks the session's signature and user id the way Django does,
and writes the same table of 50 rows inside a plain page with string formatting. One psycopg
connection per worker, no server-side prepared statements (as Django's connections).
"""

import datetime
import html
import json
import os
from http.cookies import SimpleCookie

import psycopg
from django.core.signing import JSONSerializer, TimestampSigner

_conn = None
_queries = None
_signer = None

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
    global _conn, _queries, _signer
    _conn = psycopg.connect(os.environ["BARE_DSN"], autocommit=True, prepare_threshold=None)
    with open(os.environ["BARE_SQL_FILE"]) as fh:
        _queries = json.load(fh)
    _signer = TimestampSigner(
        key=os.environ["BARE_SECRET_KEY"], salt="django.contrib.sessions.SessionStore", fallback_keys=[]
    )


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
    cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    if "sessionid" not in cookie:
        start_response("403 Forbidden", [("Content-Type", "text/plain")])
        return [b"no session"]
    unit, count, rows = "", 0, ""
    with _conn.cursor() as cur:
        for q in _queries:
            cur.execute(q["sql"])
            if q["kind"] == "session":
                (data,) = cur.fetchone()[1:2]
                session = _signer.unsign_object(data, serializer=JSONSerializer)
                user_id = int(session["_auth_user_id"])
            elif q["kind"] == "user":
                assert cur.fetchone()[0] == user_id
            elif q["kind"] == "unit":
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
