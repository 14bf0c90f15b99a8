"""Template helpers of the customer portal."""

from __future__ import annotations

from django import template

register = template.Library()


def display_name(user) -> str:
    """A person's display name (``User.display_name``: 赵刚, "Jane Smith", else the login)."""
    return user.display_name if user is not None else ""


@register.filter
def person(user) -> str:
    return display_name(user)
