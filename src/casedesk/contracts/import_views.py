"""The console's equipment import: upload a file, read the preview of its bad rows (nothing
written), then import it — the same check and operation as ``casedesk import-equipment``.

The uploaded file waits between the two steps in the media storage (``imports/``), named by
a random key that travels signed, for this user, in the preview's form; it is removed once
imported, or after a day.  Only contract managers (``ContractAction.MANAGE_EQUIPMENT``) reach
these pages; a stranger is sent to log in, a customer refused (``web.guards.staff_required``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casedesk.core import clock, policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import staff_required

from . import import_tables, importing
from .policy import ContractAction

STAGED = "imports"
SALT = "casedesk.contracts.import"
MAX_AGE = 3600  # seconds a preview may be imported after
SHOWN = 500  # bad rows listed on the preview; past this, their count
TEMPLATE = "contracts/equipment_import.html"


def max_bytes() -> int:
    return settings.CASEDESK_MAX_ATTACHMENT_MB * 1024 * 1024


def contract_managers_page(*methods: str):
    """A console page for contract managers: not logged in, the login page; not staff, 403;
    another method, 405; staff who may not import equipment, 403 (in that order, as
    the console's pages answer)."""

    def decorate(view):
        @staff_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if not policy.can(request.user, ContractAction.MANAGE_EQUIPMENT):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or XLSX file"),
        allow_empty_file=True,  # refused by the reading, with the import's own words
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


@contract_managers_page("GET", "POST")
def equipment_import(request):
    """GET: the upload form; POST: the preview of the uploaded file, nothing written."""
    if request.method == "GET":
        return render(request, TEMPLATE, {"form": UploadForm()})
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, form, _("Choose a CSV or XLSX file to upload."))
    upload = form.cleaned_data["file"]
    if upload.size > max_bytes():
        return _refused(
            request,
            form,
            _("The file is larger than %(mb)d MB.") % {"mb": settings.CASEDESK_MAX_ATTACHMENT_MB},
        )
    data = upload.read()
    try:
        checked = importing.preview(import_tables.read(data), by=request.user)
    except import_tables.NotATable as exc:
        checked = importing.Checked(problems=[_problem_of(exc)])
        return _preview(request, checked, upload.name, token="", status=422)
    _forget_old_files()
    key = default_storage.save(f"{STAGED}/{uuid.uuid4().hex}", ContentFile(data))
    token = signing.dumps({"key": key, "user": request.user.pk, "name": upload.name}, salt=SALT)
    return _preview(request, checked, upload.name, token=token)


@contract_managers_page("POST")
def equipment_import_confirm(request):
    """Import the previewed file (its good rows only, if ``skip_bad``), then back to the
    upload page with what was imported."""
    staged = _staged(request)
    if staged is None:
        return render(
            request,
            TEMPLATE,
            {
                "form": UploadForm(),
                "error": _("This preview has expired; upload the file again."),
            },
            status=422,
        )
    key, name = staged
    with default_storage.open(key, "rb") as fh:
        data = fh.read()
    try:
        checked = importing.equipment_import(
            table=import_tables.read(data),
            by=request.user,
            skip_bad=request.POST.get("skip_bad") == "1",
            source=name,
        )
    except DomainError as exc:
        context = {"form": UploadForm(), "error": exc.detail}
        return render(request, TEMPLATE, context, status=exc.status)
    if not checked.written:  # rows went bad since the preview (a serial added meanwhile)
        token = request.POST["token"]
        return _preview(request, checked, name, token=token, status=409, changed=True)
    default_storage.delete(key)
    messages.success(
        request,
        _(
            "%(file)s: %(new)d pieces of equipment and %(lines)d coverage lines imported,"
            " %(unchanged)d already known, %(bad)d bad rows skipped."
        )
        % {
            "file": name,
            "new": checked.new,
            "lines": checked.lines_to_add,
            "unchanged": checked.unchanged,
            "bad": checked.bad,
        },
    )
    return redirect("contracts:equipment_import")


def _staged(request) -> tuple[str, str] | None:
    """The staged file's storage key and original name, if the token is good and the
    user's."""
    try:
        found = signing.loads(request.POST.get("token", ""), salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(found, dict) or found.get("user") != request.user.pk:
        return None
    key = str(found.get("key", ""))
    if not key.startswith(f"{STAGED}/") or not default_storage.exists(key):
        return None
    return key, str(found.get("name", ""))


def _problem_of(exc: import_tables.NotATable) -> importing.Problem:
    return importing.Problem(exc.line, exc.column, "file", {"detail": exc.detail})


def _refused(request, form, message: str):
    return render(request, TEMPLATE, {"form": form, "error": message}, status=422)


def _preview(request, checked, name: str, *, token: str, status: int = 200, changed=False):
    context = {
        "form": UploadForm(),
        "checked": checked,
        "file_name": name,
        "problems": checked.problems[:SHOWN],
        "more": max(len(checked.problems) - SHOWN, 0),
        "token": token,
        "changed": changed,
    }
    return render(request, TEMPLATE, context, status=status)


def _forget_old_files() -> None:
    """Remove staged files older than a day (previews nobody imported)."""
    try:
        _dirs, files = default_storage.listdir(STAGED)
    except FileNotFoundError:
        return
    old = clock.now() - dt.timedelta(days=1)
    for name in files:
        key = f"{STAGED}/{name}"
        try:
            if default_storage.get_modified_time(key) < old:
                default_storage.delete(key)
        except (FileNotFoundError, NotImplementedError):
            continue
