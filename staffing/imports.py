"""Import jobs: an uploaded workbook read once, its columns confirmed, checked, previewed, applied.

``import_job_create`` checks the file and stores it; ``import_job_read`` parses it once and keeps
its cells (the file itself is then deleted); ``import_job_check`` reads those cells with the
confirmed column mapping and keeps the checked plan; ``import_job_apply`` writes that plan in one
transaction. Files over ``IMPORT_BACKGROUND_BYTES`` are read, checked and applied by the
background worker (``staffing.tasks.run_import``), which writes the progress on the job.

The cells and the plan are pickled into the storage by this module only, never from an upload.
"""

import pickle
import uuid
from collections import Counter

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.policy import may
from core import jobs
from core.text import normalize_search
from staffing import intake
from staffing.importer import (
    ImportRefused,
    accepted_values,
    check_file,
    parse_workbook,
    read_parsed,
    validate_parsed,
)
from staffing.models import RUNNING_IMPORT, ImportJob, ImportMapping, ImportStatus, ValueAlias
from staffing.services import StaleVersion, import_apply

SKIPPED_SHOWN = 300


def background_bytes():
    return getattr(settings, "IMPORT_BACKGROUND_BYTES", 512 * 1024)


def background_rows():
    return getattr(settings, "IMPORT_BACKGROUND_ROWS", 5000)


def _save(field, name, obj):
    field.save(name, ContentFile(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)), save=False)


def _load(field):
    with field.open("rb") as fh:
        return pickle.load(fh)  # noqa: S301 (written by this module, see the docstring)


def import_job_create(*, user, unit, province, upload, effective_from=None, reason=""):
    """Check the uploaded file and open a job for it; small files are read at once.

    Raises ``ImportRefused`` (nothing kept) when the file is unusable.
    """
    check_file(upload, size=upload.size, name=upload.name)
    token = uuid.uuid4().hex
    job = ImportJob(
        token=token,
        owner=user,
        unit=unit,
        province=province,
        filename=upload.name[:200],
        effective_from=effective_from,
        reason=(reason or "").strip(),
    )
    upload.seek(0)
    job.upload.save(f"{token}.xlsx", upload, save=False)
    job.save()
    if upload.size > background_bytes():
        _enqueue(job, "read")
    else:
        import_job_read(job)
    return job


def _enqueue(job, step):
    """Hand ``step`` to the worker as a new attempt; the time it was queued counts as a sign of life."""
    from staffing.tasks import run_import

    job.attempts += 1
    job.started_at = None
    job.heartbeat_at = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(attempts=job.attempts, started_at=None, heartbeat_at=job.heartbeat_at)
    run_import.enqueue(job.pk, step, job.attempts)


def import_job_claim(job_id, step, attempt):
    """The job the worker is to run for ``step``, marked started; None if it was recovered as failed
    or started again meanwhile (this task is then an old attempt's)."""
    status = {"read": ImportStatus.READING, "check": ImportStatus.CHECKING, "apply": ImportStatus.APPLYING}[step]
    qs = ImportJob.objects.filter(pk=job_id, status=status)
    if attempt is not None:
        qs = qs.filter(attempts=attempt)
    if not jobs.beat(qs, started_at=timezone.now()):
        return None
    return ImportJob.objects.select_related("owner", "unit", "province").get(pk=job_id)


def _stopped(job) -> bool:
    """Whether the job was marked failed (its worker deemed dead) or started again since it began."""
    return not ImportJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).exists()


