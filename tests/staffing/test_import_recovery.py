"""Background imports recover: a job whose worker fell silent is marked failed by the scheduled work,
its page says why and offers to start again, and starting again works."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from staffing import imports
from staffing.models import ImportJob, ImportStatus, Staff
from staffing.tasks import run_import
from tests import factories as f
from tests.staffing import hostile_files as hf
from tests.staffing import support
from tests.staffing.support import officer, upload

pytestmark = pytest.mark.django_db
english = support.english
world = support.world

LIMIT = 10 * 60


@pytest.fixture(autouse=True)
def background(settings):
    settings.IMPORT_BACKGROUND_BYTES = 0
    settings.IMPORT_BACKGROUND_ROWS = 0
    settings.IMPORT_JOB_STALE_SECONDS = LIMIT


@pytest.fixture
def signed_in(client, world):
    user = officer(world)
    client.force_login(user)
    return user


def job_at(owner, world, status, *, beat_ago, token):
    now = timezone.now()
    job = ImportJob.objects.create(
        token=token,
        owner=owner,
        unit=world.commune,
        province=world.province,
        filename=f"{token[:1]}.xlsx",
        status=status,
        heartbeat_at=None if beat_ago is None else now - beat_ago,
    )
    ImportJob.objects.filter(pk=job.pk).update(created_at=now - timedelta(hours=1))
    return job


def scheduled():
    out = io.StringIO()
    call_command("run_scheduled", "--only", "jobs", stdout=out)
    return out.getvalue()


def test_a_job_silent_past_the_limit_is_failed_and_a_fresh_one_is_not(world, signed_in):
    silent = {
        "checking": job_at(
            signed_in, world, ImportStatus.CHECKING, beat_ago=timedelta(seconds=LIMIT + 5), token="a" * 32
        ),
        "applying": job_at(signed_in, world, ImportStatus.APPLYING, beat_ago=timedelta(minutes=30), token="b" * 32),
        "never": job_at(signed_in, world, ImportStatus.READING, beat_ago=None, token="c" * 32),  # queued an hour ago
    }
    fresh = job_at(signed_in, world, ImportStatus.CHECKING, beat_ago=timedelta(seconds=LIMIT - 60), token="d" * 32)
    checked = job_at(signed_in, world, ImportStatus.CHECKED, beat_ago=timedelta(hours=2), token="e" * 32)
    assert "import jobs marked failed: 3" in scheduled()
    for job in silent.values():
        job.refresh_from_db()
        assert job.status == ImportStatus.FAILED and job.finished_at is not None
    assert silent["checking"].error == (
        "The worker stopped while checking the rows (no sign of life for 10 minutes). Nothing was saved."
    )
    assert silent["applying"].error == (
        "The worker stopped while applying the import (no sign of life for 10 minutes). "
        "Applying is one transaction, so nothing was saved."
    )
    assert silent["never"].error.startswith("The worker stopped while reading the file")
    for job, status in ((fresh, ImportStatus.CHECKING), (checked, ImportStatus.CHECKED)):
        job.refresh_from_db()
        assert (job.status, job.error) == (status, "")
    assert "import jobs marked failed: 0" in scheduled()


def test_the_reason_is_written_in_vietnamese(world, signed_in, settings):
    settings.LANGUAGE_CODE = "vi"
    job = job_at(signed_in, world, ImportStatus.APPLYING, beat_ago=timedelta(minutes=11), token="a" * 32)
    assert imports.import_jobs_recover() == 1
    job.refresh_from_db()
    assert job.error == (
        "Tiến trình chạy nền đã dừng khi đang ghi dữ liệu nhập (không có tín hiệu hoạt động trong 10 phút). "
        "Việc ghi diễn ra trong một giao dịch duy nhất nên chưa có dữ liệu nào được lưu."
    )


def checked_job(client):
    content = hf.roster_workbook([hf.staff_row("", "NV1", "Lê Văn A"), hf.staff_row("", "NV2", "Lê Văn B")])
    client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.CHECKED and job.parsed
    return job


def killed(job, status):
    """The worker died during ``status``: the job stays there, its heartbeat ages past the limit."""
    ImportJob.objects.filter(pk=job.pk).update(status=status, heartbeat_at=timezone.now() - timedelta(minutes=11))
    assert imports.import_jobs_recover() == 1
    job.refresh_from_db()
    return job


def test_a_job_killed_while_applying_shows_the_reason_and_starts_again(client, world, signed_in):
    job = killed(checked_job(client), ImportStatus.APPLYING)
    assert Staff.objects.count() == 0
    url = reverse("unit-import-job", args=["24001", job.token])
    page = client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Applying is one transaction, so nothing was saved." in text
    assert "Check the rows again" in text
    assert reverse("unit-import-restart", args=["24001", job.token]) in text
    assert "hx-trigger" not in text  # no more polling
    # The other steps' pages send a stopped job to its page.
    assert client.get(reverse("unit-import-preview", args=["24001", job.token]))["Location"] == url
    partial = client.get(url, headers={"HX-Request": "true"})
    assert partial.status_code == 286 and b"import-restart" in partial.content
    restarted = client.post(reverse("unit-import-restart", args=["24001", job.token]))
    assert restarted["Location"] == reverse("unit-import-preview", args=["24001", job.token])
    job.refresh_from_db()
    assert (job.status, job.error, job.summary["ok"], job.attempts) == (ImportStatus.CHECKED, "", True, 2)
    client.post(reverse("unit-import-preview", args=["24001", job.token]))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert sorted(Staff.objects.values_list("staff_code", flat=True)) == ["NV1", "NV2"]


def test_an_old_attempts_task_arriving_late_does_nothing(client, world, signed_in):
    job = killed(checked_job(client), ImportStatus.CHECKING)
    run_import.call(job.pk, "check", job.attempts)  # the dead attempt's task, delivered again
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    client.post(reverse("unit-import-restart", args=["24001", job.token]))
    job.refresh_from_db()
    assert job.status == ImportStatus.CHECKED
    # A new attempt is running; the old attempt's task leaves it alone, its own task runs.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING, progress=0)
    run_import.call(job.pk, "check", job.attempts - 1)
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportStatus.CHECKING, 0)
    run_import.call(job.pk, "check", job.attempts)
    job.refresh_from_db()
    assert (job.status, job.progress) == (ImportStatus.CHECKED, 3)
    assert Staff.objects.count() == 0


def test_a_job_killed_while_reading_reads_its_kept_file_again(client, world, signed_in, monkeypatch):
    monkeypatch.setattr(imports, "_enqueue", lambda job, step: None)  # the worker never gets to it
    content = hf.roster_workbook([hf.staff_row("", "NV1", "Lê Văn A")])
    client.post(reverse("unit-import", args=["24001"]), {"file": upload(content)})
    monkeypatch.undo()
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.READING and job.upload and not job.parsed
    job = killed(job, ImportStatus.READING)
    assert "Read the file again" in client.get(reverse("unit-import-job", args=["24001", job.token])).content.decode()
    restarted = client.post(reverse("unit-import-restart", args=["24001", job.token]))
    job.refresh_from_db()
    assert restarted["Location"] == reverse("unit-import-preview", args=["24001", job.token])
    assert job.status == ImportStatus.CHECKED and job.total == 2


def test_a_job_that_kept_nothing_asks_for_the_file_again(client, world, signed_in):
    job = killed(job_at(signed_in, world, ImportStatus.READING, beat_ago=None, token="a" * 32), ImportStatus.READING)
    url = reverse("unit-import-job", args=["24001", job.token])
    response = client.get(url)
    assert response["Location"] == reverse("unit-import", args=["24001"])
    refused = client.post(reverse("unit-import-restart", args=["24001", job.token]), follow=True)
    assert "upload the file again" in refused.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


ROLES = ["anonymous", "owner", "colleague", "national_viewer", "province_official", "department_officer", "api_client"]
EXPECTED = {
    "anonymous": 302,  # to the sign-in page
    "owner": 302,  # to the preview
    "colleague": 404,
    "national_viewer": 403,
    "province_official": 404,
    "department_officer": 404,
    "api_client": 403,
}


@pytest.mark.parametrize("role", ROLES)
def test_restart_permission_matrix(client, world, signed_in, role):
    job = killed(checked_job(client), ImportStatus.CHECKING)
    client.logout()
    if role == "owner":
        client.force_login(signed_in)
    elif role == "colleague":
        client.force_login(f.user("commune_officer", unit=world.commune))
    elif role != "anonymous":
        client.force_login(officer(world, role))
    response = client.post(reverse("unit-import-restart", args=["24001", job.token]))
    assert response.status_code == EXPECTED[role]
    job.refresh_from_db()
    if role == "owner":
        assert response["Location"] == reverse("unit-import-preview", args=["24001", job.token])
        assert job.status == ImportStatus.CHECKED
    else:
        assert job.status == ImportStatus.FAILED
        if role == "anonymous":
            assert "/login" in response["Location"] or "next=" in response["Location"]


def test_a_worker_outliving_its_recovery_leaves_the_job_failed(client, world, signed_in, monkeypatch):
    job = checked_job(client)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.CHECKING)
    real = imports.validate_parsed

    def slow(*args, **kwargs):
        result = real(*args, **kwargs)
        # The worker was silent too long: the scheduled work marked the job failed meanwhile.
        ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=11))
        assert imports.import_jobs_recover() == 1
        return result

    monkeypatch.setattr(imports, "validate_parsed", slow)
    job.refresh_from_db()
    imports._enqueue(job, "check")  # the test worker runs it at once
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    assert job.error.startswith("The worker stopped while checking the rows")
    assert job.parsed  # kept: it can start again


def test_a_province_workbook_starts_again_for_its_official(client, world):
    official = officer(world, "province_official")
    client.force_login(official)
    content = hf.roster_workbook([hf.staff_row("24001", "NV1", "Lê Văn A"), hf.staff_row("24002", "NV2", "Lê Văn B")])
    client.post(reverse("province-import"), {"file": upload(content)})
    job = killed(ImportJob.objects.get(), ImportStatus.CHECKING)
    page = client.get(reverse("province-import-job", args=[job.token])).content.decode()
    assert "The worker stopped while checking the rows" in page
    restarted = client.post(reverse("province-import-restart", args=[job.token]))
    assert restarted["Location"] == reverse("province-import-preview", args=[job.token])
    client.post(reverse("province-import-preview", args=[job.token]))
    assert sorted(Staff.objects.values_list("staff_code", flat=True)) == ["NV1", "NV2"]
