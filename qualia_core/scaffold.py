"""A new plugin to start from: a folder that discovery loads at once, with a test that passes as written.

    create_plugin("turn_counter", "analyzer", plugins_dir)   # -> plugins_dir/turn_counter/

The folder holds `__init__.py` (the plugin class: metadata and its one method, a small working example of the
type) and `tests/test_<name>.py` (runs the plugin through the core as every door does; `pytest
plugins/<name>/tests`). Discovery reads only `__init__.py`. The name must be a plugin id (lowercase letters,
digits and underscores, starting with a letter) that no folder in the plugins dir and no loaded plugin has;
nothing is written otherwise, and the folder appears whole or not at all (written beside, then renamed).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from .contract import ID_RE, PluginType
from .errors import ScaffoldError

TYPES = tuple(t.value for t in PluginType)

_ANALYZER = '''"""{title}: how many turns each speaker takes (a starting point: change the metadata and _analyze_impl)."""

from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType


class {cls}(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(
            id="{id}",
            type=PluginType.ANALYZER,
            name="{title}",
            description="How many turns each speaker takes.",
            version="0.1.0",
            provides=["turns"],
            parameters={{
                "min_words": {{"type": "integer", "default": 1, "min": 1, "max": 100,
                              "description": "Ignore turns shorter than this many words"}},
            }},
            labels={{"turns": "Turns per speaker"}},
        )

    def _analyze_impl(self, document, config, context):
        turns = {{}}
        for utterance in document.utterances:
            if len(utterance.text.split()) >= config["min_words"]:
                turns[utterance.speaker] = turns.get(utterance.speaker, 0) + 1
        return {{"turns": turns}}
'''

_ANALYZER_TEST = '''    doc = core.add_document("demo", "Ana: Shall we start?\\nBo: Yes.\\nAna: Good, let us begin with the budget.")
    assert core.execute_plugin("{id}", doc) == {{"turns": {{"Ana": 2, "Bo": 1}}}}
    assert core.execute_plugin("{id}", doc, {{"min_words": 2}}) == {{"turns": {{"Ana": 2}}}}
    with pytest.raises(ConfigError, match="min_words"):
        core.execute_plugin("{id}", doc, {{"min_words": 0}})
'''

_DOCUMENT = '''"""{title}: the transcript without its shortest turns (a starting point: change the metadata and _process_impl)."""

from qualia_core import BaseDocumentPlugin, PluginMetadata, PluginType


class {cls}(BaseDocumentPlugin):
    def meta(self):
        return PluginMetadata(
            id="{id}",
            type=PluginType.DOCUMENT,
            name="{title}",
            description="Drops turns shorter than a number of words.",
            version="0.1.0",
            provides=["utterances", "dropped"],
            parameters={{
                "min_words": {{"type": "integer", "default": 2, "min": 1, "max": 100,
                              "description": "Drop turns shorter than this many words"}},
            }},
        )

    def _process_impl(self, document, config, context):
        kept = [{{"speaker": u.speaker, "start": u.start, "text": u.text}}
                for u in document.utterances if len(u.text.split()) >= config["min_words"]]
        return {{"utterances": kept, "dropped": len(document.utterances) - len(kept)}}
'''

_DOCUMENT_TEST = '''    doc = core.add_document("demo", "Ana: Shall we start?\\nBo: Yes.\\nAna: Good, let us begin with the budget.")
    result = core.execute_plugin("{id}", doc)
    assert [u["speaker"] for u in result["utterances"]] == ["Ana", "Ana"] and result["dropped"] == 1
    assert core.execute_plugin("{id}", doc, {{"min_words": 1}})["dropped"] == 0
    with pytest.raises(ConfigError, match="min_words"):
        core.execute_plugin("{id}", doc, {{"min_words": "many"}})
'''

_VISUALIZER = '''"""{title}: a bar chart of the most frequent words (a starting point: change the metadata and _render_impl).

