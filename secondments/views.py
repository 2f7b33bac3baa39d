"""Pages of plans, movements, alerts and staff requests. Thin: they call selectors and services
and only translate their errors (403 and 409 pages carry the service's message)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView
from django.views.generic.edit import CreateView, DeleteView, UpdateView

from accounts.policy import may, require
from accounts.scoping import for_user
from accounts.views import ScopedMixin
from secondments import services, tables
from secondments.filters import MovementFilterSet
from secondments.forms import (
    ACTION_FORMS,
    FulfilForm,
    NominationForm,
    PlanForm,
    SendingQuotaForm,
    StaffRequestForm,
    apply_errors,
)
from secondments.models import QUOTA_ROUNDING_RULE, Plan, Secondment, SendingQuota, StaffRequest, Status
from secondments.selectors import ALERT_LIMIT, alert_groups, alert_rows
from secondments.services import TransitionError
from secondments.tables import ALERTS

MOVEMENT_RELATED = ("person", "from_unit", "to_unit", "field", "plan")


class RefusalMixin:
    """Answer a refused action with its message: 403 for the role, 409 for the status."""

    def check(self):
        """Refuse before the handler runs: raise PermissionDenied or TransitionError."""

    def dispatch(self, request, *args, **kwargs):
        try:
            if request.user.is_authenticated:
                self.check()
            return super().dispatch(request, *args, **kwargs)
        except PermissionDenied as exc:
            message = str(exc) or _("Your role does not allow this action.")
            return render(request, "secondments/refused.html", {"message": message}, status=403)
        except TransitionError as exc:
            return render(request, "secondments/refused.html", {"message": exc.message}, status=409)


# Plans


class PlanListView(ScopedMixin, ListView):
    model = Plan
    template_name = "secondments/plan_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("province")
            .annotate(n_movements=Count("movements"))
            .order_by(*Plan._meta.ordering, "pk")
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(can_manage=may(self.request.user, "plan.manage"), **kwargs)


class PlanWriteMixin(RefusalMixin, ScopedMixin):
    model = Plan
    form_class = PlanForm
    template_name = "secondments/plan_form.html"

    def check(self):
        require(self.request.user, "plan.manage", getattr(self, "object", None))

    def get_form_kwargs(self):
        province = self.object.province if getattr(self, "object", None) else self.request.user.province
        return {**super().get_form_kwargs(), "province": province}

    def form_valid(self, form):
        form.instance._history_user = self.request.user
        messages.success(self.request, _("The plan was saved."))
        return super().form_valid(form)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PlanCreateView(PlanWriteMixin, CreateView):
    pass


class PlanUpdateView(PlanWriteMixin, UpdateView):
    def get(self, request, *args, **kwargs):
        self.object = self.get_object()  # 404 first, then 403
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        return super().post(request, *args, **kwargs)


class QuotaWriteMixin(RefusalMixin, ScopedMixin):
    model = SendingQuota
    form_class = SendingQuotaForm
    template_name = "secondments/quota_form.html"
    pk_url_kwarg = "quota_pk"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.plan = None

    def get_plan(self):
        if self.plan is None:
            self.plan = get_object_or_404(for_user(Plan.objects.all(), self.request.user), pk=self.kwargs["pk"])
            require(self.request.user, "plan.sending_quota", self.plan)
        return self.plan

    def get_queryset(self):
        return super().get_queryset().filter(plan=self.get_plan())

    def get(self, request, *args, **kwargs):
        self.get_plan()
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        self.get_plan()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "plan": self.get_plan()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.get_plan(), rounding_rule=QUOTA_ROUNDING_RULE, **kwargs)

    def get_success_url(self):
        return self.get_plan().get_absolute_url()

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class QuotaCreateView(QuotaWriteMixin, CreateView):
    pass


class QuotaUpdateView(QuotaWriteMixin, UpdateView):
    pass


class QuotaDeleteView(QuotaWriteMixin, DeleteView):
    template_name = "secondments/quota_confirm_delete.html"
    form_class = forms.Form

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("plan")
        return kwargs


# Movements


def scoped_movements(user):
    return for_user(Secondment.objects.select_related(*MOVEMENT_RELATED), user)


class MovementListView(LoginRequiredMixin, ListView):
    template_name = "secondments/movement_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = scoped_movements(self.request.user)
        self.filterset = MovementFilterSet(self.request.GET or None, queryset=qs, request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return qs.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        for f in self.filterset.form.fields.values():
            is_select = isinstance(f.widget, forms.Select)
            f.widget.attrs.setdefault(
                "class", "form-select form-select-sm" if is_select else "form-control form-control-sm"
            )
            if isinstance(f.widget, forms.SelectMultiple):
                f.widget.attrs.setdefault("size", 3)
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(
            filterset=self.filterset,
            query=query.urlencode(),
            can_nominate=may(self.request.user, "movement.nominate"),
            tables=tables,
            **kwargs,
        )


def movement_context(request, m, forms=None):
    actions = services.allowed_actions(request.user, m)
    forms = forms or {}
    return {
        "movement": m,
        "actions": [(a, forms.get(a) or ACTION_FORMS[a]()) for a in actions],
        "can_edit": m.status in (Status.DRAFT, Status.PROPOSED)
        and services.role_refusal(request.user, "edit", m) is None,
        "history": m.history.select_related("history_user").order_by("-history_date", "-history_id"),
        "extensions": m.extensions.select_related("created_by"),
    }


class MovementDetailView(ScopedMixin, DetailView):
    template_name = "secondments/movement_detail.html"
    context_object_name = "movement"

    def get_queryset(self):
        return scoped_movements(self.request.user).select_related("request")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(movement_context(self.request, self.object))
        return ctx


def _run(action, m, user, data):
    if action == "propose":
        return services.secondment_propose(secondment=m, by=user)
    if action == "approve":
        return services.secondment_approve(secondment=m, by=user, **data)
    if action == "confirm_arrival":
        return services.secondment_confirm_arrival(secondment=m, by=user, on=data["arrival_date"])
    if action == "extend":
        return services.secondment_extend(secondment=m, by=user, **data)
    if action == "end":
        return services.secondment_end(secondment=m, by=user, on=data["actual_end_date"])
    return services.secondment_cancel(secondment=m, by=user, reason=data.get("reason", ""))


DONE_MESSAGES = {
    "propose": gettext_lazy("The movement was proposed."),
    "approve": gettext_lazy("The movement was approved."),
    "confirm_arrival": gettext_lazy("Arrival was confirmed."),
    "extend": gettext_lazy("The movement was extended."),
    "end": gettext_lazy("The end of the movement was recorded."),
    "cancel": gettext_lazy("The movement was cancelled."),
}


class MovementActionView(RefusalMixin, ScopedMixin, View):
    """POST one transition; the role and status are checked before the form."""

    http_method_names = ["post"]

    def post(self, request, pk, action):
        if action not in ACTION_FORMS:
            raise Http404
        m = get_object_or_404(scoped_movements(request.user), pk=pk)
        services.check_action(request.user, action, m)
        form = ACTION_FORMS[action](request.POST)
        if form.is_valid():
            try:
                _run(action, m, request.user, form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, str(DONE_MESSAGES[action]))
                return redirect(m)
        ctx = movement_context(request, m, {action: form})
        ctx["failed_action"] = action
        return render(request, "secondments/movement_detail.html", ctx, status=400)


class MovementCreateView(RefusalMixin, ScopedMixin, FormView):
    form_class = NominationForm
    template_name = "secondments/movement_form.html"

    def check(self):
        require(self.request.user, "movement.nominate")

    def get_initial(self):
        keys = ("to_unit", "field", "plan", "request", "kind")
        return {k: self.request.GET[k] for k in keys if self.request.GET.get(k)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            m = services.secondment_create(
                by=self.request.user,
                person=data["person"],
                to_unit=data["to_unit"],
                field=data["field"],
                kind=data["kind"],
                start_date=data["start_date"],
                planned_end_date=data["planned_end_date"],
                plan=data["plan"],
                note=data["note"],
                request=data["request"],
                propose="propose" in self.request.POST,
                end_running=data.get("end_running", False),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The nomination was saved."))
        return redirect(m)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PersonPickView(RefusalMixin, ScopedMixin, View):
    """The person picker's results (an htmx fragment): search, filters and availability on the
    form's dates; the chosen person stays first."""

    def check(self):
        require(self.request.user, "movement.nominate")

    def get(self, request):
        from secondments.forms import _pk
        from secondments.selectors import PICKER_LIMIT, person_search

        def day(name):
            try:
                return forms.DateField().clean(request.GET.get(name) or None)
            except ValidationError:
                return None

        start, end = day("start_date"), day("planned_end_date")
        chosen_id = _pk(request.GET.get("person"))
        chosen = person_search(user=request.user, available=False, person_id=chosen_id) if chosen_id else None
        results = list(
            person_search(
                user=request.user,
                q=request.GET.get("person_q", "")[:100],
                field_id=_pk(request.GET.get("person_field")),
                unit_id=_pk(request.GET.get("person_unit")),
                available=bool(request.GET.get("person_available")),
                start=start,
                end=end if start else None,
            )
        )
        p = {
            "chosen": chosen,
            "results": [r for r in results[:PICKER_LIMIT] if chosen is None or r.pk != chosen.pk],
            "more": len(results) > PICKER_LIMIT,
            "name": "person",
            "limit": PICKER_LIMIT,
        }
        return render(request, "secondments/_person_results.html", {"p": p})


