"""The visit endpoints: statuses, bodies, and refusals that write nothing."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from casedesk.core import clock
from tests.accounts.factories import make_user
from tests.factories import database_snapshot
from tests.field.factories import data_url, entitled_case

pytestmark = pytest.mark.django_db


def _api(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client, path, body, **extra):
    return client.post(
        "/api/v1" + path, data=json.dumps(body), content_type="application/json", **extra
    )


def test_the_whole_visit_through_the_api():
    case = entitled_case()
    duty, engineer = make_user("duty_engineer"), make_user("engineer", username="fld.api")
    client = _api(duty)
    at = (clock.now() + dt.timedelta(hours=2)).isoformat()
    r = post(client, f"/cases/{case.number}/visits",
             {"engineer": "fld.api", "scheduled_at": at, "parts": ["SFP-10G-SR"], "tools": "笔记本"})  # fmt: skip
    assert r.status_code == 201, r.content
    visit = r.json()
    assert visit["status"] == "scheduled" and visit["parts"] == ["SFP-10G-SR"]
    mine = _api(engineer)
    r = post(mine, f"/visits/{visit['id']}/check-out",
             {"work_done": "x", "customer_name": "李工", "signature": data_url()})  # fmt: skip
    assert r.status_code == 409 and r.json()["detail"]
    assert post(mine, f"/visits/{visit['id']}/check-in", {}).json()["status"] == "on_site"
    r = post(mine, f"/visits/{visit['id']}/check-out",
             {"work_done": "更换光模块", "customer_name": "李工", "signature": data_url()})  # fmt: skip
    assert r.status_code == 200, r.content
    done = r.json()
    assert done["status"] == "done" and done["report_url"].endswith("/report.pdf")
    pdf = mine.get(done["report_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    r = post(mine, f"/visits/{visit['id']}/check-out",
             {"work_done": "再签", "customer_name": "李工", "signature": data_url()})  # fmt: skip
    assert r.status_code == 409


def test_unknown_engineer_is_422_and_writes_nothing():
    case = entitled_case()
    client = _api(make_user("duty_engineer"))
    before = database_snapshot()
    r = post(client, f"/cases/{case.number}/visits",
             {"engineer": "nobody", "scheduled_at": clock.now().isoformat()})  # fmt: skip
    assert r.status_code == 422 and r.json()["detail"]
    assert database_snapshot() == before


def test_a_20_mb_signature_is_refused_before_it_is_read():
    case = entitled_case()
    duty = make_user("duty_engineer")
    engineer = make_user("engineer", username="fld.big")
    client = _api(duty)
    visit = post(client, f"/cases/{case.number}/visits",
                 {"engineer": "fld.big", "scheduled_at": clock.now().isoformat()}).json()  # fmt: skip
    mine = _api(engineer)
    post(mine, f"/visits/{visit['id']}/check-in", {})
    before = database_snapshot()
    body = json.dumps({"work_done": "x", "customer_name": "李工",
                       "signature": "data:image/png;base64," + "A" * (20 * 1024 * 1024)})  # fmt: skip
    r = mine.post(
        f"/api/v1/visits/{visit['id']}/check-out", data=body, content_type="application/json"
    )
    assert r.status_code == 413 and r.json()["detail"]
    assert database_snapshot() == before
