"""Shared schema pieces."""

import datetime as dt

from ninja import Schema
from pydantic import BaseModel, ConfigDict


class In(Schema):
    """Request bodies: unknown fields are an error, types are strict, strings are stripped.

    Strict, so ``"5"`` or ``true`` is not taken for the number 5 and ``1`` not for ``true``:
    an integration sending the wrong type hears about it instead of acting on a guess.
    """

    model_config = ConfigDict(extra="forbid", strict=True, str_strip_whitespace=True)


class Empty(In):
    """The body of an action that takes no input: nothing, ``{}``, or a 4xx."""


class Detail(Schema):
    detail: str


class AllowanceUseOut(BaseModel):
    """One allowance of a contract's service product in the period holding an instant (the
    entitlement's and the CASE's kept entitlement's ``allowances``)."""

    unit: str
    period: str
    quantity: int
    used: int
    remaining: int
    period_starts_on: dt.date
    period_ends_on: dt.date
