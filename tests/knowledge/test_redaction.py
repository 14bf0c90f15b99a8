"""Redaction on real-shaped text: what must go, what must stay."""

from __future__ import annotations

import pytest
from django.utils import translation

from casedesk.knowledge.redaction import Known, redact

KNOWN = Known(
    names=("王建国", "陈晓梅"),
    companies=("上海东方证券股份有限公司",),
    addresses=("上海市浦东新区世纪大道100号",),
    serials=("SAL1234ABCD",),
    phones=("021-5888 1234",),
    emails=("chenxm@dfzq.example",),
)

# (text, what must be gone with its kind, what must stay)
CASES = [
    ("王先生反馈核心交换机重启", [("name", "王先生")], ["核心交换机重启"]),
    (
        "请李工、张经理和刘总确认割接窗口",
        [("name", "李工"), ("name", "张经理"), ("name", "刘总")],
        ["确认割接窗口"],
    ),
    ("赵建国工程师到场更换电源", [("name", "赵建国工程师")], ["到场更换电源"]),
    ("小王说方案总结已发，工作正常", [], ["方案总结", "工作正常"]),
    ("联系人陈晓梅，手机 13812345678", [("name", "陈晓梅"), ("phone", "13812345678")], []),
    (
        "手机 +86 138 1234 5678 或 +86-139-8765-4321",
        [("phone", "+86 138 1234 5678"), ("phone", "+86-139-8765-4321")],
        [],
    ),
    ("座机 010-12345678 转 801", [("phone", "010-12345678 转 801")], []),
    (
        "总机 (021) 1234 5678-123，传真 0755-87654321",
        [("phone", "(021) 1234 5678-123"), ("phone", "0755-87654321")],
        [],
    ),
    ("办公室 021 5888 1234", [("phone", "021 5888 1234")], []),
    (
        "邮件 chenxm@dfzq.example 抄送 ops-team@dfzq.com.cn",
        [("email", "chenxm@dfzq.example"), ("email", "ops-team@dfzq.com.cn")],
        [],
    ),
    (
        "管理地址 192.168.10.1/24，网关 10.0.0.254",
        [("ip", "192.168.10.1/24"), ("ip", "10.0.0.254")],
        [],
    ),
    (
        "IPv6 2001:db8:85a3::8a2e:370:7334 与 fe80::1 不通",
        [("ip", "2001:db8:85a3::8a2e:370:7334"), ("ip", "fe80::1")],
        [],
    ),
    (
        "序列号 FOC1234X5YZ 与 SAL1234ABCD 已 RMA",
        [("serial", "FOC1234X5YZ"), ("serial", "SAL1234ABCD")],
        ["RMA"],
    ),
    ("华为设备 2102351931P0K8000123 板卡故障", [("serial", "2102351931P0K8000123")], ["板卡故障"]),
    ("上海东方证券股份有限公司机房", [("company", "上海东方证券股份有限公司")], ["机房"]),
    ("现场在上海市浦东新区世纪大道100号", [("address", "上海市浦东新区世纪大道100号")], ["现场在"]),
    (
        "客户位于北京市朝阳区建国路88号A座1801室",
        [("address", "北京市朝阳区建国路88号A座1801室")],
        ["客户位于"],
    ),
    # What stays: versions, models, times, MAC addresses, interfaces, counters.
    (
        "升级到 17.3.4a 后 ASR1001-X 的 Gi0/0/1 在 10:00:00 down，MAC 00:1a:2b:3c:4d:5e，CRC 12345",
        [],
        ["17.3.4a", "ASR1001-X", "Gi0/0/1", "10:00:00", "00:1a:2b:3c:4d:5e", "CRC 12345"],
    ),
    ("show version 显示 IOS XE 16.12.4，运行 365 天", [], ["16.12.4", "365 天"]),
]


@pytest.mark.parametrize(("text", "gone", "kept"), CASES, ids=[c[0][:16] for c in CASES])
def test_redaction(text, gone, kept):
    with translation.override("zh-hans"):
        result = redact(text, KNOWN)
    for kind, original in gone:
        assert original not in result.text, (original, result.text)
        assert (kind, original) in [(r.kind, r.original) for r in result.removed], result.removed
    for word in kept:
        assert word in result.text, (word, result.text)
    if not gone:
        assert result.removed == [], result.removed


def test_placeholders_in_the_writers_language():
    with translation.override("zh-hans"):
        assert redact("王先生", KNOWN).text == "[姓名]"
    with translation.override("en"):
        assert redact("王先生", KNOWN).text == "[name]"
