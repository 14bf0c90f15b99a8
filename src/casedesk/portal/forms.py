"""The portal's forms: shapes and lengths only; the rules are the operations'."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casedesk.cases.attachments import MultipleFileField
from casedesk.cases.choices import Priority, Status

# What each severity means, in the customer's words (Cisco severity 1–4).
PRIORITY_HELP = {
    Priority.P1: _(
        "Your network or a critical service is down and your business has stopped; "
        "there is no workaround."
    ),
    Priority.P2: _(
        "Your network is severely degraded or a critical service works only in part; "
        "important business is affected and there is no good workaround."
    ),
    Priority.P3: _(
        "Performance is impaired or a function fails, but most of your business "
        "carries on, or there is a workaround."
    ),
    Priority.P4: _(
        "You need information, help with installation or configuration, or a change; "
        "your business is not affected."
    ),
}


class CaseForm(forms.Form):
    title = forms.CharField(
        label=_("Short summary"),
        max_length=settings.CASEDESK_TITLE_MAX,
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    priority = forms.ChoiceField(
        label=_("How serious is it?"), choices=Priority.choices, widget=forms.RadioSelect
    )
    description = forms.CharField(
        label=_("What happened?"),
        max_length=settings.CASEDESK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you see, since when, what you have tried, and how to reach you."),
    )
    hardware_platform = forms.CharField(
        label=_("Hardware platform"), max_length=100, required=False
    )
    software_version = forms.CharField(label=_("Software version"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=64, required=False)
    files = MultipleFileField(label=_("Attachments"))


class InformationForm(forms.Form):
    note = forms.CharField(
        label=_("Add information"),
        max_length=settings.CASEDESK_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    files = MultipleFileField(label=_("Attachments"))


class ConfirmForm(forms.Form):
    note = forms.CharField(
        label=_("Comment (optional)"),
        max_length=settings.CASEDESK_TEXT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still wrong?"),
        max_length=settings.CASEDESK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All"))] + list(Status.choices), required=False
    )
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
