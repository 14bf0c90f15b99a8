"""The decoding the gateway relies on, part by part."""

import base64

from hypothesis import given
from hypothesis import strategies as st

from casedesk.mailgate import parse


def test_an_html_only_mail_becomes_readable_text():
    html = (
        "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body>"
        "<div>您好，</div><div>核心交换机&nbsp;CPU&gt;90%&amp;丢包</div><br><p>王磊</p></body></html>"
    )
    raw = (
        b"From: wanglei@cmb.example.cn\r\nSubject: =?GBK?B?"
        + base64.b64encode("丢包".encode("gbk"))
        + b"?=\r\nContent-Type: text/html; charset=GBK\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(html.encode("gbk"))
    )
    mail = parse.parse(raw)
    assert mail.subject == "丢包"
    assert mail.text == "您好，\n\n核心交换机 CPU>90%&丢包\n\n王磊"


def test_a_charset_the_label_gets_wrong_is_still_read():
    # Labelled GB2312, written as GBK (镕 is not in GB2312); unknown labels fall back.
    assert parse.decode_bytes("朱镕基".encode("gbk"), "gb2312") == "朱镕基"
    assert parse.decode_bytes("故障".encode(), "x-no-such-charset") == "故障"
    assert parse.decode_bytes("故障".encode("gb18030"), None) == "故障"
    assert parse.decode_bytes("香港".encode("big5"), "big5") == "香港"


def test_rfc2047_and_rfc2231_file_names():
    gbk = "=?GBK?B?" + base64.b64encode("配置备份.cfg".encode("gbk")).decode() + "?="
    raw = (
        "Content-Type: multipart/mixed; boundary=b\r\n\r\n"
        f'--b\r\nContent-Type: text/plain; name="{gbk}"\r\n'
        "Content-Disposition: attachment\r\n\r\nhostname r1\r\n"
        "--b\r\nContent-Type: text/plain\r\n"
        "Content-Disposition: attachment; filename*=gb18030''%C8%D5%D6%BE.log\r\n\r\nlog\r\n"
        "--b--\r\n"
    ).encode()
    names = [f.name for f in parse.parse(b"From: a@b.cn\r\n" + raw).files]
    assert names == ["配置备份.cfg", "日志.log"]


def test_the_reply_is_cut_from_the_quoted_history():
    text = "问题依旧。\n\n在 2026年11月23日 10:15，服务台 写道：\n> 已解决"
    assert parse.reply_text(text) == "问题依旧。"
    assert parse.reply_text("> only quoted\n> lines") == "> only quoted\n> lines"


@given(st.text(max_size=300))
def test_any_header_text_decodes_without_raising(value):
    assert isinstance(parse.decode_header_value(value), str)
    assert isinstance(parse.message_ids(value), list)


@given(st.binary(max_size=2000))
def test_any_bytes_parse_or_are_too_complex_never_anything_else(raw):
    try:
        mail = parse.parse(raw)
    except parse.MailTooComplex:
        return
    assert isinstance(mail.text, str) and isinstance(mail.files, list)
