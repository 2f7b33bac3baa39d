"""Roster and quota pages: staff record with history, create/edit/deactivate, quotas, Excel."""

import tempfile
import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from accounts.scoping import can_edit, for_user, require_edit
from accounts.views import ScopedMixin
from audit.services import audit_record
from communes.models import Unit
from reports.excel import XLSX_CONTENT_TYPE
from staffing import services
from staffing.forms import ImportUploadForm, QuotaForm, StaffDeactivateForm, StaffForm
from staffing.history import record_history
from staffing.importer import ImportRefused, validate_workbook
from staffing.models import Quota, Staff
from staffing.workbook import unit_template


def scoped_unit(request, code, *, edit=False):
    unit = get_object_or_404(for_user(Unit.objects.select_related("province"), request.user), code=code)
    if edit:
        require_edit(request.user, unit)
    return unit


def scoped_object(request, model, pk, *, edit=False, related=()):
    obj = get_object_or_404(for_user(model.objects.select_related(*related), request.user), pk=pk)
    if edit:
        require_edit(request.user, obj)
    return obj


def conflict_rows(form, current):
    """(label, current value, the value the user typed) for each field that now differs."""
    rows = []
    for name in form._meta.fields:
        if name not in form.cleaned_data:
            continue
        mine, theirs = form.cleaned_data[name], getattr(current, name)
        if mine != theirs:
            bf = form[name]
            display = getattr(current, f"get_{name}_display", None)
            rows.append((bf.label, display() if display else theirs, mine))
    return rows


class StaffDetailView(ScopedMixin, DetailView):
    model = Staff
    template_name = "staffing/staff_detail.html"
    context_object_name = "staff"

    def get_queryset(self):
        return super().get_queryset().select_related("home_unit", "position", "field", "major_field")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["history"] = record_history(self.object)
        ctx["can_edit"] = can_edit(self.request.user, self.object)
        audit_record(self.request, "staff.view", staff=self.object)
        return ctx


class VersionedEditView(LoginRequiredMixin, View):
    """GET shows the form; POST saves through a service, refusing a save over a newer change."""

    template_name = ""
    form_class = None

    def get_target(self):
        raise NotImplementedError

    def form_kwargs(self):
        return {}

    def save(self, form):
        raise NotImplementedError

    def success_url(self, obj):
        return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"

    def context(self, **extra):
        return {"object": self.target, **extra}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.target = self.get_target()
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        form = self.form_class(**self.form_kwargs())
        return render(request, self.template_name, self.context(form=form))

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, **self.form_kwargs())
        if form.is_valid():
            try:
                obj = self.save(form)
            except services.StaleVersion as exc:
                conflicts = conflict_rows(form, exc.current)
                # The form now shows the current values; what the user typed is listed beside them.
                fresh = self.form_class(**{**self.form_kwargs(), "instance": exc.current})
                ctx = self.context(form=fresh, conflicts=conflicts, stale_message=exc.message)
                return render(request, self.template_name, ctx, status=409)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(obj))
        return render(request, self.template_name, self.context(form=form), status=400)


class StaffCreateView(VersionedEditView):
    template_name = "staffing/staff_form.html"
    form_class = StaffForm

    def get_target(self):
        return scoped_unit(self.request, self.kwargs["code"], edit=True)

    def form_kwargs(self):
        return {"home_unit": self.target}

    def context(self, **extra):
        return {"unit": self.target, "creating": True, **extra}

    def save(self, form):
        values = form.changes()
        return services.staff_create(by=self.request.user, home_unit=self.target, **values)

    def success_url(self, obj):
        return reverse("staff-detail", args=[obj.pk])


class StaffUpdateView(VersionedEditView):
    template_name = "staffing/staff_form.html"
    form_class = StaffForm

    def get_target(self):
        return scoped_object(self.request, Staff, self.kwargs["pk"], edit=True, related=["home_unit"])

    def form_kwargs(self):
        return {"instance": Staff.objects.get(pk=self.target.pk), "home_unit": self.target.home_unit}

    def context(self, **extra):
        return {"unit": self.target.home_unit, "staff": self.target, **extra}

    def save(self, form):
        return services.staff_update(
            staff=self.target, by=self.request.user, version=form.cleaned_data["version"], **form.changes()
        )

    def success_url(self, obj):
        return reverse("staff-detail", args=[obj.pk])


class StaffDeactivateView(StaffUpdateView):
    template_name = "staffing/staff_deactivate.html"
    form_class = StaffDeactivateForm

    def form_kwargs(self):
        return {"instance": Staff.objects.get(pk=self.target.pk)}

    def save(self, form):
        return services.staff_deactivate(
            staff=self.target,
            by=self.request.user,
            version=form.cleaned_data["version"],
            status=form.cleaned_data["status"],
            end_date=form.cleaned_data["end_date"],
        )


