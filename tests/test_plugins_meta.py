"""Every shipped plugin loads through the same discovery as a user's plugin, is documented and tested."""

from __future__ import annotations

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
