"""CASEs are read in the admin; they change only through the operation layer."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from casedesk.core.admin_audit import AuditedAdmin
from casedesk.core.admin_display import json_block

from .models import Attachment, Case, CaseEvent, CaseNumberSequence, WorkLog

DATA = CaseEvent._meta.get_field("data").verbose_name


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WorkLogInline(admin.TabularInline):
    model = WorkLog
    extra = 0
    fields = ["created_at", "author", "kind", "minutes", "internal", "note"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    fields = ["at", "actor", "kind", "data_json", "internal"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=DATA)
    def data_json(self, obj):
        return json_block(obj.data)


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "title",
        "organization",
        "priority",
        "status",
        "engineer",
        "escalation_level",
        "created_at",
    ]
    list_filter = [
        "status",
        "priority",
        "channel",
        "escalation_level",
        "organization__service_level",
    ]
    search_fields = ["number", "serial_number", "title", "caller_name", "organization__code"]
    list_select_related = ["organization", "engineer"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [WorkLogInline, CaseEventInline]


@admin.register(WorkLog)
class WorkLogAdmin(ReadOnlyAdmin):
    list_display = ["case", "author", "kind", "minutes", "internal", "created_at"]
    list_filter = ["kind", "internal"]
    search_fields = ["case__number", "author__username"]
    list_select_related = ["case", "author"]
    show_full_result_count = False


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ["case", "at", "actor", "kind", "internal"]
    list_filter = ["kind", "internal"]
    search_fields = ["case__number", "actor__username", "request_id"]
    list_select_related = ["case", "actor"]
    show_full_result_count = False
    exclude = ["data"]
    readonly_fields = ["data_json"]

    @admin.display(description=DATA)
    def data_json(self, obj):
        return json_block(obj.data)


@admin.register(CaseNumberSequence)
class CaseNumberSequenceAdmin(ReadOnlyAdmin):
    list_display = ["period", "last_serial"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    """Files are listed here; they are downloaded through the permission-checked view."""

    list_display = ["case", "name", "size", "internal", "uploaded_by", "uploaded_at"]
    list_filter = ["internal"]
    search_fields = ["case__number", "name", "sha256"]
    list_select_related = ["case", "uploaded_by"]
    exclude = ["file"]  # no link to the stored file: downloads go through the checked view
    readonly_fields = ["case", "name", "download", "size", "content_type", "sha256", "internal"]
    show_full_result_count = False

    @admin.display(description=_("download"))
    def download(self, obj):
        return format_html(
            '<a href="{}">{}</a>', reverse("portal:attachment", args=[obj.pk]), obj.name
        )
