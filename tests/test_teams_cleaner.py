"""teams_cleaner: each rule of the cleaner on real meeting excerpts (tests/fixtures/teams_cleaner)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from qualia_core.text import tokenize

from plugins.teams_cleaner import TeamsCleaner, cleaned_document, cleaned_text
from qualia_core import QualiaCore
from qualia_core.contract import PluginType
from qualia_core.document import Document, Utterance
from qualia_core.errors import ConfigError
from qualia_core.formats import load_path

FIX = Path(__file__).resolve().parent / "fixtures" / "teams_cleaner"
PLUGIN = TeamsCleaner()
def speech_words(text: str) -> int:
    """The cleaner's rule for short turns: words as qualia_core.text tokenizes them, a number-only turn one."""
    return len(tokenize(text)) or (1 if re.search(r"\d", text) else 0)


def load(name: str) -> Document:
    """A fixture read by the real loader (WebVTT cues without a voice tag continue the last speaker)."""
    return load_path(FIX / name)


def doc_of(*turns: tuple) -> Document:
    return Document("made", "", [Utterance(*t) for t in turns])


def texts(result: dict) -> list[str]:
    return [u["text"] for u in result["cleaned_utterances"]]


def speakers(result: dict) -> list[str | None]:
    return [u["speaker"] for u in result["cleaned_utterances"]]


ALL_FIXTURES = ["ami_ES2006d.txt", "icsi_Bed014.txt", "welsh_education_7.txt", "bracket_ES2012a.txt",
                "teams_pt_entrevista.vtt"]

# --- metadata and parameters --------------------------------------------------------------------


def test_metadata_declares_the_document_plugin():
    """The plugin says who it is, what it provides and which parameters it takes."""
    meta = PLUGIN.meta()
    assert (meta.id, meta.type, meta.version) == ("teams_cleaner", PluginType.DOCUMENT, "1.2.0")
    assert meta.provides == ["cleaned_utterances", "variants", "quality_report", "cleaning_stats", "source_turns"]
    assert set(meta.parameters) == {"remove_system_lines", "remove_markers", "normalize_speakers",
                                    "strip_guest_suffix", "merge_consecutive", "min_words", "facilitators"}


@pytest.mark.parametrize("config, name", [
    ({"min_words": -1}, "min_words"),
    ({"min_words": "many"}, "min_words"),
    ({"remove_markers": "maybe"}, "remove_markers"),
    ({"facilitators": 3}, "facilitators"),
    ({"remove_timestamps": True}, "remove_timestamps"),
])
def test_invalid_parameter_raises_config_error_naming_it(config, name):
    """A bad parameter value (or an unknown one) is refused through .process(), naming the parameter."""
    with pytest.raises(ConfigError) as info:
        PLUGIN.process(load("ami_ES2006d.txt"), config)
    assert name in [param for param, _ in info.value.errors]
    assert name in str(info.value)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_result_is_json_serializable(name):
    """The whole result survives json.dumps/json.loads unchanged (no tuples, no objects)."""
    result = PLUGIN.process(load(name), {"facilitators": ["Ana Souza"]})
    assert json.loads(json.dumps(result)) == result


# --- system lines -------------------------------------------------------------------------------


def test_system_speaker_lines_removed_english():
    """`System:` lines of a bracket transcript (recording started/stopped) are removed, speech is not."""
    doc = load("bracket_ES2012a.txt")
    result = PLUGIN.process(doc, {"merge_consecutive": False, "min_words": 0})
    assert "System" not in speakers(result)
    assert result["cleaning_stats"]["system_lines_removed"] == 2
    kept = [u.speaker for u in doc.utterances if u.speaker != "System"]
    assert len(result["cleaned_utterances"]) == len(kept) - result["cleaning_stats"]["empty_turns_dropped"]


def test_system_lines_removed_portuguese():
    """Teams PT messages (a gravação começou, entrou/saiu da reunião, está apresentando, Sistema) go."""
    result = PLUGIN.process(load("teams_pt_entrevista.vtt"))
    assert result["cleaning_stats"]["system_lines_removed"] == 8
    assert None not in speakers(result) and "Sistema" not in speakers(result)
    assert not any(re.search(r"reunião|apresentar|transcrição|gravação|Gravação", t) for t in texts(result))


