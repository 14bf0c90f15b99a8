from django.contrib import admin

from casedesk.core.admin_audit import AuditedAdmin

from .models import Survey


@admin.register(Survey)
class SurveyAdmin(AuditedAdmin):
    list_display = ["case", "organization", "engineer", "sent_at", "score", "answered_at"]
    list_filter = ["score"]
    exclude = ["token_hash", "language"]  # not even the hash is shown
    readonly_fields = [
        "case",
        "closing",
        "organization",
        "engineer",
        "sent_to",
        "sent_at",
        "expires_at",
        "answered_at",
        "score",
        "comment",
        "complaint",
    ]
