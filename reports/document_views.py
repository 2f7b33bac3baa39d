"""Pages of the province's documents: the report letterhead, decision templates and decisions.

Only a province official (of a province) uses them, for his or her own province; decisions and
templates of another province answer 404. Generating a decision stores it and offers its
download; approving the movements it covers stays on the movement pages.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, ListView

from accounts.models import Role
from accounts.scoping import for_user
from communes.models import ReportLetterhead
from reports.decisions import DEFAULT_TEMPLATE, PLACEHOLDERS, Signer
from reports.document_forms import DecisionForm, DecisionTemplateForm, LetterheadForm
from reports.models import DecisionDocument, DecisionTemplate
from reports.services import decision_create, decision_template_upload
from secondments.models import Plan, Secondment, Status

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ProvinceOfficialMixin(LoginRequiredMixin):
    """The signed-in province official's own province as ``self.province`` (403 for other roles)."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated:
            allowed = user.is_superuser or user.role == Role.PROVINCE_OFFICIAL
            if not allowed or user.province_id is None:
                raise PermissionDenied(_("Only a province official can manage the province's documents."))
            self.province = user.province
        return super().dispatch(request, *args, **kwargs)


class LetterheadView(ProvinceOfficialMixin, View):
    template_name = "reports/letterhead_form.html"

    def get_object(self):
        return ReportLetterhead.for_province(self.province)

    def get(self, request):
        return render(request, self.template_name, {"form": LetterheadForm(instance=self.get_object())})

    def post(self, request):
        form = LetterheadForm(request.POST, instance=self.get_object())
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        form.save()
        messages.success(request, _("The letterhead is saved: reports and decisions use it from now on."))
        return redirect("reports:letterhead")


class DecisionTemplateListView(ProvinceOfficialMixin, View):
    template_name = "reports/decision_templates.html"

    def context(self, form):
        return {
            "form": form,
            "templates": DecisionTemplate.objects.filter(province=self.province),
            "placeholders": PLACEHOLDERS,
            "syntax": {
                "var": "{{ number }}",
                "para": "{%p for g in grounds %} … {%p endfor %}",
                "row": "{%tr for p in people %} … {%tr endfor %}",
            },
        }

    def get(self, request):
        return render(request, self.template_name, self.context(DecisionTemplateForm()))

    def post(self, request):
        form = DecisionTemplateForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                decision_template_upload(
                    province=self.province,
                    name=form.cleaned_data["name"],
                    data=upload.read(),
                    filename=upload.name,
                    is_default=form.cleaned_data["is_default"],
                    by=request.user,
                )
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                messages.success(request, _("The template is checked and saved."))
                return redirect("reports:decision-templates")
        return render(request, self.template_name, self.context(form), status=400)


class DecisionTemplateDownloadView(ProvinceOfficialMixin, View):
    def get(self, request, pk=None):
        if pk is None:
            return FileResponse(
                open(DEFAULT_TEMPLATE, "rb"),
                as_attachment=True,
                filename="mau-quyet-dinh.docx",
                content_type=DOCX_CONTENT_TYPE,
            )
        template = get_object_or_404(DecisionTemplate, pk=pk, province=self.province)
        return FileResponse(
            template.file.open("rb"), as_attachment=True, filename=template.file.name.rsplit("/", 1)[-1]
        )


class DecisionListView(ProvinceOfficialMixin, ListView):
    template_name = "reports/decision_list.html"
    context_object_name = "decisions"
    paginate_by = 50

    def get_queryset(self):
        return DecisionDocument.objects.filter(province=self.province).select_related("plan")


class DecisionDetailView(ProvinceOfficialMixin, DetailView):
    template_name = "reports/decision_detail.html"
    context_object_name = "decision"

    def get_queryset(self):
        return DecisionDocument.objects.filter(province=self.province)

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["movements"] = self.object.movements.select_related("person", "from_unit", "to_unit", "field")
        return ctx


class DecisionDownloadView(ProvinceOfficialMixin, View):
    def get(self, request, pk):
        doc = get_object_or_404(DecisionDocument, pk=pk, province=self.province)
        if not doc.file:
            raise Http404
        return FileResponse(
            doc.file.open("rb"), as_attachment=True, filename=doc.filename, content_type=DOCX_CONTENT_TYPE
        )


class DecisionCreateView(ProvinceOfficialMixin, View):
    """ "Generate decision" for the movements named in the query string (``movement``, repeated)
    or for a plan's batch (``plan``, with ``kind``): pending and decided movements, not cancelled."""

    template_name = "reports/decision_form.html"

    def candidates(self, params):
        qs = for_user(Secondment.objects.all(), self.request.user).filter(from_unit__province=self.province)
        qs = qs.exclude(status__in=[Status.CANCELLED, Status.COMPLETED])
        self.plan = None
        if params.get("plan"):
            try:
                self.plan = for_user(Plan.objects.all(), self.request.user).get(pk=int(params["plan"]))
            except (ValueError, Plan.DoesNotExist):
                raise Http404 from None
            qs = qs.filter(plan=self.plan)
            if params.get("kind"):
                qs = qs.filter(kind=params["kind"])
        else:
            ids = [int(v) for v in params.getlist("movement") if v.isdigit()]
            qs = qs.filter(pk__in=ids)
        qs = qs.select_related("person", "from_unit__province", "to_unit", "field", "plan").order_by(
            "kind", "to_unit__name", "person__full_name", "pk"
        )
        return qs

    def form(self, data=None):
        params = self.request.GET
        movements = self.candidates(params)
        if data is None and not movements:
            raise Http404
        return DecisionForm(
            data,
            movements=movements,
            province=self.province,
            letterhead=ReportLetterhead.for_province(self.province),
        )

    def context(self, form):
        return {"form": form, "plan": self.plan}

    def get(self, request):
        return render(request, self.template_name, self.context(self.form()))

    def post(self, request):
        form = self.form(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                doc = decision_create(
                    movements=d["movements"],
                    number=d["number"],
                    day=d["date"],
                    signer=Signer(d["signer_title"], d["signer_name"]),
                    template=d["template"],
                    by=request.user,
                    **form.texts(),
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.error_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc)
            else:
                messages.success(request, _("Decision %(number)s is generated.") % {"number": doc.number})
                return redirect(doc)
        return render(request, self.template_name, self.context(form), status=400)

