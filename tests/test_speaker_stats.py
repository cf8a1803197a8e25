"""speaker_stats: turns, words, talk time and first/last appearance of each speaker."""

from __future__ import annotations

import json
import math
import re

import pytest

from plugins.speaker_stats import SpeakerStatsAnalyzer
from qualia_core import QualiaCore
from qualia_core.document import Document, Utterance
from qualia_core.errors import ConfigError
from qualia_core.formats import load_path

BRACKET = "ES2012a_opening_bracket.txt"  # [hh:mm:ss] Speaker: text, with a System line; no end times
PLAIN = "ES2012a_opening.txt"  # Speaker: text lines, no times
VTT = "ES2012a_opening.vtt"  # Teams cues with start and end
WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
MARKER = re.compile(r"\{[^}]*\}")
CUE_TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d\.\d+) --> (\d\d):(\d\d):(\d\d\.\d+)$")
BRACKET_LINE = re.compile(r"^\[(\d\d):(\d\d):(\d\d)\] ([^:]+): (.*)$")


@pytest.fixture(scope="module")
def plugin():
    return SpeakerStatsAnalyzer()


def load(fixtures_dir, name) -> Document:
    return load_path(fixtures_dir / "explore" / name)


def rows(result) -> dict[str, dict]:
    return {row["speaker"]: row for row in result["speakers"]}


def seconds(h, m, s) -> float:
    return int(h) * 3600 + int(m) * 60 + float(s)


# ------------------------------------------------------------------ metadata and parameters
def test_metadata_declares_the_speaker_stats_analyzer():
    meta = SpeakerStatsAnalyzer().meta()
    assert (meta.id, meta.type.value, meta.version) == ("speaker_stats", "analyzer", "1.0.0")
    assert {name: p.default for name, p in meta.parameters.items()} == {"exclude_speakers": [],
                                                                        "include_unlabelled": True}


@pytest.mark.parametrize("bad", [{"include_unlabelled": "perhaps"}, {"exclude_speakers": 3},
                                 {"exclude_speakers": ["System", 4]}, {"exclude": ["System"]}])
def test_a_bad_parameter_raises_config_error_naming_it(plugin, fixtures_dir, bad):
    with pytest.raises(ConfigError) as err:
        plugin.analyze(load(fixtures_dir, PLAIN), bad)
    assert [name for name, _ in err.value.errors] == list(bad)


# ------------------------------------------------------------------ counts
def test_turns_words_longest_turn_and_appearances_match_an_independent_count(plugin, fixtures_dir):
    """Counted from the file's lines: words are letter runs (inner apostrophes joining), markers are not words."""
    expected: dict[str, dict] = {}
    lines = (fixtures_dir / "explore" / PLAIN).read_text(encoding="utf-8").splitlines()
    for index, line in enumerate(lines):
        speaker, _, text = line.partition(": ")
        words = len(WORD.findall(MARKER.sub(" ", text)))
        row = expected.setdefault(speaker, {"turns": 0, "words": 0, "longest_turn_words": 0,
                                            "first_appearance": index})
        row["turns"] += 1
        row["words"] += words
        row["longest_turn_words"] = max(row["longest_turn_words"], words)
        row["last_appearance"] = index
    result = plugin.analyze(load(fixtures_dir, PLAIN))
    got = {name: {key: row[key] for key in ("turns", "words", "longest_turn_words", "first_appearance",
                                             "last_appearance")} for name, row in rows(result).items()}
    assert got == expected
    assert (result["total_turns"], result["total_words"]) == (12, sum(r["words"] for r in expected.values()))
    for row in result["speakers"]:
        assert row["mean_words_per_turn"] == round(row["words"] / row["turns"], 2)


def test_speakers_are_sorted_by_words_descending(plugin, fixtures_dir):
    words = [row["words"] for row in plugin.analyze(load(fixtures_dir, PLAIN))["speakers"]]
    assert words == sorted(words, reverse=True) and len(words) == 4


@pytest.mark.parametrize("name, share_keys", [
    (PLAIN, ["word_share"]), (BRACKET, ["word_share", "talk_share"]), (VTT, ["word_share", "talk_share"]),
])
def test_shares_sum_to_one(plugin, fixtures_dir, name, share_keys):
    result = plugin.analyze(load(fixtures_dir, name))
    for key in share_keys:
        assert math.isclose(sum(row[key] for row in result["speakers"]), 1.0)


