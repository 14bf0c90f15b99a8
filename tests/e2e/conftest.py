"""Browser tests: Playwright driving Debian's Chromium against a live casedesk server.

One Chromium per test package, all from one Playwright per process (never a downloaded browser: ``/usr/bin/chromium``, or
``CASEDESK_CHROMIUM``).  Every page a test opens is watched: a JavaScript console error, an
uncaught exception or a JavaScript dialog (``alert``) fails the test.  ``Screen.shot(step)``
saves ``test-artifacts/<test>/<step>.png`` and, on a page in Chinese, fails if a phrase of
the catalogue shows in English (a string looked up too early, or never marked).  Users log
in with a real session cookie; the login form itself is driven in test_login/test_story.

Playwright's sync API keeps an asyncio loop running in this thread, so Django's async-safety
check would refuse every ORM call a test makes while the browser is up: the process's one
Playwright (``shared_playwright``) sets ``DJANGO_ALLOW_ASYNC_UNSAFE`` while it lives; the
session's end stops it (``tests/conftest.py``).
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

import casedesk

CHROMIUM = os.environ.get("CASEDESK_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TIMEOUT_MS = 15_000


_playwright = None  # one Playwright per test process, shared by every package's browser


def shared_playwright():
    """The process's Playwright, started the first time a browser is asked for.

    Playwright's sync API runs an asyncio loop in this thread: a second one in the same
    process would refuse to start ("Sync API inside the asyncio loop"), which happens when
    two packages' browsers are alive at once in one xdist worker.  So every package
    launches its Chromium from this one; ``stop_playwright`` ends it with the session.
    """
    global _playwright
    if _playwright is None:
        from playwright.sync_api import sync_playwright

        # Django's async-safety check would refuse every ORM call while the loop runs.
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        _playwright = sync_playwright().start()
    return _playwright


def stop_playwright() -> None:
    global _playwright
    if _playwright is not None:
        _playwright.stop()
        _playwright = None
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="package")
def browser():
    """Headless Debian Chromium for the whole package; missing Chromium fails loudly."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's `chromium` package "
            "(.ci/run does) — the browser tests never download a browser.",
            pytrace=False,
        )
    chromium = shared_playwright().chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox"], headless=True
    )
    yield chromium
    chromium.close()


@functools.cache
def _english_sources() -> tuple[tuple[str, str], ...]:
    """(msgid, zh-hans msgstr) of every catalogue phrase worth spotting on a Chinese page:
    two words or more, no placeholders, translated to something else."""
    po = Path(casedesk.__file__).parent / "locale/zh_Hans/LC_MESSAGES/django.po"
    pairs = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        if "msgid_plural" in block or "#, fuzzy" in block:
            continue
        msgid = re.search(r'^msgid "(.*)"((?:\n".*")*)', block, re.M)
        msgstr = re.search(r'^msgstr "(.*)"((?:\n".*")*)', block, re.M)
        if not (msgid and msgstr):
            continue
        key = msgid.group(1) + "".join(re.findall(r'"(.*)"', msgid.group(2)))
        value = msgstr.group(1) + "".join(re.findall(r'"(.*)"', msgstr.group(2)))
        key = key.replace('\\"', '"')
        if " " in key.strip() and value and value != key and not re.search(r"%|\{|\\n", key):
            pairs.append((key, value))
    return tuple(pairs)


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_")[:120] or "x"


class Screen:
    """One user's browser tab, watched for console errors, exceptions and dialogs."""

    def __init__(self, context, base_url: str, folder: Path, who: str):
        self.context = context
        self.base_url = base_url
        self.folder = folder
        self.who = who
        self.problems: list[str] = []
        self.allowed: list[re.Pattern] = []
        self.page = context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        self.page.on("dialog", self._dialog)

    def _console(self, msg) -> None:
        if msg.type != "error":
            return
        text = msg.text
        if (msg.location or {}).get("url", "").endswith("/favicon.ico"):
            return  # the browser's own guess at an icon, not the page's doing
        if any(p.search(text) for p in self.allowed):
            return
        self.problems.append(f"console error on {self.page.url}: {text}")

    def _dialog(self, dialog) -> None:
        self.problems.append(f"a {dialog.type} dialog fired on {self.page.url}: {dialog.message!r}")
        dialog.dismiss()

    def allow_console(self, pattern: str) -> None:
        """Expect console errors matching ``pattern`` (e.g. the browser's own note of a 403)."""
        self.allowed.append(re.compile(pattern))

    def check(self) -> None:
        """Fail now if anything went wrong in the browser so far."""
        if self.problems:
            problems, self.problems = self.problems, []
            pytest.fail(f"[{self.who}] " + "\n".join(problems), pytrace=False)

    def goto(self, path: str, *, status: int | None = 200):
        """Open ``path`` on the live server; assert the HTTP status (None: any)."""
        response = self.page.goto(self.base_url + path)
        if status is not None:
            assert response is not None and response.status == status, (
                f"{path}: HTTP {response.status if response else None}, expected {status}"
            )
        self.check()
        return response

    def shot(self, step: str) -> Path:
        """Save a full-page screenshot ``test-artifacts/<test>/<step>.png``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{_slug(step)}.png"
        self.page.screenshot(path=str(path), full_page=True)
        self.check()
        english = self.untranslated()
        assert not english, (
            f"[{self.who}] {self.page.url} shows English on a Chinese page: {english}"
        )
        return path

    def untranslated(self) -> list[str]:
        """Catalogue phrases showing in English on a page that says it is Chinese."""
        lang = self.page.locator("html").get_attribute("lang") or ""
        if not lang.lower().startswith("zh"):
            return []
        text = " ".join(self.body_text().split())
        return [msgid for msgid, _ in _english_sources() if msgid in text]

    def body_text(self) -> str:
        return self.page.locator("body").inner_text()

    def close(self) -> None:
        self.context.close()


def session_cookie(user, url: str) -> dict:
    """A real logged-in Django session for ``user`` (as the login form would make)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": url,
    }


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Files the browser uploads land in the test's own folder, never the desk's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def screens(request, browser, live_server, transactional_db) -> Iterator:
    """``screens(user)`` → a watched :class:`Screen` logged in as ``user`` (None: anonymous);
    ``phone=True`` makes it a 390×844 touch screen; ``javascript=False`` a browser without it.

    Each gets its own browser context (cookies), time zone Asia/Shanghai and an
    Accept-Language of the user's language.  At the end every screen is checked once more.
    """
    folder = ARTIFACTS / _slug(request.node.name)
    opened: list[Screen] = []

    def open_screen(
        user=None, *, locale: str | None = None, phone: bool = False, javascript: bool = True
    ) -> Screen:
        language = locale or (getattr(user, "language", None) or "zh-hans")
        size = {"width": 390, "height": 844} if phone else {"width": 1366, "height": 900}
        context = browser.new_context(
            locale="zh-CN" if language.startswith("zh") else "en-US",
            timezone_id="Asia/Shanghai",
            viewport=size,
            is_mobile=phone,
            has_touch=phone,
            device_scale_factor=2 if phone else 1,
            java_script_enabled=javascript,
        )
        if user is not None:
            context.add_cookies([session_cookie(user, live_server.url)])
        screen = Screen(context, live_server.url, folder, getattr(user, "username", "anonymous"))
        opened.append(screen)
        return screen

    yield open_screen
    try:
        for screen in opened:
            screen.check()
    finally:
        for screen in opened:
            screen.close()
