from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from casedesk.cases.choices import EventKind
from casedesk.core import clock
from casedesk.core.admin_audit import AuditedAdmin
from casedesk.core.admin_display import json_block

from . import services
from .choices import DeliveryStatus, WebhookFormat
from .models import Webhook, WebhookDelivery, event_kind_label
from .validators import format_problems


class WebhookForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("secret"),
        required=False,
        strip=True,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=Webhook._meta.get_field("secret").help_text,
    )
    clear_secret = forms.BooleanField(
        label=_("remove the secret"),
        required=False,
        help_text=_("DingTalk and Feishu: send unsigned from now on."),
    )
    event_kinds = forms.MultipleChoiceField(
        label=_("events"),
        required=False,
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=Webhook._meta.get_field("event_kinds").help_text,
    )

    class Meta:
        model = Webhook
        fields = [
            "name",
            "active",
            "format",
            "url",
            "secret",
            "event_kinds",
            "organization",
            "include_internal",
        ]

    def clean_url(self):
        return self.cleaned_data["url"].strip()

    def clean(self):
        data = super().clean()
        problems = format_problems(
            format=data.get("format", ""), url=data.get("url", ""), secret=data.get("secret", "")
        )
        for field, message in problems.items():
            self.add_error(field, message)
        return data

    def save(self, commit=True):
        hook = super().save(commit=False)
        new_secret = self.cleaned_data.get("secret")
        if new_secret:
            hook.secret = new_secret
        elif self.cleaned_data.get("clear_secret") or hook.format == WebhookFormat.WECOM:
            hook.secret = ""
        elif self.instance.pk:
            hook.secret = Webhook.objects.values_list("secret", flat=True).get(pk=hook.pk)
        self.generated_secret = ""
        if hook.format == WebhookFormat.GENERIC and not hook.secret:
            hook.secret = self.generated_secret = services.new_secret()
        if commit:
            hook.save()
        return hook


@admin.register(Webhook)
class WebhookAdmin(AuditedAdmin):
    """Where CASE events are posted; the log of each webhook's deliveries is one click away."""

    form = WebhookForm
    list_display = ["name", "format", "url_host", "organization", "active", "deliveries_link"]
    list_filter = ["format", "active"]
    search_fields = ["name", "url"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    readonly_fields = ["secret_hint", "recent_deliveries", "created_at"]
    actions = ["send_test"]

    def get_fields(self, request, obj=None):
        fields = ["name", "active", "format", "url", "secret_hint", "secret", "clear_secret"]
        fields += ["event_kinds", "organization", "include_internal"]
        if obj is not None:
            fields += ["recent_deliveries", "created_at"]
        return fields

    @admin.display(description=_("current secret"))
    def secret_hint(self, obj):
        if obj is None or not obj.secret:
            return _("none")
        return "•" * 8 + obj.secret[-4:]

    @admin.display(description=_("host"))
    def url_host(self, obj):
        from urllib.parse import urlsplit

        return urlsplit(obj.url).hostname or ""

    @admin.display(description=_("deliveries"))
    def deliveries_link(self, obj):
        url = reverse("admin:webhooks_webhookdelivery_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>', url, urlencode({"webhook__id__exact": obj.pk}), _("log")
        )

    @admin.display(description=_("recent deliveries"))
    def recent_deliveries(self, obj):
        rows = obj.deliveries.select_related("case").order_by("-created_at", "-id")[:10]
        table = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{clock.local(r.created_at):%Y-%m-%d %H:%M:%S}",
                    r.case.number if r.case else "—",
                    r.event_label(),
                    r.get_status_display(),
                    r.last_status_code or "",
                    r.last_error[:120],
                )
                for r in rows
            ),
        )
        return format_html("<table>{}</table><p>{}</p>", table, self.deliveries_link(obj))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.generated_secret:
            self.message_user(
                request,
                _(
                    "The signing secret of “%(name)s” is %(secret)s — configure the receiver "
                    "with it now: it is not shown again."
                )
                % {"name": obj.name, "secret": form.generated_secret},
                messages.WARNING,
            )

    @admin.action(description=_("Send a test message to the selected webhooks"))
    def send_test(self, request, queryset):
        for hook in queryset[:10]:
            row = services.webhook_test(webhook=hook, by=request.user)
            if row.status == DeliveryStatus.SENT:
                self.message_user(
                    request,
                    _("%(name)s: the test message was delivered (HTTP %(code)s).")
                    % {"name": hook.name, "code": row.last_status_code},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("%(name)s: the test message was not delivered: %(error)s")
                    % {"name": hook.name, "error": row.last_error},
                    messages.ERROR,
                )


class EventKindFilter(admin.SimpleListFilter):
    """The deliveries of one kind of event, named in the reader's language."""

    title = WebhookDelivery._meta.get_field("event_kind").verbose_name
    parameter_name = "event_kind"

    def lookups(self, request, model_admin):
        return [("test", event_kind_label("test")), *EventKind.choices]

    def queryset(self, request, queryset):
        return queryset.filter(event_kind=self.value()) if self.value() else queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AuditedAdmin):
    """The delivery log: what went where, what the receiver answered, what waits or gave up."""

    list_display = [
        "created_at",
        "webhook",
        "case",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "sent_at",
    ]
    list_filter = ["status", "webhook", EventKindFilter]
    search_fields = ["case__number", "last_error"]
    list_select_related = ["webhook", "case"]
    show_full_result_count = False
    actions = ["retry_now"]
    readonly_fields = [
        {"payload": "payload_json", "event_kind": "event"}.get(f.name, f.name)
        for f in WebhookDelivery._meta.fields
        if f.name != "claim_token"
    ]
    exclude = ["claim_token", "payload", "event_kind"]

    @admin.display(description=WebhookDelivery._meta.get_field("event_kind").verbose_name)
    def event(self, obj):
        return obj.event_label()

    @admin.display(description=WebhookDelivery._meta.get_field("payload").verbose_name)
    def payload_json(self, obj):
        return json_block(obj.payload)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected deliveries now"))
    def retry_now(self, request, queryset):
        n = services.delivery_retry(deliveries=queryset, by=request.user)
        self.message_user(
            request, _("%(n)d delivery(ies) will be retried.") % {"n": n}, messages.INFO
        )
