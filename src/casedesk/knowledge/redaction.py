"""Taking the customer out of a solved CASE's text before it becomes an article.

``redact(text, known=…)`` replaces, in this order: the details the desk knows about the
customer (the caller's and the organization's contacts' names, the company names, the
addresses, the CASE's serial number, phones and e-mails on record), then what is shaped
like a customer detail: e-mail addresses, IPv6 and IPv4 addresses, serial numbers
(``FOC1234X5YZ``, long capitals-and-digits tokens), phone numbers (mobiles with or without
+86, landlines with their area code and extension), Chinese addresses (…路88号…室) and
Chinese surnames with a title (王先生, 李工, 张经理, 刘总, 赵建国工程师).  Each is replaced by
a bracketed placeholder and listed (kind, original) so the author sees what went.

No dictionary and no model: a pattern misses what it does not know (a name without a
title), so the author reads the draft before it is reviewed by a second person.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

NAME, COMPANY, ADDRESS, PHONE, EMAIL, IP, SERIAL = (
    "name",
    "company",
    "address",
    "phone",
    "email",
    "ip",
    "serial",
)
KINDS = (NAME, COMPANY, ADDRESS, PHONE, EMAIL, IP, SERIAL)


def placeholder(kind: str) -> str:
    return {
        NAME: _("[name]"),
        COMPANY: _("[company]"),
        ADDRESS: _("[address]"),
        PHONE: _("[phone]"),
        EMAIL: _("[e-mail]"),
        IP: _("[IP address]"),
        SERIAL: _("[serial number]"),
    }[kind]


def kind_label(kind: str) -> str:
    """What a removal's kind is called, in the reader's language."""
    return {
        NAME: pgettext("removed", "a person's name"),
        COMPANY: pgettext("removed", "a company"),
        ADDRESS: pgettext("removed", "an address"),
        PHONE: pgettext("removed", "a phone number"),
        EMAIL: pgettext("removed", "an e-mail address"),
        IP: pgettext("removed", "an IP address"),
        SERIAL: pgettext("removed", "a serial number"),
    }.get(kind, kind)


@dataclass(frozen=True)
class Removal:
    kind: str
    original: str


@dataclass
class Redacted:
    text: str
    removed: list[Removal] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """What the desk knows of the customer (each may be empty)."""

    names: tuple[str, ...] = ()
    companies: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    serials: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()


# --- the patterns -------------------------------------------------------------------------------

HAN = "\u4e00-\u9fff"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
    r"(?:/\d{1,2})?(?![\d]|\.\d)"
)
# Candidates only: ipaddress decides (a time 10:00:00 or a MAC address is not one).
_IPV6 = re.compile(r"(?<![\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:/\d{1,3})?(?![\w:])")
_SERIAL = re.compile(
    r"(?<![A-Za-z0-9])(?:"
    r"[A-Z]{3}\d{4}[A-Z0-9]{4}"  # Cisco: FOC1234X5YZ
    r"|(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{12,24}"  # Huawei, H3C, Juniper… long ones
    r")(?![A-Za-z0-9])"
)
_EXTENSION = r"(?:\s*(?:转|分机|ext\.?|x|-)\s*\d{1,6})?"
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_LANDLINE = re.compile(
    r"(?<![\d+])(?:"
    r"(?:\+86[\s-]?\(?0?\d{2,3}\)?|\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[\s-]?"
    r"\d{3,4}[\s-]?\d{4}"
    r"|[48]00[\s-]?\d{3}[\s-]?\d{4}"  # 400/800 numbers
    r")" + _EXTENSION + r"(?!\d)"
)
_NOT_BEFORE = "于在到至往的是为和与及从位请由被给向对把将"
_ADDRESS = re.compile(
    rf"(?:(?:(?![{_NOT_BEFORE}])[{HAN}]){{2,3}}(?:省|市|自治区))?"
    rf"(?:(?:(?![{_NOT_BEFORE}])[{HAN}]){{1,4}}(?:市|区|县))?"
    rf"(?:(?![{_NOT_BEFORE}])[{HAN}0-9]){{1,10}}?(?:大道|路|街|道|巷|弄|胡同)\s*\d+\s*号"
    rf"(?:[{HAN}A-Za-z0-9\-]{{0,10}}?(?:楼|层|室|座|栋|单元|大厦|园区))*"
)
# The common surnames (more than 85 % of people in China carry one of these).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻"
    "祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿"
    "桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Titles after a surname (with or without the given name): 王先生, 王建国先生, 李工程师.
_LONG_TITLES = "先生|女士|小姐|经理|工程师|主任|总监|主管|处长|科长|部长|老师|师傅|总经理|总工"
# Short titles only right after the surname, and not where they start a word (李工作 is no
# one; 刘总结 neither).
_SHORT = r"工(?![作程具单位厂期艺资业人会商序])|总(?![结体部线计共是数量裁额之而的算])"
_PERSON = re.compile(
    rf"(?:[小老](?=[{SURNAMES}]))?[{SURNAMES}]"
    rf"(?:(?:[{HAN}]{{1,2}}?)(?:{_LONG_TITLES})|(?:{_LONG_TITLES})|(?:{_SHORT}))"
)

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (EMAIL, _EMAIL),
    (IP, _IPV4),
    (SERIAL, _SERIAL),
    (PHONE, _MOBILE),
    (PHONE, _LANDLINE),
    (ADDRESS, _ADDRESS),
    (NAME, _PERSON),
)
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]{1,20}\]")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


class _Redactor:
    def __init__(self) -> None:
        self.removed: list[Removal] = []
        self._seen: set[tuple[str, str]] = set()

    def note(self, kind: str, original: str) -> str:
        original = original.strip()
        if (kind, original) not in self._seen:
            self._seen.add((kind, original))
            self.removed.append(Removal(kind, original))
        return placeholder(kind)

    def literal(self, text: str, kind: str, values: Iterable[str]) -> str:
        # Longest first: 北京某某科技有限公司 before 北京某某.
        for value in sorted({v.strip() for v in values if v and len(v.strip()) >= 2}, key=len)[
            ::-1
        ]:
            # A name with the title after it goes whole (王建国先生, not [name]先生).
            title = f"(?:{_LONG_TITLES}|{_SHORT})?" if kind == NAME else ""
            pattern = re.compile(re.escape(value) + title, re.IGNORECASE)
            text = pattern.sub(lambda m, kind=kind: self.note(kind, m.group(0)), text)
        return text

    def phones_on_record(self, text: str, phones: Iterable[str]) -> str:
        """A phone on record, however it is spaced or dashed in the text."""
        for phone in phones:
            digits = _digits(phone)
            if len(digits) < 7:
                continue
            spaced = r"[\s-]?".join(re.escape(d) for d in digits)
            text = re.sub(
                rf"(?<!\d)(?:\+?86[\s-]?)?{spaced}(?!\d)",
                lambda m: self.note(PHONE, m.group(0)),
                text,
            )
        return text

    def ipv6(self, text: str) -> str:
        def replace(m: re.Match[str]) -> str:
            candidate = m.group(0)
            try:
                ipaddress.ip_network(candidate, strict=False)
            except ValueError:
                return candidate
            if candidate.count(":") < 2:
                return candidate
            return self.note(IP, candidate)

        return _IPV6.sub(replace, text)

    def pattern(self, text: str, kind: str, regex: re.Pattern[str]) -> str:
        def replace(m: re.Match[str]) -> str:
            return self.note(kind, m.group(0))

        # Never inside a placeholder already written.
        out, last = [], 0
        for hole in _PLACEHOLDER.finditer(text):
            out.append(regex.sub(replace, text[last : hole.start()]))
            out.append(hole.group(0))
            last = hole.end()
        out.append(regex.sub(replace, text[last:]))
        return "".join(out)


def redact(text: str, known: Known | None = None) -> Redacted:
    """``text`` without the customer's details, and what was removed (in order found)."""
    known = known or Known()
    r = _Redactor()
    if not text:
        return Redacted("", [])
    text = r.literal(text, EMAIL, known.emails)
    text = r.literal(text, ADDRESS, known.addresses)
    text = r.literal(text, COMPANY, known.companies)
    text = r.literal(text, SERIAL, known.serials)
    text = r.phones_on_record(text, known.phones)
    text = r.literal(text, NAME, known.names)
    text = r.pattern(text, EMAIL, _EMAIL)
    text = r.ipv6(text)
    for kind, regex in _PATTERNS[1:]:
        text = r.pattern(text, kind, regex)
    return Redacted(text, r.removed)


def redact_all(
    texts: dict[str, str], known: Known | None = None
) -> tuple[dict[str, str], list[Removal]]:
    """Several texts redacted alike, their removals together (each once)."""
    out: dict[str, str] = {}
    removed: list[Removal] = []
    for key, text in texts.items():
        result = redact(text, known)
        out[key] = result.text
        removed.extend(x for x in result.removed if x not in removed)
    return out, removed
