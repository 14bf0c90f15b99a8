"""A reply to the customer (API.md § "Knowledge, surveys, complaints, customer replies")."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Router, Schema, Status

from casedesk.api.schemas import Detail, In

from . import selectors, services

MOUNT = "/"  # its path names itself: /cases/{number}/replies
router = Router(tags=["replies"])
ERRORS = {400: Detail, 401: Detail, 403: Detail, 404: Detail, 409: Detail, 422: Detail}


class ReplyIn(In):
    body: str = Field(description="the text mailed to the CASE's contact; public in its history")


class ReplyOut(Schema):
    id: int = Field(description="the reply's entry (work log) in the CASE's history")
    case: str
    body: str
    to: str = Field(description="the address it was mailed to")
    message_id: str = Field(description="the mail's Message-ID")
    author: str
    created_at: dt.datetime


@router.post("cases/{number}/replies", response={201: ReplyOut, **ERRORS})
def create_reply(request, number: str, body: ReplyIn):
    case = selectors.case_to_reply(number=number, fetched_by=request.auth)
    reply = services.case_reply(case=case, body=body.body, by=request.auth)
    log = reply.worklog
    return Status(
        201,
        {
            "id": log.pk,
            "case": case.number,
            "body": log.note,
            "to": reply.message.to_email,
            "message_id": reply.message.message_id,
            "author": log.author.username,
            "created_at": log.created_at,
        },
    )
