from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from secondments.models import Extension, Plan, Secondment, SendingQuota, StaffRequest


class SendingQuotaInline(admin.TabularInline):
    model = SendingQuota
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "decision_number", "period_start", "period_end"]
    list_filter = ["province"]
    search_fields = ["name", "decision_number"]
    filter_horizontal = ["priority_fields"]
    autocomplete_fields = ["priority_communes"]
    inlines = [SendingQuotaInline]


class ExtensionInline(admin.TabularInline):
    model = Extension
    extra = 0
    fields = ["previous_end_date", "new_end_date", "decision_number", "decision_date", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(Secondment)
class SecondmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "from_unit", "to_unit", "field", "start_date", "planned_end_date", "status"]
    list_filter = ["kind", "status", "field"]
    search_fields = ["person__full_name", "person__staff_code", "decision_number"]
    list_select_related = ["person", "from_unit", "to_unit", "field"]
    autocomplete_fields = ["person", "from_unit", "to_unit"]
    raw_id_fields = ["request", "plan"]
    inlines = [ExtensionInline]


@admin.register(StaffRequest)
class StaffRequestAdmin(SimpleHistoryAdmin):
    list_display = ["commune", "field", "count", "plan", "status", "created_at"]
    list_filter = ["status", "field"]
    list_select_related = ["commune", "field", "plan"]
    autocomplete_fields = ["commune"]
    raw_id_fields = ["plan", "requested_by"]
