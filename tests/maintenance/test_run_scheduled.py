"""run_scheduled: the hourly movement run, stale export jobs, retention — in one command."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import Role
from audit.models import AuditEntry
from headcount.models import UnitFieldSummary
from maintenance.retention import uploads_purge
from reports.models import ExportJob, ExportStatus
from secondments.models import Status
from staffing.models import ImportJob, ImportStatus
from tests import factories as f
from tests.secondments import builders as b

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("run_scheduled", *args, stdout=out)
    return out.getvalue().splitlines()


@pytest.fixture
def clean_storage():
    yield
    for name in default_storage.listdir("imports")[1] if default_storage.exists("imports") else []:
        default_storage.delete(f"imports/{name}")


def test_one_run_does_every_step(settings, clean_storage):
    settings.EXPORT_JOB_STALE_SECONDS = 600
    settings.EXPORT_RETENTION_DAYS = 7
    settings.AUDIT_RETENTION_DAYS = 365
    today = timezone.localdate()
    w = b.World()
    movement = f.movement(w.people[0], w.commune, status=Status.APPROVED, start=today, end=today + timedelta(days=90))
    owner = f.user(Role.PROVINCE_OFFICIAL, prov=w.province)
    now = timezone.now()
    stale = ExportJob.objects.create(
        owner=owner,
        name="staff",
        status=ExportStatus.RUNNING,
        started_at=now - timedelta(hours=1),
        heartbeat_at=now - timedelta(minutes=30),
    )
    old = ExportJob.objects.create(owner=owner, name="staff", status=ExportStatus.DONE, filename="old.xlsx")
    old.file.save("old.xlsx", ContentFile(b"old"), save=True)
    ExportJob.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=8), finished_at=now - timedelta(days=8))
    recent = ExportJob.objects.create(owner=owner, name="staff", status=ExportStatus.DONE, finished_at=now)
    silent_import = ImportJob.objects.create(
        token="s" * 32,
        owner=owner,
        province=w.province,
        filename="big.xlsx",
        status=ImportStatus.CHECKING,
        heartbeat_at=now - timedelta(minutes=30),
    )
    AuditEntry.objects.create(action="staff.view", at=now - timedelta(days=366))
    AuditEntry.objects.create(action="staff.view", at=now - timedelta(days=364))
    default_storage.save("imports/abandoned.xlsx", ContentFile(b"x"))
    old_file = ExportJob.objects.get(pk=old.pk).file.name

    lines = run()

    assert lines == [
        f"{today.isoformat()}: 1 started, 0 completed, 0 transfers that cannot be applied",
        f"summary rebuilt for {today:%d/%m/%Y}: {UnitFieldSummary.objects.count()} rows",
        "export jobs marked failed: 1",
        "import jobs marked failed: 1",
        "planner runs marked failed: 0",
        "export jobs deleted: 1",
        "uploads deleted: 0",  # written a moment ago: kept for a day
        "audit entries deleted: 1",
    ]
    assert UnitFieldSummary.objects.exists()
    movement.refresh_from_db()
    assert movement.status == Status.ACTIVE
    assert ExportJob.objects.get(pk=stale.pk).status == ExportStatus.FAILED
    assert ImportJob.objects.get(pk=silent_import.pk).status == ImportStatus.FAILED
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {stale.pk, recent.pk}
    assert not default_storage.exists(old_file)
    assert AuditEntry.objects.count() == 1
    # A second run changes nothing.
    assert run()[1:] == [
        f"summary holds {today:%d/%m/%Y} already",
        "export jobs marked failed: 0",
        "import jobs marked failed: 0",
        "planner runs marked failed: 0",
        "export jobs deleted: 0",
        "uploads deleted: 0",
        "audit entries deleted: 0",
    ]


def test_abandoned_uploads_go_after_a_day(clean_storage):
    default_storage.save("imports/a.xlsx", ContentFile(b"a"))
    default_storage.save("imports/b.xlsx", ContentFile(b"b"))
    assert uploads_purge(before=timezone.now() - timedelta(days=1)) == 0
    assert uploads_purge(before=timezone.now() + timedelta(seconds=1)) == 2
    assert default_storage.listdir("imports")[1] == []


def test_one_step_can_run_alone():
    assert run("--only", "jobs") == [
        "export jobs marked failed: 0",
        "import jobs marked failed: 0",
        "planner runs marked failed: 0",
    ]


def test_a_failing_step_does_not_stop_the_others(monkeypatch):
    from maintenance.management.commands import run_scheduled

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(run_scheduled, "export_jobs_recover", broken)
    out = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("run_scheduled", stdout=out)
    assert str(exc.value) == "Scheduled steps failed: jobs"
    assert "audit entries deleted: 0" in out.getvalue()
