from django import forms
from django.contrib import admin

from communes.models import ReportLetterhead
from reports.decisions import check_template
from reports.models import DecisionDocument, DecisionTemplate


@admin.register(ReportLetterhead)
class ReportLetterheadAdmin(admin.ModelAdmin):
    list_display = ["province", "issuing_body", "unit_name", "symbol_suffix", "signer_name", "updated_at"]
    search_fields = ["province__name", "unit_name"]


class DecisionTemplateAdminForm(forms.ModelForm):
    """An uploaded template is checked here too: it must render with sample data."""

    class Meta:
        model = DecisionTemplate
        fields = ["province", "name", "file", "is_default"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload and not getattr(upload, "_committed", True):
            check_template(upload.read())
            upload.seek(0)
        return upload


@admin.register(DecisionTemplate)
class DecisionTemplateAdmin(admin.ModelAdmin):
    form = DecisionTemplateAdminForm
    list_display = ["name", "province", "is_default", "uploaded_by", "uploaded_at"]
    list_filter = ["province"]
    readonly_fields = ["uploaded_by", "uploaded_at"]


@admin.register(DecisionDocument)
class DecisionDocumentAdmin(admin.ModelAdmin):
    list_display = ["number", "date", "province", "kind", "signer_name", "created_at"]
    list_filter = ["province", "kind"]
    search_fields = ["number"]
    readonly_fields = ["created_by", "created_at", "file", "filename"]
    filter_horizontal = ["movements"]