@pytest.mark.parametrize("speaker", [None, "Ana Silva", "System", "Sistema"])
@pytest.mark.parametrize("phrase", [
    "Recording started", "Recording stopped", "Recording has started.", "Transcription stopped",
    "Ana Silva joined the meeting", "Ana Silva (Guest) left the meeting", "Bob Smith is presenting",
    "Bob Smith stopped presenting", "Ana Silva started transcription", "Silva, Ana joined the meeting",
    "A gravação começou", "Gravação iniciada", "Transcrição iniciada", "A transcrição foi interrompida",
    "João da Silva entrou na reunião", "Maria saiu da reunião", "Ana Souza está apresentando",
    "Ana Souza parou de apresentar", "Ana Souza iniciou a transcrição",
])
def test_whole_turn_system_phrase_is_removed(speaker, phrase):
    """A turn whose whole text is a system phrase is removed, with or without a speaker."""
    result = PLUGIN.process(doc_of((speaker, phrase), ("Bob", "So let us start .")))
    assert texts(result) == ["So let us start ."]
    assert result["cleaning_stats"]["system_lines_removed"] == 1


@pytest.mark.parametrize("speech", [
    "I left the meeting .", "So he left the meeting early", "The recording started to fail .",
    "We joined the meeting late", "Then she stopped presenting", "Eu saí da reunião mais cedo",
])
def test_speech_mentioning_a_system_phrase_is_kept(speech):
    """Speech that only mentions joining, leaving or recording is not a system line."""
    result = PLUGIN.process(doc_of(("Grad A", speech)))
    assert texts(result) == [speech]


def test_system_lines_kept_when_option_off():
    """With remove_system_lines off, system lines stay."""
    result = PLUGIN.process(load("teams_pt_entrevista.vtt"), {"remove_system_lines": False})
    assert "A gravação começou" in texts(result)
    assert result["cleaning_stats"]["system_lines_removed"] == 0


# --- markers ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ami_ES2006d.txt", "icsi_Bed014.txt", "bracket_ES2012a.txt"])
def test_curly_markers_removed(name):
    """{vocalsound}, {disfmarker}, {gap}, {pause}, {comment}, {nonvocalsound} are all removed and counted."""
    doc = load(name)
    result = PLUGIN.process(doc)
    assert not any("{" in t or "}" in t for t in texts(result))
    assert result["cleaning_stats"]["markers_removed"] == sum(u.text.count("{") for u in doc.utterances)


def test_markers_kept_when_option_off():
    """With remove_markers off, markers stay in the speech and none are counted as removed."""
    result = PLUGIN.process(load("ami_ES2006d.txt"), {"remove_markers": False})
    assert any("{vocalsound}" in t for t in texts(result))
    assert result["cleaning_stats"]["markers_removed"] == 0


@pytest.mark.parametrize("marker", [
    "{vocalsound}", "{disfmarker}", "{gap}", "{pause}", "{nonvocalsound}", "[inaudible]", "[crosstalk]",
    "(laughs)", "(risos)", "[música]", "[Laughter.]", "[Inaudible.]", "[INAUDIBLE 00:12:03]", "(Risos)",
])
def test_known_marker_removed_and_whitespace_collapsed(marker):
    """A known marker inside speech is removed and leaves a single space behind."""
    result = PLUGIN.process(doc_of(("Ana", f"antes {marker} depois")))
    assert texts(result) == ["antes depois"]


@pytest.mark.parametrize("name, kept", [
    ("welsh_education_7.txt", "Childcare Funding (Wales) Act 2019"),
    ("teams_pt_entrevista.vtt", "(na época eu morava com três pessoas)"),
    ("teams_pt_entrevista.vtt", "(acordar mais tarde, almoçar em casa)"),
])
def test_legit_parentheses_in_speech_kept(name, kept):
    """Parentheses that are speech, not a known marker, stay."""
    assert any(kept in t for t in texts(PLUGIN.process(load(name))))


