"""Results in the researcher's words (issue 16): every plugin's rendered result on the Analyze page, over an English
and a Portuguese meeting, shows no raw key (a dot or an underscore), no float time and no internal document id;
warnings stand above the result and scores no method can give read "not scored"; what ran is shown in the form's
words and the downloads carry it."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from qualia_core import PluginMetadata, PluginType, QualiaCore
from qualia_core.exports import csv_with_header, json_with_header, provenance
from qualia_core.labels import clock, display_table, field, heading, humanize, normalize_labels, shown
from test_app import app  # noqa: F401  (fixture)

FIXTURES = Path(__file__).parent / "fixtures" / "labels"
MEETINGS = {"en": "ES2012a_excerpt.vtt", "pt": "reuniao_pt.txt"}
RAW_KEY = re.compile(r"[A-Za-z]_[A-Za-z]|[a-z]\.[a-z]")
FLOAT_TIME = re.compile(r"^\d+\.\d+$")
TIME_COLUMNS = ("Start", "End", "Talk time", "Duration", "First appearance", "Last appearance", "Time")


# ------------------------------------------------------------------ the core's rules
def test_keys_without_a_declared_label_read_as_words():
    assert humanize("input_turns") == "Input turns"
    assert heading("cleaning_stats.input_turns") == "Cleaning stats › Input turns"
    assert field("g2").label == "Log-likelihood G²" and field("reference_per_10k").label.endswith("per 10,000 words")


def test_times_ratios_and_scores_are_formatted():
    assert clock(934.799) == "0:15:34" and clock(3725) == "1:02:05" and clock(None) == ""
    assert shown(934.799, field("talk_seconds")) == "0:15:34"  # whole seconds, never rounded up past the moment
    assert shown(0.41619, field("talk_share")) == "41.6 %"
    assert shown(0.0, field("polarity"), scored=False) == "not scored"
    assert shown(4, field("first_appearance", normalize_labels({"first_appearance": {"format": "time", "basis": "b"}})),
                 timed=False) == 5  # a position, counted from 1


def test_the_earlier_plugin_api_still_works_and_bad_labels_are_named():
    meta = PluginMetadata(id="old", type=PluginType.ANALYZER, name="Old", description="", version="1.0")
    assert meta.labels == {} and meta.to_dict()["labels"] == {}
    with pytest.raises(ValueError, match=r"labels\['x'\] format 'hours'"):
        PluginMetadata(id="new", type=PluginType.ANALYZER, name="New", description="", version="1.0",
                       labels={"x": {"format": "hours"}})


def test_machine_fields_are_hidden_unless_asked():
    table = pd.DataFrame({"speaker": ["A"], "turns": [2], "indices": ["0, 3"]})
    assert list(display_table(table, "variants.per_speaker")) == ["Speaker", "Turns"]
    assert "Turn indices" in display_table(table, "variants.per_speaker", show_machine=True)


def test_downloads_carry_what_ran():
    header = provenance("Word frequency", "Reunião 3", {"Max words": "20", "Lemmatize": "yes"})
    text = csv_with_header(pd.DataFrame({"Term": ["a"], "Count": [1]}), header)
    assert text.splitlines()[:4] == ["# Plugin: Word frequency", "# Document: Reunião 3", "# Max words: 20",
                                     "# Lemmatize: yes"]
    assert pd.read_csv(io.StringIO(text), comment="#").to_dict("records") == [{"Term": "a", "Count": 1}]
    assert json.loads(json_with_header({"total": 1}, header)) == {"ran": header, "result": {"total": 1}}


# ------------------------------------------------------------------ every plugin, rendered
@pytest.fixture
def meetings(data_dir) -> dict[str, str]:
    library = QualiaCore(data_dir=data_dir, entry_points=False).library
    return {lang: library.add(name, (FIXTURES / name).read_bytes())[0].id for lang, name in MEETINGS.items()}


def _shown_texts(at) -> list[str]:
    """Every label the page shows: headings, captions, metric labels, table columns."""
    texts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [s.value for s in at.subheader]
    texts += [m.label for m in at.metric]
    for frame in at.dataframe:
        texts += [str(c) for c in frame.value.columns]
    return texts


def _analyze(at, doc_id, ptype, pid):
    at.multiselect(key="analyze_docs").set_value([doc_id])
    for other in ("document", "analyzer", "visualizer"):
        at.multiselect(key=f"analyze_plugins_{other}").set_value([pid] if other == ptype else [])
    at.run()
    if pid in ("keyword_in_context",):
        at.text_input(key="analyze_param_keyword_in_context_query").set_value("remote").run()
    at.button(key="analyze_run").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("lang", sorted(MEETINGS))
def test_every_plugin_result_reads_in_words(app, meetings, lang):  # noqa: F811
    walk_every_plugin(app("pages/analyze.py"), meetings[lang], lang)


@pytest.mark.parametrize("sample", ["vtt/Bed017.vtt", "srt/ES2012a.srt", "docx", "txt/covid_0.txt"])
def test_every_plugin_result_reads_in_words_on_the_shared_corpus(app, data_dir, corpus_dir, sample):  # noqa: F811
    """The same walk over real meetings of ../shared (Teams .vtt, .srt, .docx and text; skipped outside CI)."""
    path = corpus_dir / sample
    if path.is_dir():
        path = sorted(path.iterdir())[0]
    entry, _ = QualiaCore(data_dir=data_dir, entry_points=False).library.add(path.name, path.read_bytes())
    walk_every_plugin(app("pages/analyze.py"), entry.id, path.name)


def walk_every_plugin(at, doc_id: str, what: str) -> None:
    """Run each plugin on Analyze over one document and read what the page shows: no raw key, no id, no float
    time, and what ran in the form's words."""
    core = QualiaCore(entry_points=False)
    core.discover_plugins()
    failed = []
    for pid, meta in core.plugin_metadata().items():
        at = _analyze(at, doc_id, meta.type.value, pid)
        where = f"{pid} on {what}"
        failed += [pid] if at.error else []
        unescaped = [t.replace("\\", "") for t in _shown_texts(at)]
        raw = [t for t in unescaped if RAW_KEY.search(t.replace("analyze", ""))]
        assert not raw, f"{where}: raw keys shown {raw}"
        every = unescaped + [e.value for e in at.error] + [w.value for w in at.warning]
        assert not [t for t in every if doc_id in t], f"{where}: the document id is shown"
        for frame in at.dataframe:
            for column in frame.value.columns:
                if column in TIME_COLUMNS or column.endswith("time"):
                    floats = [v for v in frame.value[column] if isinstance(v, float) or FLOAT_TIME.match(str(v))]
                    assert not floats, f"{where}: {column} shows float times {floats[:3]}"
        if meta.parameters and not at.error:  # what ran, in the form's words
            ran = next(c.value for c in at.caption if c.value.startswith("Ran with"))
            assert all(p.replace("_", " ").capitalize() in ran.replace("\\", "") for p in meta.parameters), where
    assert set(failed) <= {"dispersion_plot"}, f"{what}: these showed an error instead of a result: {failed}"


