"""Real-world-shaped messages through the gateway: each becomes the CASE, note or nothing
it should, with its text and files decoded from their charsets."""

import pytest

from casedesk.cases.models import Attachment, Case, WorkLog
from casedesk.mailgate import services
from casedesk.mailgate.models import InboundMessage
from casedesk.notify.models import Notification

from .conftest import corpus

NEW_CASES = [
    # file, organization, title, words of the description, attachment names
    (
        "outlook_gb2312.eml",
        "ACME",
        "核心交换机端口频繁up/down 喆",
        ["序列号 FDO2345X0YZ", "张喆"],
        ["设备日志.txt"],
    ),
    (
        "foxmail_gbk.eml",
        "CMB",
        "ASA防火墙升级后VPN无法登录",
        ["VPN 用户无法登录", "招商银行信息技术部"],
        ["防火墙配置.cfg"],
    ),
    (
        "gmail_rfc2231.eml",
        "NW",
        "WLC 9800 drops all clients every 30 minutes",
        ['SSID "Northwind-Corp"', "Emily Chen"],
        ["无线控制器日志.log"],
    ),
    (
        "applemail_inline_image.eml",
        "LOG",
        "ISR 4451 power supply alarm",
        ["Guangzhou warehouse"],
        ["console.png"],
    ),
    ("outlook_big5.eml", "ACME", "香港路由器記憶體使用率過高", ["記憶體使用率持續偏高"], []),
    ("iso2022jp.eml", "NW", "スイッチが再起動を繰り返す", ["Catalyst 9300 が再起動"], []),
    (
        "outlook_forward_chain.eml",
        "HOSP",
        "PACS server cannot reach storage",
        ["from our branch", "lost its iSCSI path"],
        [],
    ),
    (
        "thunderbird_forward_attached.eml",
        "UNIV",
        "图书馆无线网络无法认证",
        ["forwarded report", "802.1X 认证", "Subject: 图书馆无线网络无法认证"],
        ["认证失败记录.csv"],
    ),
    ("malformed_no_headers.eml", "ACME", "此邮件格式错误", ["服务器无法启动"], ["report.pdf"]),
    (
        # File names as raw 8-bit bytes, not RFC 2231/2047: one UTF-8, one GBK.
        "netease_raw8bit_filenames.eml",
        "HOSP",
        "CT机房交换机端口反复flap",
        ["端口反复flap", "人民医院信息科"],
        ["CT机房交换机日志.txt", "配置备份.cfg"],
    ),
]


@pytest.mark.parametrize("name, org, title, words, files", NEW_CASES, ids=[c[0] for c in NEW_CASES])
def test_a_customers_mail_opens_a_case_with_its_text_and_files(
    customers, name, org, title, words, files
):
    message = services.ingest_bytes(corpus(name))

    assert message.status == "processed", message.reason
    case = message.case
    assert (case.organization.code, case.channel, case.title) == (org, "email", title)
    for word in words:
        assert word in case.description
    assert case.contact is not None and case.contact.email.lower() == message.sender
    assert sorted(Attachment.objects.filter(case=case).values_list("name", flat=True)) == sorted(
        files
    )
    for attachment in Attachment.objects.filter(case=case):
        assert attachment.file.read()  # the decoded bytes, stored
    ack = Notification.objects.get(case=case)
    assert ack.to_email == message.sender and ack.subject.startswith(f"[{case.number}] ")
    assert ack.message_id == f"<{case.number}@casedesk.example>"
    assert ack.in_reply_to == message.message_id


def test_the_raw_message_is_kept_byte_for_byte(customers):
    raw = corpus("outlook_gb2312.eml")
    message = services.ingest_bytes(raw)
    assert services.raw_bytes(message) == raw
    assert message.size == len(raw)
    assert message.message_id == "<4F2C0E1B7A3D4E5F8A9B0C1D2E3F4A5B@CTBJ-EX01.ctbj.example.cn>"


def test_a_message_without_message_id_is_known_by_its_bytes(customers):
    raw = corpus("malformed_no_headers.eml")
    first = services.ingest_bytes(raw)
    again = services.ingest_bytes(raw)
    assert first.pk == again.pk and first.message_id.endswith("@no-message-id.casedesk>")
    assert Case.objects.count() == 1


