from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from secondments.models import Plan, Secondment


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["name", "province", "decision_number", "period_start", "period_end"]
    list_filter = ["province"]
    search_fields = ["name", "decision_number"]


@admin.register(Secondment)
class SecondmentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "from_unit", "to_unit", "field", "start_date", "planned_end_date", "status"]
    list_filter = ["kind", "status", "field"]
    search_fields = ["person__full_name", "person__staff_code", "decision_number"]
    list_select_related = ["person", "from_unit", "to_unit", "field"]
    autocomplete_fields = ["person", "from_unit", "to_unit"]