class MovementUpdateView(RefusalMixin, ScopedMixin, FormView):
    """Change a draft or proposed movement (the same form as the nomination)."""

    form_class = NominationForm
    template_name = "secondments/movement_form.html"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.movement = None

    def check(self):
        self.movement = get_object_or_404(scoped_movements(self.request.user), pk=self.kwargs["pk"])
        message = services.role_refusal(self.request.user, "edit", self.movement)
        if message:
            raise PermissionDenied(message)
        if self.movement.status not in (Status.DRAFT, Status.PROPOSED):
            raise TransitionError(_("Only draft or proposed movements can be edited."))

    def get_initial(self):
        m = self.movement
        names = ("person", "kind", "to_unit", "field", "plan", "start_date", "planned_end_date", "note", "request")
        return {**{name: getattr(m, name) for name in names}, "version": m.version}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "movement": self.movement}

    def get_context_data(self, **kwargs):
        return super().get_context_data(movement=self.movement, **kwargs)

    def form_valid(self, form):
        changes = {k: v for k, v in form.cleaned_data.items() if k in services.EDITABLE_FIELDS}
        try:
            m = services.secondment_update(
                secondment=self.movement, by=self.request.user, version=form.cleaned_data["version"], **changes
            )
        except TransitionError as exc:
            form.add_error(None, exc.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The movement was saved."))
        return redirect(m)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


class AlertsView(ScopedMixin, TemplateView):
    template_name = "secondments/alerts.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        groups = alert_groups(self.request.user, as_of=today)
        sections = [(key, label, alert_rows([(key, label, movements)])) for key, label, movements in groups]
        return super().get_context_data(
            as_of=today, groups=groups, sections=sections, limit=ALERT_LIMIT, table=ALERTS, **kwargs
        )


# Staff requests


class RequestListView(ScopedMixin, ListView):
    model = StaffRequest
    template_name = "secondments/request_list.html"
    paginate_by = 50

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .select_related("commune", "field", "plan")
            .annotate(n_movements=Count("movements"))
            .order_by(*StaffRequest._meta.ordering)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            can_request=may(self.request.user, "staff_request.create"), tables=tables, **kwargs
        )


