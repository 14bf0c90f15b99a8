"""A CASE's survey on its page (console and portal): the score and comment, or that it was
sent and waits; nothing when no survey was sent.  One query."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import selectors


def _panel(request, case) -> list[str]:
    survey = selectors.survey_of_case(case=case, fetched_by=request.user)
    if survey is None:
        return []
    return [render_to_string("surveys/case_survey.html", {"survey": survey}, request=request)]


def console(request, case) -> list[str]:
    return _panel(request, case)


def portal(request, case) -> list[str]:
    return _panel(request, case)
