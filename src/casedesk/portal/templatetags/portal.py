"""Template helpers of the customer portal."""

from __future__ import annotations

import unicodedata

from django import template

from casedesk import markup

register = template.Library()


# What people wrote (work logs, solutions, descriptions) as sanitized Markdown that keeps
# pasted output's layout: ``{{ note|markup }}``.
register.filter("markup", markup.render, is_safe=True)


def _is_cjk(text: str) -> bool:
    return any(unicodedata.name(ch, "").startswith("CJK") for ch in text)


def display_name(user) -> str:
    """A person's name as they write it: 赵刚 (family name first, no space) for a Chinese
    name, "Jane Smith" otherwise; the username when no name is known."""
    if user is None:
        return ""
    first, last = (user.first_name or "").strip(), (user.last_name or "").strip()
    name = f"{last}{first}" if _is_cjk(first + last) else f"{first} {last}".strip()
    return name or user.username


@register.filter
def person(user) -> str:
    return display_name(user)
