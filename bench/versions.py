"""The same pages timed in-process, to compare two versions of the code on their own databases.

Run it from each checkout against that checkout's database (both seeded with ``load_units`` and
``seed_demo --province all``, then VACUUM ANALYZE; the newer one also ``refresh_summary``)::

    DATABASE_URL=postgres://bienche:bienche@127.0.0.1:5432/<db> .venv/bin/python bench/versions.py --province 66

Each page is asked by a signed-in province official (the national page by a national viewer)
with Django's test client (no network), warm, ``--runs`` times, page after page in rounds so a
change of load falls on every page alike. It prints min and median server time per page and, as
the floor measured in the same run, the signed-in login form (the session, the user and a page
shell, no report work) with each page's ratio to it. Only stable paths are used, so the file runs
unchanged on older checkouts.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")


def pages(province, commune_code, past):
    return [
        ("province dashboard", f"/reports/provinces/{province}/"),
        ("national page, today", "/reports/national/"),
        ("national page, 90 days ago", f"/reports/national/?as_of={past:%d/%m/%Y}"),
        ("commune roster (civil servants)", f"/units/{commune_code}/staff/?category=civil_servant"),
        ("staff API, 50 rows", f"/api/v1/reports/staff/?province_code={province}&page_size=50"),
        ("staff API, 1,000 rows", f"/api/v1/reports/staff/?province_code={province}&page_size=1000"),
    ]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--province", default="66")
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()

    import django

    django.setup()
    from django.test import Client
    from django.utils import timezone

    from accounts.models import Role, User
    from communes.models import Province, Unit

    province = Province.objects.get(code=args.province)
    commune = Unit.objects.filter(province=province, kind__in=("commune", "ward")).order_by("code").first()
    official, _ = User.objects.update_or_create(
        username=f"bench-versions-{province.code}",
        defaults={"role": Role.PROVINCE_OFFICIAL, "province": province, "is_active": True},
    )
    viewer, _ = User.objects.update_or_create(
        username="bench-versions-national", defaults={"role": Role.NATIONAL_VIEWER, "is_active": True}
    )
    client, national = Client(), Client()
    client.force_login(official)
    national.force_login(viewer)
    past = timezone.localdate() - timedelta(days=90)
    todo = [("floor: signed-in login form", "/login/")] + pages(province.code, commune.code, past)

    def ask(path):
        return (national if path.startswith("/reports/national/") else client).get(path)

    for _label, path in todo:
        for _ in range(2):  # warm: connections, caches, compiled SQL
            response = ask(path)
            assert response.status_code in (200, 302), (path, response.status_code)
    times = {path: [] for _label, path in todo}
    for _ in range(args.runs):
        for _label, path in todo:
            t = time.perf_counter()
            ask(path)
            times[path].append(time.perf_counter() - t)
    floor = statistics.median(times["/login/"])
    print(f"province {province.code}, commune {commune.code}, {args.runs} rounds; load {os.getloadavg()[0]:.1f}")
    for label, path in todo:
        ts = times[path]
        med = statistics.median(ts)
        print(f"  {label}: min {min(ts) * 1000:.1f} ms, median {med * 1000:.1f} ms, {med / floor:.1f}× the floor")


if __name__ == "__main__":
    main()
