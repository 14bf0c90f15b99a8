"""The CASE pages, split by job; this module keeps the old names importable.

- ``case_page``: the CASE page, its timeline and the forms of its actions;
- ``case_actions``: the one-click actions, the phone call to the engineer, attaching files;
- ``case_files``: downloading and viewing a file;
- ``case_deadlines``: the deadlines and their countdowns;
- ``case_assign``: assigning; ``case_new``: opening a CASE from a phone call.
"""

from .case_actions import case_action, case_attach, case_phoned
from .case_assign import case_assign
from .case_deadlines import deadlines
from .case_files import case_file, case_file_view, case_files
from .case_new import case_new, contact_lookup
from .case_page import PAGE_FORMS, case_detail, timeline

__all__ = [
    "PAGE_FORMS",
    "case_action",
    "case_assign",
    "case_attach",
    "case_detail",
    "case_file",
    "case_file_view",
    "case_files",
    "case_new",
    "case_phoned",
    "contact_lookup",
    "deadlines",
    "timeline",
]
