"""Roster and quota pages: staff record with history, create/edit/deactivate, quotas, Excel."""

import tempfile

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView

from accounts.policy import may, require
from accounts.scoping import can_edit, for_user, require_edit
from accounts.views import ScopedMixin
from audit.services import audit_record
from communes.models import Unit
from core.excel import XLSX_CONTENT_TYPE
from staffing import services
from staffing.forms import (
    AbsenceForm,
    PlacementForm,
    QuotaForm,
    StaffCreateForm,
    StaffForm,
    StaffLeaveForm,
)
from staffing.history import record_history, timeline, timeline_rows
from staffing.models import PERSONAL_FIELDS, Absence, Quota, Staff
from staffing.tables import PERSON_HISTORY
from staffing.workbook import unit_template


def scoped_unit(request, code, *, edit=False):
    unit = get_object_or_404(for_user(Unit.objects.select_related("province"), request.user), code=code)
    if edit:
        require_edit(request.user, unit)
    return unit


def scoped_object(request, model, pk, *, edit=False, related=()):
    qs = model.objects.select_related(*related) if related else model.objects.all()
    obj = get_object_or_404(for_user(qs, request.user), pk=pk)
    if edit:
        require_edit(request.user, obj)
    return obj


def conflict_rows(form, current):
    """(label, current value, the value the user typed) for each field that now differs."""
    rows = []
    names = form._meta.fields if hasattr(form, "_meta") else list(form.cleaned_data)
    for name in names:
        if name not in form.cleaned_data or name == "version" or not hasattr(current, name):
            continue
        mine, theirs = form.cleaned_data[name], getattr(current, name)
        if mine != theirs:
            bf = form[name]
            display = getattr(current, f"get_{name}_display", None)
            rows.append((bf.label, display() if display else theirs, mine))
    return rows


def may_edit_staff(user, staff, placement=None) -> bool:
    """A writing role whose scope holds the person's current (or latest) home unit."""
    placement = placement or staff.current_placement()
    return placement is not None and can_edit(user, placement.unit)


class StaffDetailView(ScopedMixin, DetailView):
    model = Staff
    template_name = "staffing/staff_detail.html"
    context_object_name = "staff"

    def get_queryset(self):
        return super().get_queryset().select_related("major_field")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        placement = self.object.current_placement()
        personal = may(self.request.user, "staff.view_personal")
        entries = timeline(self.object)
        ctx.update(
            placement=placement,
            is_mismatch=placement is not None and placement.is_mismatch(self.object.major_field_id),
            timeline=entries,
            timeline_rows=timeline_rows(self.object, entries),
            history_table=PERSON_HISTORY,
            history=record_history(self.object, hidden=() if personal else PERSONAL_FIELDS),
            can_edit=may_edit_staff(self.request.user, self.object, placement),
            can_view_personal=personal,
        )
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

    def fresh_form(self, current):
        return self.form_class(**{**self.form_kwargs(), "instance": current})

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
                ctx = self.context(form=self.fresh_form(exc.current), conflicts=conflicts, stale_message=exc.message)
                return render(request, self.template_name, ctx, status=409)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect(self.success_url(obj))
        return render(request, self.template_name, self.context(form=form), status=400)


