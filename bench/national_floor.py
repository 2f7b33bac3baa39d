"""An independent floor for the national report: the 13 figures per province in one query.

Written from the headcount rule (DESIGN.md §4), not from the page's selectors, so the benchmark
compares the page with what PostgreSQL needs to answer the same question, and a test proves that
both give the same numbers. One pass over the placements in force puts every count where it
counts (home unit for on the roll, seconded out and mismatches; the receiving unit and the
movement's field for seconded in; the place of work for absences); the movements in effect are
read once; current quotas come from ``DISTINCT ON`` over the (unit, field, category, date) index;
commune counts use ``FILTER`` over per-commune rows instead of ``COUNT(DISTINCT …)``.

PostgreSQL only (``DISTINCT ON``, ``LATERAL``, ``= ANY``).
"""

from datetime import timedelta

FIGURES = (
    "quota",
    "on_roll",
    "seconded_out",
    "seconded_in",
    "absent",
    "gross_shortage",
    "gross_surplus",
    "communes",
    "communes_short_in_a_field",
    "communes_surplus_in_a_field",
    "active_movements",
    "ending_soon",
    "mismatches",
)

HEADCOUNT = {
    "coverage": "uf.on_roll - uf.seconded_out + uf.seconded_in - uf.absent",
    "establishment": "uf.on_roll",
}

