from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from staffing.models import Field, Position, Quota, Staff


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


@admin.register(Staff)
class StaffAdmin(SimpleHistoryAdmin):
    list_display = ["staff_code", "full_name", "home_unit", "field", "category", "status"]
    list_filter = ["category", "status", "field", "home_unit__province"]
    search_fields = ["staff_code", "full_name", "search_text"]
    list_select_related = ["home_unit", "field"]
    autocomplete_fields = ["home_unit", "position"]
