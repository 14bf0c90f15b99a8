"""``{{ case.title|shown_title }}``: a CASE's title as people read it, in the active
language (``presenters.shown_title``); for the console, the portal and mail alike."""

from django import template

from casedesk.cases import presenters

register = template.Library()


@register.filter
def shown_title(title: str) -> str:
    return presenters.shown_title(title)
