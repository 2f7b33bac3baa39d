from django.contrib import admin

from audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: entries are appended by the application and never edited or deleted by hand."""

    list_display = ["at", "username", "action", "staff_name", "rows", "token_name", "path"]
    list_filter = ["action"]
    search_fields = ["username", "staff_name", "staff_code"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
