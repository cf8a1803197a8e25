"""Discovery reads metadata without running plugins or importing their heavy libraries, and reports what it can
check (a missing implementation method, a bad parameter spec, a duplicate id) with the folder and the reason."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qualia_core import Document, QualiaCore, Utterance

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["numpy", "pandas", "plotly", "wordcloud", "PIL", "matplotlib", "textblob", "nltk", "scipy", "simplemma",
         "docx", "lxml", "sklearn", "sqlalchemy", "alembic"]

GOOD = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Good(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="{id}", type=PluginType.ANALYZER, name="Good", description="", version="1.0")

    def _analyze_impl(self, document, config, context):
        return {{"turns": len(document.utterances)}}
'''


def write_plugin(root: Path, folder: str, source: str) -> Path:
    (root / folder).mkdir(parents=True, exist_ok=True)
    (root / folder / "__init__.py").write_text(textwrap.dedent(source))
    return root / folder


def failures(core: QualiaCore) -> dict[str, tuple[str, str]]:
    return {f.name: (f.origin, f.reason) for f in core.load_failures}


def test_a_class_without_its_implementation_method_is_reported_with_its_folder(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "good", GOOD.format(id="good"))
    folder = write_plugin(plugins, "lazy", '''
        from qualia_core import BaseVisualizerPlugin, PluginMetadata, PluginType

        class Lazy(BaseVisualizerPlugin):
            def meta(self):
                return PluginMetadata(id="lazy", type=PluginType.VISUALIZER, name="Lazy", description="",
                                      version="1.0")
    ''')
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    assert list(core.discover_plugins()) == ["good"]
    origin, reason = failures(core)["Lazy"]
    assert origin == str(folder)
    assert "does not implement _render_impl()" in reason


def test_a_bad_parameter_spec_is_reported_without_running_the_plugin(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "good", GOOD.format(id="good"))
    write_plugin(plugins, "badspec", '''
        from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

        class BadSpec(BaseAnalyzerPlugin):
            def meta(self):
                return PluginMetadata(id="badspec", type=PluginType.ANALYZER, name="Bad", description="",
                                      version="1.0", parameters={"n": {"type": "integer", "default": "many"},
                                                                 "k": {"type": "choice"}})

            def _analyze_impl(self, document, config, context):
                raise AssertionError("discovery must not run a plugin")
    ''')
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    assert list(core.discover_plugins()) == ["good"]
    _, reason = failures(core)["BadSpec"]
    assert "parameter 'n': default 'many' is not a whole number" in reason


def test_a_duplicate_id_is_reported_naming_where_the_first_was_loaded(tmp_path):
    plugins = tmp_path / "plugins"
    first = write_plugin(plugins, "a_first", GOOD.format(id="same"))
    second = write_plugin(plugins, "b_second", GOOD.format(id="same"))
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    assert list(core.discover_plugins()) == ["same"]
    origin, reason = failures(core)["same"]
    assert origin == str(second) and f"already loaded from {first}" in reason


def test_meta_is_read_once_at_discovery_not_on_every_run(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "counted", '''
        from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

        class Counted(BaseAnalyzerPlugin):
            meta_calls = 0

            def meta(self):
                type(self).meta_calls += 1
                return PluginMetadata(id="counted", type=PluginType.ANALYZER, name="C", description="",
                                      version="1.0", parameters={"n": {"type": "integer", "default": 1}})

            def _analyze_impl(self, document, config, context):
                return {"n": config["n"]}
    ''')
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    doc = Document("d", "x", [Utterance("A", "hello")])
    for n in range(1, 6):
        assert core.execute_plugin("counted", doc, {"n": n}) == {"n": n}
    plugin = core.get_plugin("counted").instance
    plugin.analyze(doc, {"n": 2})
    assert type(plugin).meta_calls == 1


def _fresh_process(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_discovering_the_shipped_plugins_imports_none_of_their_heavy_libraries(tmp_path):
    """Metadata is read without numpy, plotly, wordcloud, textblob…; they load on a plugin's first run."""
    found = _fresh_process(f'''
        import json, sys
        from qualia_core import QualiaCore
        core = QualiaCore(data_dir={str(tmp_path)!r}, entry_points=False)
        ids = sorted(core.discover_plugins())
        heavy = sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))
        doc = core.add_document("d", "Ana: we should meet on monday\\nBo: monday works for me")
        top = core.execute_plugin("word_frequency", doc)["top_words"][0][0]
        print(json.dumps({{"ids": ids, "failures": [f.reason for f in core.load_failures], "heavy": heavy,
                          "after_run": "numpy" in sys.modules, "top": top}}))
    ''')
    assert found["failures"] == [] and len(found["ids"]) == 11
    assert found["heavy"] == []
    assert found["after_run"] and found["top"] == "monday"


