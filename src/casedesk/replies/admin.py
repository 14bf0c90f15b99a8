from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import ReplyTemplate


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(AuditedAdmin):
    list_display = ["name", "language", "active"]
    list_filter = ["language", "active"]
    search_fields = ["name", "body"]
