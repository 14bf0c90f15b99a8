"""The console's intake pages of the mail gateway: the quarantine (see, download, re-run)
and the fax upload that opens a CASE with the scan attached."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.accounts.models import Contact, Organization
from casedesk.accounts.policy import AccountAction
from casedesk.cases.choices import Priority
from casedesk.core import policy
from casedesk.core.errors import DomainError, InvalidInput
from casedesk.mailgate import intake, selectors
from casedesk.mailgate import services as mailgate
from casedesk.mailgate.choices import InboundStatus
from casedesk.mailgate.models import InboundMessage
from casedesk.mailgate.policy import MailAction

from .guards import forbidden, staff_required

PAGE_SIZE = 50


def _may_triage(user) -> bool:
    return policy.can(user, AccountAction.MANAGE_CUSTOMERS)


@staff_required
def mail_quarantine(request):
    """Mail the gateway could not process, newest first (or any status with ?status=)."""
    if not _may_triage(request.user):
        return forbidden(request)
    status = request.GET.get("status", InboundStatus.QUARANTINED)
    if status not in InboundStatus.values:
        status = InboundStatus.QUARANTINED
    page = Paginator(
        selectors.inbound_messages(status=status, fetched_by=request.user), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "web/mail_quarantine.html",
        {
            "page": page,
            "status": status,
            "statuses": InboundStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@staff_required
def mail_rerun(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not _may_triage(request.user):  # before saying whether the message exists
        return forbidden(request)
    message = get_object_or_404(policy.visible(request.user, InboundMessage), pk=pk)
    try:
        message = mailgate.reprocess(message=message, by=request.user)
    except DomainError as exc:
        return forbidden(request, exc.detail, status=exc.status)
    from django.contrib import messages

    if message.status == InboundStatus.QUARANTINED:
        messages.error(request, _("Still quarantined: %(reason)s") % {"reason": message.reason})
    elif message.case_id:
        messages.success(
            request,
            _("Processed: %(number)s.") % {"number": message.case.number},
        )
    else:
        messages.success(request, _("Processed."))
    return redirect("web:mail_quarantine")


@staff_required
def mail_raw(request, pk: int):
    """The message exactly as received, as a download (never shown inline)."""
    if not _may_triage(request.user):
        return forbidden(request)
    message = get_object_or_404(policy.visible(request.user, InboundMessage), pk=pk)
    return FileResponse(
        message.raw.open("rb"),
        as_attachment=True,
        filename=f"message-{message.pk}.eml",
        content_type="message/rfc822",
    )


class FaxForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=gettext_lazy("organization"),
        queryset=Organization.objects.filter(is_active=True).order_by("code"),
    )
    contact = forms.ModelChoiceField(
        label=gettext_lazy("contact"),
        queryset=Contact.objects.select_related("organization").order_by(
            "organization__code", "name"
        ),
        required=False,
    )
    title = forms.CharField(label=gettext_lazy("title"), max_length=200)
    priority = forms.ChoiceField(
        label=gettext_lazy("priority"), choices=Priority.choices, initial=Priority.P3
    )
    description = forms.CharField(
        label=gettext_lazy("description"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    scan = forms.FileField(
        label=gettext_lazy("Scanned fax (PDF or TIFF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.tif,.tiff"}),
    )


@staff_required
def fax_new(request):
    """Staff upload a received fax: it becomes a CASE (channel fax) with the scan attached."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if not policy.can(request.user, MailAction.RECEIVE_FAX):
        return forbidden(request)
    if request.method == "GET":
        return render(request, "web/mail_fax.html", {"form": FaxForm()})
    form = FaxForm(request.POST, request.FILES)
    error = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            case = intake.fax_open(
                organization=data["organization"],
                contact=data["contact"],
                title=data["title"],
                priority=data["priority"],
                description=data["description"],
                scan=data["scan"],
                by=request.user,
            )
        except DomainError as exc:
            error = exc.detail
            status = exc.status
        else:
            from django.contrib import messages

            messages.success(request, _("Fax received as %(number)s.") % {"number": case.number})
            return redirect("web:case_detail", number=case.number)
    else:
        error = InvalidInput(
            "; ".join(
                f"{form.fields[f].label if f in form.fields else f}: {' '.join(e)}"
                for f, e in form.errors.items()
            )
        ).detail
        status = 422
    return render(request, "web/mail_fax.html", {"form": form, "error": error}, status=status)