@pytest.mark.parametrize("speech", ["Please look at the table (see page 4) first .", "[Objection.] Okay ."])
def test_unknown_bracketed_text_kept(speech):
    """Only markers from the known list are removed: "(see page 4)" and "[Objection.]" stay."""
    assert texts(PLUGIN.process(doc_of(("Ana", speech)))) == [speech]


@pytest.mark.parametrize("min_words", [0, 1])
@pytest.mark.parametrize("name, alone", [("ami_ES2006d.txt", "{vocalsound}"), ("teams_pt_entrevista.vtt", "(risos)")])
def test_turn_emptied_by_marker_removal_always_dropped(name, alone, min_words):
    """A turn that is only a marker ("{vocalsound}", "(risos)") is dropped, even with min_words=0."""
    doc = load(name)
    result = PLUGIN.process(doc, {"min_words": min_words, "merge_consecutive": False})
    assert all(speech_words(t) for t in texts(result))
    assert result["cleaning_stats"]["empty_turns_dropped"] == sum(u.text.strip() == alone for u in doc.utterances) > 0


def test_punctuation_only_turn_kept_with_min_words_zero():
    """A turn that was only punctuation (no marker removed) is kept with min_words=0, dropped with 1."""
    doc = doc_of(("Ana", "So what ?"), ("Bob", "?"))
    assert texts(PLUGIN.process(doc, {"min_words": 0})) == ["So what ?", "?"]
    assert texts(PLUGIN.process(doc, {"min_words": 1})) == ["So what ?"]


# --- speakers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    "Ana Silva", "  Ana   Silva ", "'Ana Silva'", "“Ana Silva”:", "- Ana Silva", "**Ana Silva**", "[Ana Silva]",
    "Ana Silva (Guest)", "Ana Silva (Convidado)", "Ana Silva (Convidada)", "Ana Silva (External)",
    "Ana Silva [Externo]", "ANA SILVA", "ana silva",
])
def test_speaker_name_normalized(raw):
    """Whitespace, surrounding quotes/punctuation, Teams suffixes and case variants give one name."""
    result = PLUGIN.process(doc_of(("Ana Silva", "Hello there ."), ("Bob", "Hi ."), (raw, "Yes .")))
    assert speakers(result) == ["Ana Silva", "Bob", "Ana Silva"]


def test_case_variants_unified_on_real_export():
    """"CARLOS MENDES (Convidado)" and "Carlos Mendes (Convidado)" become one "Carlos Mendes"."""
    result = PLUGIN.process(load("teams_pt_entrevista.vtt"))
    assert set(speakers(result)) == {"Ana Souza", "Carlos Mendes", "Beatriz Lima"}
    assert result["cleaning_stats"]["speakers_renamed"] == {
        "Carlos Mendes (Convidado)": "Carlos Mendes", "CARLOS MENDES (Convidado)": "Carlos Mendes",
        "Beatriz Lima (Convidada)": "Beatriz Lima"}


def test_guest_suffix_kept_when_option_off():
    """With strip_guest_suffix off, "(Convidado)" stays in the name."""
    result = PLUGIN.process(load("teams_pt_entrevista.vtt"), {"strip_guest_suffix": False})
    assert "Carlos Mendes (Convidado)" in speakers(result)


@pytest.mark.parametrize("name", ["The Acting Chair (Mr. Bruce Stanton)", "Hon. Bill Morneau", "Lynne Neagle AM"])
def test_real_names_with_parentheses_or_periods_unchanged(name):
    """Parliament names keep their parentheses and periods."""
    assert speakers(PLUGIN.process(doc_of((name, "Order , please .")))) == [name]


# --- merging and dropping -----------------------------------------------------------------------


