"""The position catalogue pages: the list, its Excel export, and upload → preview → apply."""

import uuid

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from communes.models import province_issuer
from core.excel import xlsx_response
from staffing.catalogue import (
    POSITION_COLUMNS,
    PositionCatalogueExporter,
    catalogue_apply,
    may_import_catalogue,
    validate_catalogue,
)
from staffing.forms import ImportUploadForm
from staffing.importer import ImportRefused
from staffing.models import Position

SESSION_KEY = "catalogue_imports"
PREVIEW_LIMIT = 500
LABELS = {c.key: c.label for c in POSITION_COLUMNS}


class PositionListView(LoginRequiredMixin, ListView):
    """Every signed-in user reads the catalogue: it is national reference data."""

    template_name = "staffing/position_list.html"
    context_object_name = "positions"

    def get_queryset(self):
        return Position.objects.select_related("field").order_by("field__sort_order", "field__code", "group", "code")

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx["may_import"] = may_import_catalogue(self.request.user)
        return ctx


class PositionExportView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        province = None if user.is_superuser else user.province
        return xlsx_response(
            PositionCatalogueExporter(), issuer=province_issuer(province), as_of=timezone.localdate()
        )


class CatalogueImportView(LoginRequiredMixin, View):
    template_name = "staffing/catalogue_upload.html"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not may_import_catalogue(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, self.template_name, {"form": ImportUploadForm()})

    def post(self, request):
        form = ImportUploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        upload = form.cleaned_data["file"]
        try:
            sheet, plan = validate_catalogue(upload, user=request.user, size=upload.size)
        except ImportRefused as exc:
            form.add_error("file", exc.message)
            return render(request, self.template_name, {"form": form}, status=400)
        if not plan.ok:
            return render(request, "staffing/catalogue_preview.html", self.context(plan, None, upload.name), status=400)
        token = uuid.uuid4().hex
        upload.seek(0)
        path = default_storage.save(f"imports/catalogue-{token}.xlsx", ContentFile(upload.read()))
        pending = request.session.get(SESSION_KEY, {})
        pending[token] = {"path": path, "name": upload.name[:200]}
        request.session[SESSION_KEY] = pending
        return redirect("position-import-preview", token=token)

    @staticmethod
    def context(plan, token, name):
        return {
            "plan": plan,
            "token": token,
            "filename": name,
            "counts": plan.counts(),
            "added": plan.positions_new[:PREVIEW_LIMIT],
            "updated": [
                (p, [str(LABELS[name]) for name in names]) for p, names in plan.positions_changed[:PREVIEW_LIMIT]
            ],
        }


class CatalogueImportPreviewView(CatalogueImportView):
    """What the stored upload would change; POST validates the same bytes again and applies them."""

    def pending(self, request, token):
        item = request.session.get(SESSION_KEY, {}).get(token)
        if item is None:
            raise Http404
        return item

    def validate(self, request, item):
        with default_storage.open(item["path"], "rb") as fh:
            return validate_catalogue(fh, user=request.user)

    def get(self, request, token):
        item = self.pending(request, token)
        try:
            _sheet, plan = self.validate(request, item)
        except ImportRefused as exc:
            messages.error(request, exc.message)
            return redirect("position-import")
        status = 200 if plan.ok else 400
        return render(
            request, "staffing/catalogue_preview.html", self.context(plan, token, item["name"]), status=status
        )

    def post(self, request, token):
        item = self.pending(request, token)
        try:
            _sheet, plan = self.validate(request, item)
        except ImportRefused as exc:
            messages.error(request, exc.message)
            return redirect("position-import")
        if not plan.ok:
            return render(
                request, "staffing/catalogue_preview.html", self.context(plan, token, item["name"]), status=400
            )
        stats = catalogue_apply(plan=plan)
        pending = request.session.get(SESSION_KEY, {})
        pending.pop(token, None)
        request.session[SESSION_KEY] = pending
        default_storage.delete(item["path"])
        messages.success(
            request,
            _("Catalogue loaded: %(positions_added)s positions added, %(positions_updated)s updated.") % stats,
        )
        return redirect("position-list")
