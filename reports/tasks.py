"""Background exports: a worker (``manage.py db_worker``) writes the workbook to default storage."""

import logging
import tempfile

from django.core.files import File
from django.tasks import task
from django.utils import timezone, translation

from reports.excel import render
from reports.exports import build
from reports.models import ExportJob, ExportStatus

logger = logging.getLogger(__name__)


@task()
def run_export(job_id: int, language: str = "vi"):
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING)

    def progress(n):
        ExportJob.objects.filter(pk=job.pk).update(progress=n)

    try:
        with translation.override(language), tempfile.TemporaryFile() as tmp:
            spec = build(job.name, job.owner, job.query_dict())
            n = render(spec.exporter, tmp, issuer=spec.issuer, as_of=spec.as_of, progress=progress)
            tmp.seek(0)
            job.file.save(job.filename or spec.exporter.filename, File(tmp), save=False)
        job.status, job.progress, job.total = ExportStatus.DONE, n, n
    except Exception as exc:
        logger.exception("Export job %s failed", job.pk)
        job.status, job.error = ExportStatus.FAILED, str(exc)[:2000]
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "total", "file", "error", "finished_at"])
