"""Template helpers of the customer portal."""

from __future__ import annotations

from django import template

from casedesk.core import markup

register = template.Library()


# What people wrote (work logs, solutions, descriptions) as sanitized Markdown that keeps
# pasted output's layout: ``{{ note|markup }}``.
register.filter("markup", markup.render, is_safe=True)


def display_name(user) -> str:
    """A person's display name (``User.display_name``: 赵刚, "Jane Smith", else the login)."""
    return user.display_name if user is not None else ""


@register.filter
def person(user) -> str:
    return display_name(user)
