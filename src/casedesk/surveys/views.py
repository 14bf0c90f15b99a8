"""The caller's survey page (``/survey/<token>``: no login, phone-sized, in the language the
survey was mailed in) and the console's results page."""

from __future__ import annotations

from django import forms
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext_lazy

from casedesk.core import policy
from casedesk.core.errors import DomainError
from casedesk.web.guards import forbidden, staff_required

from . import selectors, services
from .policy import SurveyAction


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=services.COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, f"surveys/{template}", context, status=status)


def answer(request, token: str):
    try:
        survey = services.open_survey(token)
    except DomainError as exc:
        return _page(request, "survey_gone.html", {"message": exc.detail}, status=exc.status)
    with translation.override(survey.language or None):
        context = {"case": survey.case, "survey": survey, "language": survey.language}
        if survey.answered_at is not None:
            return _page(request, "survey_thanks.html", {**context, "again": True})
        form = AnswerForm(request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            try:
                services.survey_answer(
                    token=token,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form.add_error(None, exc.detail)
            else:
                return _page(request, "survey_thanks.html", context)
        status = 400 if form.errors else 200
        return _page(request, "survey_page.html", {**context, "form": form}, status=status)


@staff_required
def results(request):
    if not policy.can(request.user, SurveyAction.RESULTS):
        return forbidden(request)
    found = selectors.results(fetched_by=request.user)
    return render(request, "surveys/results.html", {"results": found})
