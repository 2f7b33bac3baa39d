"""Quota requests: a unit asks for posts with a justification; a province official accepts (the
quota decision is recorded through the quota service) or rejects with a reason."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from accounts.policy import may, require
from accounts.scoping import for_user
from communes.models import Province
from staffing import services, tables
from staffing.forms import ProvinceQuotaForm, QuotaAcceptForm, QuotaRejectForm, QuotaRequestForm
from staffing.history import record_history
from staffing.models import ProvinceQuota, QuotaRequest, QuotaRequestStatus
from staffing.selectors import quota_pool
from staffing.views import apply_errors, scoped_unit

PAGE_SIZE = 50


def scoped_requests(user):
    return for_user(QuotaRequest.objects.select_related("unit", "field", "requested_by", "decided_by", "quota"), user)


class QuotaRequestListView(LoginRequiredMixin, View):
    """The requests the user may see, newest first; ``?status=`` and ``?unit=<code>`` narrow it."""

    def get(self, request):
        qs = scoped_requests(request.user)
        status = request.GET.get("status", "")
        if status in QuotaRequestStatus.values:
            qs = qs.filter(status=status)
        unit_code = request.GET.get("unit", "")[:32]
        if unit_code:
            qs = qs.filter(unit__code=unit_code)
        page = Paginator(qs.order_by(*QuotaRequest._meta.ordering), PAGE_SIZE).get_page(request.GET.get("page"))
        return render(
            request,
            "staffing/quota_request_list.html",
            {
                "page_obj": page,
                "requests": page.object_list,
                "status": status,
                "statuses": QuotaRequestStatus.choices,
                "unit_code": unit_code,
                "tables": tables,
            },
        )


class QuotaRequestCreateView(LoginRequiredMixin, View):
    template_name = "staffing/quota_request_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.unit = scoped_unit(request, kwargs["code"])
            require(request.user, "quota.request", self.unit)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, code):
        initial = {k: request.GET[k] for k in ("field", "category") if request.GET.get(k)}
        return render(
            request, self.template_name, {"unit": self.unit, "form": QuotaRequestForm(unit=self.unit, initial=initial)}
        )

    def post(self, request, code):
        form = QuotaRequestForm(request.POST, unit=self.unit)
        if form.is_valid():
            try:
                r = services.quota_request_create(by=request.user, unit=self.unit, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The request was sent to the province."))
                return redirect(r)
        return render(request, self.template_name, {"unit": self.unit, "form": form}, status=400)


def detail_context(request, r, **forms):
    can_decide = r.status == QuotaRequestStatus.OPEN and may(request.user, "quota_request.decide", r)
    if can_decide:
        forms.setdefault("accept_form", QuotaAcceptForm(initial={"count": r.count}))
        forms.setdefault("reject_form", QuotaRejectForm())
    return {"object": r, "can_decide": can_decide, "history": record_history(r), **forms}


class QuotaRequestDetailView(LoginRequiredMixin, View):
    def get(self, request, pk):
        r = get_object_or_404(scoped_requests(request.user), pk=pk)
        return render(request, "staffing/quota_request_detail.html", detail_context(request, r))


class QuotaRequestDecideView(LoginRequiredMixin, View):
    """POST ``accept`` (with the decision) or ``reject`` (with the reason)."""

    http_method_names = ["post"]

    def post(self, request, pk, decision):
        if decision not in ("accept", "reject"):
            raise Http404
        r = get_object_or_404(scoped_requests(request.user), pk=pk)
        require(request.user, "quota_request.decide", r)
        if decision == "accept":
            form, key = QuotaAcceptForm(request.POST), "accept_form"
        else:
            form, key = QuotaRejectForm(request.POST), "reject_form"
        if form.is_valid():
            try:
                if decision == "accept":
                    services.quota_request_accept(request=r, by=request.user, **form.cleaned_data)
                    messages.success(request, _("The request was accepted and the quota decision recorded."))
                else:
                    services.quota_request_reject(request=r, by=request.user, reply=form.cleaned_data["reply"])
                    messages.success(request, _("The request was rejected."))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                return redirect(r)
        ctx = detail_context(request, r, **{key: form})
        return render(request, "staffing/quota_request_detail.html", ctx, status=400)


class QuotaPoolView(LoginRequiredMixin, View):
    """The province's allocation from the central level: its decisions, the pool against the
    allocations today, and (province officials) a form to record a decision."""

    template_name = "staffing/quota_pool.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.province = get_object_or_404(for_user(Province.objects.all(), request.user), code=kwargs["code"])
        return super().dispatch(request, *args, **kwargs)

    def context(self, form=None):
        can_set = may(self.request.user, "quota.pool", self.province)
        if can_set and form is None:
            form = ProvinceQuotaForm(province=self.province)
        return {
            "province": self.province,
            "rows": quota_pool(self.province.pk, timezone.localdate()),
            "decisions": ProvinceQuota.objects.filter(province=self.province).order_by("category", "-effective_from"),
            "can_set": can_set,
            "form": form,
            "tables": tables,
        }

    def get(self, request, code):
        return render(request, self.template_name, self.context())

    def post(self, request, code):
        require(request.user, "quota.pool", self.province)
        form = ProvinceQuotaForm(request.POST, province=self.province)
        if form.is_valid():
            try:
                services.province_quota_set(by=request.user, province=self.province, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The pool decision was recorded."))
                return redirect("quota-pool", code=self.province.code)
        return render(request, self.template_name, self.context(form), status=400)
