"""The Explore page (AppTest): one meeting or the whole library, only the view on screen computed, every
library row naming its meeting, and the view kept in the URL."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"


@pytest.fixture
def meeting(data_dir) -> str:
    entry, _ = QualiaCore(data_dir=data_dir, entry_points=False).library.add(VTT.name, VTT.read_bytes())
    return entry.id


@pytest.fixture
def explore(data_dir, monkeypatch, meeting):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_CORPUS_WORKERS", "1")
    st.cache_resource.clear()

    def make(view: str = "words", **query) -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.query_params.update(query)
        at.run()
        at.switch_page("pages/explore.py")
        if not query:
            at.session_state["explore_view"] = view
        at.run()
        return at

    yield make
    st.cache_resource.clear()


def cached(data_dir: Path, plugin_id: str) -> bool:
    return (data_dir / "cache" / plugin_id).is_dir()


def test_only_the_view_on_screen_is_computed(explore, data_dir):
    at = explore("words")
    assert not at.exception
    assert cached(data_dir, "word_frequency") and not cached(data_dir, "sentiment_analyzer")
    at.segmented_control(key="explore_view").set_value("sentiment").run()
    assert cached(data_dir, "sentiment_analyzer")


def test_keyword_in_context_finds_a_known_phrase_with_its_speaker_and_time(explore):
    at = explore("kwic")
    at.text_input(key="explore_word").set_value("remote control").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "match" in d.value.columns)
    assert list(table["match"]) == ["remote control", "remote control"]
    assert list(table["speaker"]) == ["Marketing", "Industrial Designer"]
    assert table["time"][0] == "0:02:35"  # 155.8 s: whole seconds, as a player shows them
    assert "2 occurrences" in [c.value for c in at.caption]


def test_keyword_in_context_links_back_to_the_whole_turn_shown_as_text(explore, data_dir):
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text(
        "xss", "Ana: <script>alert('x')</script> and <b>bold</b> remote control\nBo: fine")
    at = explore("kwic")
    at.selectbox(key="explore_scope").set_value(next(e.id for e in QualiaCore(
        data_dir=data_dir, entry_points=False).library.list() if e.name == "xss")).run()
    at.text_input(key="explore_word").set_value("remote control").run()
    assert any("<script>alert('x')</script>" in t.value for t in at.text)
    assert not [m for m in at.markdown if "<script>" in m.value]


def test_the_whole_library_concordance_names_the_meeting_of_every_line(explore, data_dir):
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text("second", "Ana: the remote control is great")
    at = explore("kwic")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.text_input(key="explore_word").set_value("remote control").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "match" in d.value.columns)
    assert sorted(table["meeting"]) == ["ES2012a_excerpt", "ES2012a_excerpt", "second"]
    assert "3 occurrences in 2 meetings" in [c.value for c in at.caption]
    at.number_input(key="explore_kwic_pick").set_value(3).run()
    assert any("the remote control is great" in t.value for t in at.text)


def test_the_library_dispersion_gives_each_meeting_its_own_row(explore, data_dir):
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text("second", "Ana: design first\nBo: design again")
    at = explore("words")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.text_input(key="explore_word").set_value("design").run()
    assert not at.exception
    chart = at.get("plotly_chart")[-1]
    import json
    figure = json.loads(chart.proto.spec)
    assert set(figure["data"][0]["y"]) == {"ES2012a_excerpt", "second"}


def test_the_meetings_view_shows_corpus_tables_distinctive_words_and_drills_into_a_meeting(explore, data_dir):
    second, _ = QualiaCore(data_dir=data_dir, entry_points=False).library.add_text(
        "budget meeting", "Ana: the budget is tight this year\nBo: the budget needs cuts\nAna: budget budget budget")
    at = explore("words")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.segmented_control(key="explore_view").set_value("meetings").run()
    assert not at.exception
    meetings = next(d.value for d in at.dataframe if "Meeting" in d.value.columns and "Turns" in d.value.columns)
    assert set(meetings["Meeting"]) == {"ES2012a_excerpt", "budget meeting"}
    at.selectbox(key="explore_key_doc").set_value(second.id).run()
    words = next(d.value for d in at.dataframe if "Log-likelihood G²" in d.value.columns)
    assert words.iloc[0]["Word"] == "budget" and words.iloc[0]["Used"] == "Over"
    at.selectbox(key="explore_drill").set_value(second.id).run()
    assert at.selectbox(key="explore_scope").value == second.id


def test_the_library_speakers_are_speakers_of_one_meeting(explore, data_dir):
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text("again", "Marketing: me again\nBo: hi")
    at = explore("words")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.segmented_control(key="explore_view").set_value("speakers").run()
    table = next(d.value for d in at.dataframe if "Speaker" in d.value.columns)
    rows = table[table["Speaker"] == "Marketing"]
    assert sorted(rows["Meeting"]) == ["ES2012a_excerpt", "again"]


def test_a_bookmarked_address_opens_that_view(explore, meeting):
    at = explore(doc="all", tab="kwic", word="remote control")
    assert not at.exception
    assert at.selectbox(key="explore_scope").value == "__library__"
    assert at.segmented_control(key="explore_view").value == "kwic"
    table = next(d.value for d in at.dataframe if "match" in d.value.columns)
    assert len(table) == 2
    at.selectbox(key="explore_scope").set_value(meeting).run()
    at.segmented_control(key="explore_view").set_value("sentiment").run()
    assert (at.query_params["doc"], at.query_params["tab"], at.query_params["word"]) == (
        meeting, "sentiment", "remote control")


def test_speakers_mapped_to_one_participant_are_counted_as_one_person(explore, data_dir, meeting):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    again, _ = core.library.add_text("again", "Marketing Lead: me again\nBo: hi")
    core.library.set_participants(meeting, {"Marketing": "Person M"})
    core.library.set_participants(again.id, {"Marketing Lead": "Person M"})
    at = explore("words")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.segmented_control(key="explore_view").set_value("speakers").run()
    people = next(d.value for d in at.dataframe if "meetings" in d.value.columns)
    assert list(people["participant"]) == ["Person M"] and people["meetings"][0] == 2


def test_names_from_transcripts_are_shown_as_text_never_markdown(explore, data_dir):
    """A meeting or speaker named like Markdown (an image that would be fetched) is shown as plain text."""
    name = "![x](http://127.0.0.1:1/p.png)"
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text(name, f"{name}: the remote control again")
    at = explore("kwic")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.text_input(key="explore_word").set_value("remote control").run()
    at.number_input(key="explore_kwic_pick").set_value(3).run()
    assert not at.exception
    assert any(name in t.value for t in at.text)
    rendered = [m.value for m in [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success]]
    assert not [r for r in rendered if "](http" in r]


# ------------------------------------------------------------------ concordance and collocates (issue 15)
PT_TEXT = "Ana: a comunicação da equipe\nBo: falta Comunicacao com o cliente\nAna: o design do produto e os designs"


def _add(data_dir, name, text) -> str:
    entry, _ = QualiaCore(data_dir=data_dir, entry_points=False).library.add_text(name, text)
    return entry.id


def _lines(at):
    return next(d.value for d in at.dataframe if "match" in d.value.columns)


def test_kwic_is_accent_insensitive_sorts_and_offers_csv_and_xlsx(explore, data_dir, monkeypatch):
    import pages.explore_concordance as page

    def not_now(*args, **kwargs):
        raise AssertionError("the XLSX is built when its button is clicked, not when the page is drawn")

    monkeypatch.setattr(page, "xlsx_with_header", not_now)
    doc = _add(data_dir, "pt", PT_TEXT)
    at = explore("kwic")
    at.selectbox(key="explore_scope").set_value(doc).run()
    at.text_input(key="explore_word").set_value("comunicacao").run()
    assert not at.exception
    assert list(_lines(at)["match"]) == ["comunicação", "Comunicacao"]
    at.text_input(key="explore_word").set_value("design*").run()
    assert list(_lines(at)["match"]) == ["design", "designs"]
    at.selectbox(key="explore_kwic_sort").set_value("L1").run()  # "o design", "os designs"
    assert list(_lines(at)["left"]) == ["o", "o design do produto e os"]
    buttons = [b.proto.label for b in at.get("download_button")]
    assert buttons == ["CSV", "XLSX"]


def test_clicking_a_line_shows_its_whole_turn_with_speaker_and_time(explore, data_dir):
    doc = _add(data_dir, "pt", PT_TEXT)
    at = explore("kwic")
    at.selectbox(key="explore_scope").set_value(doc).run()
    at.text_input(key="explore_word").set_value("comunicacao").run()
    at.session_state["explore_kwic_table"] = {"selection": {"rows": [1], "columns": [], "cells": []}}
    at.run()
    assert not at.exception
    assert at.number_input(key="explore_kwic_pick").value == 2
    assert "turn 1 · Bo ·" in [t.value for t in at.text]
    assert "falta Comunicacao com o cliente" in [t.value for t in at.text]
    at.number_input(key="explore_kwic_pick").set_value(1).run()  # the box still works after a click
    assert at.number_input(key="explore_kwic_pick").value == 1
    assert "turn 0 · Ana ·" in [t.value for t in at.text] and "turn 2 · Ana ·" not in [t.value for t in at.text]


def test_a_pattern_of_wildcards_alone_is_refused_with_a_message_naming_it(explore, data_dir):
    at = explore("kwic")
    at.selectbox(key="explore_scope").set_value("__library__").run()
    at.text_input(key="explore_word").set_value("*").run()
    assert not at.exception
    shown = [e.value.replace("\\", "") for e in at.error]  # as rendered: the Markdown escapes removed
    assert any("'query'" in e and "would find every word" in e for e in shown)


def test_collocates_of_one_meeting_and_of_the_library(explore, data_dir):
    doc = _add(data_dir, "budget", "Ana: the budget plan is late\nBo: a budget plan again\nAna: budget cuts")
    _add(data_dir, "more", "Cy: budget plan approved")
    at = explore("collocates")
    at.selectbox(key="explore_scope").set_value(doc).run()
    at.text_input(key="explore_word").set_value("budget").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "log-Dice" in d.value.columns)
    assert table.iloc[0]["collocate"] == "plan" and table.iloc[0]["together f(n,c)"] == 2
    assert [b.proto.label for b in at.get("download_button")] == ["CSV", "XLSX"]
    at.selectbox(key="explore_scope").set_value("__library__").run()
    assert not at.exception
    table = next(d.value for d in at.dataframe if "log-Dice" in d.value.columns)
    assert table.iloc[0]["collocate"] == "plan" and table.iloc[0]["together f(n,c)"] == 3
    meetings = next(d.value for d in at.dataframe if "occurrences" in d.value.columns)
    assert dict(zip(meetings["meeting"], meetings["occurrences"])) == {"budget": 3, "more": 1}


def left_out_table(at):
    return next(d.value for d in at.dataframe if list(d.value.columns) == ["Word", "Times said", "Why"])


@pytest.mark.parametrize("scope", ["meeting", "__library__"])
def test_the_words_view_says_which_words_were_left_out_and_follows_the_study_stoplist(explore, data_dir, meeting,
                                                                                      scope):
    at = explore("words")
    if scope != "meeting":
        at.selectbox(key="explore_scope").set_value(scope).run()
    assert not at.exception
    left = left_out_table(at)
    assert (left["Why"] == "filler").any() or (left["Why"] == "context filler").any()
    assert "remote" not in set(left["Word"])
    QualiaCore(data_dir=data_dir, entry_points=False).set_study_words({"stopwords": ["remote"]})
    at.run()
    left = left_out_table(at)
    assert left.loc[left["Word"] == "remote", "Why"].tolist() == ["your stoplist"]
