"""The floor of the staff export: every person placed today written by xlsxwriter, with its own SQL.

A bare loop: one psycopg server-side cursor over the hand-written query below — written from the
tables' meaning, not taken from the export: people placed today (the stored placement, valid
while the summary holds today), with their unit, post, field and trained field by name, codes
written as their Vietnamese labels, in the list's order (sort key, then staff code) — into an
xlsxwriter workbook in constant-memory mode, the writer the export uses.

``export_rows(cursor, day)`` is the reading alone (PostgreSQL or SQLite):
tests/reports/test_export_floor.py proves it gives the export's rows.
"""

from bench.dashboard_floor import CATEGORIES
from bench.roster_floor import QUALIFICATIONS, STATUSES

GENDERS = {"male": "Nam", "female": "Nữ"}

EXPORT_SQL = """
SELECT s.staff_code, s.full_name, s.gender, s.birth_date, s.today_category, u.name, p.name, f.name_vi, mf.name_vi,
       s.qualification, s.status, s.start_date
FROM staffing_staff s
JOIN communes_unit u ON u.id = s.today_unit_id
JOIN staffing_field f ON f.id = s.today_field_id
LEFT JOIN staffing_position p ON p.id = s.today_position_id
LEFT JOIN staffing_field mf ON mf.id = s.major_field_id
WHERE EXISTS (SELECT 1 FROM headcount_summarystate WHERE day = %s)
ORDER BY s.sort_key, s.staff_code, s.id
"""


def labelled(row):
    """A row as the workbook shows it: codes as their labels."""
    code, name, gender, birth, category, unit, post, field, trained, qualification, status, start = row
    return (
        code,
        name,
        GENDERS.get(gender, gender),
        birth,
        CATEGORIES.get(category, category),
        unit,
        post,
        field,
        trained,
        QUALIFICATIONS.get(qualification, qualification),
        STATUSES.get(status, status),
        start,
    )


def export_rows(cur, day):
    cur.execute(EXPORT_SQL, (day,))
    return [labelled(r) for r in cur.fetchall()]


def write_workbook(dsn, out, day):
    """Every row into ``out``; the number of rows."""
    import psycopg
    import xlsxwriter

    with psycopg.connect(dsn) as conn, conn.cursor(name="export_floor") as cur:
        cur.itersize = 2000
        cur.execute(EXPORT_SQL, (day,))
        wb = xlsxwriter.Workbook(
            out, {"constant_memory": True, "strings_to_formulas": False, "default_date_format": "dd/mm/yyyy"}
        )
        ws = wb.add_worksheet()
        rows = 0
        for row in cur:
            ws.write_row(rows, 0, (rows + 1, *labelled(row)))
            rows += 1
        wb.close()
    return rows