def test_consecutive_turns_merged_with_time_span():
    """Consecutive turns of one speaker merge: start of the first, end of the last."""
    result = PLUGIN.process(load("teams_pt_entrevista.vtt"))
    turns = result["cleaned_utterances"]
    assert turns[0]["speaker"] == "Ana Souza" and (turns[0]["start"], turns[0]["end"]) == (4.0, 14.0)
    assert turns[0]["text"].endswith("trabalho remoto. Como foi a adaptação de vocês no primeiro ano?")
    # Carlos's two turns around Beatriz's "(risos)" (dropped) merge too
    assert turns[1]["speaker"] == "Carlos Mendes" and (turns[1]["start"], turns[1]["end"]) == (15.0, 31.0)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_no_two_consecutive_turns_share_a_speaker_after_merging(name):
    """With merge_consecutive on, the cleaned transcript alternates speakers."""
    who = speakers(PLUGIN.process(load(name)))
    assert all(a != b for a, b in zip(who, who[1:]))


def test_merge_off_keeps_consecutive_turns():
    """With merge_consecutive off, Sian Gwenllian's two consecutive real turns stay two."""
    result = PLUGIN.process(load("welsh_education_7.txt"), {"merge_consecutive": False})
    assert speakers(result)[-2:] == ["Sian Gwenllian AM", "Sian Gwenllian AM"]
    assert result["cleaning_stats"]["turns_merged"] == 0


@pytest.mark.parametrize("min_words", [2, 3, 5])
def test_turns_below_min_words_dropped(min_words):
    """Turns with fewer than min_words words are dropped; the others stay."""
    doc = load("ami_ES2006d.txt")
    result = PLUGIN.process(doc, {"min_words": min_words, "merge_consecutive": False, "remove_markers": False})
    assert all(speech_words(t) >= min_words for t in texts(result))
    assert len(texts(result)) == sum(speech_words(u.text) >= min_words for u in doc.utterances)


def test_a_number_only_turn_is_speech_and_counts_no_word():
    """A turn such as "5." or "10:30 ." is an answer, kept at min_words=1 (and dropped at 2), but "5" is no
    word in any count (qualia_core.text), so per-speaker words agree with speaker_stats."""
    doc = doc_of(("Ana", "How many came ?"), ("Bob", "5."), ("Ana", "And when ?"), ("Bob", "10:30 ."))
    result = PLUGIN.process(doc, {"merge_consecutive": False})
    assert texts(result) == ["How many came ?", "5.", "And when ?", "10:30 ."]
    assert result["variants"]["per_speaker"]["Bob"]["words"] == 0
    assert texts(PLUGIN.process(doc, {"merge_consecutive": False, "min_words": 2})) == ["How many came ?", "And when ?"]


def test_one_word_turns_kept_by_default():
    """The default min_words=1 keeps backchannels such as "Yeah ." and "Uhum."."""
    assert "Uhum." in texts(PLUGIN.process(load("teams_pt_entrevista.vtt"), {"merge_consecutive": False}))


# --- variants -----------------------------------------------------------------------------------


def test_participants_only_leaves_out_facilitators():
    """The participants-only variant lists every turn except the facilitator's (matched ignoring case), as
    indices into cleaned_utterances."""
    result = PLUGIN.process(load("teams_pt_entrevista.vtt"), {"facilitators": ["ana souza", "Nobody Here"]})
    variants, turns = result["variants"], result["cleaned_utterances"]
    assert variants["participants_only"] == [i for i, u in enumerate(turns) if u["speaker"] != "Ana Souza"]
    assert {turns[i]["speaker"] for i in variants["participants_only"]} == {"Carlos Mendes", "Beatriz Lima"}
    assert (variants["facilitators"], variants["facilitators_not_found"]) == (["Ana Souza"], ["Nobody Here"])


