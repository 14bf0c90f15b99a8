"""Raw RFC 822 bytes → what the desk needs: sender, subject, threading ids, text, files.

Parsed with the stdlib ``email`` package under the lenient ``compat32`` policy, which never
raises on a malformed header (``policy.default`` parses headers eagerly on access and some
malformed address or Message-ID headers make it raise); every header, parameter and body is
then decoded here with the charset fallbacks real Chinese mail needs: GB2312 labels on GBK
text (decoded as GB18030, its superset), Big5 as Big5-HKSCS, unknown or missing labels and
raw 8-bit headers tried as UTF-8, then GB18030, then Latin-1 (which always succeeds).

Who sent a message is the addr-spec of its one ``From`` mailbox, read with the RFC 5322
address parser from the header as sent (its encoded words still encoded), so that a display
name can never be taken for an address, whatever it decodes to (see ``mailbox``).
"""

from __future__ import annotations

import codecs
import contextlib
import email
import email.policy
import email.utils
import html
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email.header import decode_header
from email.headerregistry import Address
from email.message import Message
from html.parser import HTMLParser

import idna

MAX_PARTS = 200  # more MIME parts than this is a mail bomb, not a customer's message
MAX_DEPTH = 12  # nesting of multiparts and forwarded messages

# Charset labels whose real-world text is a superset of what they name.
CHARSET_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "euc-cn": "gb18030",
    "x-euc-cn": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "cp950": "big5hkscs",
    "iso-2022-jp": "iso2022_jp_ext",
    "shift_jis": "cp932",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "us-ascii": "utf-8",  # mislabelled 8-bit text is usually UTF-8
    "ascii": "utf-8",
    "unknown-8bit": "utf-8",
    "x-unknown": "utf-8",
}
FALLBACKS = ("utf-8", "gb18030", "cp1252")


class MailTooComplex(ValueError):
    """More parts or deeper nesting than any real message has."""


@dataclass
class MailFile:
    name: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    headers: dict[str, str]
    message_id: str
    sender: str  # the From address (``normal_address``), "" when From names no one mailbox
    sender_name: str
    reply_to: str  # the first Reply-To address (``normal_address``), else ""
    subject: str
    in_reply_to: list[str]
    references: list[str]
    content_type: str
    text: str
    files: list[MailFile] = field(default_factory=list)
    from_problem: str = ""  # why there is no sender: FROM_MISSING, FROM_SEVERAL, FROM_INVALID

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def thread_ids(self) -> list[str]:
        """Ids this mail answers, nearest first (In-Reply-To, then References backwards)."""
        seen: list[str] = []
        for mid in [*self.in_reply_to, *reversed(self.references)]:
            if mid not in seen:
                seen.append(mid)
        return seen


def codec(label: str | None) -> str | None:
    """A Python codec for a MIME charset label, or None when unknown."""
    if not label:
        return None
    label = label.strip().strip('"').lower()
    label = CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_bytes(data: bytes, label: str | None = None) -> str:
    """Text from bytes in the labelled charset, else the first fallback that fits."""
    tried = []
    for name in (codec(label), *FALLBACKS):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", "replace")


def _raw_header_bytes(value: str) -> bytes | None:
    """compat32 keeps a raw 8-bit header as surrogate escapes; give the bytes back."""
    try:
        return value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return None


def decode_header_value(value) -> str:
    """A header as text: RFC 2047 encoded words and raw 8-bit bytes both decoded."""
    if value is None:
        return ""
    try:
        if isinstance(value, str):
            raw = _raw_header_bytes(value)
            if raw is not None and any(b > 127 for b in raw):
                value = decode_bytes(raw)  # old clients send GBK headers unencoded
        # A Header (compat32's answer for raw 8-bit bytes) decodes to (bytes, unknown-8bit).
        pieces = decode_header(value)
    except Exception:  # noqa: BLE001 - a broken encoded word is kept as written
        return _unfold(str(value))
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, bytes):
            out.append(decode_bytes(chunk, charset))
        else:
            out.append(chunk)
    return _unfold("".join(out))


