from django.contrib import admin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """The audit trail, read-only: records are appended by operations, never edited."""

    list_display = ("seq", "at", "actor", "action", "object_type", "object_repr", "reason")
    list_filter = ("action", "object_type")
    search_fields = ("=object_id", "object_repr", "actor", "=request_id")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
