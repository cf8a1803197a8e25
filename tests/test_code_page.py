"""The Code page (AppTest): a codebook built, renamed, moved, merged and deleted (asking first); words of a turn
coded from a selection and whole turns from rows, uncoded; auto-coding after a preview; memos with their author;
retrieval with downloads; matrices and agreement; viewers read but cannot change anything."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"


@pytest.fixture
def study(data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    entry, _ = core.library.add(VTT.name, VTT.read_bytes())
    return core, entry.id


@pytest.fixture
def page(data_dir, monkeypatch, study):
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()

    def make(tab: str = "Code a meeting") -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/code.py")
        at.session_state["code_tab"] = tab
        at.session_state["coder_name"] = "ana"
        return at.run()

    yield make
    st.cache_resource.clear()


def fresh(study):
    """The study as another process sees it now."""
    core, doc_id = study
    return QualiaCore(data_dir=core.data_dir, entry_points=False).codes, doc_id


def shown(at) -> str:
    return "\n".join(str(e.value) for e in [*at.text, *at.caption, *at.markdown, *at.success, *at.error])


def test_a_codebook_is_built_renamed_moved_merged_and_deleted_after_asking(page, study):
    at = page("Codebook")
    assert not at.exception
    for name in ("Design", "Remote", "Buttons"):
        at.text_input(key="code_new_name").set_value(name)
        at.button(key="code_new_create").click().run()
        assert not at.exception
    codes, _ = fresh(study)
    assert [c.path for c in codes.codebook()] == ["Buttons", "Design", "Remote"]

    ids = {c.name: c.id for c in codes.codebook()}
    at.selectbox(key="code_edit_id").set_value(ids["Remote"]).run()
    remote = ids["Remote"]
    at.text_input(key=f"code_edit_name_{remote}").set_value("Remote control")
    at.selectbox(key=f"code_edit_parent_{remote}").set_value(ids["Design"])
    at.button(key=f"code_edit_save_{remote}").click().run()
    assert not at.exception
    codes, _ = fresh(study)
    assert [c.path for c in codes.codebook()] == ["Buttons", "Design", "Design › Remote control"]

    at.selectbox(key="code_edit_id").set_value(ids["Buttons"]).run()
    at.selectbox(key=f"code_merge_into_{ids['Buttons']}").set_value(ids["Remote"]).run()
    at.button(key="code_merge").click().run()
    codes, _ = fresh(study)
    assert [c.path for c in codes.codebook()] == ["Design", "Design › Remote control"]

    at.selectbox(key="code_edit_id").set_value(ids["Design"]).run()
    at.button(key="code_delete").click().run()
    assert fresh(study)[0].codebook()  # asked first: nothing deleted yet
    assert "Design" in shown(at)
    at.button(key="code_delete_yes").click().run()
    assert fresh(study)[0].codebook() == []  # the code and the one under it


def test_selected_words_and_whole_turns_are_coded_and_uncoded(page, study):
    core, doc_id = study
    remote = core.codes.add_code("Remote", color="#2a9d8f")
    at = page()
    assert not at.exception
    text = core.codes.turn_texts(doc_id)[0]["shown"]
    start = text.index("remote control")
    # what the browser component reports for a mouse selection (its Chromium test drives a real one)
    at.session_state[f"code_sel_{doc_id}"] = {"selection": {"seq": 1, "segments": [
        {"turn": 0, "start": start, "end": start + len("remote control")}]}}
    at.run()
    assert "Turn 1: remote control" in shown(at)
    at.multiselect(key="code_apply_codes").set_value([remote.id]).run()
    at.text_input(key="code_apply_memo").set_value("their first mention").run()
    at.button(key="code_apply").click().run()
    assert not at.exception
    coded = fresh(study)[0].passages(code="Remote")
    assert list(coded["text"]) == ["remote control"]
    assert (coded["start"].iloc[0], coded["end"].iloc[0]) == (start, start + len("remote control"))
    assert coded["coder"].iloc[0] == "ana" and coded["memo"].iloc[0] == "their first mention"
    assert "No words selected." in shown(at)  # the selection was used up

    at.session_state[f"code_rows_{doc_id}_1"] = {"selection": {"rows": [1, 2], "columns": []}}
    at.run()
    at.button(key="code_apply_turns").click().run()
    coded = fresh(study)[0].passages(code="Remote")
    assert sorted(coded["turn"]) == [0, 1, 2]
    whole = coded[coded["turn"] == 2].iloc[0]
    assert whole["text"] == whole["turn_text"]

    at.session_state[f"code_passages_{doc_id}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="code_uncode").click().run()
    assert len(fresh(study)[0].passages(code="Remote")) == 2
