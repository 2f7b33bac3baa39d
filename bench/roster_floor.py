"""The floor of the roster page: a bare WSGI app that lists a unit's people with its own SQL.

Per request it finds the signed-in user as the page does (bench/floor_session.py), reads the unit
(BARE_UNIT, a code) within the user's province, computes the roster of one category
(BARE_CATEGORY) on today's date with the hand-written queries below — written from the tables'
meaning, not taken from the page: the field and position options with how many people match, and
the first 50 people in the list's order with where they are seconded and why they are absent —
records the read in the audit log as the page must, and writes the filter options and the table
inside a plain page with string formatting. One psycopg connection per worker, no server-side
prepared statements (as Django's connections).

``roster_figures(cursor, unit_id, category, day)`` is the computation alone (PostgreSQL or
SQLite): tests/reports/test_roster_floor.py proves it lists the page's people.
"""

import html
import json
import os

from bench.dashboard_floor import CATEGORIES

# Today's placement of each person is stored beside them (``today_*``), valid while the summary
# state holds today's date.
HOLDS_TODAY = "EXISTS (SELECT 1 FROM headcount_summarystate WHERE day = %s)"
RUNNING = """m.kind IN ('secondment', 'reinforcement', 'rotation') AND m.status IN ('approved', 'active', 'completed')
  AND m.start_date <= %s AND COALESCE(m.actual_end_date, m.planned_end_date) >= %s"""

OPTIONS_SQL = f"""
SELECT s.today_field_id, f.name_vi, f.sort_order, f.code, s.today_position_id, p.name,
       SUM(CASE WHEN s.today_category = %s THEN 1 ELSE 0 END)
FROM staffing_staff s
JOIN staffing_field f ON f.id = s.today_field_id
LEFT JOIN staffing_position p ON p.id = s.today_position_id
WHERE s.today_unit_id = %s AND {HOLDS_TODAY}
GROUP BY s.today_field_id, f.name_vi, f.sort_order, f.code, s.today_position_id, p.name
"""

ROWS_SQL = f"""
SELECT s.id, s.staff_code, s.full_name, s.birth_date, s.today_category, p.name, f.name_vi, s.qualification,
       s.status, s.start_date,
       (SELECT u.name FROM secondments_secondment m JOIN communes_unit u ON u.id = m.to_unit_id
        WHERE m.person_id = s.id AND {RUNNING} LIMIT 1),
       (SELECT a.kind FROM staffing_absence a
        WHERE a.person_id = s.id AND a.start_date <= %s AND (a.end_date IS NULL OR a.end_date >= %s) LIMIT 1)
FROM staffing_staff s
LEFT JOIN staffing_field f ON f.id = s.today_field_id
LEFT JOIN staffing_position p ON p.id = s.today_position_id
WHERE s.today_unit_id = %s AND s.today_category = %s AND {HOLDS_TODAY}
ORDER BY s.sort_key, s.staff_code, s.id
LIMIT 50
"""

AUDIT_SQL = """
INSERT INTO audit_auditentry (at, action, user_id, username, province_id, staff_id, staff_code, staff_name, method,
                              path, params, rows, token_name, address)
VALUES (%s, 'staff.list', %s, %s, %s, NULL, '', '', 'GET', %s, %s, %s, '', %s)
"""

ROW_KEYS = (
    "pk",
    "staff_code",
    "full_name",
    "birth_date",
    "category",
    "position_name",
    "field_name",
    "qualification",
    "status",
    "start_date",
    "seconded_to",
    "absence_kind",
)

QUALIFICATIONS = {
    "upper_secondary": "Trung học phổ thông",
    "vocational": "Cao đẳng, trung cấp",
    "bachelor": "Đại học",
    "master": "Thạc sĩ",
    "doctor": "Tiến sĩ",
}
STATUSES = {
    "active": "Đang công tác",
    "retired": "Đã nghỉ hưu",
    "resigned": "Đã thôi việc",
    "dismissed": "Bị buộc thôi việc",
    "deceased": "Đã từ trần",
}
ABSENCES = {
    "maternity": "Nghỉ thai sản",
    "sick_leave": "Nghỉ ốm dài ngày",
    "study": "Đi học, bồi dưỡng",
    "suspension": "Tạm đình chỉ công tác",
    "military": "Thực hiện nghĩa vụ quân sự",
    "unpaid": "Nghỉ không lương",
    "other": "Khác",
}


def roster_figures(cur, unit_id, category, day):
    """``{"count", "fields", "positions", "rows"}`` of a unit's roll in ``category`` on ``day``
    (today: the stored placements), or None when the stored placements do not hold ``day``."""
    cur.execute(OPTIONS_SQL, (category, unit_id, day))
    options = cur.fetchall()
    if not options:
        cur.execute(f"SELECT {HOLDS_TODAY}", (day,))
        if not cur.fetchone()[0]:
            return None
    fields, positions, count = {}, {}, 0
    for field_id, field_name, order, code, position_id, position_name, n in options:
        fields[field_id] = (order, code, field_name)
        if position_id is not None:
            positions[position_id] = position_name
        count += n
    cur.execute(ROWS_SQL, (day, day, day, day, unit_id, category, day))
    rows = [dict(zip(ROW_KEYS, r, strict=True)) for r in cur.fetchall()]
    return {
        "count": count,
        "fields": [(pk, name) for pk, (*_order, name) in sorted(fields.items(), key=lambda item: item[1])],
        "positions": sorted(positions.items(), key=lambda p: p[1]),
        "rows": rows,
    }