def test_participants_only_is_everything_without_facilitators():
    """With no facilitators, participants-only lists all the cleaned turns."""
    result = PLUGIN.process(load("welsh_education_7.txt"))
    assert result["variants"]["participants_only"] == list(range(len(result["cleaned_utterances"])))


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_the_text_is_stored_once(name):
    """Only cleaned_utterances holds text: the variants hold turn indices and counts, never a turn's text."""
    result = PLUGIN.process(load(name), {"facilitators": ["Ana Souza"]})
    assert set(result) == {"cleaned_utterances", "variants", "quality_report", "cleaning_stats", "source_turns"}
    variants = result["variants"]
    assert all(type(i) is int for i in variants["participants_only"])
    assert all(type(i) is int for entry in variants["per_speaker"].values() for i in entry["indices"])
    texts_elsewhere = json.dumps({k: v for k, v in result.items() if k != "cleaned_utterances"})
    long_texts = [u["text"] for u in result["cleaned_utterances"] if len(u["text"]) > 30]
    assert long_texts and not any(json.dumps(t)[1:-1] in texts_elsewhere for t in long_texts)


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_per_speaker_indexes_each_speakers_turns(name):
    """per_speaker lists, for each speaker, the indices of their turns, their turns and their words counted as
    everywhere in Qualia (qualia_core.text: "42" is no word, "well-known" is two), equal to speaker_stats'."""
    result = PLUGIN.process(load(name))
    turns = result["cleaned_utterances"]
    per = result["variants"]["per_speaker"]
    assert set(per) == {u["speaker"] for u in turns}
    for speaker, entry in per.items():
        assert entry["indices"] == [i for i, u in enumerate(turns) if u["speaker"] == speaker]
        assert entry["turns"] == len(entry["indices"])
        assert entry["words"] == sum(len(tokenize(turns[i]["text"])) for i in entry["indices"])
    from plugins.speaker_stats import SpeakerStatsAnalyzer
    from plugins.teams_cleaner import cleaned_document
    stats = SpeakerStatsAnalyzer().analyze(cleaned_document(load(name), result))
    assert {s["speaker"]: s["words"] for s in stats["speakers"] if s["speaker"] in per} == {
        speaker: entry["words"] for speaker, entry in per.items()}


def test_cleaned_document_helper_gives_cleaned_turns():
    """cleaned_document() rebuilds a Document from the result, for all turns, a variant or a speaker."""
    doc = load("teams_pt_entrevista.vtt")
    result = PLUGIN.process(doc, {"facilitators": ["Ana Souza"]})
    assert [u.to_dict() for u in cleaned_document(doc, result).utterances] == result["cleaned_utterances"]
    participants = cleaned_document(doc, result, variant="participants_only")
    assert participants.speakers == ["Carlos Mendes", "Beatriz Lima"]
    assert [u.to_dict() for u in participants.utterances] == [
        u for u in result["cleaned_utterances"] if u["speaker"] != "Ana Souza"]
    only = cleaned_document(doc, result, speaker="Beatriz Lima")
    assert (only.speakers, only.id, only.content) == (["Beatriz Lima"], doc.id, doc.content)
    with pytest.raises(ValueError, match="unknown variant"):
        cleaned_document(doc, result, variant="facilitators_only")


def test_cleaned_text_helper_gives_speaker_lines():
    """cleaned_text() gives one "Speaker: text" line per cleaned turn; a turn without a speaker is its text."""
    result = PLUGIN.process(doc_of(("Ana", "Hello {vocalsound} there ."), (None, "A note"), ("Bob", "Yes .")))
    assert cleaned_text(result) == "Ana: Hello there .\nA note\nBob: Yes ."
    assert cleaned_text(PLUGIN.process(doc_of())) == ""


# --- quality report -----------------------------------------------------------------------------


def _codes(result: dict) -> set[str]:
    return {r["code"] for r in result["quality_report"]["reasons"]}


def test_quality_lower_for_messy_transcript_with_reasons():
    """A messy AMI excerpt (markers, short turns, no times) scores below a clean, timed parliament one."""
    welsh = load("welsh_education_7.txt")
    clean = welsh.with_utterances(Utterance(u.speaker, u.text, 10.0 * i, 10.0 * i + 9)
                                  for i, u in enumerate(welsh.utterances[3:]))  # the lines without [Laughter.]
    messy = PLUGIN.process(load("ami_ES2006d.txt"))
    tidy = PLUGIN.process(clean)
    assert messy["quality_report"]["score"] < tidy["quality_report"]["score"]
    assert {"markers", "short_turns", "no_timestamps"} <= _codes(messy)
    assert not {"markers", "short_turns", "no_timestamps"} & _codes(tidy)


