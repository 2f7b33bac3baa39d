from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import DetailView, TemplateView, View

from accounts.policy import may
from audit.services import audit_record
from headcount.rules import View as HeadcountView
from reports import access, tables
from reports.exports import export_or_redirect, wants_xlsx
from reports.forms import ProvinceReportForm, ReportForm
from reports.models import ExportJob, ExportStatus
from reports.selectors import (
    department_report,
    landing_summary,
    national_summary,
    province_dashboard,
    report_fields,
)
from reports.tasks import export_job_retry


class HomeView(LoginRequiredMixin, TemplateView):
    """Landing page: the signed-in user's province or unit, quota against headcount."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["as_of"] = timezone.localdate()
        ctx["summary"] = landing_summary(self.request.user, as_of=ctx["as_of"])
        if access.can_see_province_reports(self.request.user) and self.request.user.province_id:
            ctx["dashboard_code"] = self.request.user.province.code
        ctx["can_see_national"] = access.can_see_national_report(self.request.user)
        return ctx


def _query_without(request, *names):
    q = request.GET.copy()
    for name in names:
        q.pop(name, None)
    return q


class ReportPage(LoginRequiredMixin, TemplateView):
    """A report page: parameters from the query string; invalid ones answer 400 with the reason."""

    form_class = ReportForm
    export_name = None

    def get_form(self):
        return self.form_class(self.request.GET)

    def get(self, request, *args, **kwargs):
        if self.export_name and wants_xlsx(request):
            # The export's builder checks access and parameters exactly as the page does.
            try:
                return export_or_redirect(request, self.export_name, self.export_params())
            except ValidationError as exc:
                return HttpResponseBadRequest("\n".join(exc.messages), content_type="text/plain; charset=utf-8")
        self.check_access()
        self.form = self.get_form()
        if not self.form.is_valid():
            ctx = self.get_context_data(form=self.form, report=None)
            return self.render_to_response(ctx, status=400)
        ctx = self.get_context_data(form=self.form, report=self.get_report(self.form.cleaned_data))
        return self.render_to_response(ctx)

    def check_access(self):
        pass

    def export_params(self):
        return self.request.GET

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        q = _query_without(self.request, "format")
        ctx["query"] = q.urlencode()
        ctx["views"] = HeadcountView.CHOICES
        xlsx = q.copy()
        xlsx["format"] = "xlsx"
        ctx["xlsx_query"] = xlsx.urlencode()
        return ctx


class ProvinceDashboardView(ReportPage):
    template_name = "reports/province_dashboard.html"
    export_name = "province-summary"

    def check_access(self):
        self.province, self.fields = access.province_and_fields(self.request.user, self.kwargs["code"])

    def get_form(self):
        return ProvinceReportForm(self.request.GET, fields=self.fields)

    def export_params(self):
        params = self.request.GET.copy()
        params["province"] = self.kwargs["code"]
        return params

    def get_report(self, data):
        return province_dashboard(
            self.province,
            as_of=data["as_of"],
            view=data["view"],
            filters=self.form.filters(),
            fields=self.fields,
            detail=False,  # the page shows no commune's fields
            pool=True,
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["province"] = self.province
        report = ctx.get("report")
        if report is not None:
            # The province's own allocation against what its units hold.
            ctx["quota_pool"] = report.quota_pool
            ctx["can_set_pool"] = may(self.request.user, "quota.pool", self.province)
            ctx["field_chart"] = {
                "labels": [r.name for r in report.by_field],
                "shortage": [r.shortage for r in report.by_field],
                "surplus": [r.surplus for r in report.by_field],
            }
            ctx["commune_chart"] = {
                "labels": [c.name for c in report.top_shortage],
                "shortage": [c.shortage for c in report.top_shortage],
            }
            ctx["sort_query"] = _query_without(self.request, "format", "sort")
            ctx["tables"] = tables
            ctx["roster_query"], ctx["movement_query"] = drilldown_queries(report)
        return ctx


class MyProvinceView(LoginRequiredMixin, View):
    """The menu's "Dashboard": the user's own province, or the national page for national readers."""

    def get(self, request):
        user = request.user
        if user.province_id and access.can_see_province_reports(user):
            return redirect("reports:province", code=user.province.code)
        access.require_national(user)
        return redirect("reports:national")


def drilldown_queries(report):
    """Query strings of the roster and movement list behind a commune's numbers."""
    roster = QueryDict(mutable=True)
    movements = QueryDict(mutable=True)
    if report.filters.field_id:
        roster["field"] = report.filters.field_id
        movements["field"] = report.filters.field_id
    movements["in_effect"] = report.as_of.isoformat()
    return roster.urlencode(), movements.urlencode()