SQL = """
WITH mv AS MATERIALIZED (
    SELECT id, person_id, from_unit_id, to_unit_id, field_id,
           COALESCE(actual_end_date, planned_end_date) AS last_day
    FROM secondments_secondment
    WHERE kind = ANY(%(temporary)s) AND status = ANY(%(effective)s) AND start_date <= %(day)s
      AND (actual_end_date >= %(day)s OR (actual_end_date IS NULL AND planned_end_date >= %(day)s))
),
ab AS (
    SELECT person_id, COUNT(*) AS n FROM staffing_absence
    WHERE start_date <= %(day)s AND (end_date IS NULL OR end_date >= %(day)s)
    GROUP BY person_id
),
cu AS MATERIALIZED (
    SELECT id, province_id FROM communes_unit WHERE kind = ANY(%(commune_kinds)s) AND is_active
),
home AS (
    SELECT a.unit_id, a.field_id, COUNT(*) AS on_roll, COUNT(mv.id) AS seconded_out,
           COALESCE(SUM(ab.n) FILTER (WHERE mv.id IS NULL), 0) AS absent,
           COUNT(*) FILTER (WHERE s.major_field_id <> a.field_id) AS mismatches
    FROM staffing_assignment a
    JOIN staffing_staff s ON s.id = a.person_id
    LEFT JOIN mv ON mv.person_id = a.person_id
    LEFT JOIN ab ON ab.person_id = a.person_id
    WHERE a.valid_from <= %(day)s AND (a.valid_to IS NULL OR a.valid_to >= %(day)s)
    GROUP BY a.unit_id, a.field_id
),
away AS (
    SELECT mv.to_unit_id AS unit_id, mv.field_id, COUNT(*) AS seconded_in, COALESCE(SUM(ab.n), 0) AS absent
    FROM mv
    JOIN staffing_assignment a ON a.person_id = mv.person_id
         AND a.valid_from <= %(day)s AND (a.valid_to IS NULL OR a.valid_to >= %(day)s)
    LEFT JOIN ab ON ab.person_id = mv.person_id
    GROUP BY mv.to_unit_id, mv.field_id
),
parts AS (
    SELECT COALESCE(h.unit_id, w.unit_id) AS unit_id, COALESCE(h.field_id, w.field_id) AS field_id,
           COALESCE(h.on_roll, 0) AS on_roll, COALESCE(h.seconded_out, 0) AS seconded_out,
           COALESCE(w.seconded_in, 0) AS seconded_in, COALESCE(h.absent, 0) + COALESCE(w.absent, 0) AS absent,
           COALESCE(h.mismatches, 0) AS mismatches
    FROM home h FULL JOIN away w ON w.unit_id = h.unit_id AND w.field_id = h.field_id
),
q AS (
    SELECT unit_id, field_id, SUM(count) AS quota FROM (
        SELECT DISTINCT ON (unit_id, field_id, category) unit_id, field_id, count
        FROM staffing_quota WHERE effective_from <= %(day)s
        ORDER BY unit_id, field_id, category, effective_from DESC
    ) latest
    GROUP BY unit_id, field_id
),
uf AS (
    SELECT COALESCE(p.unit_id, q.unit_id) AS unit_id, COALESCE(q.quota, 0) AS quota,
           COALESCE(p.on_roll, 0) AS on_roll, COALESCE(p.seconded_out, 0) AS seconded_out,
           COALESCE(p.seconded_in, 0) AS seconded_in, COALESCE(p.absent, 0) AS absent,
           COALESCE(p.mismatches, 0) AS mismatches
    FROM parts p FULL JOIN q ON q.unit_id = p.unit_id AND q.field_id = p.field_id
),
per_unit AS (
    SELECT cu.id, cu.province_id,
           COALESCE(SUM(uf.quota), 0) AS quota, COALESCE(SUM(uf.on_roll), 0) AS on_roll,
           COALESCE(SUM(uf.seconded_out), 0) AS seconded_out, COALESCE(SUM(uf.seconded_in), 0) AS seconded_in,
           COALESCE(SUM(uf.absent), 0) AS absent, COALESCE(SUM(uf.mismatches), 0) AS mismatches,
           COALESCE(SUM(GREATEST(uf.quota - ({headcount}), 0)), 0) AS shortage,
           COALESCE(SUM(GREATEST(({headcount}) - uf.quota, 0)), 0) AS surplus
    FROM cu LEFT JOIN uf ON uf.unit_id = cu.id
    GROUP BY cu.id, cu.province_id
),
per_province AS (
    SELECT province_id, SUM(quota) AS quota, SUM(on_roll) AS on_roll, SUM(seconded_out) AS seconded_out,
           SUM(seconded_in) AS seconded_in, SUM(absent) AS absent,
           SUM(shortage) AS gross_shortage, SUM(surplus) AS gross_surplus,
           COUNT(*) AS communes, COUNT(*) FILTER (WHERE shortage > 0) AS communes_short,
           COUNT(*) FILTER (WHERE surplus > 0) AS communes_surplus, SUM(mismatches) AS mismatches
    FROM per_unit GROUP BY province_id
),
moves AS (
    SELECT t.province_id, COUNT(*) AS active, COUNT(*) FILTER (WHERE mv.last_day <= %(soon)s) AS ending
    FROM mv JOIN communes_unit t ON t.id = mv.to_unit_id
    WHERE mv.to_unit_id IN (SELECT id FROM cu) OR mv.from_unit_id IN (SELECT id FROM cu)
    GROUP BY t.province_id
)
SELECT pr.id, COALESCE(pp.quota, 0), COALESCE(pp.on_roll, 0), COALESCE(pp.seconded_out, 0),
       COALESCE(pp.seconded_in, 0), COALESCE(pp.absent, 0), COALESCE(pp.gross_shortage, 0),
       COALESCE(pp.gross_surplus, 0), COALESCE(pp.communes, 0), COALESCE(pp.communes_short, 0),
       COALESCE(pp.communes_surplus, 0), COALESCE(mo.active, 0), COALESCE(mo.ending, 0),
       COALESCE(pp.mismatches, 0)
FROM communes_province pr
LEFT JOIN per_province pp ON pp.province_id = pr.id
LEFT JOIN moves mo ON mo.province_id = pr.id
"""


def floor_sql(view="coverage"):
    return SQL.format(headcount=HEADCOUNT[view])


def floor_params(day):
    from communes.models import COMMUNE_LEVEL_KINDS
    from secondments.models import EFFECTIVE_STATUSES, TEMPORARY_KINDS

    return {
        "day": day,
        "soon": day + timedelta(days=30),
        "temporary": [str(k) for k in TEMPORARY_KINDS],
        "effective": [str(s) for s in EFFECTIVE_STATUSES],
        "commune_kinds": [str(k) for k in COMMUNE_LEVEL_KINDS],
    }


def national_floor(cursor, day, view="coverage"):
    """``{province id: {figure: int}}`` for every province on ``day`` (a DB-API cursor on PostgreSQL)."""
    cursor.execute(floor_sql(view), floor_params(day))
    return {row[0]: {k: int(v) for k, v in zip(FIGURES, row[1:], strict=True)} for row in cursor.fetchall()}
