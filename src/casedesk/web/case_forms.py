"""The CASE page's forms: they parse and bound input, nothing more.

The rules (who may, in which state, which engineer) are the operations' business
(``cases/services.py``): a form never decides them, it only turns POST data into the
operation's arguments.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from casedesk.cases import services
from casedesk.cases.attachments import MultipleFileField
from casedesk.cases.choices import Channel, PendingReason, Priority, WorkLogKind

TEXT_MAX = settings.CASEDESK_TEXT_MAX


def _text(label, *, required: bool = True, rows: int = 3, max_length: int = TEXT_MAX):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CaseNewForm(forms.Form):
    """A CASE taken on the phone: the caller (a contact), the grade, the problem."""

    contact = forms.IntegerField(
        label=_("Caller"), min_value=1, max_value=2**31 - 1, widget=forms.HiddenInput
    )
    priority = forms.ChoiceField(
        label=_("Severity"), choices=Priority.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(label=_("Title"), max_length=settings.CASEDESK_TITLE_MAX)
    description = _text(_("Description"), required=False, rows=5)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    contract_id = forms.CharField(label=_("Contract ID"), max_length=64, required=False)
    hardware_platform = forms.CharField(
        label=_("Hardware platform"), max_length=100, required=False
    )
    software_version = forms.CharField(label=_("Software version"), max_length=100, required=False)
    serial_number = forms.CharField(label=_("Serial number"), max_length=64, required=False)


class LogWorkForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[c for c in WorkLogKind.choices if c[0] != WorkLogKind.REPLY]
    )
    note = _text(_("Note"))
    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=services.MAX_WORKLOG_MINUTES, initial=0
    )
    internal = forms.BooleanField(label=_("Internal (hidden from the customer)"), required=False)


class AttachForm(forms.Form):
    """Files for the CASE (``attachments.case_attach``); internal ones the customer never sees."""

    files = MultipleFileField(label=_("Files"))
    internal = forms.BooleanField(label=_("Internal (hidden from the customer)"), required=False)


class EngineerForm(forms.Form):
    """Who: an engineer's username (assign, add or remove a helper)."""

    engineer = forms.CharField(label=_("Engineer"), max_length=150)
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False)


class AssignForm(EngineerForm):
    """Assign; ``override_reason`` gives a P1/P2 CASE to a first-line engineer anyway."""

    override_reason = forms.CharField(
        label=_("Reason for overriding the tier rule"), max_length=TEXT_MAX, required=False
    )


class ReasonForm(forms.Form):
    """Request reassignment, escalate to a senior engineer, reopen: a reason is required."""

    reason = _text(_("Reason"), rows=2)


class EscalateSeniorForm(ReasonForm):
    """Escalate to a senior engineer; a dispatcher may hand the CASE to one at once."""

    engineer = forms.CharField(label=_("Hand to"), max_length=150, required=False)


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    reason = forms.CharField(label=_("Reason"), max_length=TEXT_MAX, required=False)


class PendForm(forms.Form):
    reason = forms.ChoiceField(label=_("Waiting for"), choices=PendingReason.choices)
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False)


class NoteForm(forms.Form):
    """Resume, or confirm on the customer's behalf (the service requires the note then)."""

    note = _text(_("Note"), required=False, rows=2)


class ResolveForm(forms.Form):
    solution = _text(_("Solution"), rows=4)


class GoodwillForm(forms.Form):
    """A manager serves an uncovered CASE anyway: why, and with which service product
    (empty: the one its contract names)."""

    reason = _text(_("Reason"), rows=3)
    service_product = forms.CharField(label=_("Service product"), max_length=64, required=False)


class EmptyForm(forms.Form):
    """Accept and close: the button is the whole input."""


class PhonedForm(forms.Form):
    """The call taker phoned the engineer: how long it took and what was said."""

    minutes = forms.IntegerField(
        label=_("Minutes"), min_value=0, max_value=services.MAX_WORKLOG_MINUTES, initial=2
    )
    note = forms.CharField(label=_("Note"), max_length=TEXT_MAX, required=False)


def first_error(form: forms.Form) -> str:
    """The form's first error as one line, to show like an operation's refusal."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        return f"{label}: {errors[0]}" if label else str(errors[0])
    return ""
