"""The layers hold in the code: no import hides inside a function to dodge a cycle.

(The layers themselves are import-linter's contracts in ``.importlinter``, run by
``make lint``; an import inside a function would hide an edge from a reader, not from it.)
"""

import ast
from pathlib import Path

import casedesk

SRC = Path(casedesk.__file__).parent


def _function_level_imports() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if path.name == "apps.py" and fn.name == "ready":
                continue  # Django's place to load an app's receivers and subscribers
            for node in ast.walk(fn):
                if isinstance(node, ast.ImportFrom):
                    names = [node.module or ""] if node.level == 0 else ["casedesk"]
                elif isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                else:
                    continue
                if any(n == "casedesk" or n.startswith("casedesk.") for n in names):
                    found.append(f"{path.relative_to(SRC.parent)}:{node.lineno}")
    return found


def test_no_casedesk_module_is_imported_inside_a_function():
    assert _function_level_imports() == []
