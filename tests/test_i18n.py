"""The zh-hans catalogues are complete, compiled, and used: the project's and each domain's
own (``casedesk/<app>/locale/``, which Django finds by itself)."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import translation

import casedesk

SRC = Path(casedesk.__file__).parent
CATALOGUE = "locale/zh_Hans/LC_MESSAGES/django.po"
# The project's catalogue and every domain's own.
POS = sorted(SRC.glob(f"**/{CATALOGUE}"))


def _entries(po_text: str) -> dict[str, str]:
    entries = {}
    for block in po_text.split("\n\n"):
        if "#, fuzzy" in block:
            entries.setdefault("__fuzzy__", block)
        msgid = re.search(r'^msgid "(.*)"((?:\n".*")*)', block, re.M)
        msgstr = re.search(r'^msgstr "(.*)"((?:\n".*")*)', block, re.M)
        context = re.search(r'^msgctxt "(.*)"', block, re.M)
        if msgid and msgstr:
            key = msgid.group(1) + "".join(re.findall(r'"(.*)"', msgid.group(2)))
            if context and key:  # as gettext keys it: pgettext("Task", "Ready")
                key = f"{context.group(1)}\x04{key}"
            value = msgstr.group(1) + "".join(re.findall(r'"(.*)"', msgstr.group(2)))
            if key:
                entries[key] = value
    return entries


def test_the_project_catalogue_is_among_them():
    assert SRC / CATALOGUE in POS


@pytest.mark.parametrize("po", POS, ids=lambda po: str(po.relative_to(SRC)))
def test_every_string_has_a_chinese_translation(po):
    entries = _entries(po.read_text(encoding="utf-8"))
    assert "__fuzzy__" not in entries, entries.get("__fuzzy__")
    untranslated = [k for k, v in entries.items() if not v]
    assert untranslated == []


def test_one_msgid_reads_the_same_in_every_catalogue():
    """At run time every catalogue is one namespace (the app listed first wins), so a msgid
    translated two ways changes another app's page without a word: "from" as a labour
    report's 开始日期 read 从 once the roster came first.  One msgid (and context), one
    translation; a different meaning takes a context (``pgettext``)."""
    seen: dict[str, tuple[str, Path]] = {}
    clashes = []
    for po in POS:
        for key, value in _entries(po.read_text(encoding="utf-8")).items():
            if key == "__fuzzy__":
                continue
            first = seen.setdefault(key, (value, po))
            if first[0] != value:
                clashes.append(
                    f"{key!r}: {first[0]!r} ({first[1].relative_to(SRC)}) "
                    f"vs {value!r} ({po.relative_to(SRC)})"
                )
    assert clashes == [], "\n".join(clashes)


@pytest.mark.parametrize("po", POS, ids=lambda po: str(po.relative_to(SRC)))
def test_compiled_catalogue_matches_the_source(po):
    entries = _entries(po.read_text(encoding="utf-8"))
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `casedesk compilemessages` (from src/casedesk)"
    with mo.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    stale = [
        k
        for k in entries
        if compiled.gettext(k.encode().decode("unicode_escape").encode("latin-1").decode()) == k
        and entries[k] != k
    ]
    assert stale == [], "run `casedesk compilemessages` (from src/casedesk)"


def test_catalogue_covers_every_marked_string(tmp_path):
    """makemessages over a copy of the source finds nothing the catalogues lack (a domain
    with a ``locale/`` folder of its own gets its strings there, the others the project's)."""
    src = Path(casedesk.__file__).parent
    copy = tmp_path / "casedesk"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "zh_Hans",
            "--ignore",
            "*/migrations/*",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        env={
            "DJANGO_SETTINGS_MODULE": "casedesk.settings",
            "PATH": "/usr/bin:/bin",
            "CASEDESK_VAR_DIR": str(tmp_path / "var"),
            "PYTHONPATH": str(src.parent),
        },
    )
    for po in sorted(copy.glob(f"**/{CATALOGUE}")):
        where = po.relative_to(copy)
        fresh = _entries(po.read_text(encoding="utf-8"))
        missing = [k for k, v in fresh.items() if k != "__fuzzy__" and not v]
        assert missing == [], f"strings without a zh-hans translation in {where}: {missing}"
        # A fuzzy entry is gettext's guess from a similar string: it needs a real translation.
        assert "__fuzzy__" not in fresh, (where, fresh.get("__fuzzy__"))


def test_the_product_speaks_chinese():
    from casedesk.cases.choices import Status

    with translation.override("zh-hans"):
        assert str(Status.PENDING.label) == "挂起"
    with translation.override("en"):
        assert str(Status.PENDING.label) == "Pending"
