"""A domain is one folder, plus the lists that cannot find it by themselves.

Its API, pages, menu entry, demo step, catalogue and matrix entries are found in its folders
(``core.discovery``, ``tests/authorization.py``).  Three lists are declared, and these
tests name the line a new app is missing from: Django's ``INSTALLED_APPS``, the layers of
``.importlinter``, and (checked, not edited: its globs take a new app in) mypy's files.
"""

from __future__ import annotations

import configparser
import fnmatch
import glob
import re
import tomllib
from pathlib import Path

from django.conf import settings

import casedesk

SRC = Path(casedesk.__file__).parent
ROOT = SRC.parent.parent
# Packages of casedesk that are not Django apps: interfaces with no models or templates of
# their own, mounted by the URLconf (api) or run by a command (demo).
NOT_APPS = {"api", "demo"}
ROOMS = ("services", "selectors", "events", "policy")  # what mypy checks in every app


def packages() -> list[str]:
    return sorted(p.parent.name for p in SRC.glob("*/__init__.py"))


def _lines(value: str) -> list[str]:
    return [line.split("#")[0].strip() for line in value.splitlines() if line.split("#")[0].strip()]


def _contracts() -> dict[str, configparser.SectionProxy]:
    parser = configparser.ConfigParser()
    parser.read(ROOT / ".importlinter")
    return {name.removeprefix("importlinter:contract:"): parser[name] for name in parser}


def test_every_app_is_installed():
    installed = {app.split(".apps.")[0] for app in settings.INSTALLED_APPS}
    missing = [p for p in packages() if p not in NOT_APPS and f"casedesk.{p}" not in installed]
    assert not missing, "\n".join(
        f"src/casedesk/{p}/ is not installed: add \"casedesk.{p}\" to INSTALLED_APPS in "
        "src/casedesk/settings.py, after the apps it uses" for p in missing
    )  # fmt: skip


def test_every_package_sits_in_a_layer():
    contracts = _contracts()
    layers = [
        {m.strip().removeprefix("casedesk.") for m in re.split(r"[:|]", line)}
        for line in _lines(contracts["layers"]["layers"])
    ]
    interfaces, domains, kernel = layers
    kernel_forbids = {
        m.removeprefix("casedesk.") for m in _lines(contracts["kernel"]["forbidden_modules"])
    }
    independent = {m.removeprefix("casedesk.") for m in _lines(contracts["domains"]["modules"])}
    why = []
    for p in packages():
        if p not in interfaces | domains | kernel:
            why.append(
                f"casedesk.{p} is in no layer of .importlinter: add it to the domain apps' line "
                "of [importlinter:contract:layers] (or the interfaces' line)"
            )
        if p not in kernel | kernel_forbids:
            why.append(f"add casedesk.{p} to the kernel's forbidden_modules in .importlinter")
        if p in domains and p not in independent:
            why.append(
                f"add casedesk.{p} to the modules of [importlinter:contract:domains] in "
                ".importlinter, and its edges to the apps it uses to its ignore_imports"
            )
    assert not why, "\n".join(why)


def _mypy_files() -> set[Path]:
    """The files mypy checks as pyproject.toml configures it (globs, folders, exclude)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    exclude = re.compile(config.get("exclude", r"(?!)"))
    found = set()
    for entry in config["files"]:
        for path in map(Path, glob.glob(str(ROOT / entry), recursive=True)):
            if path.is_dir():
                found |= {
                    f
                    for f in path.rglob("*.py")
                    if not exclude.search(f.relative_to(ROOT).as_posix())
                }
            else:
                found.add(path)
    return found


def test_mypy_checks_every_apps_rooms():
    checked = _mypy_files()
    rooms = {f for p in packages() for room in ROOMS if (f := SRC / p / f"{room}.py").exists()}
    assert rooms, "no rooms found: has the layout moved?"
    missing = sorted(str(f.relative_to(ROOT)) for f in rooms - checked)
    assert not missing, f"mypy skips these (see [tool.mypy] files in pyproject.toml): {missing}"


def test_a_new_apps_rooms_would_be_checked():
    """Whatever its name (``contracts``, ``core_x``): the globs are not spelt for today's."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    for name in ("toys", "contracts", "corex", "coverage", "zz"):
        for room in ROOMS:
            relative = f"src/casedesk/{name}/{room}.py"
            matched = any(fnmatch.fnmatch(relative, entry) for entry in config["files"])
            assert matched, f"{relative} would not be checked by mypy"
