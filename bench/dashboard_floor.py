"""The floor of the province dashboard: a bare WSGI app that computes today's figures with its own SQL.

Per request it finds the signed-in user as the page does (bench/floor_session.py), checks that the
user may read the province (BARE_PROVINCE, a code), computes the dashboard's figures (coverage
view, no filter) from today's summary table ``headcount_unitfieldsummary``, the movements and the
quotas with the hand-written queries below — written from the tables' meaning, not taken from the
page — and writes the same tables (headline figures, the province's pool, by field, largest
shortages with the charts' data, the commune table with its links and totals) inside a plain page
with string formatting. One psycopg connection per worker, no server-side prepared statements.

``dashboard_figures(cursor, province_id, day)`` is the computation alone (PostgreSQL or SQLite):
tests/reports/test_dashboard_floor.py proves it gives the page's numbers.
"""

import html
import json
import os
from datetime import timedelta

COMMUNE_KINDS = "('commune', 'ward', 'special_zone')"
# Who does the work: on the roll, less those seconded out and absent, plus those seconded in.
WORKING = "(s.on_roll - s.seconded_out + s.seconded_in - s.absent)"

# One pass over the province's summary rows: one row per commune (communes without any row
# included), then one row per field; the communes by largest shortage, the fields in their order.
FIGURES_SQL = f"""
WITH s AS (
    SELECT s.unit_id, s.field_id, s.quota, s.on_roll, s.seconded_in, s.seconded_out, s.absent, s.mismatches,
           {WORKING} AS working
    FROM headcount_unitfieldsummary s JOIN communes_unit u ON u.id = s.unit_id
    WHERE u.province_id = %s AND u.is_active AND u.kind IN {COMMUNE_KINDS}
), g AS (
    SELECT unit_id, field_id, SUM(quota) AS quota, SUM(on_roll) AS on_roll, SUM(seconded_in) AS came,
           SUM(seconded_out) AS went, SUM(absent) AS absent, SUM(working) AS working,
           SUM(CASE WHEN working < quota THEN quota - working ELSE 0 END) AS short,
           SUM(CASE WHEN working > quota THEN working - quota ELSE 0 END) AS over, SUM(mismatches) AS mism
    FROM (SELECT unit_id, NULL AS field_id, quota, on_roll, seconded_in, seconded_out, absent, working,
                 mismatches FROM s
          UNION ALL
          SELECT NULL, field_id, quota, on_roll, seconded_in, seconded_out, absent, working, mismatches FROM s) x
    GROUP BY unit_id, field_id
)
SELECT 0 AS part, u.code, u.name, u.is_disadvantaged, u.is_border, COALESCE(g.quota, 0), COALESCE(g.on_roll, 0),
       COALESCE(g.came, 0), COALESCE(g.went, 0), COALESCE(g.absent, 0), COALESCE(g.working, 0),
       COALESCE(g.short, 0), COALESCE(g.over, 0), COALESCE(g.mism, 0), u.id, -COALESCE(g.short, 0) AS sort_key,
       u.name AS sort_name
FROM communes_unit u LEFT JOIN g ON g.unit_id = u.id
WHERE u.province_id = %s AND u.is_active AND u.kind IN {COMMUNE_KINDS}
UNION ALL
SELECT 1, f.code, f.name_vi, FALSE, FALSE, g.quota, g.on_roll, g.came, g.went, g.absent, g.working, g.short, g.over,
       g.mism, f.id, f.sort_order, f.code
FROM g JOIN staffing_field f ON f.id = g.field_id
ORDER BY part, sort_key, sort_name, 2
"""

# Temporary movements decided and running today that leave or enter one of the communes
# (their ids follow as constants), and those ending within 30 days; the summary's day.
MOVEMENTS_SQL = """
SELECT (SELECT day FROM headcount_summarystate ORDER BY id LIMIT 1), COUNT(*),
       COALESCE(SUM(CASE WHEN COALESCE(m.actual_end_date, m.planned_end_date) <= %s THEN 1 ELSE 0 END), 0)
FROM secondments_secondment m
WHERE m.kind IN ('secondment', 'reinforcement', 'rotation') AND m.status IN ('approved', 'active', 'completed')
  AND m.start_date <= %s AND COALESCE(m.actual_end_date, m.planned_end_date) >= %s
  AND (m.to_unit_id IN ({ids}) OR m.from_unit_id IN ({ids}))
"""

