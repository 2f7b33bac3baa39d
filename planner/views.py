"""The planner's pages: the run form and runs of a plan, one run's proposal (with progress while
it runs), accepting moves, two runs side by side, and the forecast. Thin: selectors, services
and ``planner.explain`` do the work; ``accounts.policy`` decides who may."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from accounts.policy import may, refusal
from accounts.scoping import for_user
from accounts.views import ScopedMixin
from planner import tables
from planner.explain import present
from planner.forms import AcceptForm, ForecastForm, RunForm
from planner.models import PlannerRun
from planner.selectors import forecast
from planner.services import accept_moves, run_create
from secondments.models import Plan
from secondments.views import RefusalMixin

RUNS_LISTED = 20


def scoped_runs(user):
    return for_user(PlannerRun.objects.all(), user)


def _require(user, action, obj):
    message = refusal(user, action, obj)
    if message:
        raise PermissionDenied(message)


class PlannerView(RefusalMixin, ScopedMixin, TemplateView):
    """A plan's planner: the knobs, the Run button and the plan's earlier runs."""

    template_name = "planner/planner.html"

    def get_plan(self):
        if not hasattr(self, "plan"):
            self.plan = get_object_or_404(
                for_user(Plan.objects.select_related("province"), self.request.user), pk=self.kwargs["pk"]
            )
            _require(self.request.user, "planner.view", self.plan.province)
        return self.plan

    def check(self):
        self.get_plan()

    def get_context_data(self, form=None, **kwargs):
        plan = self.get_plan()
        runs = list(PlannerRun.objects.filter(plan=plan).select_related("created_by").defer("result")[:RUNS_LISTED])
        return super().get_context_data(
            plan=plan,
            form=form or RunForm(plan=plan),
            runs=runs,
            can_run=may(self.request.user, "planner.run", plan.province),
            **kwargs,
        )

    def post(self, request, pk):
        plan = self.get_plan()
        _require(request.user, "planner.run", plan.province)
        form = RunForm(request.POST, plan=plan)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        run = run_create(
            by=request.user,
            province=plan.province,
            plan=plan,
            start_date=form.cleaned_data["start_date"],
            knobs=form.knobs(),
        )
        return redirect(run)


class RunMixin(RefusalMixin, ScopedMixin):
    def get_run(self):
        if not hasattr(self, "run"):
            self.run = get_object_or_404(
                scoped_runs(self.request.user).select_related("plan", "province", "created_by"), pk=self.kwargs["pk"]
            )
            _require(self.request.user, "planner.view", self.run.province)
        return self.run

    def check(self):
        self.get_run()


class RunDetailView(RunMixin, TemplateView):
    template_name = "planner/run_detail.html"

    def get_context_data(self, accept_form=None, **kwargs):
        run = self.get_run()
        return super().get_context_data(
            run=run,
            view=present(run) if run.status == "done" else None,
            can_accept=run.plan_id is not None and may(self.request.user, "planner.accept", run),
            accept_form=accept_form,
            tables=tables,
            **kwargs,
        )


class RunStatusView(RunMixin, View):
    """The progress fragment the run page polls; once the run has finished the page reloads."""

    def get(self, request, pk):
        run = self.get_run()
        response = render(request, "planner/_run_status.html", {"run": run})
        if run.is_finished:
            response["HX-Refresh"] = "true"
        return response


class RunAcceptView(RunMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        run = self.get_run()
        _require(request.user, "planner.accept", run)
        form = AcceptForm(request.POST, run=run)
        if form.is_valid():
            indexes = None if form.accept_all else form.cleaned_data["moves"]
            try:
                created = accept_moves(run=run, by=request.user, indexes=indexes)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                if created:
                    messages.success(request, _("%(n)s draft movements were added to the plan.") % {"n": len(created)})
                else:
                    messages.info(request, _("These moves were already accepted; nothing new was created."))
                return redirect(run)
        view = RunDetailView(request=request, kwargs={"pk": pk})
        view.run = run
        return render(request, view.template_name, view.get_context_data(accept_form=form), status=400)


class CompareView(ScopedMixin, TemplateView):
    """Two runs side by side: their settings and figures, and each shortage before → after."""

    template_name = "planner/compare.html"

    def get(self, request, *args, **kwargs):
        runs = scoped_runs(request.user).select_related("plan")
        try:
            a = get_object_or_404(runs, pk=int(request.GET.get("a", "")))
            b = get_object_or_404(runs, pk=int(request.GET.get("b", "")))
        except ValueError:
            return render(
                request, "secondments/refused.html", {"message": _("Choose two runs to compare.")}, status=400
            )
        for run in (a, b):
            if not may(request.user, "planner.view", run.province):
                return render(
                    request,
                    "secondments/refused.html",
                    {"message": refusal(request.user, "planner.view", run.province)},
                    status=403,
                )
        va, vb = present(a), present(b)
        cells = {}
        for side, v in (("a", va), ("b", vb)):
            for c in v["cells"]:
                row = cells.setdefault(
                    (c["unit"], c["field"]),
                    {
                        "unit_name": c["unit_name"],
                        "unit_code": c["unit_code"],
                        "field_name": c["field_name"],
                        "before": c["before"],
                    },
                )
                row[side] = c["after"]
        rows = sorted(cells.values(), key=lambda r: (-r["before"], r["unit_name"], r["field_name"]))
        knobs = sorted(set(a.knobs) | set(b.knobs))
        knob_rows = [(_knob_label(k), a.knobs.get(k), b.knobs.get(k)) for k in knobs]
        return self.render_to_response(
            self.get_context_data(
                a=a,
                b=b,
                va=va,
                vb=vb,
                rows=rows,
                cells_table=tables.compare_cells(a, b),
                figures=tables.compare_figure_rows(a, b, va, vb, knob_rows),
                figures_table=tables.compare_figures(a, b),
                knobs=knob_rows,
            )
        )


def _knob_label(name):
    field = RunForm.base_fields.get(name)
    return field.label if field is not None else name


class ForecastView(RefusalMixin, ScopedMixin, TemplateView):
    """The shortage that is coming: month by month for 12 months, per province and commune × field."""

    template_name = "planner/forecast.html"

    def get(self, request, *args, **kwargs):
        form = ForecastForm(request.GET or None, user=request.user)
        if request.GET and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        province = form.chosen_province()
        if province is None:
            return self.render_to_response(self.get_context_data(form=form))
        _require(request.user, "planner.view", province)
        start = form.chosen_start()
        data = forecast(province=province, start=start, months=12)
        return self.render_to_response(
            self.get_context_data(
                form=form,
                forecast=data,
                province=province,
                start=start,
                cells=tables.forecast_cell_rows(data.cells[:200]),
                tables=tables,
                cells_table=tables.forecast_cells(data.months),
            )
        )