@pytest.mark.parametrize("turns, code", [
    ([("Speaker 1", "We should start now ."), ("Speaker 2", "Yes , let us go .")] * 20, "pseudo_labels"),
    ([("Ana", "We should start now with the first point of the agenda .")] * 20, "single_speaker"),
    ([(None, "We should start now ."), ("Ana", "Yes , let us start .")] * 20, "no_speaker"),
    ([("Ana", "Hello there everyone ."), ("Bob", "Good morning .")], "little_speech"),
    ([("Ana", "Hello there everyone ."), ("Bob", "Good morning .")], "no_timestamps"),
    ([(None, "Recording started"), ("Ana", "Hello there everyone ."), ("Bob", "Morning .")], "system_lines"),
])
def test_quality_reason_named(turns, code):
    """Each quality problem is named in the reasons with a positive penalty."""
    report = PLUGIN.process(doc_of(*turns))["quality_report"]
    found = [r for r in report["reasons"] if r["code"] == code]
    assert found and found[0]["penalty"] > 0 and found[0]["reason"]


@pytest.mark.parametrize("name", ALL_FIXTURES)
def test_quality_score_is_100_minus_penalties(name):
    """The score is 100 minus the penalties listed, within 0-100."""
    report = PLUGIN.process(load(name))["quality_report"]
    assert report["score"] == max(0, 100 - sum(r["penalty"] for r in report["reasons"]))
    assert 0 <= report["score"] <= 100


def test_empty_transcript_scores_zero():
    """A transcript with no speech left scores 0 with the reason no_speech."""
    report = PLUGIN.process(doc_of((None, "Recording started"), ("Ana", "{vocalsound}")))["quality_report"]
    assert report == {"score": 0, "reasons": [report["reasons"][0]]} and report["reasons"][0]["code"] == "no_speech"


# --- through the engine --------------------------------------------------------------------------


def test_engine_runs_the_cleaner_like_process(tmp_path):
    """QualiaCore finds the plugin, takes facilitators as comma-separated text and returns the same result."""
    core = QualiaCore(data_dir=tmp_path)
    doc = core.load_document(FIX / "teams_pt_entrevista.vtt")
    result = core.execute_plugin("teams_cleaner", doc, {"facilitators": "Ana Souza, Nobody Here"})
    assert result == PLUGIN.process(doc, {"facilitators": ["Ana Souza", "Nobody Here"]})


def test_engine_refuses_a_bad_parameter_naming_it(tmp_path):
    """Through the engine too, an invalid min_words raises ConfigError naming it."""
    core = QualiaCore(data_dir=tmp_path)
    with pytest.raises(ConfigError, match="min_words"):
        core.execute_plugin("teams_cleaner", load("ami_ES2006d.txt"), {"min_words": 5000})


# --- full corpus (CI) ---------------------------------------------------------------------------


def test_full_corpus_cleaned_without_markers_or_false_system_lines(corpus_dir):
    """Over every QMSum meeting: no curly marker left, no speech taken for a system line."""
    for path in sorted((corpus_dir / "txt").glob("*.txt")):
        result = PLUGIN.process(load_path(path))
        assert result["cleaning_stats"]["system_lines_removed"] == 0, path.name
        assert not any("{" in t for t in texts(result)), path.name


def test_full_corpus_bracket_files_lose_exactly_their_system_lines(corpus_dir):
    """Each bracket_txt meeting loses its 2 System lines and keeps the txt meeting's speakers."""
    for path in sorted((corpus_dir / "bracket_txt").glob("*.txt")):
        bracket = PLUGIN.process(load_path(path))
        plain = PLUGIN.process(load_path(corpus_dir / "txt" / path.name))
        assert bracket["cleaning_stats"]["system_lines_removed"] == 2, path.name
        assert speakers(bracket) == speakers(plain) and texts(bracket) == texts(plain), path.name