class QuotaCreateView(VersionedEditView):
    template_name = "staffing/quota_form.html"
    form_class = QuotaForm

    def get_target(self):
        return scoped_unit(self.request, self.kwargs["code"], edit=True)

    def form_kwargs(self):
        initial = {k: self.request.GET[k] for k in ("field", "category") if self.request.GET.get(k)}
        return {"unit": self.target, "initial": initial}

    def context(self, **extra):
        return {"unit": self.target, "creating": True, **extra}

    def save(self, form):
        values = form.changes()
        return services.quota_set(by=self.request.user, unit=self.target, **values)

    def success_url(self, obj):
        return reverse("unit-detail", args=[obj.unit.code]) + "#quotas"


class QuotaUpdateView(VersionedEditView):
    template_name = "staffing/quota_form.html"
    form_class = QuotaForm

    def get_target(self):
        return scoped_object(self.request, Quota, self.kwargs["pk"], edit=True, related=["unit", "field"])

    def form_kwargs(self):
        return {"instance": Quota.objects.get(pk=self.target.pk), "unit": self.target.unit}

    def context(self, **extra):
        return {"unit": self.target.unit, "quota": self.target, "history": record_history(self.target), **extra}

    def save(self, form):
        return services.quota_update(
            quota=self.target, by=self.request.user, version=form.cleaned_data["version"], **form.changes()
        )

    def success_url(self, obj):
        return reverse("unit-detail", args=[obj.unit.code]) + "#quotas"


class UnitTemplateView(LoginRequiredMixin, View):
    """The unit's pre-filled Excel template (readable by anyone who may see the unit)."""

    def get(self, request, code):
        unit = scoped_unit(request, code)
        tmp = tempfile.TemporaryFile()
        unit_template(unit, tmp)
        tmp.seek(0)
        filename = f"bien-che-{unit.code}-{timezone.localdate():%Y%m%d}.xlsx"
        return FileResponse(tmp, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


IMPORT_SESSION_KEY = "staffing_imports"


class ImportUploadView(LoginRequiredMixin, View):
    template_name = "staffing/import_upload.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.unit = scoped_unit(request, kwargs["code"], edit=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, code):
        return render(request, self.template_name, {"unit": self.unit, "form": ImportUploadForm()})

    def post(self, request, code):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"unit": self.unit, "form": form}, status=400)
        upload = form.cleaned_data["file"]
        try:
            result = validate_workbook(upload, user=request.user, default_unit=self.unit, size=upload.size)
        except ImportRefused as exc:
            form.add_error("file", exc.message)
            return render(request, self.template_name, {"unit": self.unit, "form": form}, status=400)
        if not result.ok:
            ctx = self.preview_context(result, None, upload.name)
            return render(request, "staffing/import_preview.html", ctx, status=400)
        # Kept until confirmed: the confirm step validates the same bytes again before applying.
        token = uuid.uuid4().hex
        upload.seek(0)
        path = default_storage.save(f"imports/{token}.xlsx", ContentFile(upload.read()))
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        pending[token] = {"path": path, "unit": self.unit.code, "name": upload.name[:200]}
        request.session[IMPORT_SESSION_KEY] = pending
        return redirect("unit-import-preview", code=self.unit.code, token=token)

    def preview_context(self, result, token, name):
        return {"unit": self.unit, "result": result, "token": token, "filename": name, "counts": result.counts()}


class ImportPreviewView(ImportUploadView):
    """Shows what the stored upload would change; POST applies it after validating it again."""

    def pending(self, request, token):
        item = request.session.get(IMPORT_SESSION_KEY, {}).get(token)
        if item is None or item["unit"] != self.unit.code:
            raise Http404
        return item

    def validate(self, request, item):
        with default_storage.open(item["path"], "rb") as fh:
            return validate_workbook(fh, user=request.user, default_unit=self.unit)

    def get(self, request, code, token):
        item = self.pending(request, token)
        try:
            result = self.validate(request, item)
        except ImportRefused as exc:
            messages.error(request, exc.message)
            return redirect("unit-import", code=self.unit.code)
        return render(request, "staffing/import_preview.html", self.preview_context(result, token, item["name"]))

    def post(self, request, code, token):
        item = self.pending(request, token)
        try:
            result = self.validate(request, item)
        except ImportRefused as exc:
            messages.error(request, exc.message)
            return redirect("unit-import", code=self.unit.code)
        if not result.ok:
            ctx = self.preview_context(result, token, item["name"])
            return render(request, "staffing/import_preview.html", ctx, status=400)
        try:
            stats = services.import_apply(plan=result.plan, by=request.user)
        except services.StaleVersion:
            messages.error(
                request, _("Someone changed these records while you were reviewing the import; check it again.")
            )
            return redirect("unit-import-preview", code=self.unit.code, token=token)
        pending = request.session.get(IMPORT_SESSION_KEY, {})
        pending.pop(token, None)
        request.session[IMPORT_SESSION_KEY] = pending
        default_storage.delete(item["path"])
        messages.success(
            request,
            _(
                "Import applied: %(staff_created)s staff added, %(staff_updated)s staff updated, "
                "%(quotas_created)s quotas added, %(quotas_updated)s quotas updated."
            )
            % stats,
        )
        return redirect("unit-roster", code=self.unit.code)
