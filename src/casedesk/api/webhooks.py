"""Webhooks: the URLs CASE events are posted to (administrators only)."""

import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from casedesk.accounts import selectors as accounts
from casedesk.core import policy
from casedesk.webhooks import selectors, services
from casedesk.webhooks.policy import WebhookAction

from .schemas import Detail, In

router = Router(tags=["webhooks"])

ERRORS = {400: Detail, 401: Detail, 403: Detail, 422: Detail}


class WebhookIn(In):
    name: str = Field(min_length=1, max_length=100)
    url: str = Field(
        max_length=1000,
        description="http(s); for a bot, the address its settings show",
        examples=["https://oapi.dingtalk.com/robot/send?access_token=…"],
    )
    format: Literal["generic", "wecom", "dingtalk", "feishu"] = "generic"
    secret: str = Field(
        "",
        max_length=200,
        description="generic: the HMAC key (generated when empty and returned once); "
        "DingTalk/Feishu: the bot's signing secret (empty: unsigned); WeCom: empty",
    )
    event_kinds: list[str] = Field(
        [], description="CASE event kinds to send (e.g. opened, assigned); empty: all"
    )
    organization: str | None = Field(None, description="only this customer's CASEs (its code)")
    include_internal: bool = False
    active: bool = True


class WebhookOut(Schema):
    id: int
    name: str
    url: str
    format: str
    event_kinds: list[str]
    organization: str | None
    include_internal: bool
    active: bool
    created_at: dt.datetime
    secret_set: bool


class WebhookCreated(WebhookOut):
    secret: str = Field(description="the generated secret, shown this once; else empty")


def webhook_out(hook) -> dict:
    return {
        "id": hook.pk,
        "name": hook.name,
        "url": hook.url,
        "format": hook.format,
        "event_kinds": hook.event_kinds,
        "organization": hook.organization.code if hook.organization_id else None,
        "include_internal": hook.include_internal,
        "active": hook.active,
        "created_at": hook.created_at,
        "secret_set": bool(hook.secret),
    }


@router.get("", response={200: list[WebhookOut], **ERRORS}, summary="Registered webhooks")
def list_webhooks(request):
    return [webhook_out(h) for h in selectors.webhook_list(fetched_by=request.auth)]


@router.post("", response={201: WebhookCreated, **ERRORS}, summary="Register a webhook")
def create_webhook(request, payload: WebhookIn):
    """Deliveries are signed and retried as the README's *Webhooks* section describes."""
    data = payload.dict()
    code = data.pop("organization")
    policy.require(request.auth, WebhookAction.MANAGE_WEBHOOKS)  # before saying "unknown org"
    organization = accounts.organization_by_code(code) if code else None
    hook, generated = services.webhook_create(by=request.auth, organization=organization, **data)
    return Status(201, {**webhook_out(hook), "secret": generated})