class NationalView(ReportPage):
    template_name = "reports/national.html"
    export_name = "national-summary"

    def check_access(self):
        access.require_national(self.request.user)
        self.fields = report_fields()

    def get_form(self):
        return ProvinceReportForm(self.request.GET, fields=self.fields)

    def get_report(self, data):
        return national_summary(
            self.request.user, as_of=data["as_of"], view=data["view"], filters=self.form.filters(), fields=self.fields
        )

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["tables"] = tables
        report = ctx.get("report")
        if report is not None:
            ctx["total"] = {"kpis": report["total"]}
        return ctx


class DepartmentReportView(ReportPage):
    template_name = "reports/department.html"
    export_name = "department"

    def check_access(self):
        self.unit = access.department_for(self.request.user, self.kwargs["code"])

    def export_params(self):
        params = self.request.GET.copy()
        params["code"] = self.kwargs["code"]
        return params

    def get_report(self, data):
        return department_report(self.unit, as_of=data["as_of"], view=data["view"])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["unit"] = self.unit
        ctx["tables"] = tables
        return ctx


class TableExportView(LoginRequiredMixin, View):
    """The Excel file of a table a page shows (a unit's quotas or mismatches, the alerts, a person's
    history): the export's builder checks access and reads the query string as the API does."""

    NAMES = ("unit-quotas", "mismatches", "alerts", "person-history")

    def get(self, request, name):
        if name not in self.NAMES:
            raise Http404
        try:
            return export_or_redirect(request, name)
        except ValidationError as exc:
            return HttpResponseBadRequest("\n".join(exc.messages), content_type="text/plain; charset=utf-8")


class StaffExportView(LoginRequiredMixin, View):
    """ "Export what I see": the roster's query string as a workbook (large lists in the background)."""

    def get(self, request):
        try:
            return export_or_redirect(request, "staff")
        except ValidationError as exc:
            return HttpResponseBadRequest("\n".join(exc.messages), content_type="text/plain; charset=utf-8")


class OwnJobMixin(LoginRequiredMixin):
    """Export jobs belong to whoever asked for them: anyone else gets 404."""

    def get_queryset(self):
        return ExportJob.objects.filter(owner=self.request.user)


class ExportJobView(OwnJobMixin, DetailView):
    template_name = "reports/export_job.html"
    context_object_name = "job"


class ExportJobStatusView(OwnJobMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        return JsonResponse(job_status(job))


def job_status(job):
    from django.urls import reverse

    return {
        "id": job.pk,
        "name": job.name,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "download_url": reverse("reports:export-download", args=[job.pk]) if job.status == ExportStatus.DONE else None,
        "error": job.error if job.status == ExportStatus.FAILED else "",
    }


class ExportDownloadView(OwnJobMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk, status=ExportStatus.DONE)
        if not job.file:
            raise Http404
        from core.excel import XLSX_CONTENT_TYPE

        audit_record(request, "export.download", params={"export": [job.name], **job.params}, rows=job.total)
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=job.filename, content_type=XLSX_CONTENT_TYPE
        )


class ExportRetryView(OwnJobMixin, View):
    """A failed job (its worker died, or it ran too long) is queued again by its owner."""

    def post(self, request, pk):
        job = get_object_or_404(self.get_queryset(), pk=pk)
        if not job.can_retry:
            return HttpResponseBadRequest(
                _("Only a failed export can be retried."), content_type="text/plain; charset=utf-8"
            )
        export_job_retry(job)
        return redirect(job)
