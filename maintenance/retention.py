"""What the scheduled command deletes once it is old enough: export files, abandoned uploads,
audit entries."""

from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage

from audit.services import audit_purge
from reports.tasks import export_jobs_purge

# Where the import pages keep an uploaded workbook until it is confirmed.
UPLOAD_DIR = "imports"


def uploads_purge(*, before, storage=default_storage):
    """Delete uploaded workbooks never confirmed, last written before ``before``; return how many.

    Imports started before then and never applied go with their files (an applied one keeps its
    row, without files, as the record of who imported what)."""
    from staffing.models import ImportJob, ImportStatus

    ImportJob.objects.filter(created_at__lt=before).exclude(status=ImportStatus.APPLIED).delete()
    try:
        _dirs, files = storage.listdir(UPLOAD_DIR)
    except FileNotFoundError:
        return 0
    n = 0
    for name in files:
        path = f"{UPLOAD_DIR}/{name}"
        if storage.get_modified_time(path) < before:
            storage.delete(path)
            n += 1
    return n


def retention_run(now):
    """Apply every retention period; return what was deleted, by kind."""
    return {
        "export jobs": export_jobs_purge(before=now - timedelta(days=settings.EXPORT_RETENTION_DAYS)),
        "uploads": uploads_purge(before=now - timedelta(days=settings.UPLOAD_RETENTION_DAYS)),
        "audit entries": audit_purge(before=now - timedelta(days=settings.AUDIT_RETENTION_DAYS)),
    }
