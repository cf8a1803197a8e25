"""The engine: discovery, validation, dependency resolution and the result cache, on toy plugins."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from qualia_core import (
    ConfigError,
    DependencyError,
    Document,
    PluginExecutionError,
    PluginNotFoundError,
    QualiaCore,
    Utterance,
)

COUNTER = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Counter(BaseAnalyzerPlugin):
    runs = 0

    def meta(self):
        return PluginMetadata(
            id="counter", type=PluginType.ANALYZER, name="Counter", description="Counts turns.",
            version="{version}", provides=["turns"],
            parameters={{
                "min_words": {{"type": "integer", "default": 1, "min": 1, "max": 100, "description": "shortest turn"}},
                "mode": {{"type": "choice", "default": "all", "options": ["all", "speakers"]}},
                "label": {{"type": "string", "default": "x"}},
            }},
        )

    def _analyze_impl(self, document, config, context):
        type(self).runs += 1
        kept = [u for u in document.utterances if len(u.text.split()) >= config["min_words"]]
        return {{"turns": len(kept), "config": config}}
'''

DOUBLER = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Doubler(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="doubler", type="analyzer", name="Doubler", description="",
                              version="1.0", requires=["turns"], provides=["double"])

    def _analyze_impl(self, document, config, context):
        return {"double": context["counter"]["turns"] * 2}
'''

CHART = '''
from qualia_core import BaseVisualizerPlugin, PluginMetadata, PluginType

class Chart(BaseVisualizerPlugin):
    def meta(self):
        return PluginMetadata(id="chart", type=PluginType.VISUALIZER, name="Chart", description="",
                              version="1.0", requires=["doubler"])

    def _render_impl(self, data, config, output_path):
        return b"\\x89PNG\\r\\n\\x1a\\n" + bytes([data["double"], data["turns"]])
'''


def write_plugin(root: Path, folder: str, source: str) -> None:
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / "__init__.py").write_text(textwrap.dedent(source))


@pytest.fixture
def plugins(tmp_path) -> Path:
    root = tmp_path / "plugins"
    write_plugin(root, "counter", COUNTER.format(version="1.0.0"))
    write_plugin(root, "doubler", DOUBLER)
    write_plugin(root, "chart", CHART)
    return root


@pytest.fixture
def core(plugins, data_dir) -> QualiaCore:
    return QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)


@pytest.fixture
def doc() -> Document:
    turns = [Utterance("Ana", "hello there everyone", 0.0, 2.0), Utterance("Bo", "hi", 2.0, 3.0),
             Utterance("Ana", "let us start the meeting", 3.0, 6.0)]
    return Document("meeting", "raw", turns, {"format": "txt"})


def runs(core: QualiaCore) -> int:
    return type(core.get_plugin("counter").instance).runs


def test_discovers_plugins_from_folders(core):
    assert set(core.discover_plugins()) == {"counter", "doubler", "chart"}
    assert core.load_failures == []


def test_a_broken_plugin_is_reported_and_the_others_still_load(plugins, data_dir):
    write_plugin(plugins, "broken_syntax", "def oops(:\n")
    write_plugin(plugins, "bad_meta", COUNTER.format(version="not a version").replace('"counter"', '"bad_meta"'))
    write_plugin(plugins, "raises", "raise RuntimeError('missing dependency xyz')\n")
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    assert set(core.discover_plugins()) == {"counter", "doubler", "chart"}
    failures = {f.name: f.reason for f in core.load_failures}
    assert "SyntaxError" in failures["broken_syntax"]
    assert "missing dependency xyz" in failures["raises"]
    assert "version 'not a version'" in failures["Counter"]


def test_an_unknown_plugin_error_lists_the_available_ones(core, doc):
    with pytest.raises(PluginNotFoundError) as err:
        core.execute_plugin("countr", doc)
    assert "Did you mean 'counter'" in str(err.value)
    assert "chart, counter, doubler" in str(err.value)


def test_a_bad_parameter_is_named_with_what_it_accepts_and_what_it_got(core, doc):
    with pytest.raises(ConfigError) as err:
        core.execute_plugin("counter", doc, {"min_words": 0})
    message = str(err.value)
    assert "'min_words'" in message and "from 1 to 100" in message and "got 0" in message


def test_every_bad_parameter_is_reported_at_once(core, doc):
    with pytest.raises(ConfigError) as err:
        core.execute_plugin("counter", doc, {"min_words": "many", "mode": "some", "colour": "red"})
    assert {name for name, _ in err.value.errors} == {"min_words", "mode", "colour"}
    assert "one of 'all', 'speakers'" in str(err.value)


def test_parameters_are_coerced_and_defaults_filled(core, doc):
    result = core.execute_plugin("counter", doc, {"min_words": "3"})
    assert result == {"turns": 2, "config": {"min_words": 3, "mode": "all", "label": "x"}}


def test_a_second_identical_call_does_not_run_the_plugin_again(core, doc):
    first = core.execute_plugin("counter", doc, {"min_words": 2})
    assert runs(core) == 1
    assert core.execute_plugin("counter", doc, {"min_words": 2}) == first
    assert runs(core) == 1


def test_defaults_given_explicitly_hit_the_same_cache_entry(core, doc):
    core.execute_plugin("counter", doc)
    core.execute_plugin("counter", doc, {"min_words": 1, "mode": "all"})
    assert runs(core) == 1


def test_a_changed_config_runs_the_plugin_again(core, doc):
    core.execute_plugin("counter", doc, {"min_words": 2})
    assert core.execute_plugin("counter", doc, {"min_words": 4})["turns"] == 1
    assert runs(core) == 2


def test_a_changed_plugin_version_runs_the_plugin_again(core, plugins, doc):
    core.execute_plugin("counter", doc)
    write_plugin(plugins, "counter", COUNTER.format(version="1.0.1"))
    core.discover_plugins()
    core.execute_plugin("counter", doc)
    assert runs(core) == 1  # the reloaded class ran once: the 1.0.0 entry was not reused


def test_a_changed_document_runs_the_plugin_again(core, doc):
    core.execute_plugin("counter", doc)
    core.execute_plugin("counter", doc.rename_speakers({"Ana": "P01"}))
    assert runs(core) == 2


def test_the_cache_survives_a_restart(plugins, data_dir, doc):
    QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False).execute_plugin("counter", doc)
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    before = runs(core)
    core.execute_plugin("counter", doc)
    assert runs(core) == before
    assert core.cache.hits == 1


def test_a_corrupt_cache_entry_is_recomputed(core, doc, data_dir):
    core.execute_plugin("counter", doc)
    for entry in (data_dir / "cache" / "counter").glob("*.json"):
        entry.write_text("{not json")
    fresh = QualiaCore(plugins_dir=core.plugins_dir, data_dir=data_dir, entry_points=False)
    assert fresh.execute_plugin("counter", doc)["turns"] == 3


def test_results_are_copies_callers_can_mutate(core, doc):
    first = core.execute_plugin("counter", doc)  # computed now
    first["turns"] = 99
    first["config"]["min_words"] = 42
    second = core.execute_plugin("counter", doc)  # from the cache
    assert (second["turns"], second["config"]["min_words"]) == (3, 1)
    second["config"]["mode"] = "changed"
    assert core.execute_plugin("counter", doc)["config"]["mode"] == "all"


def test_a_result_that_is_not_plain_json_reaches_the_caller_as_the_cache_gives_it_back(plugins, data_dir, doc):
    write_plugin(plugins, "odd", '''
        import datetime
        from collections import Counter
        from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

        class Odd(BaseAnalyzerPlugin):
            def meta(self):
                return PluginMetadata(id="odd", type=PluginType.ANALYZER, name="O", description="", version="1")

            def _analyze_impl(self, document, config, context):
                return {"when": datetime.date(2026, 11, 30), "words": Counter(a=2), "ids": {3, 1}, 7: "seven"}
    ''')
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    fresh = core.execute_plugin("odd", doc)
    assert fresh == {"when": "2026-11-30", "words": {"a": 2}, "ids": [1, 3], "7": "seven"}
    assert type(fresh["words"]) is dict
    assert core.execute_plugin("odd", doc) == fresh


def test_parameter_combinations_are_checked_before_anything_runs(plugins, data_dir, doc):
    write_plugin(plugins, "picky", DOUBLER.replace('"doubler"', '"picky"').replace(
        'version="1.0",', 'version="1.0", parameters={"a": {"type": "boolean", "default": False}, '
                          '"b": {"type": "boolean", "default": False}},').replace(
        "    def _analyze_impl", "    def check_config(self, config):\n"
        "        if config[\"a\"] and config[\"b\"]:\n"
        "            yield (\"b\", \"cannot be on together with a\")\n\n    def _analyze_impl"))
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    before = runs(core)
    with pytest.raises(ConfigError, match="'b': cannot be on together with a"):
        core.execute_plugin("picky", doc, {"a": True, "b": True})
    assert runs(core) == before  # its requirement did not run either
    assert core.execute_plugin("picky", doc, {"a": True}) == {"double": 6}


def test_upstream_results_have_one_shape_for_every_plugin_type(plugins, data_dir, doc):
    """By plugin id and by key, whether the plugin is an analyzer or a visualizer."""
    write_plugin(plugins, "both_ways", DOUBLER.replace('"doubler"', '"both_ways"').replace(
        'return {"double": context["counter"]["turns"] * 2}',
        'return {"same": context["counter"]["turns"] == context["turns"], "ids": list(context)[:1]}'))
    write_plugin(plugins, "chart_by_id", CHART.replace('"chart"', '"chart_by_id"').replace(
        'bytes([data["double"], data["turns"]])', 'bytes([data["doubler"]["double"], data["counter"]["turns"]])'))
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    assert core.execute_plugin("both_ways", doc) == {"same": True, "ids": ["counter"]}
    from qualia_core.results import decode_image
    assert decode_image(core.execute_plugin("chart_by_id", doc))[-2:] == bytes([6, 3])


def test_requirements_run_first_and_are_passed_as_context(core, doc):
    assert core.execute_plugin("doubler", doc) == {"double": 6}


def test_dependency_configs_reach_the_required_plugin(core, doc):
    result = core.execute_plugin("doubler", doc, dependency_configs={"counter": {"min_words": 3}})
    assert result == {"double": 4}


def test_a_visualizer_gets_merged_upstream_data_and_returns_json(core, doc):
    result = core.execute_plugin("chart", doc)
    assert result["kind"] == "image" and result["mime"] == "image/png"
    json.dumps(result)
    from qualia_core.results import decode_image
    assert decode_image(result)[-2:] == bytes([6, 3])


def test_a_missing_requirement_names_what_is_missing(plugins, data_dir, doc):
    (plugins / "counter" / "__init__.py").unlink()
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    with pytest.raises(DependencyError, match="'turns'"):
        core.execute_plugin("doubler", doc)


def test_a_requirement_cycle_is_reported(plugins, data_dir):
    write_plugin(plugins, "loop_a", DOUBLER.replace('"doubler"', '"loop_a"').replace('["turns"]', '["loop_b"]'))
    write_plugin(plugins, "loop_b", DOUBLER.replace('"doubler"', '"loop_b"').replace('["turns"]', '["loop_a"]'))
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    problems = core.dependency_problems()
    assert any("cycle" in p and "loop_a" in p for p in problems)


def test_a_plugin_crash_becomes_a_plugin_execution_error(plugins, data_dir, doc):
    write_plugin(plugins, "crash", DOUBLER.replace('"doubler"', '"crash"').replace(
        'return {"double"', 'raise ZeroDivisionError("boom"); return {"double"'))
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    with pytest.raises(PluginExecutionError, match="'crash' failed: ZeroDivisionError") as err:
        core.execute_plugin("crash", doc)
    assert isinstance(err.value.__cause__, ZeroDivisionError)


def test_plugins_installed_as_packages_are_found_through_entry_points(plugins, data_dir, monkeypatch, tmp_path):
    pkg = tmp_path / "site" / "qualia_extra"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(COUNTER.format(version="2.0").replace('"counter"', '"extra"'))
    monkeypatch.syspath_prepend(str(tmp_path / "site"))

    class EP:
        name, value = "extra", "qualia_extra:Counter"

        def load(self):
            import qualia_extra
            return qualia_extra.Counter

    monkeypatch.setattr("qualia_core.discovery.entry_points", lambda group: [EP()] if group == "qualia.plugins" else [])
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir)
    assert core.discover_plugins()["extra"].version == "2.0"


def test_defaults_come_from_the_environment(monkeypatch, plugins, tmp_path):
    monkeypatch.setenv("QUALIA_PLUGINS_DIR", str(plugins))
    monkeypatch.setenv("QUALIA_DATA_DIR", str(tmp_path / "elsewhere"))
    core = QualiaCore(entry_points=False)
    assert core.plugins_dir == plugins.resolve()
    assert core.data_dir == (tmp_path / "elsewhere").resolve()


def test_a_requirement_several_plugins_provide_is_reported_as_ambiguous(plugins, data_dir):
    write_plugin(plugins, "counter2", COUNTER.format(version="1").replace('"counter"', '"counter2"'))
    core = QualiaCore(plugins_dir=plugins, data_dir=data_dir, entry_points=False)
    assert any("'turns', which several plugins provide (counter, counter2)" in p for p in core.dependency_problems())
