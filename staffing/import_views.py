"""Import pages: upload → columns (mapping, with a live preview) → preview (errors, skipped rows,
values to map) → apply. For one unit (``units/<code>/import/…``) or, for a province official, a
workbook of many units (``imports/province/…``). The work is in ``staffing.imports``."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View

from accounts.policy import is_province_official
from accounts.scoping import can_write
from staffing import imports, intake
from staffing.forms import ImportUploadForm
from staffing.importer import ImportRefused
from staffing.models import AliasKind, ImportJob, ImportStatus
from staffing.views import scoped_unit

PREVIEW_RECORDS = 8


class ImportScopeMixin(LoginRequiredMixin):
    """The unit (from the URL) or the province (a province official's own) an import is for."""

    province_level = False

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if self.province_level:
            user = request.user
            if not (is_province_official(user) and user.province_id and can_write(user)):
                raise PermissionDenied(_("Only a province official imports a workbook of many units."))
            self.unit, self.province = None, user.province
        else:
            self.unit = scoped_unit(request, kwargs["code"], edit=True)
            self.province = self.unit.province
        return super().dispatch(request, *args, **kwargs)

    def url(self, name, job=None):
        prefix = "province-import" if self.province_level else "unit-import"
        args = [] if self.province_level else [self.unit.code]
        if job is not None:
            args.append(job.token)
        return reverse(f"{prefix}{name}", args=args)

    def get_job(self, token, statuses=None):
        job = get_object_or_404(
            ImportJob.objects.select_related("owner", "unit", "province"),
            token=token,
            owner=self.request.user,
            unit=self.unit,
            province=self.province,
        )
        if statuses is not None and job.status not in statuses:
            raise Http404
        return job

    def context(self, **extra):
        return {
            "unit": self.unit,
            "province": self.province,
            "province_level": self.province_level,
            "upload_url": self.url(""),
            **extra,
        }

    def next_step(self, job):
        """Where a job goes from here, by its status."""
        if job.running:
            return redirect(self.url("-job", job))
        if job.status == ImportStatus.MAPPING:
            return redirect(self.url("-mapping", job))
        if job.status == ImportStatus.CHECKED:
            return redirect(self.url("-preview", job))
        if job.status == ImportStatus.APPLIED:
            return redirect(self.done_url())
        if job.can_restart:
            return redirect(self.url("-job", job))  # the reason, and a way to start again
        messages.error(self.request, job.error)
        return redirect(self.url(""))

    def done_url(self):
        if self.province_level:
            return reverse("home")
        return reverse("unit-roster", args=[self.unit.code])


class ImportUploadView(ImportScopeMixin, View):
    template_name = "staffing/import_upload.html"

    def get(self, request, **kwargs):
        return render(request, self.template_name, self.context(form=ImportUploadForm()))

    def post(self, request, **kwargs):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, self.context(form=form), status=400)
        try:
            job = imports.import_job_create(
                user=request.user,
                unit=self.unit,
                province=self.province,
                upload=form.cleaned_data["file"],
                effective_from=form.cleaned_data["effective_from"],
                reason=form.cleaned_data["reason"],
            )
        except ImportRefused as exc:
            form.add_error("file", exc.message)
            return render(request, self.template_name, self.context(form=form), status=400)
        if job.status == ImportStatus.FAILED:
            form.add_error("file", job.error)
            return render(request, self.template_name, self.context(form=form), status=400)
        if job.status == ImportStatus.CHECKED and not job.summary.get("ok"):
            return render(request, "staffing/import_preview.html", preview_context(self, job), status=400)
        return self.next_step(job)


