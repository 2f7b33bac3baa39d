"""Report benchmark: each figure against a floor measured the same way in the same run.

Run on PostgreSQL with national data (``load_units`` then ``seed_demo --province all``)::

    DATABASE_URL=postgres://bienche:bienche@127.0.0.1:5432/bienche_bench \\
        .venv/bin/python bench/report_bench.py --province 66

Figures and floors:

- province dashboard (today, coverage view, no filter) against an independent HTML floor
  (bench/dashboard_floor.py: reads the session and user as the page does, computes the figures
  with its own SQL over today's summary table and writes the same tables with string formatting):
  per request in-process (min and median of 50, both called as WSGI apps in this process, in
  turns) and p95 and throughput with 20 concurrent clients under gunicorn (page and floor loaded in
  alternated rounds, so that the load of a shared machine falls on both); plus the query count of
  two provinces;
- national page, the same way;
- staff API page of 50 with filters: p95 with 20 concurrent clients, gunicorn with 2 workers on
  127.0.0.1, against an independent JSON floor under the same gunicorn settings
  (bench/staff_api_floor.py: checks the token, reads the same 50 rows with its own SQL, records
  the read in the audit log in the same transaction, returns them as JSON);
- roster page of 50 (a commune's civil servants): the same two ways as the dashboard against an
  independent HTML floor (bench/roster_floor.py: reads the session and user as the page does, the
  unit, the filter options and the first 50 people with its own SQL, records the read in the
  audit log and writes the options and the table with string formatting);
- for reference (no target), the signed-in login form under the same load: what a Django page
  that reads the session and the user and renders the page shell costs here;
- JSON list per row at 1,000 rows: the staff API in-process against the JSON floor's own query
  and json.dumps per row;
- staff export of every row: the background task's rows per second and peak memory (in a child
  process) against an independent floor (bench/export_floor.py, another child process): its own
  query over the same people, written by a bare xlsxwriter constant-memory loop, the writer the
  export uses; bench/export_bench.py measures the writer alone.

Load is generated only against 127.0.0.1, bounded in requests and time. With REDIS_URL set, the
app keeps sessions in Redis (``cached_db``) and the floors read them there too.
"""

import argparse
import http.client
import importlib
import io
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
    return {
        "p95": p95,
        "rps": len(latencies) / wall,
        "n": len(latencies),
        "errors": len(errors),
        "latencies": latencies,
        "wall": wall,
    }


