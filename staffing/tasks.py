"""Background steps of a big import: read, check or apply a job (``manage.py db_worker`` runs them)."""

import logging

from django.db import transaction
from django.tasks import task

from staffing.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)


@task()
def run_import(job_id: int, step: str):
    from staffing import imports

    job = ImportJob.objects.select_related("owner", "unit", "province").get(pk=job_id)
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
                job.error = str(exc.message)
                if job.status == ImportStatus.APPLYING:
                    job.status = ImportStatus.CHECKED
                job.save(update_fields=["error", "status"])
    except Exception as exc:
        logger.exception("Import job %s failed at %s", job_id, step)
        if not transaction.get_connection().in_atomic_block:
            ImportJob.objects.filter(pk=job_id).update(status=ImportStatus.FAILED, error=str(exc)[:2000])
        raise