def test_a_turn_of_only_markers_counts_as_a_turn_without_words(plugin):
    doc = Document("t", "", [Utterance("Marketing", "{vocalsound} {gap} ."), Utterance("Marketing", "Mm .")])
    row = plugin.analyze(doc)["speakers"][0]
    assert (row["turns"], row["words"], row["longest_turn_words"]) == (2, 1, 1)


# ------------------------------------------------------------------ time
def test_talk_time_is_the_sum_of_each_turns_end_minus_start(plugin, fixtures_dir):
    expected: dict[str, float] = {}
    timing = None
    for line in (fixtures_dir / "explore" / VTT).read_text(encoding="utf-8").splitlines():
        if m := CUE_TIMING.match(line):
            timing = seconds(*m.groups()[:3]), seconds(*m.groups()[3:])
        elif m := re.match(r"^<v ([^>]+)>", line):
            expected[m.group(1)] = expected.get(m.group(1), 0.0) + timing[1] - timing[0]
    result = plugin.analyze(load(fixtures_dir, VTT))
    assert result["has_timestamps"] and result["duration_seconds"] == 297.8
    assert {name: row["talk_seconds"] for name, row in rows(result).items()} == pytest.approx(expected, abs=0.002)
    assert rows(result)["Marketing"]["first_appearance"] == 62.799


def test_a_turn_without_an_end_lasts_until_the_next_turn_starts(plugin, fixtures_dir):
    """[hh:mm:ss] lines give starts only: a turn lasts until the next line's time, the last one 0 s."""
    turns = [BRACKET_LINE.match(line).groups()
             for line in (fixtures_dir / "explore" / BRACKET).read_text(encoding="utf-8").splitlines()]
    starts = [seconds(h, m, s) for h, m, s, _, _ in turns]
    expected: dict[str, float] = {}
    for i, (*_, speaker, _text) in enumerate(turns):
        length = starts[i + 1] - starts[i] if i + 1 < len(turns) else 0.0
        expected[speaker] = expected.get(speaker, 0.0) + length
    result = plugin.analyze(load(fixtures_dir, BRACKET))
    assert {name: row["talk_seconds"] for name, row in rows(result).items()} == expected


def test_without_timestamps_talk_time_and_duration_are_none(plugin, fixtures_dir):
    result = plugin.analyze(load(fixtures_dir, PLAIN))
    assert (result["has_timestamps"], result["duration_seconds"], result["appearance_basis"]) == (False, None, "order")
    assert {(row["talk_seconds"], row["talk_share"]) for row in result["speakers"]} == {(None, None)}


# ------------------------------------------------------------------ who is counted
@pytest.mark.parametrize("spelling", ["System", "system", " SYSTEM "])
def test_excluded_speakers_are_left_out_of_rows_and_totals(plugin, fixtures_dir, spelling):
    doc = load(fixtures_dir, BRACKET)
    everyone = plugin.analyze(doc)
    result = plugin.analyze(doc, {"exclude_speakers": [spelling]})
    assert "System" in rows(everyone) and "System" not in rows(result)
    assert (result["total_turns"], result["excluded_turns"]) == (everyone["total_turns"] - 1, 1)
    assert result["total_words"] == everyone["total_words"] - rows(everyone)["System"]["words"]
    assert math.isclose(sum(row["word_share"] for row in result["speakers"]), 1.0)


@pytest.mark.parametrize("include, expected_rows", [(True, {"Project Manager", "(no speaker)"}),
                                                    (False, {"Project Manager"})])
def test_turns_without_a_speaker_count_under_no_speaker_unless_left_out(plugin, fixtures_dir, include, expected_rows):
    doc = load(fixtures_dir, PLAIN)
    doc = doc.with_utterances(u if u.speaker == "Project Manager" else Utterance(None, u.text) for u in doc.utterances)
    result = plugin.analyze(doc, {"include_unlabelled": include})
    assert set(rows(result)) == expected_rows
    assert result["excluded_turns"] == (0 if include else 6)


def test_the_result_is_json_serializable(plugin, fixtures_dir):
    result = plugin.analyze(load(fixtures_dir, VTT), {"exclude_speakers": "System, Marketing"})
    assert json.loads(json.dumps(result)) == result
    assert "Marketing" not in rows(result)


def test_the_engine_runs_it(tmp_path, fixtures_dir):
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    doc = core.add_document("ES2012a", (fixtures_dir / "explore" / BRACKET).read_text(encoding="utf-8"))
    result = core.execute_plugin("speaker_stats", doc, {"exclude_speakers": "System"})
    assert (result["total_turns"], result["has_timestamps"], result["speakers"][0]["speaker"]) == (
        12, True, "Project Manager")
