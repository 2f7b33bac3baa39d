"""Report benchmark: each figure against a floor measured the same way in the same run.

Run on PostgreSQL with national data (``load_units`` then ``seed_demo --province all``)::

    DATABASE_URL=postgres://bienche:bienche@127.0.0.1:5432/bienche_bench \\
        .venv/bin/python bench/report_bench.py --province 66

Figures and floors:

- province dashboard, server time (in-process request, median) against the same SQL replayed
  with psycopg (every query the page ran, fetched), plus the query count of two provinces;
- national page, the same way;
- staff API page of 50 with filters: p95 with 20 concurrent clients, gunicorn with 2 workers on
  127.0.0.1, against a bare WSGI app that runs the same SQL and returns the same 50 rows as JSON
  under the same gunicorn settings (bench/bare_wsgi.py);
- roster page of 50 (a commune's civil servants): the same load against an HTML floor
  (bench/bare_html.py) that reads the session and user, runs every query the page ran and writes
  the same table with string formatting;
- for reference (no target), the signed-in login form under the same load: what a Django page
  that reads the session and the user and renders the page shell costs here;
- JSON list per row at 1,000 rows: the staff API in-process against psycopg + json.dumps per row;
- staff export of every row: the background task's rows per second and peak memory (in a child
  process) against a bare xlsxwriter constant-memory loop over the same query (another child
  process), the writer the export uses; bench/export_bench.py measures the writer alone.

Load is generated only against 127.0.0.1, bounded in requests and time.
"""

import argparse
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

RESULTS = []


def setup_django():
    import django

    django.setup()


def dsn():
    from django.db import connection

    s = connection.settings_dict
    host, port = s["HOST"] or "127.0.0.1", s["PORT"] or 5432
    text = f"host={host} port={port} dbname={s['NAME']} user={s['USER']} password={s['PASSWORD']}"
    # The same per-connection planner settings as the app's connections (config/settings/base.py).
    options = s.get("OPTIONS", {}).get("options")
    return f"{text} options='{options}'" if options else text


