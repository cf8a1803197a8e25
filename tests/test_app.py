"""The app's pages, driven with Streamlit's AppTest: what a researcher and an operator do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"
PAGES = ["pages/library.py", "pages/analyze.py", "pages/explore.py", "pages/health.py", "pages/backups.py",
         "pages/plugins.py"]

FAILING = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class AlwaysFails(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="always_fails", type=PluginType.ANALYZER, name="Always fails",
                              description="A plugin with a bug.", version="1.0")

    def _analyze_impl(self, document, config, context):
        raise RuntimeError("bug in the plugin")
'''


@pytest.fixture
def app(data_dir, monkeypatch):
    """A fresh app on an empty data dir (the core is a cache_resource: clear it between tests)."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_CORPUS_WORKERS", "1")  # corpus runs in this process (the pool is tested elsewhere)
    monkeypatch.setenv("BACKUP_DIR", str(data_dir.parent / "backups"))
    monkeypatch.delenv("QUALIA_ADMIN_PASSWORD", raising=False)
    st.cache_resource.clear()

    def make(page: str | None = None) -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.run()
        if page:
            at.switch_page(page)
            at.run()
        return at

    yield make
    st.cache_resource.clear()


@pytest.fixture
def with_meeting(data_dir) -> str:
    entry, _ = QualiaCore(data_dir=data_dir, entry_points=False).library.add(VTT.name, VTT.read_bytes())
    return entry.id


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_an_empty_library(app, page):
    at = app(page)
    assert not at.exception


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_with_a_document(app, with_meeting, page):
    at = app(page)
    assert not at.exception


def test_uploading_a_vtt_adds_it_to_the_library(app, data_dir):
    at = app()
    at.file_uploader[0].set_value([(VTT.name, VTT.read_bytes(), "text/vtt")])
    at.run()
    assert not at.exception
    assert [s.value for s in at.success] == ["1 added."]
    table = at.dataframe[0].value
    assert list(table["name"]) == ["ES2012a_excerpt"]
    assert table["utterances"][0] == 8
    assert [e.name for e in QualiaCore(data_dir=data_dir, entry_points=False).library.list()] == ["ES2012a_excerpt"]


def test_a_bad_file_is_named_and_the_good_ones_in_the_same_upload_are_kept(app):
    at = app()
    at.file_uploader[0].set_value([("broken.docx", b"not a zip", "application/octet-stream"),
                                   (VTT.name, VTT.read_bytes(), "text/vtt")])
    at.run()
    assert [w.value for w in at.warning] == ["1 added, 1 refused."]  # one summary, whatever the number of files
    refused = at.dataframe[0].value
    assert list(refused["file"]) == ["broken.docx"] and "broken.docx" in refused["why it was refused"][0]
    assert list(at.dataframe[1].value["name"]) == ["ES2012a_excerpt"]


def test_pseudonyms_replace_speaker_names_in_the_library(app, with_meeting):
    at = app()
    at.session_state["library_tab"] = "Speakers"  # only the open tab runs
    at.run()
    at.button(key="library_pseudonymise").click().run()
    speakers = at.dataframe[0].value["speakers"][0]
    assert speakers == "P01, P02, P03, P04"


def test_deleting_asks_for_confirmation(app, with_meeting):
    at = app()
    at.session_state["library_tab"] = "Rename or delete"
    at.run()
    at.button(key="library_delete").click().run()
    assert any("cannot be undone" in w.value for w in at.warning)
    at.button(key="library_delete_yes").click().run()
    assert not at.exception
    assert any("No transcripts yet" in i.value for i in at.info)


def word_table(at: AppTest):
    """The word_frequencies table of a word_frequency result (the first term/count table shown)."""
    return next(d.value.rename(columns=str.lower) for d in at.dataframe if list(d.value.columns) == ["Term", "Count"])


def run_analysis(at: AppTest, doc_id: str, plugins: dict[str, list[str]]) -> AppTest:
    at.multiselect(key="analyze_docs").set_value([doc_id])
    for ptype, ids in plugins.items():
        at.multiselect(key=f"analyze_plugins_{ptype}").set_value(ids)
    at.run()
    at.button(key="analyze_run").click().run()
    assert not at.exception
    return at


def test_word_frequency_shows_a_table_whose_top_row_is_the_expected_word(app, with_meeting):
    at = run_analysis(app("pages/analyze.py"), with_meeting, {"analyzer": ["word_frequency"]})
    table = word_table(at)
    assert table.iloc[0].tolist() == ["want", 3]  # "right" (3) is a context filler, left out by default


