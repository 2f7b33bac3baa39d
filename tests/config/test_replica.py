"""Reports read from the replica when one is configured; writes and what follows them stay on the
primary (config/routers.py). With TEST_REPLICA=1 on PostgreSQL the test settings add a replica
mirroring the test database (CI runs this module that way)."""

from datetime import date

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from config.routers import PIN_COOKIE, read_alias, reading_reports, replica_configured
from tests import factories as f
from tests.reports.builders import province_fixture

pytestmark = [
    pytest.mark.django_db(databases=["default", "replica"], transaction=True),
    pytest.mark.skipif(
        "replica" not in connections.databases, reason="needs a replica: TEST_REPLICA=1 on PostgreSQL (CI runs it)"
    ),
]


def queries(alias, fn):
    with CaptureQueriesContext(connections[alias]) as ctx:
        response = fn()
    return response, [q["sql"] for q in ctx.captured_queries]


def test_the_dashboard_reads_its_numbers_from_the_replica(client):
    world = province_fixture()
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, prov=world["province"]))
    url = reverse("reports:province", args=["66"]) + "?as_of=15/10/2025"
    (response, on_replica) = queries("replica", lambda: client.get(url))
    assert response.status_code == 200
    assert response.context["report"].kpis.quota == 16  # the fixture's hand-worked figure
    assert any("staffing_assignment" in sql for sql in on_replica)
    # The session and the user are the request's own reads: still the router's choice (replica);
    # nothing was written there.
    assert not any(sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")) for sql in on_replica)


def test_pages_outside_the_reports_and_writes_use_the_primary(client):
    world = province_fixture()
    official = f.user(Role.PROVINCE_OFFICIAL, prov=world["province"])
    client.force_login(official)
    unit = world["an"]
    _response, on_replica = queries("replica", lambda: client.get(reverse("unit-detail", args=[unit.code])))
    assert on_replica == []
    data = {
        "field": world["land"].pk,
        "category": "civil_servant",
        "count": "9",
        "decision_number": "77/QĐ-UBND",
        "decision_date": "01/11/2025",
        "effective_from": "01/11/2025",
    }
    response, on_replica = queries("replica", lambda: client.post(reverse("quota-create", args=[unit.code]), data))
    assert response.status_code == 302 and on_replica == []
    # Pinned to the primary for a moment after the write: the next report reads the primary too.
    assert PIN_COOKIE in response.cookies
    url = reverse("reports:province", args=["66"]) + "?as_of=01/11/2025"
    _response, on_replica = queries("replica", lambda: client.get(url))
    assert on_replica == []


def test_the_router_and_the_export_task_choose_the_replica_only_inside_reading_reports():
    assert replica_configured()
    assert read_alias() == "default"
    with reading_reports():
        assert read_alias() == "replica"
    assert read_alias() == "default"


def test_a_background_export_reads_the_replica(client):
    world = province_fixture()
    f.staff(world["an"], world["land"], name="Trần Văn Xuất", placed_from=date(2025, 7, 1))
    user = f.user(Role.PROVINCE_OFFICIAL, prov=world["province"])
    from reports.models import ExportJob
    from reports.tasks import export_job_enqueue

    job = ExportJob.objects.create(owner=user, name="staff", params={"unit_code": [world["an"].code]})
    _none, on_replica = queries("replica", lambda: export_job_enqueue(job, "en"))
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert any("staffing_staff" in sql for sql in on_replica)
