"""How the admin shows stored data that is not prose."""

import json

from django.utils.html import format_html


def json_block(value) -> str:
    """A JSON document (event data, a webhook's payload) indented in a code block: its keys
    are names in the data, not words of the page, and read as such."""
    return format_html("<pre>{}</pre>", json.dumps(value, ensure_ascii=False, indent=2))
