"""Template helpers of the customer portal."""

from __future__ import annotations

from django import template
from django.urls import reverse

from casedesk.contracts.presenters import kept_entitlement_text
from casedesk.core import discovery, markup, policy

register = template.Library()


# What people wrote (work logs, solutions, descriptions) as sanitized Markdown that keeps
# pasted output's layout: ``{{ note|markup }}``.
register.filter("markup", markup.render, is_safe=True)
# The entitlement the CASE kept from intake, as a sentence.
register.filter("entitlement", kept_entitlement_text)


def display_name(user) -> str:
    """A person's display name (``User.display_name``: 赵刚, "Jane Smith", else the login)."""
    return user.display_name if user is not None else ""


@register.filter
def person(user) -> str:
    return display_name(user)


@register.simple_tag
def portal_menu(user) -> list[tuple[str, str]]:
    """(address, label) of each domain's portal pages in the portal's nav: the
    ``PORTAL_MENU`` of its ``urls.py``, ``(url name, label, the policy action that shows it)``."""
    return [
        (reverse(name), str(label))
        for urls in discovery.app_modules("urls")
        for name, label, action in getattr(urls, "PORTAL_MENU", ())
        if policy.can(user, action)
    ]
