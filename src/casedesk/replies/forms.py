"""The composer's form: the reply's text and its files (the operation checks both)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from casedesk.cases.attachments import MultipleFileField


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Reply to the customer"),
        strip=False,
        required=False,  # the operation says what is wrong with an empty one
        widget=forms.Textarea(attrs={"rows": 8, "class": "reply-body"}),
    )
    files = MultipleFileField(label=_("Files (mailed with the reply, and public on the CASE)"))
