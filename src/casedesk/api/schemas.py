"""Shared schema pieces."""

from ninja import Schema
from pydantic import ConfigDict


class In(Schema):
    """Request bodies: unknown fields are an error, strings are stripped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Detail(Schema):
    detail: str
