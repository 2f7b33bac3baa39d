"""A plan's page (its progress against the headcount) and the Excel exports of plans and
movements: reports over the plans and movements of secondments/."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView

from accounts.policy import may
from accounts.views import ScopedMixin
from reports import tables
from reports.exports import export_or_redirect
from reports.plans import plan_progress
from secondments.models import Plan


class PlanDetailView(ScopedMixin, DetailView):
    model = Plan
    template_name = "secondments/plan_detail.html"

    def get_queryset(self):
        return super().get_queryset().select_related("province")

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        return super().get_context_data(
            progress=plan_progress(plan=self.object, as_of=today),
            priority_fields=list(self.object.priority_fields.all()),
            can_manage=may(self.request.user, "plan.manage", self.object),
            tables=tables,
            **kwargs,
        )


class ExportView(LoginRequiredMixin, View):
    """An export registered in reports/movement_exports.py: the file now, or a background job's page.

    The builder checks scope (404) and parameters; invalid ones answer 400 with the reason.
    """

    export_name = None

    def export_params(self):
        return self.request.GET

    def get(self, request, *args, **kwargs):
        try:
            return export_or_redirect(request, self.export_name, self.export_params())
        except ValidationError as exc:
            return render(request, "secondments/refused.html", {"message": " ".join(exc.messages)}, status=400)


class PlanExportView(ExportView):
    """The plan's progress: ``?part=communes`` for the receiving communes, else the sending units."""

    export_name = "plan-progress"

    def export_params(self):
        params = self.request.GET.copy()
        params["plan"] = str(self.kwargs["pk"])
        return params


class MovementExportView(ExportView):
    """The movement list's query string as a workbook."""

    export_name = "movements"