def alternated(page_port, page_path, floor_port, headers, requests_total, rounds=4):
    """The page and its floor loaded in turns (``rounds`` each, the requests split between them),
    so that a change of load on a shared machine falls on both: p95 and throughput over all rounds."""
    results = {"page": [], "floor": []}
    for _ in range(rounds):
        results["page"].append(load(page_port, page_path, headers, requests_total // rounds))
        results["floor"].append(load(floor_port, "/", headers, requests_total // rounds))
    merged = {}
    for name, runs in results.items():
        latencies = sorted(x for r in runs for x in r["latencies"])
        merged[name] = {
            "p95": latencies[int(0.95 * (len(latencies) - 1))],
            "rps": len(latencies) / sum(r["wall"] for r in runs),
            "n": len(latencies),
            "errors": sum(r["errors"] for r in runs),
        }
    return merged["page"], merged["floor"]


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


def roster_path(province):
    """The roster figure reads a full page: the commune with the most civil servants on the roll today."""
    from django.db.models import Count
    from django.utils import timezone

    from communes.models import COMMUNE_LEVEL_KINDS
    from staffing.models import Assignment, Category

    placed = Assignment.objects.in_force_on(timezone.localdate()).filter(
        unit__province=province, category=Category.CIVIL_SERVANT
    )
    unit_code = (
        placed.filter(unit__kind__in=COMMUNE_LEVEL_KINDS)
        .values("unit__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
    return f"/units/{unit_code}/staff/?category=civil_servant"


def html_targets(province):
    """``(figure, path, floor module, floor environment)`` of the two HTML pages."""
    from django.conf import settings

    roster = roster_path(province)
    common = {"BARE_DSN": dsn(), "BARE_SECRET_KEY": settings.SECRET_KEY, "BARE_TIME_ZONE": settings.TIME_ZONE}
    unit_code = roster.split("/")[2]
    return [
        (
            "province dashboard",
            f"/reports/provinces/{province.code}/",
            "bench.dashboard_floor",
            {**common, "BARE_PROVINCE": province.code},
        ),
        (
            "roster page of 50 (unit, category)",
            roster,
            "bench.roster_floor",
            {**common, "BARE_UNIT": unit_code, "BARE_CATEGORY": "civil_servant"},
        ),
    ]


def wsgi_get(app, path, cookie):
    """One GET through a WSGI app in this process; the body, after a 200."""
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8831",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_COOKIE": f"sessionid={cookie}",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status = []
    response = app(environ, lambda s, headers, exc_info=None: status.append(s))
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()  # Django's request_finished: connections are kept or closed as served
    assert status[0].startswith("200"), (path, status[0], body[:300])
    return body


def inprocess_figures(targets, session_cookie, runs=50):
    """Each page and its floor called as WSGI apps in this process, alternately: min and median."""
    from django.core.handlers.wsgi import WSGIHandler

    page_app = WSGIHandler()
    for figure, path, floor_module, env in targets:
        os.environ.update(env)
        floor_app = importlib.import_module(floor_module).application
        for _ in range(5):
            wsgi_get(page_app, path, session_cookie)
            wsgi_get(floor_app, "/", session_cookie)
        page, floor = [], []
        for _ in range(runs):
            t = time.perf_counter()
            wsgi_get(page_app, path, session_cookie)
            page.append(time.perf_counter() - t)
            t = time.perf_counter()
            wsgi_get(floor_app, "/", session_cookie)
            floor.append(time.perf_counter() - t)
        print(
            f"  {figure}, in-process: page min {min(page) * 1000:.2f} ms, median "
            f"{statistics.median(page) * 1000:.2f} ms; floor min {min(floor) * 1000:.2f} ms, median "
            f"{statistics.median(floor) * 1000:.2f} ms",
            flush=True,
        )
        record(f"{figure}, in-process per request (min of {runs})", min(page) * 1000, min(floor) * 1000, "ms", 2.0)


def served_figures(targets, session_cookie, requests_total):
    """Each page and its floor under gunicorn (2 workers), 20 concurrent clients, in alternated
    rounds: p95 and throughput."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CONN_MAX_AGE": "600"}
    headers = {"Cookie": f"sessionid={session_cookie}"}
    last_floor = None
    for figure, path, floor_module, floor_env in targets:
        app = gunicorn("config.wsgi:application", 8831, env)
        try:
            bare = gunicorn(f"{floor_module}:application", 8832, {**env, **floor_env})
        except RuntimeError:
            app.terminate()
            app.wait(10)
            raise
        try:
            load(8831, path, headers, 100)  # warm both
            load(8832, "/", headers, 100)
            page, floor = alternated(8831, path, 8832, headers, requests_total)
        finally:
            for p in (app, bare):
                p.terminate()
                p.wait(10)
        print(
            f"  {figure}: {page['rps']:.0f} req/s vs floor {floor['rps']:.0f} req/s; "
            f"{page['n']} + {floor['n']} requests, errors {page['errors']} + {floor['errors']}",
            flush=True,
        )
        record(f"{figure}, p95 at 20 clients (HTML floor)", page["p95"] * 1000, floor["p95"] * 1000, "ms", 2.0)
        record(f"{figure}, throughput at 20 clients (HTML floor)", page["rps"], floor["rps"], "req/s", 0.5, True)
        last_floor = floor
    reference_page(session_cookie, env, requests_total, last_floor)


def api_figure(province, token, requests_total):
    """The staff API page of 50 with filters against its independent JSON floor (bench/staff_api_floor.py)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from staffing.models import Assignment, Category, Field

    placed = Assignment.objects.in_force_on(timezone.localdate()).filter(
        unit__province=province, category=Category.CIVIL_SERVANT
    )
    field = placed.order_by("pk").values_list("field_id", flat=True).first()
    field = field or Field.objects.values_list("pk", flat=True).first()
    figure = "staff API page of 50 (province, category, field)"
    path = f"/api/v1/reports/staff/?province_code={province.code}&category=civil_servant&field={field}&page_size=50"
    headers = {"Authorization": f"Token {token}"}
    sqls = captured(Client(), path, HTTP_AUTHORIZATION=headers["Authorization"])
    connection.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BARE_DSN": dsn(),
        "CONN_MAX_AGE": "600",
        "BARE_TIME_ZONE": settings.TIME_ZONE,
    }
    app = gunicorn("config.wsgi:application", 8831, env)
    try:
        bare = gunicorn("bench.staff_api_floor:application", 8832, env)
    except RuntimeError:
        app.terminate()
        app.wait(10)
        raise
    try:
        load(8831, path, headers, 100)
        load(8832, path, headers, 100)
        page = load(8831, path, headers, requests_total)
        floor = load(8832, path, headers, requests_total)
    finally:
        for p in (app, bare):
            p.terminate()
            p.wait(10)
    print(
        f"  {figure}: {len(sqls)} queries; {page['rps']:.0f} req/s vs bare {floor['rps']:.0f} req/s; "
        f"{page['n']} + {floor['n']} requests, errors {page['errors']} + {floor['errors']}",
        flush=True,
    )
    record(f"{figure}, p95 at 20 clients (JSON floor)", page["p95"] * 1000, floor["p95"] * 1000, "ms", 3.0)


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
    """The staff API's 1,000 rows in-process against the floor's own query (bench/staff_api_floor.py)
    and json.dumps per row."""
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bench.staff_api_floor import staff_page

    client = Client()
    path = f"/api/v1/reports/staff/?province_code={province.code}&page_size=1000"
    headers = {"HTTP_AUTHORIZATION": f"Token {token}"}
    connection.close()
    day = timezone.localdate()

    def floor():
        with conn.cursor() as cur:
            rows, _cursor = staff_page(cur, province.code, day, 1000)
            return "[" + ",".join(json.dumps(r) for r in rows) + "]"

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
        from django.utils import timezone

        from bench.export_floor import write_workbook

        t = time.perf_counter()
        rows = write_workbook(dsn(), out, timezone.localdate())
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
        f"floor (own query, xlsxwriter loop) {bare['rows']} rows in {bare['seconds']:.1f} s, "
        f"peak {bare['peak_mb']:.0f} MB",
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
    parser.add_argument(
        "--skip", default="", help="comma-separated: dashboard,national,html (in-process),http,api,json,export"
    )
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
        small = Province.objects.exclude(pk=province.pk).order_by("code").first()
        if args.small_province:
            small = Province.objects.get(code=args.small_province)
        client.force_login(viewer)
        m = len(captured(client, f"/reports/provinces/{small.code}/"))
        other = len(captured(client, f"/reports/provinces/{province.code}/"))
        print(f"  query count: province {province.code} {other}, province {small.code} {m} (fixed: {m == other})")
    if "national" not in skip:
        client = Client()
        client.force_login(viewer)
        national_figures(client, conn, max(5, args.runs // 3))
    if "json" not in skip:
        json_per_row(province, official_token, conn, args.runs)
    if "html" not in skip or "http" not in skip:
        client = Client()
        client.force_login(official)
        cookie = client.cookies["sessionid"].value
        targets = html_targets(province)
        if "html" not in skip:
            inprocess_figures(targets, cookie)
        if "http" not in skip:
            served_figures(targets, cookie, args.requests)
    if "api" not in skip:
        api_figure(province, official_token, args.requests)
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