def test_sentiment_of_a_portuguese_meeting_is_scored_and_names_its_method(app, meetings):  # noqa: F811
    at = _analyze(app("pages/analyze.py"), meetings["pt"], "analyzer", "sentiment_analyzer")
    assert not at.warning
    polarity = [m.value for m in at.metric if m.label == "Polarity"]
    assert len(polarity) == 1 and polarity != ["not scored"]
    per_speaker = next(d.value for d in at.dataframe if "Speaker" in d.value.columns and "Polarity" in d.value.columns)
    assert "not scored" not in set(per_speaker["Polarity"])
    shown = " ".join(t.replace("\\", "") for t in _shown_texts(at))
    assert "LeIA lexicon + Qualia negation rules" in shown and "Language" in shown


def test_sentiment_of_a_meeting_in_another_language_warns_above_and_is_not_scored(app, data_dir):  # noqa: F811
    library = QualiaCore(data_dir=data_dir, entry_points=False).library
    german = ("Anna: Wir haben gestern lange über das Budget gesprochen und nichts entschieden.\n"
              "Ben: Das Protokoll schicke ich morgen an alle Teilnehmer, dann sehen wir weiter.\n")
    doc_id = library.add("sitzung_de.txt", german.encode())[0].id
    at = _analyze(app("pages/analyze.py"), doc_id, "analyzer", "sentiment_analyzer")
    assert any("not meaningful" in w.value.replace("\\", "") for w in at.warning)  # on the page, not in an expander
    assert not [e for e in at.expander if "warning" in e.label.lower()]
    per_speaker = next(d.value for d in at.dataframe if "Speaker" in d.value.columns and "Polarity" in d.value.columns)
    assert set(per_speaker["Polarity"]) == {"not scored"}
    assert [m.value for m in at.metric if m.label == "Polarity"] == ["not scored"]


