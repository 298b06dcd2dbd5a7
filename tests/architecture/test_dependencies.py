"""Dependencies point one way (DESIGN.md section 4): an app imports only the apps before it.

cms <- drafts <- comments <- handling <- referrals; contact_points builds on drafts and comments; search
and stats read every app, and nothing imports them; api reads them all (stats included), nothing imports it.
Every `import` and `from … import` in an app's
Python files (migrations included, function-level imports included) is checked. String references
to another app (task names, lazy model references) are not imports and are not checked here.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ALLOWED: dict[str, set[str]] = {
    "cms": set(),
    "drafts": {"cms"},
    "comments": {"cms", "drafts"},
    "handling": {"cms", "drafts", "comments"},
    "referrals": {"cms", "drafts", "comments", "handling"},
    # The revision workspace writes the next version (drafts) from the opinions handled (comments, handling).
    "revisions": {"cms", "drafts", "comments", "handling"},
    "contact_points": {"cms", "drafts", "comments"},
    "search": {"cms", "drafts", "comments", "handling", "referrals", "revisions", "contact_points"},
    "stats": {"cms", "drafts", "comments", "handling", "referrals", "revisions", "contact_points"},
    # The API reads (and, for tokens, writes through the services of) every app; nothing imports it.
    "api": {"cms", "drafts", "comments", "handling", "referrals", "revisions", "contact_points", "stats"},
    # Operations (health, backups, retention) ask the apps that own files to expire them; nothing imports ops.
    "ops": {"cms", "drafts", "comments", "handling"},
}


def imported_apps(path: Path) -> set[tuple[str, int]]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in ALLOWED:
                found.add((top, node.lineno))
    return found


# The project shell wires every app together: its URLconf and settings may name them all.
PROJECT_SHELL = {"cms/urls.py", "cms/settings"}


def wrong_imports(app: str, root: Path = ROOT) -> list[str]:
    wrong = []
    for path in sorted((root / app).rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if any(relative == shell or relative.startswith(shell + "/") for shell in PROJECT_SHELL):
            continue
        for top, line in sorted(imported_apps(path)):
            if top != app and top not in ALLOWED[app]:
                wrong.append(f"{relative}:{line} imports {top}")
    return wrong


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_an_app_imports_only_the_apps_before_it(app):
    assert wrong_imports(app) == []


def test_every_app_of_the_project_is_in_the_dependency_table():
    from django.conf import settings

    ours = [name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").exists()]
    assert sorted(ours) == sorted(ALLOWED)


def test_a_wrong_import_is_caught(tmp_path):
    (tmp_path / "comments").mkdir()
    (tmp_path / "comments" / "bad.py").write_text(
        "def f():\n    from contact_points.models import ContactPoint\n    import search.services\n", encoding="utf-8"
    )
    assert wrong_imports("comments", tmp_path) == [
        "comments/bad.py:2 imports contact_points",
        "comments/bad.py:3 imports search",
    ]
