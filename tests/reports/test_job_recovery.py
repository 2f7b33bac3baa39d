"""Export jobs never stay "running" forever: a job whose worker fell silent, or that overran its
time limit, is marked failed and its owner can retry it; a dropped connection is reopened."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from reports import tasks
from reports.models import ExportJob, ExportStatus
from reports.tasks import export_jobs_recover, run_export
from tests import factories as f
from tests.staffing import support

pytestmark = pytest.mark.django_db
world = support.world


@pytest.fixture
def owner(world):
    f.staff_many(world.commune, world.land, 3)
    return support.officer(world, Role.PROVINCE_OFFICIAL)


def running_job(owner, *, silent_for, running_for=None, **extra):
    """A job as a worker leaves it when killed: running, its last heartbeat ``silent_for`` ago."""
    now = timezone.now()
    return ExportJob.objects.create(
        owner=owner,
        name="staff",
        params={"unit_code": ["24001"]},
        status=ExportStatus.RUNNING,
        attempts=1,
        started_at=now - (running_for or silent_for),
        heartbeat_at=now - silent_for,
        filename="danh-sach.xlsx",
        **extra,
    )


def test_a_job_whose_worker_was_killed_becomes_failed_and_can_be_retried(client, owner, settings):
    settings.EXPORT_JOB_STALE_SECONDS = 600
    job = running_job(owner, silent_for=timedelta(minutes=11))
    alive = running_job(owner, silent_for=timedelta(minutes=2))
    assert export_jobs_recover() == 1
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.error == "The worker stopped while writing this export (no sign of life for 600 seconds)."
    assert ExportJob.objects.get(pk=alive.pk).status == ExportStatus.RUNNING

    client.force_login(owner)
    page = client.get(reverse("reports:export-job", args=[job.pk])).content.decode()
    assert reverse("reports:export-retry", args=[job.pk]) in page
    status = client.get(reverse("reports:export-status", args=[job.pk])).json()
    assert status["status"] == "failed" and status["download_url"] is None

    # Retry: queued again as a new attempt; the immediate backend of the tests runs it at once.
    response = client.post(reverse("reports:export-retry", args=[job.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("reports:export-job", args=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts, job.progress, job.total, job.error) == (ExportStatus.DONE, 2, 3, 3, "")
    assert job.heartbeat_at is not None and job.finished_at is not None
    assert client.get(reverse("reports:export-download", args=[job.pk])).status_code == 200


def test_only_failed_jobs_of_ones_own_can_be_retried(client, owner):
    job = running_job(owner, silent_for=timedelta(seconds=5))
    client.force_login(owner)
    response = client.post(reverse("reports:export-retry", args=[job.pk]))
    assert response.status_code == 400
    assert response.content.decode() == "Only a failed export can be retried."
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED)
    client.force_login(f.user(Role.PROVINCE_OFFICIAL, prov=owner.province))
    assert client.post(reverse("reports:export-retry", args=[job.pk])).status_code == 404
    assert ExportJob.objects.get(pk=job.pk).attempts == 1


def test_a_job_past_its_time_limit_becomes_failed(owner, settings):
    settings.EXPORT_JOB_TIMEOUT_SECONDS = 3600
    beating = running_job(owner, silent_for=timedelta(seconds=10), running_for=timedelta(minutes=61))
    own_limit = running_job(owner, silent_for=timedelta(seconds=10), running_for=timedelta(minutes=3), timeout=120)
    within = running_job(owner, silent_for=timedelta(seconds=10), running_for=timedelta(minutes=59))
    assert export_jobs_recover() == 2
    statuses = dict(ExportJob.objects.values_list("pk", "status"))
    assert [statuses[j.pk] for j in (beating, own_limit, within)] == ["failed", "failed", "running"]
    assert ExportJob.objects.get(pk=own_limit.pk).error == "The export took longer than its time limit (120 seconds)."


def test_a_running_job_stops_itself_at_its_time_limit(owner, settings, monkeypatch):
    settings.EXPORT_JOB_TIMEOUT_SECONDS = 60
    job = ExportJob.objects.create(owner=owner, name="staff", params={}, filename="x.xlsx")
    real_render = tasks.render

    def slow_render(exporter, fileobj, *, progress, **kwargs):
        # The worker reports progress after the limit has passed.
        monkeypatch.setattr(tasks.timezone, "now", lambda: real_now() + timedelta(minutes=2))
        progress(5000)
        return real_render(exporter, fileobj, progress=progress, **kwargs)

    real_now = timezone.now
    monkeypatch.setattr(tasks, "render", slow_render)
    run_export.call(job.pk, "en")
    monkeypatch.undo()
    job.refresh_from_db()
    assert (job.status, job.error) == (ExportStatus.FAILED, "The export took longer than its time limit (60 seconds).")
    assert not job.file


def test_a_job_recovered_meanwhile_keeps_its_failure(owner, monkeypatch):
    """A worker that was only slow, not dead, finds its job failed and leaves it so."""
    job = ExportJob.objects.create(owner=owner, name="staff", params={}, filename="x.xlsx")
    real_render = tasks.render

    def render_then_find_recovered(*args, **kwargs):
        n = real_render(*args, **kwargs)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.FAILED, error="recovered")
        return n

    monkeypatch.setattr(tasks, "render", render_then_find_recovered)
    run_export.call(job.pk, "en")
    job.refresh_from_db()
    assert (job.status, job.error, job.file.name) == (ExportStatus.FAILED, "recovered", "")


@pytest.mark.django_db(transaction=True)
def test_the_worker_survives_a_dropped_database_connection(world, monkeypatch):
    f.staff_many(world.commune, world.land, 2)
    owner = support.officer(world, Role.PROVINCE_OFFICIAL)
    job = ExportJob.objects.create(owner=owner, name="staff", params={}, filename="x.xlsx")
    real_update = QuerySet.update
    dropped = []

    def update_once_dropped(qs, **kwargs):
        if qs.model is ExportJob and not dropped:
            dropped.append(kwargs)
            raise OperationalError("server closed the connection unexpectedly")
        return real_update(qs, **kwargs)

    monkeypatch.setattr(QuerySet, "update", update_once_dropped)
    run_export.call(job.pk, "en")
    monkeypatch.undo()
    job.refresh_from_db()
    assert len(dropped) == 1 and dropped[0]["status"] == ExportStatus.RUNNING
    assert (job.status, job.progress) == (ExportStatus.DONE, 2)
