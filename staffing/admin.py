from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from staffing.models import (
    Absence,
    Assignment,
    Field,
    ImportJob,
    Position,
    ProvinceQuota,
    Quota,
    QuotaRequest,
    Staff,
    ValueAlias,
)


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "is_specialised", "sort_order"]
    search_fields = ["code", "name_vi", "name_en"]


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "field", "level"]
    list_filter = ["group", "field"]
    search_fields = ["code", "name"]


@admin.register(Quota)
class QuotaAdmin(SimpleHistoryAdmin):
    list_display = ["unit", "field", "category", "count", "decision_number", "decision_date", "effective_from"]
    list_filter = ["category", "field", "unit__province"]
    search_fields = ["unit__name", "unit__code", "decision_number"]
    list_select_related = ["unit", "field"]
    autocomplete_fields = ["unit"]


class AssignmentInline(admin.TabularInline):
    """Placements are changed through the staff pages and the API (dated, never rewritten): read only."""

    model = Assignment
    extra = 0
    can_delete = False
    fields = ["valid_from", "valid_to", "unit", "field", "position", "category", "is_leader", "change", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Staff)
class StaffAdmin(SimpleHistoryAdmin):
    list_display = ["staff_code", "full_name", "gender", "birth_date", "status"]
    list_filter = ["status", "gender", "qualification"]
    search_fields = ["staff_code", "full_name", "search_text"]
    inlines = [AssignmentInline]


@admin.register(Absence)
class AbsenceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "start_date", "end_date", "decision_number"]
    list_filter = ["kind"]
    search_fields = ["person__full_name", "person__staff_code"]
    raw_id_fields = ["person"]


@admin.register(ProvinceQuota)
class ProvinceQuotaAdmin(SimpleHistoryAdmin):
    list_display = ["province", "category", "count", "decision_number", "decision_date", "effective_from"]
    list_filter = ["category", "province"]


@admin.register(QuotaRequest)
class QuotaRequestAdmin(SimpleHistoryAdmin):
    """Requests are made and decided on their pages (the decision goes through the quota service)."""

    list_display = ["unit", "field", "category", "count", "status", "requested_at"]
    list_filter = ["status", "category"]
    list_select_related = ["unit", "field"]
    readonly_fields = [f.name for f in QuotaRequest._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ValueAlias)
class ValueAliasAdmin(admin.ModelAdmin):
    """The values units write and what they mean: the default list, a province's, a unit's."""

    list_display = ["value", "kind", "target", "province", "unit", "created_by", "created_at"]
    list_filter = ["kind", "province"]
    search_fields = ["value", "target"]
    list_select_related = ["province", "unit", "created_by"]
    autocomplete_fields = ["unit"]
    readonly_fields = ["created_by", "created_at"]


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ["filename", "owner", "unit", "province", "status", "progress", "total", "created_at"]
    list_filter = ["status", "province"]
    list_select_related = ["owner", "unit", "province"]
    readonly_fields = [f.name for f in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False
