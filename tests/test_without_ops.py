"""The core never names ops/: delete ops/ from a copy of the project and the core, its tests and the
notebooks still pass (unguarded), and no module of qualia_core imports ops."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Tests of ops/ itself and of the app's pages (which show the breakers and backups) are not the core's.
NOT_THE_CORE = re.compile(r"^\s*(from ops\b|import ops\b)|importorskip\(\s*[\"']ops\b|[\"']ops\.|AppTest|"
                          r"[\"']pages/", re.M)
# Nor are the other doors' (the REST API and the `qualia` command): they run in the main suite, with ops.
DOORS = re.compile(r"^\s*(from|import) (api|qualia_cli)\b|tests\.(api_server|cli_runner)\b", re.M)


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports (statements anywhere in it, and importlib/__import__ calls with a literal)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")):
            found.add(node.args[0].value)
    return found


def test_no_module_of_the_core_imports_ops():
    """qualia_core -> ops would close a cycle (ops imports qualia_core): the core defines contracts instead."""
    offenders = {str(p.relative_to(ROOT)): sorted(m for m in imported_modules(p) if m.split(".")[0] == "ops")
                 for p in (ROOT / "qualia_core").rglob("*.py")}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_no_shipped_plugin_imports_ops():
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "plugins").rglob("*.py")
                 if any(m.split(".")[0] == "ops" for m in imported_modules(p))]
    assert offenders == []


# A sitecustomize that makes the copy the whole project: the editable install of the original checkout
# (which maps qualia_core and ops to it) is taken off the import system of every process started,
# notebook kernels included.
SITECUSTOMIZE = '''
import sys
ORIGINAL = {original!r}
sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in (getattr(f, "__module__", "") or "")
                    and "editable" not in type(f).__name__.lower()]
sys.path[:] = [p for p in sys.path if not (p == ORIGINAL or p.startswith(ORIGINAL + "/")) or "/.venv/" in p]
'''


def test_the_core_its_tests_and_the_notebooks_pass_with_ops_deleted(tmp_path):
    copy = tmp_path / "qualia"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "data", "backups", "__pycache__",
                                                              "*.egg-info", ".pytest_cache"))
    shutil.rmtree(copy / "ops")
    if (ROOT.parent / "shared").is_dir():  # the shared corpus beside the copy too, as beside the checkout
        (tmp_path / "shared").symlink_to(ROOT.parent / "shared")
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE.format(original=str(ROOT)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(copy)]), "QUALIA_DATA_DIR": str(tmp_path / "d")}
    env.pop("QUALIA_PLUGINS_DIR", None)

    probe = subprocess.run([sys.executable, "-c", textwrap.dedent('''
        import importlib.util, qualia_core
        print(qualia_core.__file__, importlib.util.find_spec("ops"))
    ''')], cwd=copy, env=env, capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.split() == [str(copy / "qualia_core" / "__init__.py"), "None"], probe.stdout

    core_tests = sorted(p.name for p in (copy / "tests").glob("test_*.py")
                        if not NOT_THE_CORE.search(text := p.read_text(encoding="utf-8")) and not DOORS.search(text)
                        and p.name != "test_browser.py")
    assert {"test_engine.py", "test_discovery.py", "test_library.py", "test_notebooks.py",
            "test_word_frequency.py", "test_teams_cleaner.py"} <= set(core_tests)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", "-m", "not browser",
                          *[f"tests/{name}" for name in core_tests]],
                         cwd=copy, env=env, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert " passed" in out.stdout and " failed" not in out.stdout
