"""The floor of the staff API: a bare WSGI app that serves a page of the staff list with its own SQL.

Per request it checks the ``Authorization: Token <key>`` header against the stored digests (an
active user, a token neither revoked nor expired), allows the user's own province only (national
readers: any), reads the page with the hand-written query below — written from the tables'
meaning, not taken from the API: people placed today in the province (``province_code`` in the
query string; ``category`` and ``field`` if given), in (unit, id) order, ``page_size`` of them —
records the read in the audit log in the same transaction, as the API must, and returns
the rows as JSON with the next page's cursor. One psycopg connection per worker, no server-side
prepared statements (as Django's connections).

``staff_page(cursor, province_code, day, size, category=…, field_id=…)`` is the reading alone
(PostgreSQL or SQLite): tests/reports/test_staff_api_floor.py proves it gives the API's rows.
"""

import hashlib
import json
import os
from base64 import b64encode
from datetime import date, datetime
from urllib.parse import parse_qs, quote

KEYS = (
    "id",
    "staff_code",
    "full_name",
    "gender",
    "birth_date",
    "qualification",
    "status",
    "start_date",
    "category",
    "is_leader",
    "unit_id",
    "unit_code",
    "field_code",
    "major_field_code",
    "position_code",
)

# Today's placement of each person is stored beside them (``today_*``), valid while the summary
# state holds today's date.
PAGE_SQL = """
SELECT s.id, s.staff_code, s.full_name, s.gender, s.birth_date, s.qualification, s.status, s.start_date,
       s.today_category, s.today_is_leader, s.today_unit_id, u.code, f.code, mf.code, p.code
FROM staffing_staff s
JOIN communes_unit u ON u.id = s.today_unit_id
JOIN communes_province pr ON pr.id = u.province_id
JOIN staffing_field f ON f.id = s.today_field_id
LEFT JOIN staffing_field mf ON mf.id = s.major_field_id
LEFT JOIN staffing_position p ON p.id = s.today_position_id
WHERE pr.code = %s AND EXISTS (SELECT 1 FROM headcount_summarystate WHERE day = %s){filters}
ORDER BY s.today_unit_id, s.id
LIMIT %s
"""

TOKEN_SQL = """
SELECT u.id, u.username, u.province_id FROM accounts_apitoken t JOIN accounts_user u ON u.id = t.user_id
WHERE t.digest = %s AND u.is_active AND t.revoked_at IS NULL AND t.expires_at > %s
"""

AUDIT_SQL = """
INSERT INTO audit_auditentry (at, action, user_id, username, province_id, staff_id, staff_code, staff_name, method,
                              path, params, rows, token_name, address)
VALUES (%s, 'staff.list', %s, %s, %s, NULL, '', '', 'GET', %s, %s, %s, '', %s)
"""


def _iso(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value[:10] if isinstance(value, str) else value  # SQLite gives text


def staff_page(cur, province_code, day, size=50, *, category=None, field_id=None):
    """``(rows, next_cursor)``: the first ``size`` people of the list, as the API's JSON rows."""
    filters, params = "", [province_code, day]
    if category:
        filters += " AND s.today_category = %s"
        params.append(category)
    if field_id:
        filters += " AND s.today_field_id = %s"
        params.append(field_id)
    cur.execute(PAGE_SQL.format(filters=filters), (*params, size + 1))
    rows = []
    for r in cur.fetchall():
        row = dict(zip(KEYS, r, strict=True))
        row["birth_date"], row["start_date"] = _iso(row["birth_date"]), _iso(row["start_date"])
        row["is_leader"] = bool(row["is_leader"])
        rows.append(row)
    cursor = None
    if len(rows) > size:
        last = rows[size - 1]
        cursor = b64encode(f"{last['unit_id']}:{last['id']}".encode()).decode()
    return rows[:size], cursor


# --- WSGI -----------------------------------------------------------------------------------------

_state = {}


def _reply(start_response, status, payload):
    body = json.dumps(payload).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def application(environ, start_response):
    from zoneinfo import ZoneInfo

    import psycopg

    if not _state:
        _state["conn"] = psycopg.connect(os.environ["BARE_DSN"], autocommit=True, prepare_threshold=None)
        _state["tz"] = ZoneInfo(os.environ.get("BARE_TIME_ZONE", "Asia/Ho_Chi_Minh"))
    conn = _state["conn"]
    keyword, _, key = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
    query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
    try:
        field_id = int(query["field"]) if "field" in query else None
        size = min(max(int(query.get("page_size", 50)), 1), 1000)
        province_code, category = query["province_code"], query.get("category")
    except (KeyError, ValueError):
        return _reply(start_response, "400 Bad Request", {"detail": "province_code (category, field)"})
    now = datetime.now(_state["tz"])
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(TOKEN_SQL, (hashlib.sha256(key.encode()).hexdigest() if keyword == "Token" else "", now))
        user = cur.fetchone()
        if user is None:
            return _reply(start_response, "401 Unauthorized", {"detail": "Invalid token."})
        user_id, username, province_id = user
        if province_id is not None:
            cur.execute("SELECT code FROM communes_province WHERE id = %s", (province_id,))
            if cur.fetchone()[0] != province_code:
                return _reply(start_response, "403 Forbidden", {"detail": "Another province."})
        rows, cursor = staff_page(cur, province_code, now.date(), size, category=category, field_id=field_id)
        params = json.dumps({k: [v] for k, v in query.items()})
        path = environ.get("PATH_INFO", "/")
        cur.execute(AUDIT_SQL, (now, user_id, username, province_id, path, params, len(rows), "127.0.0.1"))
    next_url = None
    if cursor:
        host = environ.get("HTTP_HOST", "127.0.0.1")
        next_url = (
            f"http://{host}{environ.get('PATH_INFO', '/')}?{environ.get('QUERY_STRING', '')}&cursor={quote(cursor)}"
        )
    return _reply(start_response, "200 OK", {"next": next_url, "results": rows})