def median_time(fn, runs, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def paired_times(fn, floor_fn, runs, warmup=2):
    """Median times of ``fn`` and ``floor_fn``, run alternately so load changes hit both alike."""
    for _ in range(warmup):
        fn()
        floor_fn()
    a, b = [], []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        a.append(time.perf_counter() - t)
        t = time.perf_counter()
        floor_fn()
        b.append(time.perf_counter() - t)
    return statistics.median(a), statistics.median(b)


def record(figure, value, floor, unit, target, higher_is_better=False):
    ratio = value / floor if floor else float("inf")
    ok = ratio >= target if higher_is_better else ratio <= target
    RESULTS.append((figure, value, floor, unit, ratio, target, higher_is_better, ok))
    sign = "≥" if higher_is_better else "≤"
    print(
        f"  {figure}: {value:.2f} {unit} | floor {floor:.2f} {unit} | ratio {ratio:.2f} "
        f"(target {sign} {target}) {'OK' if ok else 'FAIL'}",
        flush=True,
    )


def bench_user(role, province=None):
    from accounts.models import User
    from accounts.tokens import api_token_create

    user, _ = User.objects.update_or_create(
        username=f"bench-{role}-{province.code if province else 'all'}",
        defaults={"role": role, "province": province, "is_active": True},
    )
    # Only a hash is stored: each run makes a fresh, short-lived token.
    _token, key = api_token_create(user=user, name="Benchmark", days=1)
    return user, key


def captured(client, url, **headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in ctx.captured_queries]


def replay(sqls, conn):
    with conn.cursor() as cur:
        for sql in sqls:
            cur.execute(sql)
            if cur.description is not None:
                cur.fetchall()


def server_vs_sql(figure, client, url, conn, runs, target=2.0):
    from django.db import connection

    sqls = captured(client, url)
    connection.close()  # the page reconnects like a fresh request would with CONN_MAX_AGE kept
    server, floor = paired_times(lambda: client.get(url), lambda: replay(sqls, conn), runs)
    print(f"  {figure}: {len(sqls)} queries", flush=True)
    record(f"{figure}, server time", server * 1000, floor * 1000, "ms", target)
    return len(sqls)


def national_figures(client, conn, runs):
    """The national page for today and for a past date against the independent one-pass query
    (bench/national_floor.py) on the same date, with the same per-connection settings."""
    from django.utils import timezone

    from bench.national_floor import national_floor

    today = timezone.localdate()
    past = today - timedelta(days=90)
    cur = conn.cursor()

    def floor(day):
        return lambda: national_floor(cur, day)

    for label, day, url in (
        ("today", today, "/reports/national/"),
        ("90 days ago", past, f"/reports/national/?as_of={past:%d/%m/%Y}"),
    ):
        n = len(captured(client, url))
        server, base = paired_times(lambda url=url: client.get(url), floor(day), runs)
        print(f"  national page, {label}: {n} queries", flush=True)
        target = 2.0
        record(f"national page ({label}), server time", server * 1000, base * 1000, "ms", target)
        if label == "today":
            ok = server * 1000 <= 50
            RESULTS.append(("national page (today) ≤ 50 ms", server * 1000, 50, "ms", server * 20, 1.0, False, ok))
            print(f"  national page (today): {server * 1000:.1f} ms (target ≤ 50 ms) {'OK' if ok else 'FAIL'}")


# --- HTTP under load ------------------------------------------------------------------------------


def load(port, path, headers, requests_total, concurrency=20, time_limit=60):
    latencies = []
    errors = []
    lock = threading.Lock()
    counter = iter(range(requests_total))
    deadline = time.monotonic() + time_limit

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.monotonic() < deadline:
            with lock:
                if next(counter, None) is None:
                    break
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                errors.append(str(exc))
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - t
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors.append(status)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    latencies.sort()
    if not latencies:
        raise RuntimeError(f"no successful request to :{port}{path}: {errors[:3]}")
    p95 = latencies[int(0.95 * (len(latencies) - 1))]
    return {"p95": p95, "rps": len(latencies) / wall, "n": len(latencies), "errors": len(errors)}


def gunicorn(app, port, env, workers=2):
    """A gunicorn serving ``app`` on a loopback port, once it answers (any status)."""
    cmd = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        app,
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        # Several servers run at once: no shared control socket (gunicorn ≥ 24 opens one by default).
        "--no-control-socket",
        "--chdir",
        str(ROOT),
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        if proc.poll() is not None:
            break
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/__ping__")
            c.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise RuntimeError(f"gunicorn {app} did not start: {proc.stderr.read()[:2000]}")


def http_figures(province, token, session_cookie, requests_total):
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from communes.models import COMMUNE_LEVEL_KINDS
    from staffing.models import Assignment, Category, Field

    placed = Assignment.objects.in_force_on(timezone.localdate()).filter(
        unit__province=province, category=Category.CIVIL_SERVANT
    )
    field = placed.order_by("pk").values_list("field_id", flat=True).first()
    field = field or Field.objects.values_list("pk", flat=True).first()
    # The roster figure reads a full page: the unit with the most civil servants on the roll today.
    unit_code = (
        placed.filter(unit__kind__in=COMMUNE_LEVEL_KINDS)
        .values("unit__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
    targets = [
        (
            "staff API page of 50 (province, category, field)",
            f"/api/v1/reports/staff/?province_code={province.code}&category=civil_servant&field={field}&page_size=50",
            {"Authorization": f"Token {token}"},
        ),
        (
            "roster page of 50 (unit, category)",
            f"/units/{unit_code}/staff/?category=civil_servant",
            {"Cookie": f"sessionid={session_cookie}"},
        ),
    ]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "BARE_DSN": dsn(), "CONN_MAX_AGE": "600"}
    client = Client()
    last_floor = None
    for figure, path, headers in targets:
        django_headers = {f"HTTP_{k.upper()}": v for k, v in headers.items()}
        if "Cookie" in headers:
            client.cookies["sessionid"] = session_cookie
            django_headers = {}
        response = client.get(path, **django_headers)
        if response.status_code != 200:
            print(f"  {figure}: skipped ({path} answers {response.status_code})", flush=True)
            continue
        sqls = captured(client, path, **django_headers)
        # The rows query is the one that reads staff with a LIMIT: the bare page runs exactly that.
        rows_sql = [s for s in sqls if "staffing_staff" in s and "LIMIT" in s and "COUNT(" not in s.upper()]
        if not rows_sql:
            print(f"  {figure}: skipped (no row query found)", flush=True)
            continue
        connection.close()
        html_page = "Cookie" in headers
        sql_file = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
        if html_page:
            # The HTML floor replays every query the page ran, each with its role.
            json.dump([{"sql": s, "kind": query_kind(s, rows_sql[-1])} for s in sqls], sql_file)
        else:
            sql_file.write(rows_sql[-1])
        sql_file.close()
        env["BARE_SQL_FILE"] = sql_file.name
        env["BARE_SECRET_KEY"] = settings.SECRET_KEY
        app = gunicorn("config.wsgi:application", 8831, env)
        try:
            bare = gunicorn(f"bench.{'bare_html' if html_page else 'bare_wsgi'}:application", 8832, env)
        except RuntimeError:
            app.terminate()
            app.wait(10)
            raise
        try:
            load(8831, path, headers, 100)  # warm both
            load(8832, "/", headers, 100)
            c = http.client.HTTPConnection("127.0.0.1", 8832, timeout=30)
            c.request("GET", "/", headers=headers)
            body = c.getresponse().read()
            rows = body.count(b"<tr><td>") if html_page else len(json.loads(body)["results"])
            c.close()
            page = load(8831, path, headers, requests_total)
            floor = load(8832, "/", headers, requests_total)
        finally:
            for p in (app, bare):
                p.terminate()
                p.wait(10)
            os.unlink(sql_file.name)
        print(
            f"  {figure}: {len(sqls)} queries, {rows} rows; {page['rps']:.0f} req/s vs bare {floor['rps']:.0f} req/s; "
            f"{page['n']} + {floor['n']} requests, errors {page['errors']} + {floor['errors']}",
            flush=True,
        )
        target = 2.0 if html_page else 3.0
        kind = "HTML floor" if html_page else "JSON floor"
        record(f"{figure}, p95 at 20 clients ({kind})", page["p95"] * 1000, floor["p95"] * 1000, "ms", target)
        last_floor = floor
    reference_page(session_cookie, env, requests_total, last_floor)


def query_kind(sql, rows_sql):
    """What a query of the roster page does, for the HTML floor (bench/bare_html.py)."""
    if sql == rows_sql:
        return "rows"
    if '"django_session"' in sql and sql.startswith("SELECT"):
        return "session"
    if sql.startswith('SELECT "accounts_user"'):
        return "user"
    if sql.startswith('SELECT "communes_unit"'):
        return "unit"
    if "staffing_staff" in sql and "COUNT(" in sql:
        return "choices"
    return "other"


def reference_page(session_cookie, env, requests_total, floor=None):
    """Not a target: what Django itself costs here. The login form, asked by a signed-in user
    (session and user read, page shell rendered, no report query), under the same load."""
    app = gunicorn("config.wsgi:application", 8831, env)
    headers = {"Cookie": f"sessionid={session_cookie}"}
    try:
        load(8831, "/login/", headers, 100)
        page = load(8831, "/login/", headers, requests_total)
    finally:
        app.terminate()
        app.wait(10)
    against = f" ({page['p95'] / floor['p95']:.2f} × the last floor above)" if floor else ""
    print(
        f"  reference, signed-in login form (2 queries): {page['rps']:.0f} req/s, "
        f"p95 {page['p95'] * 1000:.2f} ms{against}",
        flush=True,
    )


# --- JSON per row ---------------------------------------------------------------------------------


def json_per_row(province, token, conn, runs):
    from django.db import connection
    from django.test import Client

    client = Client()
    path = f"/api/v1/reports/staff/?province_code={province.code}&page_size=1000"
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    sqls = captured(client, path, **headers)
    rows_sql = [s for s in sqls if "staffing_staff" in s and "LIMIT" in s][-1]
    connection.close()

    def floor():
        with conn.cursor() as cur:
            cur.execute(rows_sql)
            names = [d.name for d in cur.description]
            body = [json.dumps(dict(zip(names, r, strict=True)), default=str) for r in cur.fetchall()]
            return "[" + ",".join(body) + "]"

    n = len(client.get(path, **headers).json()["results"])
    server, base = paired_times(lambda: client.get(path, **headers), floor, runs)
    record(f"JSON list per row at {n} rows", server / n * 1e6, base / n * 1e6, "µs/row", 2.0)


# --- Export ---------------------------------------------------------------------------------------


def export_child(mode, out):
    """In a child process: write every staff row; print rows, seconds and peak RSS as JSON."""
    setup_django()
    from accounts.models import Role

    user, _ = bench_user(Role.NATIONAL_VIEWER)
    if mode == "task":
        from reports.models import ExportJob
        from reports.tasks import run_export

        job = ExportJob.objects.create(owner=user, name="staff", params={}, filename="bench.xlsx")
        t = time.perf_counter()
        run_export.call(job.pk, "vi")
        seconds = time.perf_counter() - t
        job.refresh_from_db()
        assert job.status == "done", job.error
        rows = job.progress
        job.file.delete(save=False)
        job.delete()
    else:
        import psycopg
        import xlsxwriter
        from django.http import QueryDict

        from reports.exports import staff_export_values, staff_list

        qs = staff_list(user, QueryDict(""))
        sql, params = qs.values_list(*staff_export_values(qs)).query.sql_with_params()
        t = time.perf_counter()
        with psycopg.connect(dsn()) as conn, conn.cursor(name="bare_export") as cur:
            cur.itersize = 2000
            cur.execute(sql, params)
            wb = xlsxwriter.Workbook(
                out, {"constant_memory": True, "strings_to_formulas": False, "default_date_format": "dd/mm/yyyy"}
            )
            ws = wb.add_worksheet()
            rows = 0
            for row in cur:
                ws.write_row(rows, 0, (rows + 1, *row))
                rows += 1
            wb.close()
        seconds = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb}))


