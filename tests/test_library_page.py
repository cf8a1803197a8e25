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


def speaker_inputs(at) -> list:
    return [t for t in at.text_input if t.label.endswith("shown as")]


def test_after_pseudonymise_the_speakers_form_shows_the_pseudonyms_and_saving_it_keeps_them(app, library):
    """Pseudonymise, then Save speakers without an edit: the form showed the real names, and saving put them
    back ("Speakers saved"). The form shows what is stored, and saving it unchanged changes nothing."""
    doc_id = next(e.id for e in library.list() if e.name == "ES2012a")
    app.session_state["library_selected"] = doc_id
    app.session_state["library_tab"] = "Speakers"  # only the open tab runs
    app.run()
    speakers = library.entry(doc_id).speakers
    assert [t.value for t in speaker_inputs(app)] == speakers
    app.button(key="library_pseudonymise").click().run()
    pseudonyms = [f"P{i:02d}" for i in range(1, len(speakers) + 1)]
    assert [t.value for t in speaker_inputs(app)] == pseudonyms
    next(b for b in app.button if b.label == "Save speakers").click().run()
    assert not app.exception
    assert library.entry(doc_id).shown_speakers == pseudonyms
    assert [t.value for t in speaker_inputs(app)] == pseudonyms


def test_a_form_shown_before_the_names_changed_elsewhere_never_brings_the_old_names_back(app, library):
    """Another session (or a notebook) pseudonymises while this form shows the real names: saving the form
    saves nothing, says why, and shows the names now stored."""
    doc_id = next(e.id for e in library.list() if e.name == "ES2012a")
    app.session_state["library_selected"] = doc_id
    app.session_state["library_tab"] = "Speakers"  # only the open tab runs
    app.run()
    speakers = library.entry(doc_id).speakers
    library.pseudonymise(doc_id)  # elsewhere, while the form is on screen
    next(b for b in app.button if b.label == "Save speakers").click().run()
    assert not app.exception
    assert library.entry(doc_id).shown_speakers == [f"P{i:02d}" for i in range(1, len(speakers) + 1)]
    assert [t.value for t in speaker_inputs(app)] == library.entry(doc_id).shown_speakers
    assert any("changed since" in w.value for w in app.warning)


def test_saving_the_speakers_form_changes_only_what_was_edited(app, library):
    doc_id = next(e.id for e in library.list() if e.name == "ES2012a")
    app.session_state["library_selected"] = doc_id
    app.session_state["library_tab"] = "Speakers"  # only the open tab runs
    app.run()
    first, second = library.entry(doc_id).speakers[:2]
    library.set_speaker_names(doc_id, {second: "Bo"})  # elsewhere; the page is run again before the edit
    app.run()
    speaker_inputs(app)[0].input("Ana")
    next(b for b in app.button if b.label == "Save speakers").click().run()
    assert not app.exception
    assert library.entry(doc_id).speaker_map == {first: "Ana", second: "Bo"}
    assert [s.value for s in app.success] == ["Speakers saved."]


def test_a_search_filtered_by_a_speaker_survives_the_speaker_being_pseudonymised(app, library):
    doc_id = next(e.id for e in library.list() if e.name == "Bed017")
    app.session_state["library_selected"] = doc_id
    app.session_state["library_tab"] = "Speakers"  # only the open tab runs
    app.run()
    speaker = library.entry(doc_id).speakers[0]
    app.text_input(key="library_search").set_value("the")
    app.multiselect(key="library_search_speakers").set_value([speaker]).run()
    assert len(app.dataframe[0].value) > 0
    app.button(key="library_pseudonymise").click().run()
    assert not app.exception
    said_by = app.multiselect(key="library_search_speakers")
    assert speaker not in said_by.options and said_by.value == []


def test_the_rename_form_shows_a_name_changed_elsewhere_and_never_brings_the_old_one_back(app, library):
    doc_id = next(e.id for e in library.list() if e.name == "ES2012a")
    app.session_state["library_selected"] = doc_id
    app.session_state["library_tab"] = "Rename or delete"  # only the open tab runs
    app.run()
    library.rename(doc_id, "Kick-off")  # elsewhere
    app.run()
    assert [t.value for t in app.text_input if t.label == "Name" and (t.key or "").startswith("library_name_")] \
        == ["Kick-off"]
    next(b for b in app.button if b.label == "Rename").click().run()
    assert library.entry(doc_id).name == "Kick-off"