def import_job_read(job):
    """Parse the stored file once and keep its cells; apply the unit's remembered mapping. A file
    whose columns are all recognised goes straight on to the check; otherwise to the mapping step."""
    job.status = ImportStatus.READING
    try:
        with job.upload.open("rb") as fh:
            raw = parse_workbook(fh)
    except ImportRefused as exc:
        return _fail(job, exc.message)
    if _stopped(job):
        return job
    job.total = sum(len(s.rows) for s in raw)
    job.heartbeat_at = timezone.now()
    _save(job.parsed, f"{job.token}.cells", raw)
    job.upload.delete(save=False)
    remembered = remembered_mapping(job.unit, job.province)
    job.mapping = {s.name: dict(remembered) for s in raw} if remembered else {}
    sheets = _readings(job, raw)
    certain = sheets and all(_certain(s) for s in sheets)
    job.status = ImportStatus.MAPPING
    job.save()
    if certain:
        return import_job_check(job)
    return job


def _certain(sheet):
    reading = sheet.reading
    if reading is None:
        return True  # the template's absence sheet
    if reading.missing:
        return False
    return all(
        c.source == "user" or c.confidence in (intake.Confidence.EXACT, intake.Confidence.VARIANT)
        for c in reading.columns
        if c.meaning and c.meaning != intake.M.IGNORE
    )


def mappings_of(mapping):
    """A stored mapping with its column numbers back as numbers (JSON keeps keys as text)."""
    return {
        sheet: {int(k) if isinstance(k, str) and k.isdigit() else k: v for k, v in columns.items()}
        for sheet, columns in (mapping or {}).items()
    }


def _readings(job, raw):
    try:
        return read_parsed(raw, [], [], mappings=mappings_of(job.mapping), require=False)
    except ImportRefused:
        return []


def job_cells(job):
    return _load(job.parsed)


def job_readings(job, mapping=None):
    """The intake readings of the job's sheets (for the mapping page), with ``mapping`` if given."""
    raw = job_cells(job)
    out = []
    for sheet in raw:
        sheet_mapping = mappings_of(mapping if mapping is not None else job.mapping).get(sheet.name)
        try:
            reading = intake.read_rows(sheet.rows, name=sheet.name, merged=sheet.merged, mapping=sheet_mapping)
        except (ValueError, intake.IntakeRefused):
            reading = intake.read_rows(sheet.rows, name=sheet.name, merged=sheet.merged)
        if reading.kind is None and not reading.columns:
            continue
        out.append(reading)
    return out


def import_job_set_mapping(job, mapping, *, remember=True):
    """The user's column meanings ({sheet: {column index: meaning}}), remembered for the unit by header."""
    readings = {r.name: r for r in job_readings(job, mapping={})}
    by_header = {}
    for sheet, columns in mapping.items():
        reading = readings.get(sheet)
        if reading is None:
            continue
        headers = {c.index: c.header for c in reading.columns}
        for index, meaning in columns.items():
            if headers.get(index):
                by_header[headers[index]] = meaning
    job.mapping = {sheet: {int(k): v for k, v in cols.items()} for sheet, cols in mapping.items()}
    job.save(update_fields=["mapping"])
    if remember and by_header:
        mapping_remember(job.unit, job.province, by_header)
    return job


def remembered_mapping(unit, province):
    row = ImportMapping.objects.filter(unit=unit, province=province).first()
    return row.columns if row else {}


def mapping_remember(unit, province, columns):
    row = ImportMapping.objects.filter(unit=unit, province=province).first()
    if row is None:
        ImportMapping.objects.create(unit=unit, province=province, columns=columns)
    else:
        row.columns = {**row.columns, **columns}
        row.save(update_fields=["columns", "updated_at"])


def import_job_start_check(job):
    if job.total > background_rows():
        job.status = ImportStatus.CHECKING
        job.progress = 0
        job.save(update_fields=["status", "progress"])
        _enqueue(job, "check")
        return job
    return import_job_check(job)


