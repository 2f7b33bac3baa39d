"""Backup and restore on PostgreSQL: a seeded database backed up with scripts/backup.sh and
restored with scripts/restore.sh into a new database has the same rows in every table and the
same report figures."""

import json
import os
import subprocess
import sys
from datetime import date
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from secondments.models import Kind, Status
from tests import factories as f

postgresql_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="PostgreSQL only"
)

SCRIPTS = settings.BASE_DIR / "scripts"
FIGURE = """
import json, django
django.setup()
from datetime import date
from communes.models import Province
from reports.selectors import province_dashboard
d = province_dashboard(Province.objects.get(code="66"), as_of=date(2025, 10, 15))
print(json.dumps(d.kpis.as_dict(), sort_keys=True, default=str))
"""


def url(name):
    s = connection.settings_dict
    auth = quote(s["USER"])
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"])
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def seed():
    province = f.province()
    land, finance = f.field("land"), f.field("finance")
    communes = [f.unit(prov=province) for _ in range(3)]
    dept = f.department(prov=province)
    for i, commune in enumerate(communes):
        f.quota(commune, land, 3 + i)
        f.quota(commune, finance, 2)
        f.staff_many(commune, land, 2 + i)
    senders = f.staff_many(dept, finance, 4)
    f.movement(senders[0], communes[0], kind=Kind.SECONDMENT, start=date(2025, 8, 1), status=Status.ACTIVE)
    f.movement(senders[1], communes[1], kind=Kind.REINFORCEMENT, start=date(2025, 9, 1), status=Status.APPROVED)


def row_counts(database_url):
    with psycopg.connect(database_url) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        ).fetchall()
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for (t,) in tables}


def figure(database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    out = subprocess.run(
        [sys.executable, "-c", FIGURE], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def run(*args, env=None):
    return subprocess.run(
        [str(a) for a in args], env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_a_new_database(tmp_path):
    seed()
    source = url(connection.settings_dict["NAME"])
    target_name = f"{connection.settings_dict['NAME']}_restored"
    target = url(target_name)
    try:
        backup = run(SCRIPTS / "backup.sh", tmp_path, env={"DATABASE_URL": source})
        assert backup.returncode == 0, backup.stderr
        dump = backup.stdout.strip()
        assert dump.endswith(".dump") and os.path.getsize(dump) > 0
        assert not list(tmp_path.glob("*.part"))

        restored = run(SCRIPTS / "restore.sh", dump, target)
        assert restored.returncode == 0, restored.stderr
        counts = row_counts(source)
        assert counts["staffing_staff"] == 13 and counts["secondments_secondment"] == 2
        assert row_counts(target) == counts

        expected = figure(source)
        assert (expected["quota"], expected["on_roll"], expected["seconded_in"]) == (12 + 6, 9, 2)
        assert figure(target) == expected

        # Never over an existing database.
        again = run(SCRIPTS / "restore.sh", dump, target)
        assert again.returncode == 1 and "already exists" in again.stderr
    finally:
        run("dropdb", "--if-exists", f"--maintenance-db={url('postgres')}", target_name)


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = run(SCRIPTS / "backup.sh", tmp_path, env={"DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode == 2 and "not a PostgreSQL database" in result.stderr