def _date(value):
    if value is None:
        return ""
    if isinstance(value, str):  # SQLite
        year, month, day = value[:10].split("-")
        return f"{day}/{month}/{year}"
    return value.strftime("%d/%m/%Y")


def _options(name, choices):
    esc = html.escape
    items = "".join(f'<option value="{pk}">{esc(str(label))}</option>' for pk, label in choices)
    return f'<select name="{name}" class="form-select"><option value="">---</option>{items}</select>'


PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Danh sách · {unit}</title>
<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css"></head>
<body><main><h1>{unit}</h1>
<form method="get" role="search"><input type="search" name="q" class="form-control">{fields}{positions}
<button type="submit" class="btn btn-primary">Lọc</button></form>
<p>{count} người</p>
<table class="table table-sm"><thead><tr><th>Mã</th><th>Họ và tên</th><th>Ngày sinh</th><th>Ngạch</th>
<th>Vị trí</th><th>Lĩnh vực</th><th>Trình độ</th><th>Trạng thái</th><th>Ngày vào</th></tr></thead>
<tbody>
{rows}
</tbody></table>{pages}</main></body></html>"""


def render(unit, fig):
    esc = html.escape
    out = []
    for r in fig["rows"]:
        status = STATUSES.get(r["status"], r["status"])
        notes = [f'<span class="badge text-bg-success">{esc(status)}</span>']
        if r["seconded_to"]:
            notes.append(f'<span class="badge text-bg-light">Biệt phái đến {esc(r["seconded_to"])}</span>')
        if r["absence_kind"]:
            notes.append(f'<span class="badge text-bg-warning">Vắng: {esc(ABSENCES[r["absence_kind"]])}</span>')
        out.append(
            f"<tr><td>{esc(r['staff_code'])}</td>"
            f'<td><a href="/staff/{r["pk"]}/">{esc(r["full_name"])}</a></td>'
            f"<td>{_date(r['birth_date'])}</td><td>{esc(CATEGORIES.get(r['category'], ''))}</td>"
            f"<td>{esc(r['position_name'] or '—')}</td><td>{esc(r['field_name'] or '')}</td>"
            f"<td>{esc(QUALIFICATIONS.get(r['qualification'], ''))}</td><td>{' '.join(notes)}</td>"
            f"<td>{_date(r['start_date'])}</td></tr>"
        )
    pages = (fig["count"] + 49) // 50
    links = "".join(f'<a href="?page={n}">{n}</a> ' for n in range(1, min(pages, 5) + 1))
    return PAGE.format(
        unit=esc(unit),
        fields=_options("field", fig["fields"]),
        positions=_options("position", fig["positions"]),
        count=fig["count"],
        rows="\n".join(out),
        pages=f"<nav>{links}</nav>",
    )


# --- WSGI -----------------------------------------------------------------------------------------

_state = {}


def _setup():
    import psycopg

    from bench.floor_session import SessionReader

    _state.update(
        conn=psycopg.connect(os.environ["BARE_DSN"], autocommit=True, prepare_threshold=None),
        sessions=SessionReader(os.environ["BARE_SECRET_KEY"], os.environ.get("REDIS_URL")),
        tz=os.environ.get("BARE_TIME_ZONE", "Asia/Ho_Chi_Minh"),
        unit=os.environ["BARE_UNIT"],
        category=os.environ.get("BARE_CATEGORY", "civil_servant"),
    )


def application(environ, start_response):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    if not _state:
        _setup()
    s = _state
    now = datetime.now(ZoneInfo(s["tz"]))
    with s["conn"].cursor() as cur:
        user = s["sessions"].user(environ, cur, "id, username, province_id")
        if user is None:
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"not signed in"]
        user_id, username, province_id = user
        # National readers see every unit; anybody else only their province's.
        cur.execute(
            "SELECT id, name, province_id FROM communes_unit WHERE code = %s AND (%s::int IS NULL OR province_id = %s)",
            (s["unit"], province_id, province_id),
        )
        unit = cur.fetchone()
        if unit is None:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"no such unit"]
        fig = roster_figures(cur, unit[0], s["category"], now.date())
        if fig is None:
            start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
            return [b"the stored placements do not hold today"]
        params = json.dumps({"category": [s["category"]]})
        path = f"/units/{s['unit']}/staff/"
        cur.execute(AUDIT_SQL, (now, user_id, username, unit[2], path, params, fig["count"], "127.0.0.1"))
    body = render(unit[1], fig).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
