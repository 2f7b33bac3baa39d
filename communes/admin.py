from django.contrib import admin

from communes.models import Province, Unit


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "province", "is_disadvantaged", "is_border", "is_active"]
    list_filter = ["kind", "province", "is_disadvantaged", "is_border"]
    search_fields = ["code", "name", "search_text"]
    list_select_related = ["province"]
    autocomplete_fields = ["parent"]
