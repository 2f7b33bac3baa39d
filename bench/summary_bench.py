"""Summary and forecast benchmark, each figure against a floor measured in the same run.

Run on PostgreSQL with national data (``load_units``, ``seed_demo --province all``, ``refresh_summary``,
``VACUUM ANALYZE``)::

    DATABASE_URL=postgres://bienche:bienche@127.0.0.1:5432/bienche_bench \\
        .venv/bin/python bench/summary_bench.py --province 66 --runs 15

Figures:

- refreshing today's summary for one unit (``headcount.summary.refresh_units``, in a transaction
  rolled back afterwards) for the province's commune with the most people on the roll and its
  department with the most; floor: one hand-written SQL aggregate of that unit's quota, roll,
  movements, absences and mismatches per field (the rows the refresh recomputes, read by index);
- the forecast (``planner.selectors.forecast``, 12 months) for the province, and its page in
  process (signed-in national viewer, created in a transaction rolled back afterwards); reference:
  the province's live headcount for one day (``headcount_sums``: what each of the 13 days cost
  when the forecast read them one query at a time).

Prints min and median of ``--runs`` runs and the load average before and after.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from communes.models import COMMUNE_LEVEL_KINDS, Province, Unit, UnitKind  # noqa: E402
from secondments.models import EFFECTIVE_STATUSES, TEMPORARY_KINDS  # noqa: E402

FLOOR_SQL = """
WITH placed AS (
    SELECT a.person_id, a.field_id FROM staffing_assignment a
    WHERE a.unit_id = %(u)s AND a.valid_from <= %(d)s AND (a.valid_to IS NULL OR a.valid_to >= %(d)s)
), moves AS (
    SELECT s.person_id, s.to_unit_id, s.field_id FROM secondments_secondment s
    WHERE s.kind = ANY(%(kinds)s) AND s.status = ANY(%(statuses)s) AND s.start_date <= %(d)s
      AND COALESCE(s.actual_end_date, s.planned_end_date) >= %(d)s
      AND (s.to_unit_id = %(u)s OR s.person_id IN (SELECT person_id FROM placed))
), came AS (
    SELECT m.person_id, m.field_id FROM moves m
    WHERE m.to_unit_id = %(u)s AND EXISTS (
        SELECT 1 FROM staffing_assignment a WHERE a.person_id = m.person_id
          AND a.valid_from <= %(d)s AND (a.valid_to IS NULL OR a.valid_to >= %(d)s))
), working AS (
    SELECT p.person_id, p.field_id FROM placed p
    WHERE NOT EXISTS (SELECT 1 FROM moves m WHERE m.person_id = p.person_id)
    UNION ALL SELECT person_id, field_id FROM came
)
SELECT field_id, SUM(q), SUM(r), SUM(o), SUM(i), SUM(ab), SUM(mm) FROM (
    SELECT field_id, count AS q, 0 AS r, 0 AS o, 0 AS i, 0 AS ab, 0 AS mm FROM (
        SELECT DISTINCT ON (field_id, category) field_id, count FROM staffing_quota
        WHERE unit_id = %(u)s AND effective_from <= %(d)s
        ORDER BY field_id, category, effective_from DESC) q
    UNION ALL SELECT field_id, 0, COUNT(*), 0, 0, 0, 0 FROM placed GROUP BY field_id
    UNION ALL SELECT p.field_id, 0, 0, COUNT(*), 0, 0, 0 FROM placed p JOIN moves m ON m.person_id = p.person_id
        GROUP BY p.field_id
    UNION ALL SELECT field_id, 0, 0, 0, COUNT(*), 0, 0 FROM came GROUP BY field_id
    UNION ALL SELECT w.field_id, 0, 0, 0, 0, COUNT(*), 0 FROM working w JOIN staffing_absence b
        ON b.person_id = w.person_id AND b.start_date <= %(d)s AND (b.end_date IS NULL OR b.end_date >= %(d)s)
        GROUP BY w.field_id
    UNION ALL SELECT p.field_id, 0, 0, 0, 0, 0, COUNT(*) FROM placed p JOIN staffing_staff s ON s.id = p.person_id
        WHERE s.major_field_id IS NOT NULL AND s.major_field_id <> p.field_id GROUP BY p.field_id
) t GROUP BY field_id
"""


def timed(fn, runs):
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return min(out), statistics.median(out)


def load():
    a, b, c = os.getloadavg()
    return f"load average {a:.2f}, {b:.2f}, {c:.2f}"


def report(name, fig, floor, label="floor"):
    (fmin, fmed), (lmin, lmed) = fig, floor
    print(
        f"{name:<34} min {fmin:8.1f} ms  median {fmed:8.1f} ms | {label} min {lmin:7.1f} ms  median {lmed:7.1f} ms"
        f" | ratio (median) {fmed / lmed:5.1f}×  [{load()}]"
    )


def busiest(province, kinds):
    return (
        Unit.objects.filter(province=province, kind__in=kinds)
        .annotate(n=Count("assignments", filter=Q(assignments__valid_to__isnull=True)))
        .order_by("-n")
        .first()
    )


def bench_refresh(unit, day, runs):
    from headcount import summary

    def refresh():
        with transaction.atomic():
            summary.refresh_units([unit.pk], day=day)
            transaction.set_rollback(True)

    params = {"u": unit.pk, "d": day, "kinds": list(TEMPORARY_KINDS), "statuses": list(EFFECTIVE_STATUSES)}

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            cursor.fetchall()

    refresh(), floor()  # warm: the kept statement, the caches
    report(f"refresh {unit.kind} {unit.code}", timed(refresh, runs), timed(floor, runs))
    # The floor reads the same numbers as the refresh stores.
    from headcount.models import UnitFieldSummary

    with connection.cursor() as cursor:
        cursor.execute(FLOOR_SQL, params)
        floor_rows = sorted(tuple(int(v) for v in r) for r in cursor.fetchall())
    stored = sorted(
        UnitFieldSummary.objects.filter(unit_id=unit.pk).values_list(
            "field_id", "quota", "on_roll", "seconded_out", "seconded_in", "absent", "mismatches"
        )
    )
    print(f"  floor rows equal the stored rows: {floor_rows == stored} ({len(stored)} fields)")


def bench_forecast(province, day, runs):
    from accounts.models import Role, User
    from headcount.selectors import headcount_sums
    from planner.selectors import forecast

    units = Unit.objects.filter(province=province, is_active=True, kind__in=COMMUNE_LEVEL_KINDS)

    def floor():
        headcount_sums(units=units, as_of=day)

    def selector():
        forecast(province=province, start=day, months=12)

    with transaction.atomic():
        user = User.objects.create(username="bench-forecast", role=Role.NATIONAL_VIEWER)
        client = Client()
        client.force_login(user)

        def page():
            r = client.get("/planner/forecast/", {"province": province.code})
            assert r.status_code == 200, r.status_code

        fruns = max(3, runs // 3)
        selector(), floor(), page()
        floor_t = timed(floor, runs)
        report(f"forecast selector {province.code} (12 months)", timed(selector, fruns), floor_t, "one day")
        report(f"forecast page {province.code}", timed(page, fruns), floor_t, "one day")
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            page()
        print(f"forecast page queries: {len(ctx.captured_queries)}")
        transaction.set_rollback(True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", default="66")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--only", choices=["refresh", "forecast"])
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Run on PostgreSQL with national data (DATABASE_URL).")
    province = Province.objects.get(code=args.province)
    day = timezone.localdate()
    print(f"{province.name}, {day:%d/%m/%Y}, {args.runs} runs; {load()}")
    if args.only in (None, "refresh"):
        bench_refresh(busiest(province, COMMUNE_LEVEL_KINDS), day, args.runs)
        bench_refresh(busiest(province, [UnitKind.DEPARTMENT]), day, args.runs)
    if args.only in (None, "forecast"):
        bench_forecast(province, day, args.runs)


if __name__ == "__main__":
    main()