def raw_header_text(msg: Message, name: str) -> list[str]:
    """Every value of header ``name`` as sent, raw 8-bit bytes decoded (UTF-8, then GB18030)
    but RFC 2047 encoded words left as they are.  compat32 hands a raw 8-bit header out as
    a ``Header`` whose ``str()`` turns the bytes into U+FFFD; its raw value still has them."""
    out = []
    for key, value in msg.raw_items():
        if str(key).lower() != name:
            continue
        value = str(value)
        raw = _raw_header_bytes(value)
        if raw is not None and any(b > 127 for b in raw):
            value = decode_bytes(raw)
        out.append(value)
    return out


def _unfold(value: str) -> str:
    return " ".join(value.replace("\x00", "").split())


_ID = re.compile(r"<([^<>\s]{1,250})>")


def message_ids(value: str) -> list[str]:
    """The ``<id>`` tokens of a Message-ID, In-Reply-To or References header."""
    return [f"<{m}>" for m in _ID.findall(value or "")]


def _header_str(part: Message, name: str) -> str:
    """The first value of a structured header as text (raw 8-bit bytes decoded)."""
    value = part.get(name)
    if value is None or isinstance(value, str):
        return value or ""
    values = raw_header_text(part, name.lower())
    return values[0] if values else str(value)


def _param(part: Message, name: str, header: str) -> str:
    """A Content-Type / Content-Disposition parameter: RFC 2231 or RFC 2047 or raw bytes."""
    try:
        if not isinstance(part.get(header), str | None):
            # A raw 8-bit value (a file name as some Chinese clients send it): read the
            # parameters from its decoded text, not from U+FFFD.
            holder = Message()
            holder[header] = _header_str(part, header)
            part = holder
        value = part.get_param(name, header=header)
    except Exception:  # noqa: BLE001
        return ""
    if value is None:
        return ""
    if isinstance(value, tuple):  # RFC 2231: (charset, language, text)
        charset, _lang, text = value  # already %-decoded, one character per byte
        data = text.encode("latin-1", "surrogateescape") if isinstance(text, str) else text
        return decode_bytes(data, charset)
    return decode_header_value(email.utils.collapse_rfc2231_value(value))


def filename(part: Message) -> str:
    return _param(part, "filename", "content-disposition") or _param(part, "name", "content-type")


class _Text(HTMLParser):
    """Text of an HTML body: block elements end lines, scripts and styles are dropped."""

    BLOCKS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "blockquote"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self.skip += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self.skip:
            self.skip -= 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.out.append(data)


