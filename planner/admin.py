from django.contrib import admin

from planner.models import PlannerRun


@admin.register(PlannerRun)
class PlannerRunAdmin(admin.ModelAdmin):
    list_display = ["pk", "province", "plan", "start_date", "status", "progress", "created_by", "created_at"]
    list_filter = ["status", "province"]
    readonly_fields = [f.name for f in PlannerRun._meta.fields]
    exclude = ["result"]

    def has_add_permission(self, request):
        return False