def test_a_plugin_that_imports_its_libraries_at_the_top_still_works(tmp_path):
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "eager", '''
        import numpy as np
        from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

        class Eager(BaseAnalyzerPlugin):
            def meta(self):
                return PluginMetadata(id="eager", type=PluginType.ANALYZER, name="E", description="", version="1")

            def _analyze_impl(self, document, config, context):
                return {"words": int(np.sum([len(u.text.split()) for u in document.utterances]))}
    ''')
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    doc = core.add_document("d", "Ana: one two three\nBo: four")
    assert core.execute_plugin("eager", doc) == {"words": 4}


@pytest.mark.parametrize("module", ["qualia_core", "qualia_core.engine", "qualia_core.corpus", "qualia_core.library"])
def test_importing_the_core_imports_no_heavy_library(module):
    found = _fresh_process(f'''
        import json, sys
        import {module}
        print(json.dumps(sorted({{m.split(".")[0] for m in sys.modules}} & set({HEAVY!r}))))
    ''')
    assert found == []


LAZY = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Lazy(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="lazy", type=PluginType.ANALYZER, name="L", description="", version="{version}")

    def _analyze_impl(self, document, config, context):
        from .work import answer  # imported on the first run, as the shipped plugins do
        return {{"answer": answer(), "version": "{version}"}}
'''


def test_rediscovery_never_pulls_a_running_plugins_package_away(tmp_path):
    """Another session rediscovering (the app's cores, corpus threads) must not break a plugin that imports its
    submodules on first use: unchanged folders are reused, edited ones get a new module name."""
    plugins = tmp_path / "plugins"
    write_plugin(plugins, "lazy", LAZY.format(version="1.0"))
    (plugins / "lazy" / "work.py").write_text("def answer():\n    return 42\n")
    doc = Document("d", "x", [Utterance("A", "hello")])
    first = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "a", entry_points=False)
    first.discover_plugins()
    second = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "b", entry_points=False)
    second.discover_plugins()
    assert type(first.get_plugin("lazy").instance) is type(second.get_plugin("lazy").instance)  # one import
    write_plugin(plugins, "lazy", LAZY.format(version="2.0"))  # edited while the first core still holds 1.0
    edited = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "c", entry_points=False)
    assert edited.discover_plugins()["lazy"].version == "2.0"
    assert first.execute_plugin("lazy", doc) == {"answer": 42, "version": "1.0"}
    assert edited.execute_plugin("lazy", doc) == {"answer": 42, "version": "2.0"}


def test_a_plugin_fixed_after_a_failed_import_loads_its_fixed_submodules(tmp_path):
    plugins = tmp_path / "plugins"
    folder = write_plugin(plugins, "fixme", "from .helpers import VALUE\nraise RuntimeError('not yet')\n")
    (folder / "helpers.py").write_text("VALUE = 1\n")
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "d", entry_points=False)
    assert core.discover_plugins() == {}
    assert "not yet" in core.load_failures[0].reason  # it failed after importing helpers (VALUE = 1)
    (folder / "helpers.py").write_text("VALUE = 2\n")
    fixed = GOOD.format(id="fixme").replace('{"turns": len(document.utterances)}', '{"value": VALUE}')
    write_plugin(plugins, "fixme", "from .helpers import VALUE\n" + fixed)
    assert list(core.discover_plugins()) == ["fixme"]
    assert core.execute_plugin("fixme", Document("d", "x", [Utterance("A", "hi")])) == {"value": 2}