def test_the_same_message_id_twice_opens_one_case(customers):
    services.ingest_bytes(corpus("gmail_rfc2231.eml"))
    # The same mail again, as a second delivery adds its own Received header.
    services.ingest_bytes(b"Received: from relay2.example.com\r\n" + corpus("gmail_rfc2231.eml"))
    assert Case.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert Notification.objects.count() == 1


def test_refused_attachments_are_named_in_the_acknowledgement(customers):
    message = services.ingest_bytes(corpus("foxmail_gbk.eml"))
    assert "AnyConnect_fix.exe" in message.reason
    ack = Notification.objects.get(case=message.case)
    assert "AnyConnect_fix.exe" in ack.body and "防火墙配置.cfg" not in ack.body
    assert ack.language == "zh-hans" and "CASE " + message.case.number in ack.body


@pytest.mark.parametrize(
    "name, why",
    [
        ("dsn_bounce.eml", "Auto-Submitted"),
        ("autoreply_outlook.eml", "Auto-Submitted"),
        ("newsletter_bulk.eml", "Precedence: bulk"),
    ],
)
def test_auto_replies_bounces_and_lists_open_nothing_and_get_no_answer(customers, name, why):
    message = services.ingest_bytes(corpus(name))
    assert message.status == "ignored" and why in message.reason
    assert not Case.objects.exists() and not Notification.objects.exists()


def test_a_bounce_without_auto_submitted_is_still_a_bounce(customers):
    raw = corpus("dsn_bounce.eml").replace(b"Auto-Submitted: auto-replied\r\n", b"")
    message = services.ingest_bytes(raw)
    assert message.status == "ignored" and "report" in message.reason


def test_an_auto_reply_to_a_case_adds_nothing_to_it(customers):
    case = services.ingest_bytes(corpus("outlook_gb2312.eml")).case
    message = services.ingest_bytes(corpus("autoreply_outlook.eml", case.number))
    assert message.status == "ignored"
    assert not WorkLog.objects.filter(case=case).exists()
    assert Notification.objects.filter(case=case).count() == 1  # the first acknowledgement


def test_an_unknown_sender_gets_an_unverified_case_for_triage(customers):
    message = services.ingest_bytes(corpus("unknown_sender_raw8bit.eml"))
    assert message.status == "processed"
    case = message.case
    assert case.organization.code == "UNVERIFIED"
    assert (case.title, case.caller_name) == ("咨询贵公司维保服务价格", "赵先生")
    assert "维保服务的价格" in case.description
    ack = Notification.objects.get(case=case)
    assert ack.to_email == "mr.zhao@unknown-corp.example" and "核实" in ack.body


def test_an_unknown_sender_is_refused_politely_when_the_desk_says_so(customers, settings):
    settings.CASEDESK_MAIL_UNKNOWN_SENDER = "reject"
    message = services.ingest_bytes(corpus("unknown_sender_raw8bit.eml"))
    assert message.status == "rejected" and not Case.objects.exists()
    reply = Notification.objects.get()
    assert reply.to_email == "mr.zhao@unknown-corp.example" and reply.case is None
    assert "咨询贵公司维保服务价格" in reply.body and reply.language == "zh-hans"
    assert reply.in_reply_to == "<20261123150000.zhao@unknown-corp.example>"


def test_an_autoresponder_without_headers_cannot_start_a_mail_loop(customers, settings):
    """It answers every acknowledgement with a new, unthreaded mail: each still opens a
    CASE, but past the hourly limit the desk stops answering, so the loop ends."""
    settings.CASEDESK_MAIL_ANSWERS_PER_HOUR = 3
    for i in range(5):
        raw = (
            "From: zhang@acme.cn\r\nTo: support@casedesk.example\r\n"
            f"Subject: I am away (message {i})\r\nMessage-ID: <away{i}@acme.cn>\r\n\r\n"
            "I am out of the office until Monday.\r\n"
        ).encode()
        assert services.ingest_bytes(raw).status == "processed"
    assert Case.objects.count() == 5
    assert Notification.objects.filter(to_email="zhang@acme.cn").count() == 3