def export_figures():
    results = {}
    for mode in ("bare", "task"):
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as out:
            proc = subprocess.run(
                [sys.executable, __file__, "--export-child", mode, "--out", out.name],
                capture_output=True,
                text=True,
                timeout=900,
                env=os.environ,
            )
            if proc.returncode:
                raise RuntimeError(proc.stderr[-3000:])
            results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    task, bare = results["task"], results["bare"]
    print(
        f"  staff export: {task['rows']} rows in {task['seconds']:.1f} s, peak {task['peak_mb']:.0f} MB; "
        f"bare xlsxwriter loop {bare['rows']} rows in {bare['seconds']:.1f} s, peak {bare['peak_mb']:.0f} MB",
        flush=True,
    )
    record(
        f"staff export of {task['rows']} rows, throughput",
        task["rows"] / task["seconds"],
        bare["rows"] / bare["seconds"],
        "rows/s",
        0.8,
        higher_is_better=True,
    )
    ok = task["peak_mb"] < 150
    RESULTS.append(("staff export peak memory", task["peak_mb"], 150, "MB", task["peak_mb"] / 150, 1.0, False, ok))
    print(f"  staff export peak memory: {task['peak_mb']:.0f} MB (target < 150 MB) {'OK' if ok else 'FAIL'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", default="66", help="province of the dashboard and the lists")
    parser.add_argument("--small-province", default=None, help="second province for the query-count check")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--requests", type=int, default=1000, help="requests per HTTP figure (bounded)")
    parser.add_argument("--skip", default="", help="comma-separated: dashboard,national,http,json,export")
    parser.add_argument("--export-child", choices=["task", "bare"])
    parser.add_argument("--out")
    args = parser.parse_args()
    if args.export_child:
        export_child(args.export_child, args.out)
        return

    setup_django()
    import psycopg
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from accounts.models import Role
    from communes.models import Province
    from staffing.models import Staff

    assert connection.vendor == "postgresql", "run the benchmark on PostgreSQL (DATABASE_URL)"
    skip = set(filter(None, args.skip.split(",")))
    province = Province.objects.get(code=args.province)
    print(
        f"Database {settings.DATABASES['default']['NAME']}: {Staff.objects.count()} staff, "
        f"province {province.code} {province.name}",
        flush=True,
    )
    viewer, viewer_token = bench_user(Role.NATIONAL_VIEWER)
    official, official_token = bench_user(Role.PROVINCE_OFFICIAL, province)
    # No server-side prepares: Django's connections do not prepare either (and a prepared generic
    # plan of the headcount query runs twice as long as the planned one: 37 ms against 16 ms).
    conn = psycopg.connect(dsn(), autocommit=True, prepare_threshold=None)

    if "dashboard" not in skip:
        client = Client()
        client.force_login(official)
        n = server_vs_sql("province dashboard", client, f"/reports/provinces/{province.code}/", conn, args.runs)
        small = Province.objects.exclude(pk=province.pk).order_by("code").first()
        if args.small_province:
            small = Province.objects.get(code=args.small_province)
        client.force_login(viewer)
        m = len(captured(client, f"/reports/provinces/{small.code}/"))
        other = len(captured(client, f"/reports/provinces/{province.code}/"))
        print(f"  query count: province {province.code} {other}, province {small.code} {m} (fixed: {m == other})")
        assert n > 0
    if "national" not in skip:
        client = Client()
        client.force_login(viewer)
        national_figures(client, conn, max(5, args.runs // 3))
    if "json" not in skip:
        json_per_row(province, official_token, conn, args.runs)
    if "http" not in skip:
        client = Client()
        client.force_login(official)
        http_figures(province, official_token, client.cookies["sessionid"].value, args.requests)
    if "export" not in skip:
        export_figures()

    print("\nfigure | value | floor | ratio | target")
    for figure, value, floor, unit, ratio, target, higher, ok in RESULTS:
        sign = "≥" if higher else "≤"
        verdict = "OK" if ok else "FAIL"
        print(f"{figure} | {value:.2f} {unit} | {floor:.2f} {unit} | {ratio:.2f} | {sign} {target} {verdict}")
    sys.exit(0 if all(r[-1] for r in RESULTS) else 1)


if __name__ == "__main__":
    main()
