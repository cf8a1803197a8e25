"""The Library page: one summary for an upload of many files, the whole library searched, and a transcript
read page by page with the turns holding a word marked (AppTest)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


@pytest.fixture
def app(data_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_CORPUS_WORKERS", "1")
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    yield at
    st.cache_resource.clear()


@pytest.fixture
def library(data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    for name in ("ES2012a.txt", "TS3012d.srt", "Bed017.vtt"):
        core.library.add(name, (CORPUS / name).read_bytes())
    return core.library


def test_an_upload_of_many_files_ends_in_one_summary(app):
    app.run()
    files = [(f.name, f.read_bytes(), "text/plain") for f in sorted(CORPUS.glob("*")) if f.suffix != ".md"]
    app.file_uploader[0].set_value(files).run()
    assert not app.exception
    assert [w.value for w in app.warning] == ["6 added, 1 refused."]
    assert len(app.success) == 0 and len(app.error) == 0  # not one box per file


def test_the_whole_library_is_searched_from_the_library_page(app, library):
    app.run()
    app.text_input(key="library_search").set_value('"remote control"').run()
    hits = app.dataframe[0].value
    assert not app.exception
    expected = QualiaCore(data_dir=library.data_dir, entry_points=False).search('"remote control"')
    assert 0 < len(hits) == expected.total
    assert list(hits["turn"]) == [h.turn for h in expected.hits]
    assert all("remote control" in text.lower() for text in hits["text"])
    assert f"{expected.total} turns found" in [c.value for c in app.caption]


def test_the_transcript_is_paged_and_marks_the_turns_holding_a_word(app, library):
    doc_id = next(e.id for e in library.list() if e.name == "Bed017")
    app.session_state["library_selected"] = doc_id
    app.run()
    turns = len(library.get(doc_id).utterances)
    page = app.dataframe[-1].value
    assert list(page["#"]) == list(range(min(50, turns)))
    app.text_input(key=f"library_mark_{doc_id}").set_value("the").run()
    marked = app.dataframe[-1].value
    assert "found" in marked.columns and (marked["found"] != "").any()
    assert not app.exception
