from __future__ import annotations

import pytest

from tests.factories import make_user


@pytest.fixture
def pair(db):
    """Two first-line engineers alike in everything; ``a.li`` wins every tie by name."""
    return (
        make_user("engineer", username="a.li", tier="first_line"),
        make_user("engineer", username="b.wang", tier="first_line"),
    )
