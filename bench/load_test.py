"""Load test past one machine: two app servers sharing Redis and PostgreSQL, against one.

Starts two gunicorn instances on two loopback ports (the same code and settings, sessions and
cache in Redis, one PostgreSQL), signs a province official in once, and has 50 clients mix the
province dashboard, a commune's roster, the staff API page and the report API for a bounded time
(60 s by default), spreading requests over both instances the way a proxy would (round robin:
a session made on one instance is read on the other). Then the same mix against one instance.
Reports errors, p95 and throughput for each. Loopback only; every loop is bounded in time and count.

    DATABASE_URL=postgres://bienche:bienche@127.0.0.1:5432/bienche_bench \\
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/load_test.py --province 66

Run after ``load_units`` and ``seed_demo``; needs Redis (the servers share sessions through it).
"""

import argparse
import http.client
import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")

from bench.report_bench import gunicorn  # noqa: E402


def start(port, workers, env):
    return gunicorn("config.wsgi:application", port, env, workers=workers)


def stop(procs):
    for p in procs:
        p.terminate()
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


def run_mix(ports, targets, clients, seconds, max_requests):
    """``clients`` threads, each on its own connections, for ``seconds`` or ``max_requests`` in all."""
    lock = threading.Lock()
    latencies = {name: [] for name, _p, _h in targets}
    errors = []
    budget = itertools.count()
    deadline = time.monotonic() + seconds

    def client(i):
        conns = {port: http.client.HTTPConnection("127.0.0.1", port, timeout=30) for port in ports}
        k = i
        while time.monotonic() < deadline and next(budget) < max_requests:
            name, path, headers = targets[k % len(targets)]
            # Round robin over the instances, as a proxy would, independent of the page asked for.
            port = ports[(k // len(targets) + k) % len(ports)]
            k += 1
            t = time.perf_counter()
            try:
                conns[port].request("GET", path, headers=headers)
                resp = conns[port].getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    errors.append(f"{name}: {exc!r}")
                conns[port].close()
                conns[port] = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            elapsed = time.perf_counter() - t
            with lock:
                if status == 200:
                    latencies[name].append(elapsed)
                else:
                    errors.append(f"{name}: HTTP {status}")
        for c in conns.values():
            c.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    every = sorted(x for v in latencies.values() for x in v)

    def p95(values):
        values = sorted(values)
        return values[int(0.95 * (len(values) - 1))] * 1000 if values else float("nan")

    return {
        "requests": len(every),
        "errors": errors,
        "rps": len(every) / wall,
        "p95": p95(every),
        "per_target": {name: (len(v), p95(v)) for name, v in latencies.items()},
        "wall": wall,
    }


def report(label, r):
    print(
        f"{label}: {r['requests']} requests in {r['wall']:.1f} s, {r['rps']:.1f} req/s, p95 {r['p95']:.0f} ms, "
        f"errors {len(r['errors'])}",
        flush=True,
    )
    for name, (n, p) in r["per_target"].items():
        print(f"    {name}: {n} requests, p95 {p:.0f} ms", flush=True)
    for e in r["errors"][:5]:
        print(f"    error: {e}", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", default="66")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per instance")
    parser.add_argument("--ports", default="8861,8862")
    args = parser.parse_args()
    ports = [int(p) for p in args.ports.split(",")]

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.tokens import api_token_create
    from communes.models import COMMUNE_LEVEL_KINDS, Province
    from staffing.models import Assignment, Category

    assert connection.vendor == "postgresql", "run the load test on PostgreSQL (DATABASE_URL)"
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower(), "the instances share sessions through Redis"
    province = Province.objects.get(code=args.province)
    user, _ = User.objects.update_or_create(
        username=f"load-official-{province.code}",
        defaults={"role": Role.PROVINCE_OFFICIAL, "province": province, "is_active": True},
    )
    _token, key = api_token_create(user=user, name="Load test", days=1)
    client = Client()
    client.force_login(user)
    cookie = {"Cookie": f"sessionid={client.cookies['sessionid'].value}"}
    token = {"Authorization": f"Token {key}"}
    unit_code = (
        Assignment.objects.in_force_on(timezone.localdate())
        .filter(unit__province=province, unit__kind__in=COMMUNE_LEVEL_KINDS, category=Category.CIVIL_SERVANT)
        .values("unit__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit__code")
        .values_list("unit__code", flat=True)
        .first()
    )
    targets = [
        ("dashboard", f"/reports/provinces/{province.code}/", cookie),
        ("roster", f"/units/{unit_code}/staff/?category=civil_servant", cookie),
        ("staff API", f"/api/v1/reports/staff/?province_code={province.code}&page_size=50", token),
        ("report API", f"/api/v1/reports/provinces/{province.code}/kpis/", token),
    ]
    connection.close()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CONN_MAX_AGE": "600"}
    redis = settings.CACHES["default"]["LOCATION"]
    print(f"{args.clients} clients, {args.seconds} s, {args.workers} workers per instance; Redis {redis}", flush=True)
    results = {}
    for label, use in (("two instances", ports), ("one instance", ports[:1])):
        procs = []
        try:
            for port in use:
                procs.append(start(port, args.workers, env))
            run_mix(use, targets, min(args.clients, 8), 5, 200)  # warm up every worker
            results[label] = run_mix(use, targets, args.clients, args.seconds, args.max_requests)
        finally:
            stop(procs)
        report(label, results[label])
    two, one = results["two instances"], results["one instance"]
    print(
        f"two instances against one: throughput {two['rps'] / one['rps']:.2f}×, p95 {two['p95'] / one['p95']:.2f}×; "
        f"errors {len(two['errors'])} + {len(one['errors'])}"
    )
    sys.exit(1 if two["errors"] or one["errors"] else 0)


if __name__ == "__main__":
    main()