# The province's pool per category (its latest decision in force) and what the quotas in force of
# all its units hold.
POOL_SQL = """
SELECT p.category, p.count, 0 FROM staffing_provincequota p
WHERE p.province_id = %s AND p.effective_from = (
    SELECT MAX(e.effective_from) FROM staffing_provincequota e
    WHERE e.province_id = p.province_id AND e.category = p.category AND e.effective_from <= %s)
UNION ALL
SELECT category, NULL, SUM(count) FROM (
    SELECT q.category, q.count,
           ROW_NUMBER() OVER (PARTITION BY q.unit_id, q.field_id, q.category ORDER BY q.effective_from DESC) AS nth
    FROM staffing_quota q JOIN communes_unit u ON u.id = q.unit_id
    WHERE u.province_id = %s AND q.effective_from <= %s) latest
WHERE nth = 1
GROUP BY category
"""
CATEGORIES = {
    "cadre": "Cán bộ",
    "civil_servant": "Công chức",
    "public_employee": "Viên chức",
    "contract": "Hợp đồng lao động",
}
TOP = 15
TOTAL_KEYS = ("quota", "on_roll", "seconded_in", "seconded_out", "absent", "effective", "net", "short", "over")


def dashboard_figures(cur, province_id, day):
    """Today's figures of a province's dashboard, or None when the summary does not hold ``day``."""
    cur.execute(FIGURES_SQL, (province_id, province_id))
    communes, by_field = [], []
    for (
        part,
        code,
        name,
        poor,
        border,
        quota,
        on_roll,
        came,
        went,
        absent,
        working,
        short,
        over,
        mism,
        pk,
        *_,
    ) in cur.fetchall():
        if part == 1:
            row = {"name": name, "quota": quota, "headcount": working, "short": short, "over": over}
            by_field.append({**row, "net": working - quota})
            continue
        communes.append(
            {
                "id": pk,
                "code": code,
                "name": name,
                "disadvantaged": bool(poor),
                "border": bool(border),
                "quota": quota,
                "on_roll": on_roll,
                "seconded_in": came,
                "seconded_out": went,
                "absent": absent,
                "effective": working,
                "net": working - quota,
                "short": short,
                "over": over,
                "mismatches": mism,
            }
        )
    ids = ", ".join(str(int(c["id"])) for c in communes) or "NULL"
    cur.execute(MOVEMENTS_SQL.format(ids=ids), (day + timedelta(days=30), day, day))
    summary_day, active, ending = cur.fetchone()
    if summary_day is None or str(summary_day) != str(day):
        return None
    cur.execute(POOL_SQL, (province_id, day, province_id, day))
    pools, allocated = {}, {}
    for category, pool, held in cur.fetchall():
        if pool is not None:
            pools[category] = pool
        else:
            allocated[category] = held
    pool = [
        (key, label, pools.get(key), allocated.get(key) or 0)
        for key, label in CATEGORIES.items()
        if key in pools or key in allocated
    ]
    totals = {k: sum(c[k] for c in communes) for k in (*TOTAL_KEYS, "mismatches")}
    kpis = {
        "communes": len(communes),
        "communes_net_short": sum(1 for c in communes if c["net"] < 0),
        "net_shortage": sum(-c["net"] for c in communes if c["net"] < 0),
        "communes_net_surplus": sum(1 for c in communes if c["net"] > 0),
        "net_surplus": sum(c["net"] for c in communes if c["net"] > 0),
        "communes_short_in_a_field": sum(1 for c in communes if c["short"] > 0),
        "communes_surplus_in_a_field": sum(1 for c in communes if c["over"] > 0),
        "quota": totals["quota"],
        "on_roll": totals["on_roll"],
        "seconded_in": totals["seconded_in"],
        "seconded_out": totals["seconded_out"],
        "absent": totals["absent"],
        "effective": totals["effective"],
        "net": totals["net"],
        "gross_shortage": totals["short"],
        "gross_surplus": totals["over"],
        "active_movements": active,
        "ending_soon": ending,
        "mismatches": totals["mismatches"],
    }
    top = [c for c in communes if c["short"] > 0][:TOP]
    return {"kpis": kpis, "communes": communes, "by_field": by_field, "top": top, "pool": pool, "totals": totals}


# --- The page ---------------------------------------------------------------------------------------

PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Bảng điều khiển — {province}</title>
<link rel="stylesheet" href="/static/vendor/bootstrap/bootstrap.min.css"></head>
<body><main><h1>Bảng điều khiển biên chế — {province}</h1>
<p>Đơn vị cấp xã tại ngày {day}</p>
<p class="lead">{k[communes_net_short]} xã thiếu {k[net_shortage]} người so với biên chế được giao;
{k[communes_net_surplus]} xã thừa {k[net_surplus]} người.</p>
<div class="row">{cards}</div>
<section><h2>Biên chế của tỉnh</h2><table class="table table-sm"><thead><tr><th>Loại</th><th>Được giao</th>
<th>Đã phân bổ</th><th>Chưa phân bổ</th></tr></thead>
<tbody>{pool}</tbody></table></section>
<section><h2>Thiếu và thừa theo lĩnh vực</h2>
<script id="field-chart-data" type="application/json">{field_chart}</script>
<table class="table table-sm"><thead><tr><th>Lĩnh vực</th><th>Biên chế</th><th>Số người</th><th>Thiếu</th>
<th>Thừa</th><th>Chênh lệch</th></tr></thead>
<tbody>{fields}</tbody></table></section>
<section><h2>15 xã thiếu nhiều nhất</h2><script id="commune-chart-data" type="application/json">{commune_chart}</script>
<table class="table table-sm"><thead><tr><th>Xã</th><th>Thiếu</th></tr></thead><tbody>{top}</tbody></table></section>
<section><h2>Các xã <span class="badge">{n}</span></h2>
<table class="table table-sm" id="commune-table"><thead><tr>{heads}</tr></thead>
<tbody>{rows}</tbody>
<tfoot><tr><th colspan="2">Tổng</th>{foot}</tr></tfoot></table></section></main></body></html>"""

CARDS = (
    ("communes_net_short", "Xã thiếu so với biên chế"),
    ("communes_net_surplus", "Xã thừa so với biên chế"),
    ("communes_short_in_a_field", "Xã thiếu ở ít nhất một lĩnh vực"),
    ("communes_surplus_in_a_field", "Xã thừa ở ít nhất một lĩnh vực"),
    ("quota", "Biên chế được giao"),
    ("on_roll", "Trong danh sách"),
    ("absent", "Vắng mặt"),
    ("effective", "Số người thực tế"),
    ("net", "Số người so với biên chế"),
    ("gross_shortage", "Thiếu, theo từng lĩnh vực"),
    ("gross_surplus", "Thừa, theo từng lĩnh vực"),
    ("active_movements", "Điều động đang có hiệu lực"),
    ("ending_soon", "Kết thúc trong 30 ngày"),
    ("mismatches", "Không đúng chuyên môn"),
)
HEADS = (
    ("name", "Xã"),
    ("code", "Mã"),
    ("quota", "Biên chế"),
    ("on_roll", "Trong danh sách"),
    ("seconded_in", "Biệt phái đến"),
    ("seconded_out", "Biệt phái đi"),
    ("absent", "Vắng mặt"),
    ("effective", "Thực tế"),
    ("net", "Chênh lệch"),
    ("shortage", "Thiếu"),
    ("surplus", "Thừa"),
    ("mismatches", "Không đúng chuyên môn"),
)


def _n(n):
    return f"{n:,}".replace(",", ".")


def render(province, day, fig):
    esc = html.escape
    k = fig["kpis"]
    cards = "".join(
        f'<div class="col"><div class="card"><div class="label">{label}</div>'
        f'<div class="value" data-kpi="{key}">{_n(k[key])}</div></div></div>'
        for key, label in CARDS
    )
    pool = "".join(
        f'<tr data-category="{key}"><th scope="row">{label}</th><td>{"—" if p is None else _n(p)}</td>'
        f"<td>{_n(held)}</td><td>{'—' if p is None else _n(p - held)}</td></tr>"
        for key, label, p, held in fig["pool"]
    )
    fields = "".join(
        f'<tr><th scope="row">{esc(f["name"])}</th><td class="num">{_n(f["quota"])}</td>'
        f'<td class="num">{_n(f["headcount"])}</td><td class="num">{_n(f["short"])}</td>'
        f'<td class="num">{_n(f["over"])}</td><td class="num">{_n(f["net"])}</td></tr>'
        for f in fig["by_field"]
    )
    top = "".join(
        f'<tr><th scope="row">{esc(c["name"])}</th><td class="num">{_n(c["short"])}</td></tr>' for c in fig["top"]
    )
    field_chart = json.dumps(
        {
            "labels": [f["name"] for f in fig["by_field"]],
            "shortage": [f["short"] for f in fig["by_field"]],
            "surplus": [f["over"] for f in fig["by_field"]],
        }
    )
    top_rows = fig["top"]
    commune_chart = json.dumps({"labels": [c["name"] for c in top_rows], "shortage": [c["short"] for c in top_rows]})
    heads = "".join(
        f'<th scope="col"><a href="?sort={key if key in ("name", "code") else "-" + key}">{label}</a></th>'
        for key, label in HEADS
    )
    rows, on_day = [], f"&amp;in_effect={day.isoformat()}"
    for c in fig["communes"]:
        code = esc(c["code"])
        unit, roster = f"/units/{code}/", f"/units/{code}/staff/?mode=working"
        rows.append(
            f'<tr data-unit="{code}"><th scope="row"><a href="{unit}">{esc(c["name"])}</a>'
            f"{' <span class=badge>ĐBKK</span>' if c['disadvantaged'] else ''}"
            f"{' <span class=badge>BG</span>' if c['border'] else ''}</th><td>{code}</td>"
            f'<td class="num"><a href="{unit}#quotas">{_n(c["quota"])}</a></td>'
            f'<td class="num"><a href="{roster}">{_n(c["on_roll"])}</a></td>'
            f'<td class="num"><a href="/movements/?to_code={code}{on_day}">{_n(c["seconded_in"])}</a></td>'
            f'<td class="num"><a href="/movements/?from_code={code}{on_day}">{_n(c["seconded_out"])}</a></td>'
            f'<td class="num"><a href="/units/{code}/staff/?mode=absent">{_n(c["absent"])}</a></td>'
            f'<td class="num"><a href="{roster}">{_n(c["effective"])}</a></td>'
            f'<td class="num">{_n(c["net"])}</td>'
            f'<td class="num"><a href="{unit}#quotas">{_n(c["short"])}</a></td>'
            f'<td class="num"><a href="{unit}#quotas">{_n(c["over"])}</a></td>'
            f'<td class="num"><a href="{unit}#unit-mismatches">{_n(c["mismatches"])}</a></td></tr>'
        )
    t = fig["totals"]
    foot = "".join(f'<td class="num">{_n(t[key])}</td>' for key in (*TOTAL_KEYS, "mismatches"))
    return PAGE.format(
        province=esc(province),
        day=day.strftime("%d/%m/%Y"),
        k={key: _n(v) for key, v in k.items()},
        cards=cards,
        pool=pool,
        fields=fields,
        field_chart=field_chart.replace("<", "\\u003C"),
        top=top,
        commune_chart=commune_chart.replace("<", "\\u003C"),
        n=len(fig["communes"]),
        heads=heads,
        rows="\n".join(rows),
        foot=foot,
    )


# --- WSGI -----------------------------------------------------------------------------------------

_state = {}


def _setup():
    import psycopg

    from bench.floor_session import SessionReader

    conn = psycopg.connect(os.environ["BARE_DSN"], autocommit=True, prepare_threshold=None)
    with conn.cursor() as cur:
        cur.execute("SELECT id, name FROM communes_province WHERE code = %s", (os.environ["BARE_PROVINCE"],))
        province_id, name = cur.fetchone()
    _state.update(
        conn=conn,
        province_id=province_id,
        province=name,
        sessions=SessionReader(os.environ["BARE_SECRET_KEY"], os.environ.get("REDIS_URL")),
        tz=os.environ.get("BARE_TIME_ZONE", "Asia/Ho_Chi_Minh"),
    )


def _today(tz):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(tz)).date()


def application(environ, start_response):
    if not _state:
        _setup()
    s = _state
    with s["conn"].cursor() as cur:
        user = s["sessions"].user(environ, cur, "role, province_id")
        # National readers see every province; anybody else only their own.
        if user is None or (user[1] is not None and user[1] != s["province_id"]):
            start_response("403 Forbidden", [("Content-Type", "text/plain")])
            return [b"forbidden"]
        day = _today(s["tz"])
        fig = dashboard_figures(cur, s["province_id"], day)
    if fig is None:
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"the summary does not hold today"]
    body = render(s["province"], day, fig).encode()
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
    return [body]
