"""Background steps of a big import: read, check or apply a job (``manage.py db_worker`` runs them).

Each step writes a heartbeat with its progress; ``staffing.imports.import_jobs_recover`` (run by the
scheduled work) marks failed a job whose worker fell silent, and its page offers to start again."""

import logging

from django.db import transaction
from django.tasks import task

from staffing.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


@task()
def run_import(job_id: int, step: str, attempt: int | None = None):
    from staffing import imports

    job = imports.import_job_claim(job_id, step, attempt)
    if job is None:
        return
    try:
        if step == "read":
            imports.import_job_read(job)
        elif step == "check":
            imports.import_job_check(job)
        elif step == "apply":
            try:
                imports.import_job_apply(job, by=job.owner, queued=True)
            except imports.ImportRefused as exc:
                job.refresh_from_db()
                if job.status in (ImportStatus.APPLYING, ImportStatus.CHECKED):  # not recovered as failed
                    job.error = str(exc.message)
                    job.status = ImportStatus.CHECKED
                    job.save(update_fields=["error", "status"])
    except Exception as exc:
        logger.exception("Import job %s failed at %s", job_id, step)
        if not transaction.get_connection().in_atomic_block:
            ImportJob.objects.filter(pk=job_id, attempts=job.attempts).update(
                status=ImportStatus.FAILED, error=str(exc)[:2000]
            )
        raise