def test_the_form_labels_are_the_ones_shown_with_the_result(app, meetings):  # noqa: F811
    at = app("pages/analyze.py")
    at.multiselect(key="analyze_docs").set_value([meetings["en"]])
    at.multiselect(key="analyze_plugins_analyzer").set_value(["word_frequency"]).run()
    at.text_input(key="analyze_param_word_frequency_max_words").set_value("7").run()  # numbers are typed as text
    at.button(key="analyze_run").click().run()
    form_label = at.text_input(key="analyze_param_word_frequency_max_words").label
    ran = next(c.value for c in at.caption if c.value.startswith("Ran with")).replace("\\", "")
    assert f"{form_label}: **7**" in ran


# ------------------------------------------------------------------ Explore over the library
@pytest.fixture
def explore(data_dir, monkeypatch, meetings):
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from test_app import ROOT

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_CORPUS_WORKERS", "1")
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/explore.py")
    at.run()
    at.selectbox(key="explore_scope").set_value("__library__").run()
    yield at
    st.cache_resource.clear()


def test_the_library_sentiment_table_scores_portuguese_and_says_not_scored_for_another_language(explore, meetings,
                                                                                                 data_dir):
    german = "Anna: Wir haben gestern lange über das Budget gesprochen und nichts entschieden.\n"
    QualiaCore(data_dir=data_dir, entry_points=False).library.add("sitzung_de.txt", german.encode())
    explore.run()
    explore.segmented_control(key="explore_view").set_value("sentiment").run()
    assert not explore.exception
    table = next(d.value for d in explore.dataframe if "mean polarity" in d.value.columns)
    rows = {meeting: (mood, method, language) for meeting, mood, method, language
            in zip(table["meeting"], table["mean polarity"], table["method"], table["language"])}
    assert rows["sitzung_de"] == ("not scored", "not scored", "unknown")
    assert rows["reuniao_pt"][1:] == ("LeIA lexicon + Qualia negation rules", "pt")
    assert rows["ES2012a_excerpt"][1:] == ("TextBlob PatternAnalyzer", "en")
    assert all(rows[m][0] not in ("not scored", "0.0") for m in ("reuniao_pt", "ES2012a_excerpt"))
    assert any("1 of 3 meetings are not scored" in w.value for w in explore.warning)


def test_distinctive_words_name_the_meeting_not_its_id(explore, meetings, data_dir):
    QualiaCore(data_dir=data_dir, entry_points=False).library.add_text("silent", "Ana: {vocalsound}")
    explore.run()
    explore.segmented_control(key="explore_view").set_value("meetings").run()
    silent = next(e.id for e in QualiaCore(data_dir=data_dir, entry_points=False).library.list() if e.name == "silent")
    explore.selectbox(key="explore_key_doc").set_value(silent).run()
    shown = [i.value.replace("\\", "") for i in explore.info]
    assert any("silent" in s and "no counted words" in s for s in shown), shown
    assert not [s for s in shown if silent in s]