def html_to_text(markup: str) -> str:
    parser = _Text()
    try:
        parser.feed(markup)
        parser.close()
        text = "".join(parser.out)
    except Exception:  # noqa: BLE001
        text = re.sub(r"<[^>]*>", " ", markup)
    text = html.unescape(text).replace("\xa0", " ")
    lines = [line.rstrip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken base64 or quoted-printable: take it as it is
        data = None
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


def _text_of(part: Message) -> str:
    data = _payload_bytes(part)
    charset = part.get_content_charset() or _param(part, "charset", "content-type")
    text = decode_bytes(data, charset).replace("\r\n", "\n").replace("\x00", "")
    if part.get_content_subtype() == "html":
        return html_to_text(text)
    return text.strip()


def _default_name(content_type: str, index: int) -> str:
    ext = mimetypes.guess_extension(content_type) or ".bin"
    stem = "image" if content_type.startswith("image/") else "attachment"
    return f"{stem}{index:03d}{ext}"


def _forward_header(msg: Message) -> str:
    lines = ["---------- Forwarded message ----------"]
    for name in ("From", "Date", "Subject", "To"):
        if msg.get(name):
            lines.append(f"{name}: {decode_header_value(msg.get(name))}")
    return "\n".join(lines)


def _walk(msg: Message, texts: list[str], files: list[MailFile], depth: int, count: list[int]):
    """Collect body texts and files, depth-first, without recursion limits of the parser."""
    count[0] += 1
    if count[0] > MAX_PARTS:
        raise MailTooComplex(f"more than {MAX_PARTS} MIME parts")
    if depth > MAX_DEPTH:
        raise MailTooComplex(f"MIME parts nested more than {MAX_DEPTH} deep")
    ctype = (msg.get_content_type() or "text/plain").lower()
    if msg.is_multipart():
        parts = msg.get_payload()
        if not isinstance(parts, list):
            return
        if ctype == "message/rfc822":
            for inner in parts:
                texts.append(_forward_header(inner))
                _walk(inner, texts, files, depth + 1, count)
            return
        if ctype == "multipart/alternative":
            # One rendering of the text: plain if there is one, else the richest.
            plain = [p for p in parts if p.get_content_type() == "text/plain"]
            chosen = plain[:1] or parts[-1:]
            rest = [p for p in parts if not p.get_content_type().startswith("text/")]
            for part in [*chosen, *rest]:
                _walk(part, texts, files, depth + 1, count)
            return
        for part in parts:
            _walk(part, texts, files, depth + 1, count)
        return
    disposition = _header_str(msg, "Content-Disposition").split(";")[0].strip().lower()
    name = filename(msg)
    if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
        text = _text_of(msg)
        if text:
            texts.append(text)
        return
    if ctype.startswith("multipart/") or ctype == "message/delivery-status":
        text = _text_of(msg)
        if text:
            texts.append(text)
        return
    data = _payload_bytes(msg)
    inline = disposition != "attachment" and bool(msg.get("Content-ID"))
    files.append(
        MailFile(
            name=name or _default_name(ctype, len(files) + 1),
            content_type=ctype,
            data=data,
            inline=inline,
        )
    )


def headers_of(msg: Message) -> dict[str, str]:
    """The first value of each header, decoded, by lower-case name."""
    out: dict[str, str] = {}
    for name, value in msg.items():
        key = str(name).lower()
        if key not in out:
            out[key] = decode_header_value(value)
    return out


# Why a message has no sender (``ParsedMail.from_problem``).
FROM_MISSING = "missing"  # no From header, or one with no address at all
FROM_SEVERAL = "several"  # more than one From header or more than one mailbox in it
FROM_INVALID = "invalid"  # an address that cannot be read

_LABEL = re.compile(r"=\?([^?\s*]+)((?:\*[^?\s]*)?\?[BbQq]\?)")


def _aliased_words(value: str) -> str:
    """Encoded words relabelled with the codec their text really is in (GB2312 → GB18030)."""
    return _LABEL.sub(lambda m: f"=?{codec(m.group(1)) or m.group(1)}{m.group(2)}", value)


def normal_address(local: str, domain: str) -> str:
    """One spelling per mailbox: ``local@domain`` lower-cased (contacts are looked up
    case-insensitively), an internationalized domain as its IDNA A-label (``例子.中国`` and
    ``xn--fsqu00a.xn--fiqs8s`` are one domain).  "" for what is no address: an empty
    part, or a domain that is not valid IDNA 2008 — a full-width or otherwise unusual
    spelling of a known domain is refused rather than mapped onto it.  The local part is
    kept whole: ``beta+x@…`` is not ``beta@…``."""
    local, domain = local.strip(), domain.strip().lower()
    if not local or not domain or any(_unprintable(c) or c in "<>" for c in local + domain):
        return ""
    if not domain.isascii():
        try:
            domain = idna.encode(domain).decode("ascii")
        except (idna.IDNAError, UnicodeError, ValueError):
            return ""
    try:
        address = Address(username=local, domain=domain).addr_spec.lower()
    except (ValueError, TypeError):
        return ""
    return address if len(address) <= 254 else ""


def _unprintable(char: str) -> bool:
    """Spaces, controls (NUL), zero-width and direction marks: an address that looks like
    another in the inbound list, or that a database refuses to store."""
    return unicodedata.category(char)[0] in "CZ"


def address_spellings(address: str) -> list[str]:
    """The ways a contact's e-mail may be stored for ``address`` (a ``normal_address``): as
    it is, and with its domain in Unicode when it is an IDN."""
    local, _at, domain = address.rpartition("@")
    spellings = [address]
    if "xn--" in domain:
        with contextlib.suppress(idna.IDNAError, UnicodeError, ValueError):
            spellings.append(f"{local}@{idna.decode(domain)}")
    return spellings


def _display_name(name: str) -> str:
    if any("\udc80" <= c <= "\udcff" for c in name):  # an encoded word in an unknown charset
        name = decode_bytes(name.encode("utf-8", "surrogateescape"))
    return _unfold(name)


def mailbox(value: str) -> tuple[str, str, str]:
    """(address, display name, problem) of an address header that must name one mailbox.

    The header is parsed as sent, encoded words still encoded: only the addr-spec counts,
    and a display name is only a name, whatever it decodes to (``"=?utf-8?b?…?="
    <attacker@evil.test>`` whose name reads ``beta.contact@beta.test`` is from
    attacker@evil.test)."""
    value = _aliased_words(re.sub(r"[\r\n]+", " ", value or "")).strip()
    if not value:
        return "", "", FROM_MISSING
    try:
        parsed = email.policy.default.header_factory("from", value)
        groups, addresses = parsed.groups, parsed.addresses
    except Exception:  # noqa: BLE001 - the parser gave up: no address can be trusted
        return "", "", FROM_INVALID
    if not addresses:
        return "", "", FROM_MISSING if "@" not in value else FROM_INVALID
    if len(addresses) > 1:
        return "", "", FROM_SEVERAL
    if groups[0].display_name is not None:  # "team: a@b;" names a group, not a mailbox
        return "", "", FROM_INVALID
    found = addresses[0]
    address = normal_address(found.username, found.domain)
    if not address:
        return "", "", FROM_INVALID
    return address, _display_name(found.display_name)[:100], ""


def sender_of(msg: Message) -> tuple[str, str, str]:
    """(address, display name, problem) of the one From header.  Only From says who wrote:
    never its display name, never Sender, Reply-To or Return-Path (anyone can set those)."""
    values = raw_header_text(msg, "from")
    if len(values) > 1:
        return "", "", FROM_SEVERAL
    return mailbox(values[0] if values else "")


def _reply_to(msg: Message) -> str:
    """The first address of Reply-To ("" for none).  Where answers may go is for the
    gateway to decide (``services.answer_address``); it never says who wrote."""
    values = raw_header_text(msg, "reply-to")
    if not values:
        return ""
    value = _aliased_words(re.sub(r"[\r\n]+", " ", values[0]))
    try:
        addresses = email.policy.default.header_factory("reply-to", value).addresses
    except Exception:  # noqa: BLE001
        return ""
    for found in addresses:
        if address := normal_address(found.username, found.domain):
            return address
    return ""


def parse(raw: bytes) -> ParsedMail:
    """Parse one message.  Raises MailTooComplex on a mail bomb; otherwise never on input."""
    msg = email.message_from_bytes(raw, policy=email.policy.compat32)
    headers = headers_of(msg)
    address, name, problem = sender_of(msg)
    texts: list[str] = []
    files: list[MailFile] = []
    _walk(msg, texts, files, 0, [0])
    ids = message_ids(headers.get("message-id", ""))
    return ParsedMail(
        headers=headers,
        message_id=ids[0] if ids else "",
        sender=address,
        sender_name=name.strip(),
        reply_to=_reply_to(msg),
        subject=headers.get("subject", ""),
        in_reply_to=message_ids(headers.get("in-reply-to", "")),
        references=message_ids(headers.get("references", "")),
        content_type=(msg.get_content_type() or "").lower(),
        text="\n\n".join(texts).strip(),
        files=files,
        from_problem=problem,
    )


def peek(head: bytes) -> tuple[str, str, str]:
    """(Message-ID, sender, subject) from the start of a raw message, never raising:
    what the gateway records before it parses the whole message."""
    try:
        end = re.search(rb"\r?\n\r?\n", head)
        msg = email.message_from_bytes(
            head[: end.start()] if end else head, policy=email.policy.compat32
        )
        headers = headers_of(msg)
        address = sender_of(msg)[0]
    except Exception:  # noqa: BLE001
        return "", "", ""
    ids = message_ids(headers.get("message-id", ""))
    return (ids[0] if ids else "", address, headers.get("subject", "")[:300])


# The beginning of the quoted history in a reply, as the common clients write it.
_QUOTE_STARTS = re.compile(
    r"^(?:"
    r"-{2,}\s*(?:Original Message|原始邮件|Forwarded message|转发邮件)\s*-{2,}"
    r"|_{10,}"
    r"|On .{5,200} wrote:"
    r"|在 .{5,200}写道[:：]"
    r"|(?:From|发件人)\s*[:：].+"
    r")\s*$",
    re.IGNORECASE | re.MULTILINE,
)


def reply_text(text: str) -> str:
    """What the sender wrote above the quoted history (all of it if nothing is new)."""
    match = _QUOTE_STARTS.search(text)
    head = text[: match.start()] if match else text
    lines = [line for line in head.splitlines() if not line.lstrip().startswith(">")]
    new = "\n".join(lines).strip()
    return new or text.strip()
