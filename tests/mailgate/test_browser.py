"""The quarantine and the fax upload in Chromium, in Chinese, as a call taker uses them."""

from casedesk.cases.models import Case
from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage
from tests.factories import make_user

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_call_taker_re_runs_quarantined_mail_and_opens_a_faxed_case(
    screens,
    customers,
    tmp_path,
):
    from django.utils import translation

    with translation.override("zh-hans"):  # reasons in the desk's language
        services.ingest_bytes(b"Subject: nobody\r\nMessage-ID: <b1@x>\r\n\r\nhello\r\n")
    taker = make_user("call_taker", username="taker")
    screen = screens(taker)

    screen.goto("/mail/")
    assert "该邮件没有发件人地址。" in screen.body_text()
    screen.shot("quarantine")
    screen.page.get_by_role("button", name="重新处理").click()
    screen.page.wait_for_load_state()
    assert "仍处于隔离状态" in screen.body_text()
    screen.shot("quarantine-rerun")
    assert InboundMessage.objects.get().attempts == 2

    screen.goto("/fax/new/")
    screen.shot("fax")
    zhang = customers["zhang"]
    page = screen.page
    page.select_option("#id_organization", str(zhang.organization.pk))
    page.select_option("#id_contact", str(zhang.pk))
    page.fill("#id_title", "传真报障：机房 UPS 告警")
    page.select_option("#id_priority", "P2")
    scan = tmp_path / "传真-1123.pdf"
    scan.write_bytes(PDF)
    page.set_input_files("#id_scan", str(scan))
    page.get_by_role("button", name="打开 CASE").click()
    page.wait_for_load_state()
    case = Case.objects.get(channel="fax")
    assert page.url.endswith(f"/cases/{case.number}/")
    assert "传真-1123.pdf" in screen.body_text()
    screen.shot("fax-case")
