"""The HTTP request each format makes of a delivery, signed at the moment it is sent.

- generic: the JSON document as stored, ``X-Casedesk-Signature: sha256=<hex>``, the HMAC-SHA256
  of ``<timestamp>.<body>`` with the webhook's secret (``X-Casedesk-Timestamp``, Unix seconds).
- WeCom group bot: ``{"msgtype": "markdown", "markdown": {"content": …}}``; the key is in the URL.
- DingTalk group bot: ``{"msgtype": "markdown", "markdown": {"title", "text"}}``; with a secret,
  ``&timestamp=<ms>&sign=<urlencoded base64 HMAC-SHA256(secret, "<ms>\\n<secret>")>``.
- Feishu group bot: an interactive card; with a secret, ``timestamp`` (seconds) and ``sign``,
  base64 of HMAC-SHA256 keyed with ``"<s>\\n<secret>"`` over an empty message.

Bot messages are written in the desk's language (``settings.LANGUAGE_CODE``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote_plus

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from casedesk.cases import presenters, selectors
from casedesk.cases.choices import EventKind, Priority, Status
from casedesk.core.presenters import Reader
from casedesk.sla.choices import DeadlineKind

from .choices import WebhookFormat

USER_AGENT = "casedesk-webhooks/1"


@dataclass(frozen=True)
class Request:
    url: str
    body: bytes
    headers: dict[str, str]


def build(
    *,
    format: str,
    url: str,
    secret: str,
    payload: dict[str, Any],
    delivery_id: int,
    now: dt.datetime,
) -> Request:
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
    if format == WebhookFormat.GENERIC:
        body = _json(payload)
        timestamp = str(int(now.timestamp()))
        headers |= {
            "X-Casedesk-Event": payload["event"]["kind"],
            "X-Casedesk-Delivery": str(delivery_id),
            "X-Casedesk-Timestamp": timestamp,
            "X-Casedesk-Signature": "sha256=" + generic_signature(secret, timestamp, body),
        }
        return Request(url, body, headers)
    heading, rows, link = message(payload)
    if format == WebhookFormat.WECOM:
        content = f"**{heading}**\n" + "\n".join(f"> {k}: {v}" for k, v in rows)
        if link:
            content += f"\n[{open_label()}]({link})"
        return Request(
            url, _json({"msgtype": "markdown", "markdown": {"content": content}}), headers
        )
    if format == WebhookFormat.DINGTALK:
        text = f"#### {heading}\n\n" + "\n\n".join(f"- {k}: {v}" for k, v in rows)
        if link:
            text += f"\n\n[{open_label()}]({link})"
        body = _json({"msgtype": "markdown", "markdown": {"title": heading, "text": text}})
        if secret:
            timestamp = str(int(now.timestamp() * 1000))
            sign = quote_plus(dingtalk_signature(secret, timestamp))
            url += ("&" if "?" in url else "?") + f"timestamp={timestamp}&sign={sign}"
        return Request(url, body, headers)
    if format == WebhookFormat.FEISHU:
        document: dict[str, Any] = {}
        if secret:
            timestamp = str(int(now.timestamp()))
            document |= {"timestamp": timestamp, "sign": feishu_signature(secret, timestamp)}
        document |= {"msg_type": "interactive", "card": _feishu_card(payload, heading, rows, link)}
        return Request(url, _json(document), headers)
    raise ValueError(f"unknown webhook format {format!r}")


def generic_signature(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def dingtalk_signature(secret: str, timestamp_ms: str) -> str:
    string_to_sign = f"{timestamp_ms}\n{secret}".encode()
    return base64.b64encode(
        hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()
    ).decode()


def feishu_signature(secret: str, timestamp: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def accepted(format: str, status_code: int, text: str) -> str | None:
    """None when the receiver took the message, else why not (bots answer errors with 200)."""
    if not 200 <= status_code < 300:
        return f"HTTP {status_code}"
    if format == WebhookFormat.GENERIC:
        return None
    try:
        answer = json.loads(text)
    except ValueError:
        return "not a JSON answer"
    if not isinstance(answer, dict):
        return "not a JSON object"
    for field in ("errcode", "code", "StatusCode"):  # WeCom/DingTalk, Feishu, older Feishu
        if field in answer:
            if answer[field] in (0, "0"):
                return None
            detail = answer.get("errmsg") or answer.get("msg") or answer.get("StatusMessage")
            return f"{field} {answer[field]}: {detail}"
    return "answer without a result code"


def message(payload: dict[str, Any]) -> tuple[str, list[tuple[str, str]], str]:
    """The heading, the labelled lines and the CASE link of a bot message, in the desk's language."""
    event, case = payload["event"], payload.get("case")
    with translation.override(settings.LANGUAGE_CODE):
        kind = _label(EventKind, event["kind"]) if event["kind"] != "test" else gettext("Test")
        if case is None:
            return (
                _plain(gettext("casedesk webhook test")),
                [(gettext("Event"), kind)],
                "",
            )
        title = presenters.shown_title(case["title"])
        heading = _plain(f"[{case['number']}] {_headline(event) or kind}: {title}")
        engineer = case.get("engineer") or {}
        rows = [
            (gettext("CASE"), case["number"]),
            (gettext("Title"), _plain(title)),
            (gettext("Priority"), _label(Priority, case["priority"])),
            (gettext("Status"), _label(Status, case["status"])),
            (gettext("Event"), kind),
            (gettext("Engineer"), _plain(engineer.get("name", "")) or gettext("nobody yet")),
            (gettext("Customer"), _plain(case["organization"]["name"])),
        ]
        deadline = (event.get("data") or {}).get("deadline")
        if event["kind"] == EventKind.DEADLINE_FIRED and deadline:
            rows.append((gettext("Deadline"), _label(DeadlineKind, deadline)))
        if event.get("actor"):
            rows.append((gettext("By"), _plain(event["actor"]["name"])))
        return heading, rows, case.get("url", "")


