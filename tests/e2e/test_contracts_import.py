"""A contract manager imports equipment in the browser (Chromium): upload, read the bad
rows in the preview with nothing written, import the good ones.

In the e2e package: one Chromium per worker (a second package-scoped browser in the same
worker would start Playwright inside the first one's event loop)."""

from __future__ import annotations

import pytest

from casedesk.contracts.models import CoverageLine, Equipment
from tests.contracts.import_data import CORPUS, make_desk
from tests.factories import make_user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_upload_preview_then_import_in_chinese(screens, transactional_db):
    make_desk()
    csm = make_user("cs_manager", username="csm")
    screen = screens(csm)
    screen.goto("/contracts/equipment/import/")
    screen.page.set_input_files("input[type=file]", str(CORPUS / "unknown_refs.csv"))
    screen.page.get_by_role("button", name="上传并预览").click()
    problems = screen.page.locator("#import-problems")
    problems.wait_for()
    text = problems.inner_text()
    assert "没有代码为 NOPE 的客户单位。" in text
    assert "合同 HT-CTBJ-1 属于另一个客户单位（CTBJ）。" in text
    assert "共 4 行：1 行正确" in screen.page.locator("#import-summary").inner_text()
    screen.shot("preview")
    assert not Equipment.objects.exists()

    screen.page.get_by_role("button", name="导入 1 个正确行，跳过 3 个错误行").click()
    screen.page.locator(".messages").wait_for()
    assert "已导入 1 台设备、1 条保障记录" in screen.page.locator(".messages").inner_text()
    screen.shot("imported")
    assert list(Equipment.objects.values_list("serial_number", flat=True)) == ["REF4"]
    assert CoverageLine.objects.get().contract.number == "HT-ACME-1"


def test_a_file_that_is_no_table_is_explained_in_the_browser(screens, transactional_db):
    make_desk()
    admin = make_user("admin", username="root")
    admin.language = "en"
    admin.save(update_fields=["language"])
    screen = screens(admin)
    screen.goto("/contracts/equipment/import/")
    screen.allow_console("status of 422")
    screen.page.set_input_files("input[type=file]", str(CORPUS / "binary.csv"))
    screen.page.get_by_role("button", name="Upload and preview").click()
    screen.page.locator("#import-problems").wait_for()
    assert (
        "neither a CSV file nor an XLSX workbook"
        in screen.page.locator("#import-problems").inner_text()
    )
    assert screen.page.locator("#import-preview button[type=submit]").count() == 0
    screen.shot("not-a-table")