def apply_errors(form, exc: ValidationError):
    """Attach a service's ValidationError to ``form``: unknown fields become form-wide errors."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


class StaffCreateView(VersionedEditView):
    template_name = "staffing/staff_form.html"
    form_class = StaffCreateForm

    def get_target(self):
        return scoped_unit(self.request, self.kwargs["code"], edit=True)

    def context(self, **extra):
        return {"unit": self.target, "creating": True, **extra}

    def save(self, form):
        identity = {name: form.cleaned_data[name] for name in StaffForm._meta.fields}
        return services.staff_create(
            by=self.request.user,
            placement={"unit": self.target, **form.placement()},
            decision_number=form.cleaned_data["decision_number"],
            decision_date=form.cleaned_data["decision_date"],
            **identity,
        )

    def success_url(self, obj):
        return reverse("staff-detail", args=[obj.pk])


class StaffEditMixin:
    """The person, in scope and editable by the user (their current home unit is theirs)."""

    def get_target(self):
        staff = scoped_object(self.request, Staff, self.kwargs["pk"])
        self.placement = staff.current_placement()
        if not may_edit_staff(self.request.user, staff, self.placement):
            raise PermissionDenied
        return staff

    def context(self, **extra):
        unit = self.placement.unit if self.placement else None
        return {"unit": unit, "staff": self.target, "placement": self.placement, **extra}

    def success_url(self, obj):
        return reverse("staff-detail", args=[self.target.pk])


class StaffUpdateView(StaffEditMixin, VersionedEditView):
    """Who the person is (name, birth date, education); placement changes have their own page."""

    template_name = "staffing/staff_form.html"
    form_class = StaffForm

    def form_kwargs(self):
        return {"instance": Staff.objects.get(pk=self.target.pk)}

    def save(self, form):
        return services.staff_update(
            staff=self.target, by=self.request.user, version=form.cleaned_data["version"], **form.changes()
        )


class PlacementChangeView(StaffEditMixin, VersionedEditView):
    """A change of placement from a date; before today, a correction by a province official."""

    template_name = "staffing/placement_form.html"
    form_class = PlacementForm

    def form_kwargs(self):
        p = self.placement
        initial = {"version": self.target.version}
        if p is not None:
            initial.update(
                unit=p.unit_id, position=p.position_id, field=p.field_id, category=p.category, is_leader=p.is_leader
            )
        units = for_user(Unit.objects.filter(is_active=True), self.request.user)
        if p is not None and not may(self.request.user, "placement.change_unit"):
            units = units.filter(pk=p.unit_id)
        return {"initial": initial, "units": units.order_by("name")}

    def fresh_form(self, current):
        return self.form_class(
            **{**self.form_kwargs(), "initial": {**self.form_kwargs()["initial"], "version": current.version}}
        )

    def save(self, form):
        data = form.cleaned_data
        try:
            return services.placement_change(
                staff=self.target,
                by=self.request.user,
                version=data["version"],
                effective_from=data["effective_from"],
                reason=data["reason"],
                decision_number=data["decision_number"],
                decision_date=data["decision_date"],
                **form.placement(),
            ).assignment
        except PermissionDenied as exc:
            raise ValidationError({"effective_from": str(exc)}) from exc


class StaffLeaveView(StaffEditMixin, VersionedEditView):
    """Take the person off the roll. If leaving also ends or cancels movements, the page lists them
    and asks for confirmation first; nothing is saved until then."""

    template_name = "staffing/staff_deactivate.html"
    form_class = StaffLeaveForm

    def form_kwargs(self):
        return {"staff": self.target}

    def fresh_form(self, current):
        return self.form_class(staff=current)

    def post(self, request, *args, **kwargs):
        form = self.form_class(request.POST, staff=self.target)
        if form.is_valid() and not form.cleaned_data["confirmed"]:
            effects = services.leaving_preview(staff=self.target, last_day=form.cleaned_data["end_date"])
            if effects:
                data = request.POST.copy()
                data["confirmed"] = "True"
                confirm = self.form_class(data, staff=self.target)
                confirm.is_valid()
                return render(request, self.template_name, self.context(form=confirm, effects=effects))
        return super().post(request, *args, **kwargs)

    def save(self, form):
        data = form.cleaned_data
        try:
            result = services.staff_leave(
                staff=self.target,
                by=self.request.user,
                version=data["version"],
                status=data["status"],
                end_date=data["end_date"],
            )
        except PermissionDenied as exc:
            raise ValidationError({"end_date": str(exc)}) from exc
        for text in result.done:
            messages.info(self.request, text)
        return result.person


class AbsenceCreateView(StaffEditMixin, VersionedEditView):
    template_name = "staffing/absence_form.html"
    form_class = AbsenceForm

    def form_kwargs(self):
        return {"person": self.target}

    def save(self, form):
        return services.absence_create(by=self.request.user, person=self.target, **form.changes())


class AbsenceUpdateView(StaffEditMixin, VersionedEditView):
    template_name = "staffing/absence_form.html"
    form_class = AbsenceForm

    def get_target(self):
        self.absence = get_object_or_404(Absence, pk=self.kwargs["absence_pk"], person_id=self.kwargs["pk"])
        return super().get_target()

    def form_kwargs(self):
        return {"person": self.target, "instance": Absence.objects.get(pk=self.absence.pk)}

    def context(self, **extra):
        return super().context(absence=self.absence, **extra)

    def save(self, form):
        return services.absence_update(
            absence=self.absence, by=self.request.user, version=form.cleaned_data["version"], **form.changes()
        )


class QuotaCreateView(VersionedEditView):
    template_name = "staffing/quota_form.html"
    form_class = QuotaForm

    def get_target(self):
        unit = scoped_unit(self.request, self.kwargs["code"])
        require(self.request.user, "quota.decide", unit)
        return unit

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
        quota = scoped_object(self.request, Quota, self.kwargs["pk"], related=["unit", "field"])
        require(self.request.user, "quota.decide", quota.unit)
        return quota

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
