"""What people write on a CASE (work logs, solutions, descriptions, customers' notes), as
safe HTML that keeps its layout.

Markdown (CommonMark by markdown-it-py, raw HTML off, a lone newline is a line break) so an
engineer may write lists, ``code`` and fenced blocks; the result is then sanitized by nh3
(an allowlist of tags, attributes and URL schemes), so whatever was typed, no markup of
the writer's runs or even renders: no script, no ``javascript:`` link, no ``on*=``, no
image pulled from elsewhere.

Pasted device output is rarely fenced, and Markdown would fold it: a paragraph's leading
spaces go, ``# show run`` becomes a heading, ``[1]: x`` disappears as a link definition.
So, before Markdown reads the text, a paragraph (lines between blank lines) that looks
preformatted — a line that starts with whitespace, columns aligned with runs of spaces or
tabs, a device or shell prompt (``Router#``, ``<HUAWEI>``, ``$ ``), a syslog time stamp or a
Cisco ``%FACILITY-N-MNEMONIC`` — is fenced as it stands and shown in a ``pre`` block
(from its first such line on; an introducing line ending in a colon stays prose).
Headings, link reference definitions and images are not Markdown here at all: none of them
ever eats text.  Mail keeps the plain text.
"""

from __future__ import annotations

import re
import textwrap

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_MD = MarkdownIt("commonmark", {"html": False, "breaks": True}).disable(
    ["heading", "lheading", "reference", "image", "html_block", "html_inline"]
)

TAGS = {"p", "br", "pre", "code", "em", "strong", "a", "ul", "ol", "li", "blockquote", "hr"}
ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}

_FENCE_OPEN = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
# A line that only makes sense with its spacing kept (see the module's docstring).
_PREFORMATTED = [
    re.compile(r"^[ \t]+\S"),  # indented: output under a header line, config sub-mode
    re.compile(r"\S(?: {3,}|\t)\S"),  # columns
    re.compile(r"^\s*[|+][-=+|]*.*[|+]\s*$"),  # an ASCII table row or rule
    re.compile(r"^\s*[-=]{3,}(?:[ +|]+[-=]{3,})+\s*$"),  # column underlines
    re.compile(r"^!\s*$"),  # a Cisco configuration separator
    # prompts: Router#, Switch(config-if)#, user@host>, RP/0/RP0/CPU0:xr#, <HUAWEI>,
    # [HUAWEI-GigabitEthernet0/0/1], [root@host ~]#, $ ls, # ls
    re.compile(r"^(?![a-z]+://)[A-Za-z0-9_.@:/~-]+(?:\([A-Za-z0-9_./-]+\))?[#>]", re.ASCII),
    re.compile(r"^<[A-Za-z0-9_.@-]+>", re.ASCII),
    re.compile(r"^\[[^\]\s]*@[^\]]*\][#$]", re.ASCII),
    re.compile(r"^\[[~*]?[A-Za-z][A-Za-z0-9_./:-]*\](?:[A-Za-z]|$)", re.ASCII),
    re.compile(r"^[$#%] \S"),
    # logs: *Mar  1 00:01:02.123:, Nov 23 10:00:00 host, 2026-11-23 10:00:00, %LINK-3-UPDOWN:
    re.compile(r"^\*?[A-Z][a-z]{2} +\d{1,2} (?:\d{4} )?\d\d:\d\d:\d\d"),
    re.compile(r"^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d"),
    re.compile(r"%[A-Z0-9_]+-\d-[A-Z0-9_]+"),
]


def _looks_preformatted(line: str) -> bool:
    return any(pattern.search(line) for pattern in _PREFORMATTED)


def _fence(lines: list[str]) -> list[str]:
    """``lines`` as one fenced block, fenced longer than any backtick run inside it."""
    longest = max((len(run) for line in lines for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    body = textwrap.dedent("\n".join(lines)).split("\n")
    return [fence, *body, fence]


def _pre_start(lines: list[str]) -> int | None:
    """Where a paragraph's preformatted part starts (None: it is all prose): at its first
    line, unless it opens with lines ending in a colon that introduce the output."""
    if not any(_looks_preformatted(line) for line in lines):
        return None
    start = 0
    while (
        start < len(lines) - 1
        and not _looks_preformatted(lines[start])
        and lines[start].rstrip().endswith((":", "："))
    ):
        start += 1
    return start


def _segments(text: str) -> list[tuple[str, list[str]]]:
    """The text as runs of ``text`` (a paragraph), ``blank`` and ``raw`` (the writer's own
    fenced blocks, kept as they are) lines."""
    segments: list[tuple[str, list[str]]] = []
    fence: tuple[str, int] | None = None  # the writer's open fence: its character, length
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:
            kind = "raw"
            char, length = fence
            if re.match(rf"^ {{0,3}}{re.escape(char)}{{{length},}}\s*$", line):
                fence = None
        elif (opened := _FENCE_OPEN.match(line)) and not (
            opened.group(1)[0] == "`" and "`" in opened.group(2)
        ):
            kind = "raw"
            fence = (opened.group(1)[0], len(opened.group(1)))
        else:
            kind = "text" if line.strip() else "blank"
        if segments and segments[-1][0] == kind:
            segments[-1][1].append(line)
        else:
            segments.append((kind, [line]))
    return segments


def preformat(text: str) -> str:
    """``text`` with its pasted output fenced (the writer's own fences left as they are);
    output pasted with blank lines in it stays one block."""
    out: list[str] = []
    pre: list[str] = []  # the preformatted lines gathered so far
    blanks: list[str] = []  # blank lines after them, theirs if more output follows

    def close() -> None:
        if pre:
            out.extend(_fence(pre))
            pre.clear()
        out.extend(blanks)
        blanks.clear()

    for kind, lines in _segments(text):
        if kind == "blank":
            (blanks if pre else out).extend(lines)
            continue
        start = _pre_start(lines) if kind == "text" else None
        if start == 0 and pre:
            pre.extend(blanks + lines)
            blanks.clear()
            continue
        close()
        if start is None:
            out.extend(lines)
        else:
            if start:
                out.extend([*lines[:start], ""])
            pre.extend(lines[start:])
    close()
    return "\n".join(out)


def render(text: str | None) -> SafeString:
    """``text`` as sanitized HTML (block elements: paragraphs, lists, ``pre``)."""
    if not text:
        return mark_safe("")
    # A code block's last newline is not a line of its own (nor copied with the output).
    html = _MD.render(preformat(str(text))).replace("\n</code></pre>", "</code></pre>")
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean)  # noqa: S308  (nh3 has just sanitized it)
