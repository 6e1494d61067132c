"""The dependency arrows of docs/architecture.md, read from the code's imports: each app imports
only the apps it may (migrations aside). An import against an arrow fails here with its file."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# What each app may import (every app may import the kernel, newsroom). newsroom's urls.py is the
# one place that knows the apps whose addresses it serves.
ALLOWED = {
    "newsroom": set(),
    "photos": set(),
    "agencies": {"photos"},  # the logo is a safe image field (photos.images)
    "articles": {"agencies", "photos"},
    "readership": {"articles", "agencies", "photos"},
    "website": {"articles", "agencies", "photos", "readership", "live"},
    "distribution": {"articles", "agencies", "photos", "live"},
    "moving": {"articles", "agencies", "photos"},
    "incoming": {"articles", "agencies", "photos"},
    "live": {"articles", "agencies", "photos"},
    "planning": {"articles", "agencies", "photos"},
    "newsletters": {"articles", "agencies", "photos", "readership"},  # an automatic issue's most read
    "jobs": set(),
    "demo": {
        "articles",
        "agencies",
        "photos",
        "readership",
        "distribution",
        "incoming",
        "live",
        "planning",
        "newsletters",
    },
}
EXCEPTIONS = {"newsroom/urls.py": {"website", "readership", "distribution", "jobs"}}


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_what_its_arrows_allow(app):
    wrong = {}
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = str(path.relative_to(ROOT))
        against = imported_apps(path) - {app, "newsroom"} - ALLOWED[app] - EXCEPTIONS.get(name, set())
        if against:
            wrong[name] = sorted(against)
    assert wrong == {}
