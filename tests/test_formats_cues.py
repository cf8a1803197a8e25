"""WebVTT and SRT: cue ids, voice tags, NOTE/STYLE/REGION, entities, tags, timings, speakers."""

from __future__ import annotations

import pytest

from qualia_core.errors import DocumentError
from qualia_core.formats import load_path, parse_text


def pairs(doc):
    return [(u.speaker, u.text) for u in doc.utterances]


def test_teams_vtt_excerpt_matches_the_txt_transcript(fixtures_dir):
    """Real Teams-style cues (`<guid>/N-0` ids, `<v Name>`) give the txt transcript's turns."""
    vtt = load_path(fixtures_dir / "formats" / "ES2012a_excerpt.vtt")
    txt = load_path(fixtures_dir / "formats" / "ES2012a_excerpt.txt")
    assert vtt.metadata["format"] == "vtt"
    assert pairs(vtt) == pairs(txt)
    assert (vtt.utterances[0].start, vtt.utterances[0].end) == (155.8, 184.6)


def test_srt_excerpt_matches_the_txt_transcript(fixtures_dir):
    srt = load_path(fixtures_dir / "formats" / "ES2012a_excerpt.srt")
    txt = load_path(fixtures_dir / "formats" / "ES2012a_excerpt.txt")
    assert srt.metadata["format"] == "srt"
    assert pairs(srt) == pairs(txt)
    assert (srt.utterances[0].start, srt.utterances[0].end) == (155.8, 184.6)


def test_vtt_edge_cases(fixtures_dir):
    """NOTE/STYLE/REGION skipped, settings ignored, entities decoded, tags and inner timestamps removed,
    `<v.class Name>` and unclosed voice tags read, a cue without voice keeps the previous speaker, and the
    Teams split cues `<guid>/17-0`, `<guid>/17-1` of one turn merged."""
    doc = load_path(fixtures_dir / "formats" / "teams_edge_cases.vtt")
    assert [(u.speaker, u.text, u.start, u.end) for u in doc.utterances] == [
        ("Ann Lee", "Welcome to the review & planning session. Let's start with the budget.", 3.92, 9.1),
        ("Bob Martin", "I think we should wait <a week>.", 9.5, 12.0),
        ("Bob Martin", "and then decide together.", 12.5, 14.0),
        ("Ann Lee", "Fine by me.", 14.0, 15.0),
    ]


def test_vtt_cue_without_voice_at_the_start_has_no_speaker():
    doc = parse_text("WEBVTT\n\n00:01.000 --> 00:02.000\nhello\n\n00:02.000 --> 00:03.000\n<v Ann>hi</v>\n")
    assert pairs(doc) == [(None, "hello"), ("Ann", "hi")]


def test_vtt_consecutive_same_speaker_cues_of_different_turns_stay_separate():
    """Only cues of one Teams turn (same `<guid>/N`) are merged."""
    text = (
        "WEBVTT\n\nab-1/3-0\n00:01.000 --> 00:02.000\n<v Ann>one</v>\n\n"
        "ab-1/4-0\n00:02.000 --> 00:03.000\n<v Ann>two</v>\n"
    )
    assert pairs(parse_text(text)) == [("Ann", "one"), ("Ann", "two")]


def test_vtt_cue_with_two_voices_gives_two_utterances():
    doc = parse_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Yes?</v>\n<v Bob>No.</v>\n")
    assert [(u.speaker, u.text, u.start) for u in doc.utterances] == [("Ann", "Yes?", 1.0), ("Bob", "No.", 1.0)]


def test_vtt_multi_line_cue_ids_and_crlf():
    """Any lines before the timing line are the cue id; CRLF line ends are fine."""
    text = "WEBVTT\r\n\r\nintro\r\nsecond id line\r\n00:00:01.000 --> 00:00:02.000\r\n<v Ann>a\r\nb</v>\r\n"
    assert pairs(parse_text(text)) == [("Ann", "a b")]


def test_vtt_bad_timing_line_names_the_line():
    with pytest.raises(DocumentError) as err:
        parse_text("WEBVTT\n\n1\n00:01.000 --> soon\nhello\n", name="meeting.vtt")
    assert err.value.line == 4
    assert "meeting.vtt, line 4" in str(err.value) and "timing" in str(err.value)


def test_vtt_without_cues_is_an_error(tmp_path):
    path = tmp_path / "notes.vtt"
    path.write_text("WEBVTT\n\nNOTE nothing here\n", encoding="utf-8")
    with pytest.raises(DocumentError) as err:
        load_path(path)
    assert "notes.vtt" in str(err.value) and "no WebVTT cues" in str(err.value)


def test_srt_edge_cases(fixtures_dir):
    """Labels inside cues (with <i> and dialogue dashes), continuation lines, no speaker without label,
    <font> and {\\an8} removed, a colon in speech kept."""
    doc = load_path(fixtures_dir / "formats" / "edge_cases.srt")
    assert [(u.speaker, u.text, u.start, u.end) for u in doc.utterances] == [
        ("Dr. Amy Wong", "Good morning, everyone.", 1.0, 2.5),
        (None, "Applause and laughter", 2.6, 4.0),
        ("Dr. Amy Wong", "Ready?", 4.1, 6.0),
        ("Raj", "Ready: let's go.", 4.1, 6.0),
        ("Raj", "It is 10:30 already.", 6.1, 8.0),
    ]


def test_srt_without_labels_has_no_speakers():
    doc = parse_text("1\n00:00:01,000 --> 00:00:02,000\nHello there\n\n2\n00:00:02,000 --> 00:00:03,000\nBye\n")
    assert doc.metadata["format"] == "srt"
    assert pairs(doc) == [(None, "Hello there"), (None, "Bye")]


@pytest.mark.parametrize(
    "text, fmt",
    [
        ("WEBVTT\n\n00:01.000 --> 00:02.000\nhi\n", "vtt"),
        ("\ufeffWEBVTT - title\n\n00:01.000 --> 00:02.000\nhi\n", "vtt"),
        ("1\n00:00:01,000 --> 00:00:02,000\nhi\n", "srt"),
        ("Alice: 1\n00:00:01,000 --> 00:00:02,000 is a timing\n", "txt"),
        ("Just prose.", "txt"),
    ],
)
def test_parse_text_detects_the_format_from_content(text, fmt):
    assert parse_text(text).metadata["format"] == fmt


def test_srt_file_holding_webvtt_is_read_as_webvtt(tmp_path):
    path = tmp_path / "exported.srt"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>hi</v>\n", encoding="utf-8")
    doc = load_path(path)
    assert doc.metadata["format"] == "vtt" and pairs(doc) == [("Ann", "hi")]
