import pytest
from django.core.files.uploadedfile import SimpleUploadedFile


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Every test stores its files in its own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name="日志.txt", content=b"%SYS-5-RESTART: System restarted\n", content_type=None):
    return SimpleUploadedFile(name, content, content_type=content_type or "text/plain")


def stored_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


# The browser harness of tests/e2e (Debian Chromium, watched pages, screenshots).
from tests.e2e.conftest import browser, screens  # noqa: E402, F401
