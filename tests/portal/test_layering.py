"""scripts/check_layering.py, which CI runs: it passes on this tree and
names what breaks the layering in one that does."""

import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "check_layering.py"
spec = importlib.util.spec_from_file_location("check_layering", SCRIPT)
assert spec is not None and spec.loader is not None
layering = importlib.util.module_from_spec(spec)
spec.loader.exec_module(layering)


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_this_tree_has_no_cycle_between_apps_and_no_oversized_module():
    assert layering.check() == []


def test_accounts_imports_no_other_app():
    graph, _ = layering.app_graph()
    assert graph["accounts"] == set()


def test_a_cycle_through_a_function_level_import_is_named(tmp_path):
    _write(tmp_path, "exercises/services.py", "from accounts.models import User\n")
    _write(tmp_path, "accounts/views.py", "def home():\n    from exercises.selectors import partner_home\n")
    problems = layering.check(tmp_path)
    assert len(problems) == 1
    assert "accounts -> exercises -> accounts" in problems[0]
    assert "accounts/views.py" in problems[0]


@pytest.mark.parametrize(
    ("relative", "lines", "refused"),
    [
        ("scheduling/services.py", 451, True),
        ("scheduling/services.py", 450, False),
        ("scheduling/migrations/0001_initial.py", 900, False),
        ("exercises/builtin.py", 900, False),
    ],
)
def test_a_business_module_over_the_limit_is_refused(tmp_path, relative, lines, refused):
    _write(tmp_path, relative, "x = 1\n" * lines)
    assert bool(layering.check(tmp_path)) is refused