def test_the_speakers_tab_replaces_known_names_in_the_speech_and_says_what_it_cannot_find(app, data_dir):
    library = QualiaCore(data_dir=data_dir, entry_points=False).library
    entry, _ = library.add_text("interview", "Ana Souza: Hello, I am Ana.\nBo Lima: Hi Ana, Carla sends her best.\n"
                                             "Ana Souza: Thanks Bo.\nBo Lima: Bye.\n")
    app.session_state["library_selected"] = entry.id
    app.session_state["library_tab"] = "Speakers"  # only the open tab runs
    app.run()
    app.button(key="library_pseudonymise").click().run()
    toggle = next(t for t in app.toggle if t.label == "Replace these names inside the speech too")
    assert toggle.value is False
    toggle.set_value(True).run()
    assert not app.exception and library.entry(entry.id).names_in_speech
    assert [u.text for u in library.get(entry.id).utterances][:2] == ["Hello, I am P01.", "Hi P01, Carla sends her best."]
    assert any("Other names in the speech are not found automatically" in c.value for c in app.caption)
    app.session_state["library_tab"] = "Transcript"
    app.run()
    transcript = next(d.value for d in app.dataframe if "#" in d.value.columns)
    assert "Hello, I am P01." in list(transcript["text"])
    app.session_state["library_tab"] = "Speakers"
    app.run()
    replaced = next(d.value for d in app.dataframe if "in the speech" in d.value.columns)
    assert dict(zip(replaced["in the speech"], replaced["becomes"])) == {
        "Ana Souza": "P01", "Bo Lima": "P02", "Ana": "P01", "Souza": "P01", "Bo": "P02", "Lima": "P02"}
    assert next(t for t in app.toggle if t.label.startswith("Replace these names")).value is True
    next(t for t in app.toggle if t.label.startswith("Replace these names")).set_value(False).run()
    assert not library.entry(entry.id).names_in_speech
    assert library.get(entry.id).utterances[0].text == "Hello, I am Ana."


def test_a_document_just_added_is_selected_in_the_library_explore_and_analyze(app, library):
    app.switch_page("pages/explore.py")
    app.run()
    shown_before = app.selectbox(key="explore_scope").value
    app.switch_page("pages/library.py")
    app.run()
    new = CORPUS / "covid_0.txt"
    app.file_uploader[0].set_value([(new.name, new.read_bytes(), "text/plain")]).run()
    assert not app.exception
    added = next(e for e in library.list() if e.source == new.name)
    assert shown_before != added.id
    assert app.selectbox(key="library_selected").value == added.id
    assert app.text[0].value.startswith(new.name)  # the transcript shown is the new one's
    app.switch_page("pages/explore.py")
    app.run()
    assert app.selectbox(key="explore_scope").value == added.id
    app.switch_page("pages/analyze.py")
    app.run()
    assert app.multiselect(key="analyze_docs").value == [added.id]
    app.multiselect(key="analyze_docs").set_value([]).run()  # chosen once: later visits keep the researcher's choice
    app.switch_page("pages/explore.py")
    app.run()
    app.selectbox(key="explore_scope").set_value("__library__").run()
    app.switch_page("pages/library.py")
    app.run()
    app.switch_page("pages/explore.py")
    app.run()
    assert app.selectbox(key="explore_scope").value == "__library__"


def test_pasted_text_is_selected_once_added(app, library):
    app.run()
    next(t for t in app.text_input if t.label == "Name").set_value("Interview 9")
    next(t for t in app.text_area if t.label == "Transcript").set_value("Ana: Shall we start?\nBo: Yes.")
    next(b for b in app.button if b.label == "Add to library").click().run()
    assert not app.exception
    added = next(e for e in library.list() if e.name == "Interview 9")
    assert app.selectbox(key="library_selected").value == added.id


def test_study_words_saved_on_the_library_page_apply_to_analyses(app, library):
    core = QualiaCore(data_dir=library.data_dir, entry_points=False)
    doc = core.library.get(next(e.id for e in library.list() if e.name == "ES2012a"))
    assert "remote" in dict(core.execute_plugin("word_frequency", doc)["top_words"])
    app.run()
    assert not [t for t in app.text_area if t.key == "study_stopwords"]  # closed: not drawn on the first page
    app.session_state["library_study_words"] = True  # the panel opened
    app.run()
    app.text_area(key="study_stopwords").set_value("Remote, control")
    app.checkbox(key="study_no_context_fillers").uncheck()
    next(b for b in app.button if b.label == "Save study words").click().run()
    assert not app.exception and "Study words saved: analyses use them now." in [s.value for s in app.success]
    words = core.study_words()
    assert words.stopwords == ("remote", "control") and not words.exclude_context_fillers
    top = dict(core.execute_plugin("word_frequency", doc)["top_words"])
    assert "remote" not in top and "control" not in top


def test_the_cleaned_text_is_one_click_away_and_so_is_the_original(app, library):
    doc_id = next(e.id for e in library.list() if e.name == "ES2012a")
    app.session_state["library_selected"] = doc_id
    app.run()
    text = " ".join(app.dataframe[-1].value["text"])
    assert "{vocalsound}" in text or "{disfmarker}" in text
    app.button(key=f"library_use_cleaned_{doc_id}").click().run()
    assert not app.exception and "Analyses now use the cleaned text." in [s.value for s in app.success]
    text = " ".join(app.dataframe[-1].value["text"])
    assert "{" not in text
    assert "{" not in library.get(doc_id).speech
    app.button(key=f"library_restore_original_{doc_id}").click().run()
    assert "Analyses use the original text again." in [s.value for s in app.success]
    assert "{vocalsound}" in " ".join(app.dataframe[-1].value["text"])
    assert library.entry(doc_id).cleaned is None
