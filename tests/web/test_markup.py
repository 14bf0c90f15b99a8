"""What people write on a CASE keeps its layout (pasted CLI output, fenced code, line
breaks) and can never become markup of its own (script, handlers, javascript: links)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casedesk.cases import services
from casedesk.core import markup
from tests.cases.lifecycle import Cast, bring_to, make_cast
from tests.factories import client_for

SHOW_INTERFACE = """\
GigabitEthernet0/1 is up, line protocol is up
  Hardware is iGbE, address is 5254.0012.3456 (bia 5254.0012.3456)
  MTU 1500 bytes, BW 1000000 Kbit/sec, DLY 10 usec,
     reliability 255/255, txload 1/255, rxload 1/255"""

IP_BRIEF = """\
Interface              IP-Address      OK? Method Status                Protocol
GigabitEthernet0/0     10.0.0.1        YES NVRAM  up                    up
GigabitEthernet0/1     unassigned      YES unset  administratively down down"""

SYSLOG = """\
*Mar  1 00:01:02.123: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down
*Mar  1 00:01:03.456: %LINEPROTO-5-UPDOWN: Line protocol on Interface Gi0/1, changed state to down"""

CONFIG = """\
interface GigabitEthernet0/1
 description uplink to core
 ip address 10.0.0.1 255.255.255.0
