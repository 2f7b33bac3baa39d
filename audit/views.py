"""The audit log page: a province official reads their province's entries, an administrator all."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from audit.forms import AuditFilterForm
from audit.models import Action
from audit.selectors import audit_entries_for, audit_filter
from communes.models import province_issuer
from core.excel import Column, Exporter, xlsx_response

PAGE_SIZE = 50


class AuditExporter(Exporter):
    signed = False  # a working listing for the province official, not a report handed upward
    sheet_title = "Nhat ky"
    title = _("Audit log: reads and exports of personal records")

    def __init__(self, queryset):
        self.queryset = queryset
        self.filename = f"nhat-ky-truy-cap-{timezone.localdate():%Y%m%d}.xlsx"
        self.actions = {k: str(v) for k, v in Action.choices}

    def columns(self):
        return [
            Column(str(_("Time")), 18),
            Column(str(_("User")), 20),
            Column(str(_("Action")), 26),
            Column(str(_("Person")), 26),
            Column(str(_("Staff code")), 12),
            Column(str(_("Filters")), 36),
            Column(str(_("Rows")), 8),
            Column(str(_("Token")), 18),
            Column(str(_("Path")), 36),
            Column(str(_("Address")), 16),
        ]

    def rows(self):
        fields = ("at", "username", "action", "staff_name", "staff_code", "params", "rows", "token_name", "path")
        for e in self.queryset.values_list(*fields, "address").iterator(chunk_size=2000):
            at = timezone.localtime(e[0]).strftime("%d/%m/%Y %H:%M:%S")
            params = "; ".join(f"{k}={','.join(v)}" for k, v in (e[5] or {}).items())
            yield (at, e[1], self.actions.get(e[2], e[2]), e[3], e[4], params, e[6], e[7], e[8], e[9] or "")


class AuditLogView(LoginRequiredMixin, View):
    template_name = "audit/audit_log.html"

    def get(self, request):
        entries = audit_entries_for(request.user)
        form = AuditFilterForm(request.GET or None)
        if form.is_bound and not form.is_valid():
            return render(request, self.template_name, {"form": form, "page_obj": None}, status=400)
        if form.is_bound:
            entries = audit_filter(entries, **form.filters())
        if request.GET.get("format") == "xlsx":
            province = None if request.user.is_superuser else request.user.province
            return xlsx_response(AuditExporter(entries), issuer=province_issuer(province), as_of=timezone.localdate())
        page = Paginator(entries.order_by("-at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        xlsx = query.copy()
        xlsx["format"] = "xlsx"
        ctx = {"form": form, "page_obj": page, "entries": page.object_list, "query": query.urlencode()}
        ctx["xlsx_query"] = xlsx.urlencode()
        return render(request, self.template_name, ctx)