class ImportJobView(ImportScopeMixin, View):
    """A job being read, checked or applied in the background: its progress, refreshed by htmx."""

    def get(self, request, token, **kwargs):
        job = self.get_job(token)
        if job.can_restart:
            # Stopped in the background (its worker fell silent): the reason, and a way to start again.
            ctx = self.context(job=job, job_url=self.url("-job", job), restart_url=self.url("-restart", job))
            if request.headers.get("HX-Request"):
                # 286 stops htmx polling.
                return render(request, "staffing/includes/import_progress.html", ctx, status=286)
            return render(request, "staffing/import_job.html", ctx)
        if not job.running:
            target = self.next_step(job)
            if request.headers.get("HX-Request"):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target["Location"]
                return response
            return target
        template = "staffing/includes/import_progress.html" if request.headers.get("HX-Request") else None
        ctx = self.context(job=job, job_url=self.url("-job", job))
        return render(request, template or "staffing/import_job.html", ctx)


class ImportRestartView(ImportScopeMixin, View):
    """A failed job starts again from what it kept (its cells are checked again, or its file read)."""

    def post(self, request, token, **kwargs):
        job = self.get_job(token, [ImportStatus.FAILED])
        try:
            imports.import_job_restart(job)
        except ImportRefused as exc:
            messages.error(request, exc.message)
            return redirect(self.url(""))
        job.refresh_from_db()  # the worker may have taken it further already
        return self.next_step(job)


class ImportMappingView(ImportScopeMixin, View):
    """Every column found, with its guessed meaning: the user confirms or changes each one."""

    template_name = "staffing/import_mapping.html"

    def get(self, request, token, **kwargs):
        job = self.get_job(token, [ImportStatus.MAPPING, ImportStatus.CHECKED])
        readings = imports.job_readings(job)
        return render(request, self.template_name, self.mapping_context(job, readings))

    def mapping_context(self, job, readings, **extra):
        sheets = []
        for n, reading in enumerate(readings):
            allowed = allowed_meanings(reading.kind)
            sheets.append(
                {
                    "n": n,
                    "reading": reading,
                    "columns": [
                        {
                            "field": f"m-{n}-{c.index}",
                            "letter": c.letter,
                            "header": c.header,
                            "meaning": c.meaning,
                            "certain": c.source == "user"
                            or c.confidence in (intake.Confidence.EXACT, intake.Confidence.VARIANT),
                            "choices": allowed,
                        }
                        for c in reading.columns
                        if c.header or c.meaning
                    ],
                    "preview": preview_rows(reading),
                }
            )
        return self.context(
            job=job,
            sheets=sheets,
            confidence=dict(intake.Confidence.choices),
            action=self.url("-mapping", job),
            live_url=self.url("-mapping-live", job),
            **extra,
        )

    def posted_mapping(self, request, job):
        readings = imports.job_readings(job, mapping={})
        mapping = {}
        valid = set(intake.Meaning.values) | {""}
        for n, reading in enumerate(readings):
            columns = {}
            for c in reading.columns:
                value = request.POST.get(f"m-{n}-{c.index}")
                if value is not None and value in valid:
                    columns[c.index] = value
            mapping[reading.name] = columns
        return mapping

    def post(self, request, token, **kwargs):
        job = self.get_job(token, [ImportStatus.MAPPING, ImportStatus.CHECKED])
        mapping = self.posted_mapping(request, job)
        imports.import_job_set_mapping(job, mapping)
        job = imports.import_job_start_check(job)
        return self.next_step(job)


class ImportMappingLiveView(ImportMappingView):
    """The first rows as they would be read with the mapping being chosen (an htmx partial)."""

    def get(self, request, token, **kwargs):
        raise Http404

    def post(self, request, token, **kwargs):
        job = self.get_job(token, [ImportStatus.MAPPING, ImportStatus.CHECKED])
        mapping = self.posted_mapping(request, job)
        readings = imports.job_readings(job, mapping=mapping)
        ctx = self.mapping_context(job, readings)
        return render(request, "staffing/includes/import_mapping_preview.html", ctx)


