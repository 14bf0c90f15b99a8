"""The portal in real Chromium: report a problem with files, follow it, add to it, confirm.

Screens are saved under test-artifacts/; a console error or an alert fails the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext

from casedesk.cases import services
from casedesk.cases.models import Attachment, Case
from tests.factories import ContactFactory, OrganizationFactory, make_user


def t(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_customer_reports_follows_and_confirms_a_case(screens, language, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    org = OrganizationFactory(code="CMB", name="招商银行", service_level="gold")
    contact = ContactFactory(organization=org, name="王芳")
    customer = make_user("customer", username="cust.cmb", org=org)
    customer.contact, customer.language = contact, language
    customer.save()
    duty = make_user("duty_engineer", username="duty")
    engineer = make_user("engineer", username="se.zhao", tier="senior", skills=("routing",))
    L = language

    log = tmp_path / "核心交换机日志.log"
    log.write_text("%LINK-3-UPDOWN: Interface Te1/1/1, changed state to down\n")
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")

    screen = screens(customer)
    screen.goto("/portal/")
    assert t(L, "Your organization has no CASEs yet.") in screen.body_text()
    screen.shot("01-empty")

    # Report a problem: the severities are explained, a file of the wrong type is flagged
    # before sending and refused by the server, with nothing saved.
    screen.page.get_by_role("link", name=t(L, "Report a problem")).first.click()
    screen.page.wait_for_url("**/portal/cases/new/")
    assert t(L, "You need information, help with installation or configuration, or a change; your business is not affected.") in screen.body_text()  # fmt: skip
    screen.page.get_by_label(t(L, "Short summary")).fill("分行核心交换机端口 down / port down")
    screen.page.locator("input[name=priority][value=P2]").check()
    screen.page.get_by_label(t(L, "What happened?")).fill("10:05 起 Te1/1/1 down，分行断网。")
    screen.page.locator("input[type=file]").set_input_files([str(log), str(exe)])
    assert t(L, "this type cannot be attached") in screen.page.locator(".file-list").inner_text()
    screen.shot("02-form-flagged")
    screen.allow_console(r"status of 422")  # the browser's note of the refusal page's status
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name=t(L, "Submit the CASE")).click()
    assert "tool.exe" in screen.page.locator(".error").first.inner_text()
    assert not Case.objects.exists() and not Attachment.objects.exists()
    screen.shot("03-refused")

    screen.page.locator("input[type=file]").set_input_files([str(log)])
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name=t(L, "Submit the CASE")).click()
    case = Case.objects.get()
    assert screen.page.url.endswith(f"/portal/cases/{case.number}/")
    assert case.channel == "web" and case.priority == "P2" and case.caller_name == "王芳"
    assert "核心交换机日志.log" in screen.page.locator(".history").inner_text()
    screen.shot("04-opened")

    # The file downloads under its Chinese name, as a download.
    with screen.page.expect_download() as download:
        screen.page.locator(".file-links a").first.click()
    assert download.value.suggested_filename == "核心交换机日志.log"
    assert "Te1/1/1" in Path(download.value.path()).read_text(encoding="utf-8")

    # The desk works on it; an internal note stays inside.
    services.case_assign(case=case, engineer=engineer, by=duty)
    services.case_log_work(
        case=case, kind="callback", note="已回电，远程检查", minutes=10, by=engineer
    )
    services.case_log_work(
        case=case, kind="note", note="内部：疑似光模块故障", minutes=0, by=engineer, internal=True
    )
    screen.goto(f"/portal/cases/{case.number}/")
    history = screen.page.locator(".history").inner_text()
    assert "已回电，远程检查" in history and "疑似光模块" not in history

    # The customer adds information.
    screen.page.get_by_label(t(L, "Add information")).fill("已按要求重启，仍然 down")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name=t(L, "Add to the CASE")).click()
    assert "已按要求重启，仍然 down" in screen.page.locator(".history").inner_text()
    screen.shot("05-information-added")

    # Resolved: says it is not fixed, then (resolved again) confirms.
    services.case_resolve(case=case, solution="更换光模块", by=engineer)
    screen.goto(f"/portal/cases/{case.number}/")
    screen.page.get_by_label(t(L, "What is still wrong?")).fill("下午又断了一次")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name=t(L, "It is not fixed")).click()
    case.refresh_from_db()
    assert case.status == "assigned" and case.reopen_count == 1
    assert t(L, "Yes, it is solved") not in screen.body_text()
    screen.shot("06-reopened")

    services.case_accept(case=case, by=engineer)
    services.case_resolve(case=case, solution="更换光模块并更新 IOS", by=engineer)
    screen.goto("/portal/?status=resolved")
    screen.page.get_by_role("link", name=re.compile(case.number)).first.click()
    screen.page.wait_for_url(f"**/portal/cases/{case.number}/")
    with screen.page.expect_navigation():
        screen.page.get_by_role("button", name=t(L, "Yes, it is solved")).click()
    case.refresh_from_db()
    assert case.confirmed_by == customer
    assert t(L, "Resolution confirmed") in screen.page.locator(".history").inner_text()
    screen.shot("07-confirmed")