def import_job_check(job):
    """Validate the kept cells with the job's mapping and keep the result (plan and preview)."""
    job.status = ImportStatus.CHECKING
    job.save(update_fields=["status"])

    def progress(rows):
        jobs.beat(ImportJob.objects.filter(pk=job.pk, status=ImportStatus.CHECKING), progress=rows)

    try:
        result = validate_parsed(
            job_cells(job),
            user=job.owner,
            default_unit=job.unit,
            effective_from=job.effective_from,
            reason=job.reason,
            mappings=mappings_of(job.mapping),
            progress=progress,
        )
    except ImportRefused as exc:
        return _fail(job, exc.message)
    if _stopped(job):
        return job
    if job.plan:
        job.plan.delete(save=False)
    result.sheet_summaries = [_sheet_summary(s) for s in result.sheets]
    result.per_unit = _per_unit(result)
    result.sheets = []  # the cells stay in ``parsed``; the plan need not carry them twice
    _save(job.plan, f"{job.token}.plan", result)
    job.summary = {
        "ok": result.ok,
        "errors": len(result.errors),
        "counts": result.counts(),
        "unknown": len(result.unknown),
    }
    job.status = ImportStatus.CHECKED
    job.progress = job.total
    job.save()
    return job


def _sheet_summary(sheet):
    reading = sheet.reading
    skipped = []
    columns = []
    if reading is not None:
        labels = dict(intake.SkipReason.choices)
        skipped = [(s.row, str(labels.get(s.reason, s.reason)), s.text) for s in reading.skipped[:SKIPPED_SHOWN]]
        meanings = dict(intake.Meaning.choices)
        columns = [(c.letter, c.header, str(meanings.get(c.meaning, "")) if c.meaning else "") for c in reading.columns]
    return {
        "name": sheet.name,
        "kind": sheet.spec.kind,
        "rows": len(sheet.rows),
        "skipped": skipped,
        "skipped_total": len(reading.skipped) if reading is not None else 0,
        "columns": columns,
    }


def _per_unit(result):
    """What the import changes in each unit: (unit name, people added, people updated, quotas)."""
    added, updated, quotas = Counter(), Counter(), Counter()
    for _person, assignment in result.plan.staff_new:
        added[assignment.unit.name] += 1
    for _person, values in result.plan.placements:
        if "unit" in values:
            updated[values["unit"].name] += 1
    for quota in result.plan.quota_new:
        quotas[getattr(quota, "unit", None).name if getattr(quota, "unit", None) else ""] += 1
    names = sorted(set(added) | set(updated) | set(quotas))
    return [(name, added[name], updated[name], quotas[name]) for name in names]


def job_result(job):
    return _load(job.plan)


