import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Operations called outside a request speak the default language (zh-hans); these tests
    assert their refusals in English.  test_error_language.py reads them in Chinese."""
    with translation.override("en"):
        yield
