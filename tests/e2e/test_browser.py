"""The browser harness itself: it fails a test on what a user's browser would show wrong."""

import pytest


def test_the_home_page_renders_in_chromium(screens):
    screen = screens()
    screen.goto("/", status=None)
    assert screen.page.title() is not None
    assert screen.shot("home").stat().st_size > 0


@pytest.mark.parametrize(
    "script",
    [
        "console.error('boom')",
        "setTimeout(() => { throw new Error('uncaught boom') }, 0)",
        "setTimeout(() => alert(1), 0)",
    ],
)
def test_a_console_error_an_exception_or_a_dialog_fails_the_test(screens, script):
    screen = screens()
    screen.goto("/", status=None)
    screen.page.evaluate(script)
    screen.page.wait_for_timeout(200)
    with pytest.raises(pytest.fail.Exception):
        screen.check()


def test_english_left_on_a_chinese_page_is_spotted(screens):
    screen = screens()
    screen.page.set_content('<html lang="zh-hans"><body><h1>Duty board</h1>值班看板</body></html>')
    assert screen.untranslated() == ["Duty board"]
    screen.page.set_content('<html lang="en"><body><h1>Duty board</h1></body></html>')
    assert screen.untranslated() == []
