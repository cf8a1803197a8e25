"""Plain-text transcripts: flavours, speaker label rule, continuation lines, timestamps."""

from __future__ import annotations

import pytest

from qualia_core.formats import load_path, parse_text
from qualia_core.formats.labels import looks_like_name, speaker_labels


def pairs(doc):
    return [(u.speaker, u.text) for u in doc.utterances]


def test_speaker_lines_excerpt_gives_one_turn_per_line(fixtures_dir):
    """A real AMI excerpt: every `Speaker: text` line is one utterance with that speaker."""
    path = fixtures_dir / "formats" / "ES2012a_excerpt.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    doc = load_path(path)
    assert pairs(doc) == [tuple(line.split(": ", 1)) for line in lines]
    assert doc.metadata["txt_flavour"] == "speaker_lines"


def test_long_parliamentary_names_are_speakers_even_when_they_speak_once(fixtures_dir):
    """Names up to ~100 chars with ridings, ministries, nested parentheses and particles are speakers."""
    path = fixtures_dir / "formats" / "parliament_excerpt.txt"
    expected = [line.split(": ", 1)[0] for line in path.read_text(encoding="utf-8").splitlines()]
    assert [u.speaker for u in load_path(path).utterances] == expected


def test_interview_with_header_continuations_and_colons_in_speech(fixtures_dir):
    """Header lines before any speaker, continuation lines, colons in speech, blank-line paragraphs."""
    doc = load_path(fixtures_dir / "formats" / "interview_edge_cases.txt")
    assert pairs(doc) == [
        (None, "Interview 3, transcribed by the research team Date: 12 March 2021"),
        ("Interviewer", "Thanks for joining. Could you describe how the project started?"),
        (
            "Participant",
            "Sure. My manager said: this is good, go ahead. Note: we had no budget at first. "
            "We met at 10:30 every Monday, see https://example.org/notes for the minutes.",
        ),
        ("Participant", "Later that year it changed."),
        ("Interviewer", "And then?"),
        ("Participant", "Then we grew."),
    ]


@pytest.mark.parametrize(
    "line",
    [
        "I said: this is good",
        "Note: this is a note",
        "at 10:30 we meet",
        "see https://example.org/page for details",
        "The problem is: nobody came",
        "Time: 10:30",
        "12: twelve",
    ],
)
def test_colon_inside_speech_is_not_a_speaker(line):
    """A continuation line with a colon stays part of the previous speaker's utterance."""
    doc = parse_text(f"Alice: first part\n{line}\nBob: reply")
    assert pairs(doc) == [("Alice", f"first part {line}"), ("Bob", "reply")]


def test_prose_is_one_utterance_per_paragraph():
    doc = parse_text("The first paragraph\nwraps here.\n\n\nThe second one.\n")
    assert pairs(doc) == [(None, "The first paragraph wraps here."), (None, "The second one.")]
    assert doc.metadata["txt_flavour"] == "prose"


def test_bracket_times_give_start_and_next_start_as_end(fixtures_dir):
    """`[hh:mm:ss] Speaker: text`: start from the stamp, end = next turn's start, None for the last."""
    doc = load_path(fixtures_dir / "formats" / "ES2012a_excerpt_bracket.txt")
    assert doc.metadata["txt_flavour"] == "bracket"
    assert doc.utterances[0].speaker == "System"
    assert [(u.start, u.end) for u in doc.utterances[:3]] == [(0.0, 155.0), (155.0, 185.0), (185.0, 187.0)]
    assert doc.utterances[-1].end is None


def test_bracket_excerpt_matches_plain_excerpt_without_system_lines(fixtures_dir):
    plain = load_path(fixtures_dir / "formats" / "ES2012a_excerpt.txt")
    bracket = load_path(fixtures_dir / "formats" / "ES2012a_excerpt_bracket.txt")
    assert [p for p in pairs(bracket) if p[0] != "System"] == pairs(plain)


@pytest.mark.parametrize(
    "stamp, seconds",
    [("[01:02]", 62.0), ("[01:02.5]", 62.5), ("[1:00:03]", 3603.0), ("[00:00:07,25]", 7.25)],
)
def test_bracket_stamp_forms(stamp, seconds):
    """[mm:ss], [h:mm:ss] and fractional seconds."""
    doc = parse_text(f"{stamp} Alice: hi\n[2:00:00] Bob: yes")
    assert doc.utterances[0].start == seconds
    assert doc.utterances[0].end == 7200.0


def test_bracket_continuation_line_joins_previous_turn():
    doc = parse_text("[00:01] Alice: one\ntwo\n[00:05] Bob: three")
    assert pairs(doc) == [("Alice", "one two"), ("Bob", "three")]


def test_speaker_with_parenthesised_time():
    doc = parse_text("Alice Smith (00:00:05): Hello.\nBob (01:10): Hi.\nmore\n")
    assert doc.metadata["txt_flavour"] == "speaker_paren_time"
    assert [(u.speaker, u.text, u.start, u.end) for u in doc.utterances] == [
        ("Alice Smith", "Hello.", 5.0, 70.0),
        ("Bob", "Hi. more", 70.0, None),
    ]


def test_label_alone_on_its_line_takes_the_next_lines():
    doc = parse_text("Alice:\nspeech on the next line\nBob: yes")
    assert pairs(doc) == [("Alice", "speech on the next line"), ("Bob", "yes")]


def test_paragraph_after_blank_line_is_a_new_turn_of_the_same_speaker():
    doc = parse_text("Alice: one\n\ntwo\nBob: three")
    assert pairs(doc) == [("Alice", "one"), ("Alice", "two"), ("Bob", "three")]


def test_speaker_names_are_whitespace_normalised():
    doc = parse_text("Project  Manager : hi\nProject Manager: again")
    assert doc.speakers == ["Project Manager"]


@pytest.mark.parametrize(
    "label",
    [
        "Mr. Garnett Genuis (Sherwood ParkFort Saskatchewan, CPC)",
        "Hon. Filomena Tassi (Minister of Labour)",
        "The Acting Chair (Mrs. Alexandra Mends (BrossardSaint-Lambert, Lib.))",
        "Hon. Maryam Monsef (Minister for Women and Gender Equality and Rural Economic Development)",
        "Mr. Chris d'Entremont",
        "Mr. Tony Van Bynen",
        "Ludwig van Beethoven",
        "María José dos Santos",
        "Mahathir bin Mohamad",
        "Speaker 2",
        "PhD A",
        "SPEAKER_01",
        "Élodie",
    ],
)
def test_names_used_once_are_speakers(label):
    assert looks_like_name(label)


@pytest.mark.parametrize(
    "label",
    ["I said", "Note", "Date", "at 10", "see http", "The problem is", "12", "--", "x" * 101, "Hello (world"],
)
def test_non_names_used_once_are_not_speakers(label):
    assert not looks_like_name(label)
    assert speaker_labels([label]) == {}


def test_a_label_used_twice_is_a_speaker_even_if_lowercase():
    """Chat handles like `jdoe:` are speakers once they recur."""
    assert speaker_labels(["jdoe", "jdoe", "I said"]) == {"jdoe": "jdoe"}
