"""Background exports: a worker (``manage.py db_worker``) writes the workbook to default storage.

A running job writes a heartbeat as it goes (with its progress) and stops itself past its time
limit. ``export_jobs_recover`` — run by the scheduled command — marks failed the jobs whose worker
fell silent (it was killed, or the machine stopped) or that overran their limit, so no job stays
"running" forever; the job page then offers a retry. A dropped database connection during a job
is reopened once before the job gives up.
"""

import logging
import tempfile
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone, translation

from config.routers import reading_reports
from core import jobs
from core.excel import render
from reports.exports import build
from reports.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)

WORKER_STOPPED = "The worker stopped while writing this export (no sign of life for %(seconds)s seconds)."
TIMED_OUT = "The export took longer than its time limit (%(seconds)s seconds)."


class JobTimedOut(Exception):
    pass


def _with_reconnect(operation):
    """Run a database operation; after a dropped connection, reconnect once and run it again."""
    try:
        return operation()
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        logger.warning("Database connection lost during an export job; reconnecting", exc_info=True)
        connection.close()
        return operation()


def _running(job_id, attempt):
    return ExportJob.objects.filter(pk=job_id, status=ExportStatus.RUNNING, **_attempt(attempt))


def _update(job_id, attempt, in_status, **fields):
    """Update the job if it is still this attempt's and in ``in_status`` (a job recovered as failed or
    retried meanwhile is left alone); return whether it was."""
    qs = ExportJob.objects.filter(pk=job_id, status=in_status, **_attempt(attempt))
    return _with_reconnect(lambda: qs.update(**fields))


@task()
def run_export(job_id: int, language: str = "vi", attempt: int | None = None):
    now = timezone.now()
    claimed = _update(
        job_id, attempt, ExportStatus.QUEUED, status=ExportStatus.RUNNING, started_at=now, heartbeat_at=now
    )
    if not claimed:
        return
    job = _with_reconnect(lambda: ExportJob.objects.select_related("owner").get(pk=job_id))
    limit = timedelta(seconds=job.time_limit)

    def progress(n):
        if timezone.now() - now > limit:
            raise JobTimedOut(TIMED_OUT % {"seconds": job.time_limit})
        _with_reconnect(lambda: jobs.beat(_running(job_id, attempt), progress=n))

    fields = {}
    try:
        with translation.override(language), tempfile.TemporaryFile() as tmp, reading_reports():
            spec = build(job.name, job.owner, job.query_dict())
            n = render(spec.exporter, tmp, issuer=spec.issuer, as_of=spec.as_of, progress=progress)
            tmp.seek(0)
            job.file.save(job.filename or spec.exporter.filename, File(tmp), save=False)
        fields = {"status": ExportStatus.DONE, "progress": n, "total": n, "file": job.file.name, "error": ""}
    except Exception as exc:
        logger.exception("Export job %s failed", job_id)
        fields = {"status": ExportStatus.FAILED, "error": str(exc)[:2000]}
    fields["finished_at"] = fields["heartbeat_at"] = timezone.now()
    saved = _update(job_id, attempt, ExportStatus.RUNNING, **fields)
    if not saved and job.file:
        # Recovered as failed (or retried) meanwhile: this run's file is nobody's.
        job.file.delete(save=False)


def _attempt(attempt):
    return {} if attempt is None else {"attempts": attempt}


def export_job_enqueue(job, language=None):
    """Queue ``job`` (again): a new attempt, its earlier progress and error cleared."""
    with transaction.atomic():
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.QUEUED,
            attempts=F("attempts") + 1,
            progress=0,
            error="",
            started_at=None,
            heartbeat_at=None,
            finished_at=None,
        )
        job.refresh_from_db()
    run_export.enqueue(job.pk, language or translation.get_language() or settings.LANGUAGE_CODE, job.attempts)
    job.refresh_from_db()
    return job


def export_job_retry(job, language=None):
    """Run a failed job again (its owner asks for it on the job page)."""
    if job.status != ExportStatus.FAILED:
        raise ValueError("Only a failed export can be retried.")
    if job.file:
        job.file.delete(save=False)
        ExportJob.objects.filter(pk=job.pk).update(file="")
    return export_job_enqueue(job, language)


def export_jobs_recover(now=None):
    """Mark failed the running jobs whose worker fell silent or that overran their time limit.

    Returns the number of jobs marked failed.
    """
    now = now or timezone.now()
    failed = 0
    running = ExportJob.objects.filter(status=ExportStatus.RUNNING).values_list(
        "pk", "attempts", "heartbeat_at", "started_at", "timeout"
    )
    for pk, attempts, heartbeat_at, started_at, timeout in running:
        limit = timeout or settings.EXPORT_JOB_TIMEOUT_SECONDS
        reason = jobs.stale_reason(
            now=now,
            last_sign=heartbeat_at or started_at,
            stale_seconds=settings.EXPORT_JOB_STALE_SECONDS,
            started_at=started_at,
            time_limit=limit,
        )
        if reason is None:
            continue
        if reason == jobs.SILENT:
            error = WORKER_STOPPED % {"seconds": settings.EXPORT_JOB_STALE_SECONDS}
        else:
            error = TIMED_OUT % {"seconds": limit}
        failed += ExportJob.objects.filter(pk=pk, status=ExportStatus.RUNNING, attempts=attempts).update(
            status=ExportStatus.FAILED, error=error, finished_at=now
        )
    return failed


def export_jobs_purge(*, before):
    """Delete finished jobs (and their files) older than ``before``; return how many."""
    old = ExportJob.objects.filter(status__in=[ExportStatus.DONE, ExportStatus.FAILED], created_at__lt=before).exclude(
        finished_at__gte=before
    )
    n = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        n += 1
    return n