!
router ospf 1"""

PROMPTS = [
    "Router#show version",
    "Switch(config-if)#shutdown",
    "<HUAWEI>display interface brief",
    "[~HUAWEI-GigabitEthernet0/0/1]undo shutdown",
    "[root@srv01 ~]# uptime",
    "$ ping -c 3 10.0.0.1",
    "admin@fw01> show system info",
]


def pre_blocks(html: str) -> list[str]:
    import html as h

    return [h.unescape(b) for b in re.findall(r"<pre><code>(.*?)</code></pre>", html, re.S)]


@pytest.mark.parametrize("pasted", [SHOW_INTERFACE, IP_BRIEF, SYSLOG, CONFIG])
def test_pasted_output_keeps_every_space(pasted):
    html = markup.render(pasted)
    assert pre_blocks(html) == [pasted]


@pytest.mark.parametrize("line", PROMPTS)
def test_a_prompt_line_is_output(line):
    assert pre_blocks(markup.render(line)) == [line]


def test_prose_before_and_after_the_output_stays_prose():
    note = f"远程登录检查端口：\n{SHOW_INTERFACE}\n\n结论：光模块故障，已申请 RMA。\n明天上门更换。"
    html = markup.render(note)
    assert html.startswith("<p>远程登录检查端口：</p>")
    assert pre_blocks(html) == [SHOW_INTERFACE]
    assert "<p>结论：光模块故障，已申请 RMA。<br>\n明天上门更换。</p>" in html


def test_output_with_blank_lines_in_it_stays_one_block():
    pasted = "Router#show clock\n*10:00:00.123 CST Mon Nov 23 2026\n\nRouter#show users\n    Line       User       Host(s)              Idle       Location"
    assert pre_blocks(markup.render(pasted)) == [pasted]


def test_fenced_and_indented_code_keep_their_spacing():
    fenced = "看这里：\n\n```\nA    B\n  C\n```\n"
    assert pre_blocks(markup.render(fenced)) == ["A    B\n  C"]
    indented = "步骤：\n\n    copy run start\n      Building configuration..."
    assert pre_blocks(markup.render(indented)) == ["copy run start\n  Building configuration..."]


def test_plain_lines_keep_their_breaks_and_markdown_works():
    html = markup.render("第一行\n第二行\n\n- 更换光模块\n- 观察 **24 小时**\n\n`show log`")
    assert "<p>第一行<br>\n第二行</p>" in html
    assert "<li>更换光模块</li>" in html and "<strong>24 小时</strong>" in html
    assert "<code>show log</code>" in html


def test_no_line_is_swallowed_as_a_heading_or_a_link_definition():
    for text in ("# reload in 5", "设备状态\n===", "[1]: http://evil.example/"):
        html = markup.render(text)
        assert "<h1" not in html and "<h2" not in html
        for word in re.findall(r"\w+", text):
            assert word in html, (text, html)


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[click](javascript:alert(1))",
        "[click](JaVaScRiPt:alert(1))",
        "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "![x](x)",
        "<javascript:alert(1)>",
        '<div onmouseover="alert(1)">hover</div>',
        "```\n</code></pre><script>alert(1)</script>\n```",
        "<iframe src=//evil.example></iframe>",
    ],
)
def test_nothing_written_becomes_markup(attack):
    elements = _elements(markup.render(attack))
    assert {tag for tag, _ in elements} <= {"p", "pre", "code", "a", "br"}, elements
    for _tag, attrs in elements:
        assert not any(name.startswith("on") for name, _ in attrs), elements
        href = dict(attrs).get("href")
        if href is not None:
            assert not re.match(r"^\s*[a-z][a-z0-9+.-]*:", href, re.I) or href.startswith(
                ("http:", "https:", "mailto:")
            ), href


def _elements(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    """Every element of ``html`` as the browser would build it: (tag, attributes)."""
    from html.parser import HTMLParser

    found: list[tuple[str, list[tuple[str, str | None]]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collect().feed(html)
    return found


def test_a_safe_link_is_a_link_that_does_not_tell_where_it_came_from():
    html = markup.render("[TAC](https://www.cisco.com/c/en/us/support/index.html)")
    assert 'href="https://www.cisco.com/c/en/us/support/index.html"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


# --- on the pages --------------------------------------------------------------------------


@pytest.fixture
def cast(db) -> Cast:
    return make_cast()


def test_work_logs_and_the_solution_keep_their_layout_on_the_case_page_and_in_the_portal(cast):
    case = bring_to("in_progress", cast)
    services.case_log_work(
        case=case, kind="remote", note=f"检查端口：\n{IP_BRIEF}", minutes=10, by=cast.owner
    )
    services.case_log_work(
        case=case, kind="note", note=f"客户补充日志\n\n{SYSLOG}", minutes=0, by=cast.customer
    )
    services.case_resolve(case=case, solution=f"已恢复：\n{CONFIG}", by=cast.owner)
    desk = client_for(cast.duty).get(f"/cases/{case.number}/").content.decode()
    blocks = pre_blocks(desk)
    for pasted in (IP_BRIEF, SYSLOG, CONFIG):
        assert pasted in blocks, pasted
    portal = client_for(cast.customer).get(f"/portal/cases/{case.number}/").content.decode()
    blocks = pre_blocks(portal)
    for pasted in (IP_BRIEF, SYSLOG, CONFIG):
        assert pasted in blocks, pasted


def test_the_description_keeps_its_layout_on_both_pages(cast):
    from tests.factories import make_case

    case = make_case(
        contact=cast.contact, by=cast.customer, title="端口 down", description=SHOW_INTERFACE
    )
    desk = client_for(cast.duty).get(f"/cases/{case.number}/").content.decode()
    assert SHOW_INTERFACE in pre_blocks(desk)
    portal = client_for(cast.customer).get(f"/portal/cases/{case.number}/").content.decode()
    assert SHOW_INTERFACE in pre_blocks(portal)


# --- whatever is typed ------------------------------------------------------------------------

PIECES = list(" \t\n#>*_-`~[]()!<>&;:/\\|=+%$@.0123456789aZ中文") + [
    "javascript:",
    "<script>",
    " onerror=",
    "```",
    "](",
    "    ",
]
TYPED = st.lists(st.sampled_from(PIECES), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(TYPED)
def test_any_text_renders_to_allowed_markup_only(text):
    elements = _elements(markup.render(text))
    assert {tag for tag, _ in elements} <= markup.TAGS
    for tag, attrs in elements:
        assert {name for name, _ in attrs} <= markup.ATTRIBUTES.get(tag, set()) | {"rel"}