def _headline(event: dict[str, Any]) -> str:
    """The event's headline as the console and the portal word it (``cases.presenters``),
    from the stored document; staff read the bots (the desk's group chats)."""
    shown = SimpleNamespace(
        kind=event["kind"], data=event.get("data") or {}, internal=event.get("internal", False)
    )
    return presenters.present(shown, Reader(names=selectors.event_people([shown]))).headline


def open_label() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Open the CASE")


def _feishu_card(payload, heading, rows, link) -> dict[str, Any]:
    colours = {"P1": "red", "P2": "orange", "P3": "yellow", "P4": "blue"}
    case = payload.get("case") or {}
    elements: list[dict[str, Any]] = [
        {
            "tag": "div",
            "text": {"tag": "lark_md", "content": "\n".join(f"**{k}**: {v}" for k, v in rows)},
        }
    ]
    if link:
        elements.append(
            {
                "tag": "action",
                "actions": [
                    {
                        "tag": "button",
                        "text": {"tag": "plain_text", "content": open_label()},
                        "url": link,
                        "type": "primary",
                    }
                ],
            }
        )
    return {
        "config": {"wide_screen_mode": True},
        "header": {
            "title": {"tag": "plain_text", "content": heading},
            "template": colours.get(case.get("priority", ""), "blue"),
        },
        "elements": elements,
    }


def _label(choices, value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


# Text from users goes into markdown: full-width look-alikes keep it from forming links,
# emphasis or HTML tags (a CASE title "[click](http://…)" stays plain text).
_MARKDOWN = str.maketrans(
    {"[": "［", "]": "］", "<": "＜", ">": "＞", "*": "＊", "`": "ˋ", "#": "＃"}
)


def _plain(text: str) -> str:
    return " ".join(str(text).split()).translate(_MARKDOWN)


def _json(document: Any) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()