It draws what word_frequency provides (`top_words`); the core runs word_frequency first."""

import plotly.graph_objects as go

from qualia_core import BaseVisualizerPlugin, PluginMetadata, PluginType


class {cls}(BaseVisualizerPlugin):
    def meta(self):
        return PluginMetadata(
            id="{id}",
            type=PluginType.VISUALIZER,
            name="{title}",
            description="A bar chart of the most frequent words.",
            version="0.1.0",
            requires=["top_words"],
            parameters={{
                "top_n": {{"type": "integer", "default": 10, "min": 1, "max": 100,
                          "description": "How many words to draw"}},
            }},
        )

    def _render_impl(self, data, config, output_path):
        words = list(data["top_words"])[: config["top_n"]]
        return go.Figure(go.Bar(x=[w for w, _ in words], y=[n for _, n in words]),
                         layout={{"title": {{"text": "{title}"}}}})
'''

_VISUALIZER_TEST = '''    result = core.get_plugin("{id}").instance.render({{"top_words": [["budget", 3], ["start", 2], ["yes", 1]]}},
                                                      {{"top_n": 2}})
    assert list(result.data[0].x) == ["budget", "start"] and list(result.data[0].y) == [3, 2]
    with pytest.raises(ConfigError, match="top_n"):
        core.get_plugin("{id}").instance.render({{"top_words": []}}, {{"top_n": 0}})
'''

_TEST = '''"""{title}: discovery loads it and it does what it says (run: pytest {folder}/tests)."""

from pathlib import Path

import pytest

from qualia_core import ConfigError, QualiaCore

PLUGINS_DIR = Path(__file__).resolve().parents[2]


def test_{id}_is_discovered_and_runs(tmp_path):
    core = QualiaCore(plugins_dir=PLUGINS_DIR, data_dir=tmp_path, entry_points=False)
    assert core.plugin_metadata()["{id}"].type.value == "{type}", [f.reason for f in core.load_failures]
{body}'''

_TEMPLATES = {"analyzer": (_ANALYZER, _ANALYZER_TEST), "document": (_DOCUMENT, _DOCUMENT_TEST),
              "visualizer": (_VISUALIZER, _VISUALIZER_TEST)}


def check_name(name: str, plugins_dir: Path, loaded: set[str] | frozenset[str] = frozenset()) -> None:
    """Raises ScaffoldError when `name` is not a plugin id, or a folder of `plugins_dir` or a loaded plugin has it."""
    if not ID_RE.match(name or ""):
        raise ScaffoldError(f"'{name}' is not a plugin name: use lowercase letters, digits and underscores, "
                            f"starting with a letter (at most 64), e.g. turn_counter.")
    if (plugins_dir / name).exists():
        raise ScaffoldError(f"{plugins_dir / name} exists already: choose another name (nothing was written).")
    if name in loaded:
        raise ScaffoldError(f"A plugin named '{name}' is loaded already: choose another name (nothing was written).")


def render(name: str, plugin_type: str) -> dict[str, str]:
    """The scaffold's files, relative path -> text."""
    if plugin_type not in _TEMPLATES:
        raise ScaffoldError(f"Unknown plugin type '{plugin_type}': choose one of {', '.join(TYPES)}.")
    source, body = _TEMPLATES[plugin_type]
    values = {"id": name, "cls": "".join(p.capitalize() for p in name.split("_")),
              "title": name.replace("_", " ").capitalize(), "type": plugin_type, "folder": name}
    return {"__init__.py": source.format(**values),
            f"tests/test_{name}.py": _TEST.format(body=body.format(**values), **values)}


def create_plugin(name: str, plugin_type: str, plugins_dir: str | Path,
                  loaded: set[str] | frozenset[str] = frozenset()) -> Path:
    """Write the scaffold of a new `plugin_type` plugin named `name` into `plugins_dir`; returns its folder."""
    plugins_dir = Path(plugins_dir)
    check_name(name, plugins_dir, loaded)
    files = render(name, plugin_type)
    if not plugins_dir.is_dir():
        raise ScaffoldError(f"The plugins folder {plugins_dir} does not exist: create it or name another with --dir.")
    staging = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=plugins_dir))  # "." : discovery skips it
    try:
        for relative, text in files.items():
            path = staging / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        staging.chmod(0o755)
        target = plugins_dir / name
        staging.rename(target)  # a folder that appeared meanwhile makes this fail: nothing is replaced
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise ScaffoldError(f"Could not create {plugins_dir / name}: {exc.strerror or exc}. Nothing was written.") \
            from None
    return target


__all__ = ["TYPES", "check_name", "create_plugin", "render"]