class RequestCreateView(RefusalMixin, ScopedMixin, FormView):
    form_class = StaffRequestForm
    template_name = "secondments/request_form.html"

    def check(self):
        require(self.request.user, "staff_request.create")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "commune": self.request.user.unit}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            r = services.staff_request_create(
                by=self.request.user,
                commune=self.request.user.unit,
                field=data["field"],
                count=data["count"],
                plan=data["plan"],
                note=data["note"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("The request was sent to the province."))
        return redirect(r)

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400)


def request_context(request, r, form=None):
    can_fulfil = may(request.user, "staff_request.fulfil", r) and r.status == "open"
    return {
        "object": r,
        "movements": r.movements.select_related(*MOVEMENT_RELATED),
        "can_fulfil": can_fulfil,
        "form": form or (FulfilForm(request_obj=r) if can_fulfil else None),
        "can_nominate": may(request.user, "movement.nominate"),
    }


class RequestDetailView(ScopedMixin, DetailView):
    model = StaffRequest
    template_name = "secondments/request_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("commune", "field", "plan", "requested_by")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(request_context(self.request, self.object))
        return ctx


class RequestFulfilView(RefusalMixin, ScopedMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        r = get_object_or_404(for_user(StaffRequest.objects.select_related("commune", "field"), request.user), pk=pk)
        require(request.user, "staff_request.fulfil", r)
        form = FulfilForm(request.POST, request_obj=r)
        if form.is_valid():
            try:
                services.staff_request_fulfil(request=r, by=request.user, movements=form.cleaned_data["movements"])
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The request was marked fulfilled."))
                return redirect(r)
        return render(request, "secondments/request_detail.html", request_context(request, r, form), status=400)