def test_changing_a_parameter_changes_the_result(app, with_meeting):
    at = run_analysis(app("pages/analyze.py"), with_meeting, {"analyzer": ["word_frequency"]})
    at.text_input(key="analyze_param_word_frequency_min_length").set_value("6")
    at.button(key="analyze_run").click().run()
    table = word_table(at)
    assert table.iloc[0].tolist() == ["control", 2]
    assert (table["term"].str.len() >= 6).all()


def test_a_visualizer_renders_its_chart(app, with_meeting):
    at = run_analysis(app("pages/analyze.py"), with_meeting, {"visualizer": ["frequency_chart"]})
    assert at.get("plotly_chart")


def test_a_failing_plugin_shows_its_error_and_the_others_still_render(app, with_meeting, tmp_path, monkeypatch):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for shipped in (ROOT / "plugins").iterdir():
        if (shipped / "__init__.py").exists():
            os.symlink(shipped, plugins / shipped.name)
    (plugins / "always_fails").mkdir()
    (plugins / "always_fails" / "__init__.py").write_text(FAILING)
    monkeypatch.setenv("QUALIA_PLUGINS_DIR", str(plugins))
    at = run_analysis(app("pages/analyze.py"), with_meeting, {"analyzer": ["always_fails", "word_frequency"]})
    shown = [e.value.replace("\\", "") for e in at.error]  # messages are escaped: text, never Markdown
    assert any("always_fails" in e and "RuntimeError" in e for e in shown)
    assert word_table(at).shape[0] > 0


def test_the_health_page_shows_a_breaker_opened_by_failures_and_resets_it(app, data_dir, monkeypatch):
    from ops.monitoring.breaker_registry import BreakerRegistry, read_snapshot

    registry = BreakerRegistry(data_dir, max_failures=2)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            registry.call("word_frequency", None, lambda: (_ for _ in ()).throw(RuntimeError("x")))
    at = app("pages/health.py")
    assert not at.exception
    assert any("critical" in e.value for e in at.error)
    assert any("switched off" in m.value for m in at.markdown)
    at.button(key="health_reset_word_frequency").click().run()
    assert read_snapshot(data_dir)["word_frequency"]["state"] == "closed"
    assert not any("switched off" in m.value for m in at.markdown)


def test_the_plugins_page_lists_every_shipped_plugin(app):
    at = app("pages/plugins.py")
    ids = set(at.dataframe[0].value["id"])
    assert {"teams_cleaner", "word_frequency", "sentiment_analyzer", "frequency_chart",
            "wordcloud_viz", "sentiment_viz"} <= ids


@pytest.mark.parametrize("source", sorted((ROOT / "pages").glob("*.py")) + [ROOT / "streamlit_app.py"], ids=lambda p: p.name)
def test_no_page_renders_raw_html(source):
    text = source.read_text()
    if source.name == "cookie.py":  # the session cookie's script: only a name, a checked token and a number
        assert text.count("st.html(") == 1 and "_SAFE.fullmatch(token)" in text
        return
    assert "unsafe_allow_html" not in text and "st.html(" not in text and "components.html(" not in text


def test_the_cookie_script_refuses_anything_but_a_token():
    from pages.cookie import write_session_cookie

    with pytest.raises(ValueError):
        write_session_cookie("qualia_session", "x'; alert(1); '", 1)


def test_analyzing_several_documents_runs_them_as_a_corpus(app, with_meeting, data_dir):
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text("second", "Ana: the remote control is great")
    at = app("pages/analyze.py")
    at.toggle(key="analyze_all").set_value(True).run()
    assert at.multiselect(key="analyze_docs").disabled
    at.multiselect(key="analyze_plugins_analyzer").set_value(["word_frequency"]).run()
    at.button(key="analyze_run").click().run()
    assert not at.exception and not at.error
    across = next(d.value for d in at.dataframe if "Document" in d.value.columns)  # one view across documents
    assert list(across["Document"]) == ["ES2012a_excerpt", "second"] and "Total words" in across.columns
    assert [s.value for s in at.subheader] == ["Word frequency"]  # not a section per document
    at.selectbox(key="analyze_drill_word_frequency").set_value(
        next(e.id for e in QualiaCore(data_dir=data_dir, entry_points=False).library.list() if e.name == "second")).run()
    tables = [d.value for d in at.dataframe if list(d.value.columns) == ["Term", "Count"]]
    assert any({"remote", "control", "great"} <= set(t["Term"]) for t in tables)


def test_the_plugins_page_shows_each_description_whole(app):
    """A grid cell cuts a long description off; each is written out in full as text."""
    at = app("pages/plugins.py")
    shown = [t.value for t in at.text]
    core = QualiaCore(entry_points=False)
    core.discover_plugins()
    assert len(core.plugin_metadata()) >= 10
    for meta in core.plugin_metadata().values():
        assert meta.description in shown, meta.id
    assert all("description" not in d.value.columns for d in at.dataframe)