def import_job_apply(job, *, by, queued=False):
    """Write the checked plan in one transaction. Raises ``ImportRefused`` with the reason when it
    cannot be applied (errors, or records changed meanwhile). ``queued``: the worker's run of a job
    the page marked as applying."""
    if job.status != (ImportStatus.APPLYING if queued else ImportStatus.CHECKED):
        raise ImportRefused(_("This import is not ready to apply."))
    result = job_result(job)
    if not result.ok:
        raise ImportRefused(_("The file has errors: nothing has been saved."))
    expected = job.status
    job.status = ImportStatus.APPLYING
    job.heartbeat_at = timezone.now()
    mine = ImportJob.objects.filter(pk=job.pk, status=expected, attempts=job.attempts)
    if not mine.update(status=job.status, heartbeat_at=job.heartbeat_at):
        raise ImportRefused(_("This import was stopped; start it again from its page."))
    try:
        with transaction.atomic():
            # The job row stays locked until the plan is written, so the scheduled recovery cannot
            # mark it failed halfway; a job already marked failed is not applied.
            held = ImportJob.objects.select_for_update().filter(
                pk=job.pk, status=ImportStatus.APPLYING, attempts=job.attempts
            )
            if not held.exists():
                raise ImportRefused(_("This import was stopped; start it again from its page."))
            stats = import_apply(plan=result.plan, by=by)
    except StaleVersion as exc:
        job.status = ImportStatus.CHECKED
        job.save(update_fields=["status"])
        raise ImportRefused(
            _("Someone changed these records while you were reviewing the import; check it again.")
        ) from exc
    except IntegrityError as exc:
        job.status = ImportStatus.CHECKED
        job.save(update_fields=["status"])
        raise ImportRefused(
            _("Someone added the same records while you were reviewing the import; check it again.")
        ) from exc
    except (ValidationError, PermissionDenied) as exc:
        # A rule checked when writing (the province's pool, a movement open over a home-unit change,
        # a back-dated leave that undoes a transfer, which only a province official may record).
        job.status = ImportStatus.CHECKED
        job.save(update_fields=["status"])
        raise ImportRefused(" ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)) from exc
    job.summary = {**job.summary, "applied": stats}
    job.status = ImportStatus.APPLIED
    job.finished_at = timezone.now()
    for field in (job.parsed, job.plan):
        if field:
            field.delete(save=False)
    job.save()
    return stats


WORKER_STOPPED = {
    ImportStatus.READING: gettext_lazy(
        "The worker stopped while reading the file (no sign of life for %(minutes)s minutes). Nothing was saved."
    ),
    ImportStatus.CHECKING: gettext_lazy(
        "The worker stopped while checking the rows (no sign of life for %(minutes)s minutes). Nothing was saved."
    ),
    ImportStatus.APPLYING: gettext_lazy(
        "The worker stopped while applying the import (no sign of life for %(minutes)s minutes). "
        "Applying is one transaction, so nothing was saved."
    ),
}


def import_jobs_recover(now=None) -> int:
    """Mark failed the background imports whose worker fell silent for ``IMPORT_JOB_STALE_SECONDS``
    (it was killed, or the machine stopped), keeping what they read so they can start again.
    Returns how many were marked."""
    now = now or timezone.now()
    limit = settings.IMPORT_JOB_STALE_SECONDS
    running = ImportJob.objects.filter(status__in=RUNNING_IMPORT).values_list(
        "pk", "status", "attempts", "heartbeat_at", "started_at", "created_at"
    )
    failed = 0
    for pk, status, attempts, heartbeat_at, started_at, created_at in running:
        last_sign = heartbeat_at or started_at or created_at
        if jobs.stale_reason(now=now, last_sign=last_sign, stale_seconds=limit) is None:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            error = str(WORKER_STOPPED[status] % {"minutes": max(1, round(limit / 60))})
        failed += ImportJob.objects.filter(pk=pk, status=status, attempts=attempts, heartbeat_at=heartbeat_at).update(
            status=ImportStatus.FAILED, error=error, finished_at=now
        )
    return failed


def import_job_restart(job):
    """Start a failed job again: its kept cells are checked again (with its column mapping), or
    its kept file is read again. Raises ``ImportRefused`` when it kept neither (upload again)."""
    if not job.can_restart:
        raise ImportRefused(_("This import kept nothing to start again from; upload the file again."))
    job.error = ""
    job.progress = 0
    job.finished_at = None
    if job.parsed:
        job.status = ImportStatus.MAPPING
        job.save()
        return import_job_start_check(job)
    job.status = ImportStatus.READING
    job.save()
    if job.upload.size > background_bytes():
        _enqueue(job, "read")
        return job
    return import_job_read(job)


def _fail(job, message):
    job.status = ImportStatus.FAILED
    job.error = str(message)
    for field in (job.upload, job.parsed, job.plan):
        if field:
            field.delete(save=False)
    job.save()
    return job


def alias_add(*, user, job, kind, value, target):
    """Say what a value means from now on: for the province (a province official) or the unit.

    Raises ``ValueError`` for an unknown target.
    """
    if target not in {code for code, _label in accepted_values(kind)}:
        raise ValueError(target)
    province_wide = job.unit is None or may(user, "alias.province", job.province)
    scope = {"province": job.province, "unit": None} if province_wide else {"province": None, "unit": job.unit}
    with transaction.atomic():
        alias = ValueAlias.objects.filter(kind=kind, key=normalize_search(value), **scope).first()
        if alias is None:
            alias = ValueAlias(kind=kind, value=value, created_by=user, **scope)
        alias.target = target
        alias.save()
    return alias