class ImportPreviewView(ImportScopeMixin, View):
    """What the checked file would change, its errors and skipped rows; POST applies it."""

    def get(self, request, token, **kwargs):
        job = self.get_job(token)
        if job.status != ImportStatus.CHECKED:
            return self.next_step(job)
        status = 200 if job.summary.get("ok") else 400
        return render(request, "staffing/import_preview.html", preview_context(self, job), status=status)

    def post(self, request, token, **kwargs):
        job = self.get_job(token, [ImportStatus.CHECKED])
        if job.total > imports.background_rows():
            job.status = ImportStatus.APPLYING
            job.save(update_fields=["status"])
            imports._enqueue(job, "apply")
            return redirect(self.url("-job", job))
        try:
            stats = imports.import_job_apply(job, by=request.user)
        except ImportRefused as exc:
            messages.error(request, exc.message)
            job.refresh_from_db()
            if job.status == ImportStatus.CHECKED and job.summary.get("ok"):
                imports.import_job_check(job)
            return redirect(self.url("-preview", job))
        messages.success(request, applied_message(stats))
        return redirect(self.done_url())


class ImportAliasView(ImportScopeMixin, View):
    """Map an unknown value to a field, position, qualification or category, then check again."""

    def post(self, request, token, **kwargs):
        job = self.get_job(token, [ImportStatus.CHECKED])
        kind, value, target = (request.POST.get(k, "") for k in ("kind", "value", "target"))
        if kind not in AliasKind.values or not value.strip() or not target:
            messages.error(request, _("Choose what the value means."))
            return redirect(self.url("-preview", job))
        try:
            alias = imports.alias_add(user=request.user, job=job, kind=kind, value=value.strip(), target=target)
        except ValueError:
            messages.error(request, _("Choose what the value means."))
            return redirect(self.url("-preview", job))
        messages.success(
            request,
            _("«%(value)s» now reads as «%(target)s».") % {"value": alias.value, "target": target_label(kind, target)},
        )
        job = imports.import_job_start_check(job)
        return self.next_step(job)


def target_label(kind, code):
    return dict(imports.accepted_values(kind)).get(code, code)


def allowed_meanings(kind):
    labels = dict(intake.Meaning.choices)
    allowed = intake.KIND_MEANINGS.get(kind) if kind else set(intake.Meaning.values)
    order = [m for m in intake.Meaning.values if m in (allowed or ()) or m == intake.M.IGNORE]
    return [("", _("— not recognised —"))] + [(m, labels[m]) for m in order]


def preview_rows(reading):
    labels = dict(intake.Meaning.choices)
    meanings = []
    for record in reading.records[:PREVIEW_RECORDS]:
        for m in record.values:
            if m not in meanings:
                meanings.append(m)
    rows = []
    for record in reading.records[:PREVIEW_RECORDS]:
        cells = []
        for m in meanings:
            value = record.values.get(m, "")
            if hasattr(value, "strftime"):
                value = value.strftime("%d/%m/%Y")
            cells.append(value)
        rows.append((record.row, cells))
    return {
        "headers": [labels.get(m, m) for m in meanings],
        "rows": rows,
        "missing": [labels[m] for m in reading.missing] if reading.kind else [labels[intake.M.FULL_NAME]],
        "records": len(reading.records),
        "skipped": len(reading.skipped),
        "kind": reading.kind,
    }


def preview_context(view, job):
    result = imports.job_result(job)
    return view.context(
        job=job,
        result=result,
        token=job.token,
        filename=job.filename,
        counts=result.counts(),
        sheets=getattr(result, "sheet_summaries", []),
        per_unit=getattr(result, "per_unit", []),
        apply_url=view.url("-preview", job),
        alias_url=view.url("-alias", job),
        mapping_url=view.url("-mapping", job),
    )


def applied_message(stats):
    return (
        _(
            "Import applied: %(staff_created)s staff added, %(staff_updated)s staff updated, "
            "%(staff_left)s taken off the roll, %(quotas_created)s quotas added, %(quotas_updated)s quotas "
            "updated, %(absences_created)s absences added, %(absences_updated)s absences updated."
        )
        % stats
    )
