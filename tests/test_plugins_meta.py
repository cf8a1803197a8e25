"""Every shipped plugin loads through the same discovery as a user's plugin, is documented and tested."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").exists())


@pytest.fixture(scope="module")
def core(tmp_path_factory) -> QualiaCore:
    return QualiaCore(data_dir=tmp_path_factory.mktemp("data"), entry_points=False)


def test_the_six_plugins_of_the_earlier_qualia_ship():
    assert set(SHIPPED) >= {"teams_cleaner", "word_frequency", "sentiment_analyzer",
                            "frequency_chart", "wordcloud_viz", "sentiment_viz"}


def test_every_shipped_plugin_loads_without_failures_or_dependency_problems(core):
    assert set(core.discover_plugins()) == set(SHIPPED)
    assert core.load_failures == []
    assert core.dependency_problems() == []


@pytest.mark.parametrize("plugin_id", SHIPPED)
def test_every_plugin_is_in_the_readme_table(plugin_id):
    assert f"| `{plugin_id}` |" in (ROOT / "README.md").read_text()


@pytest.mark.parametrize("plugin_id", SHIPPED)
def test_every_plugin_has_its_own_tests(plugin_id):
    assert (ROOT / "tests" / f"test_{plugin_id}.py").exists()


@pytest.mark.parametrize("plugin_id", SHIPPED)
def test_every_parameter_is_described_for_the_generated_form(core, plugin_id):
    meta = core.plugin_metadata()[plugin_id]
    assert meta.description
    for name, param in meta.parameters.items():
        assert param.description, f"{plugin_id}.{name} has no description"
        assert param.default is not None or param.type in ("string", "list"), f"{plugin_id}.{name} has no default"


HEAVY = ("numpy", "pandas", "plotly", "wordcloud", "PIL", "matplotlib", "textblob", "nltk", "scipy", "simplemma",
         "sklearn")
_DISCOVER = """
import json, sys
sys.path.insert(0, sys.argv[1])
heavy = tuple(sys.argv[2].split(","))
def loaded():
    return {m.split(".")[0] for m in sys.modules if m.split(".")[0] in heavy}
from qualia_core import QualiaCore
before = loaded()
core = QualiaCore(data_dir=sys.argv[3], entry_points=False)
found = sorted(core.discover_plugins())
print(json.dumps({"found": found, "by_plugins": sorted(loaded() - before), "failures": len(core.load_failures)}))
"""


def test_discovery_imports_no_analysis_library(tmp_path):
    """Reading the plugins' metadata in a fresh process imports none of their heavy libraries: each plugin
    loads numpy, plotly, wordcloud, TextBlob… on its first run. (What the core imports itself is its own
    business: only what discovery adds counts here.)"""
    run = subprocess.run([sys.executable, "-c", _DISCOVER, str(ROOT), ",".join(HEAVY), str(tmp_path)],
                         capture_output=True, text=True, timeout=120, check=True)
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["found"] == SHIPPED and report["failures"] == 0
    assert report["by_plugins"] == []
