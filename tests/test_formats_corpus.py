"""Acceptance over the full shared QMSum corpus (runs in CI; skipped without ../shared).

Failures name files and utterance numbers only: transcripts are never printed.
"""

from __future__ import annotations

import pytest

from qualia_core.formats import load_path

OTHER_FORMATS = ("vtt", "srt", "docx", "bracket_txt")


def turns(path):
    return [(u.speaker, u.text) for u in load_path(path).utterances]


def first_difference(got: list, expected: list) -> int | None:
    """Index of the first differing turn (or the shorter length), None when equal."""
    for i, (a, b) in enumerate(zip(got, expected)):
        if a != b:
            return i
    return None if len(got) == len(expected) else min(len(got), len(expected))


@pytest.mark.parametrize("fmt", OTHER_FORMATS)
def test_every_format_gives_the_txt_speakers_and_texts(corpus_dir, fmt):
    """Each vtt/srt/docx/bracket_txt file yields exactly the (speaker, text) turns of txt/<same name>.txt,
    System lines aside."""
    files = sorted(p for p in (corpus_dir / fmt).iterdir() if p.is_file())
    assert files, f"no files in {corpus_dir / fmt}"
    mismatches = []
    for path in files:
        got = [t for t in turns(path) if t[0] != "System"]
        expected = turns(corpus_dir / "txt" / f"{path.stem}.txt")
        at = first_difference(got, expected)
        if at is not None:
            mismatches.append(f"{path.name}: turn {at} ({len(got)} vs {len(expected)} turns)")
    assert mismatches == []


def test_bracket_files_keep_system_lines(corpus_dir):
    """The recording start/stop lines stay, with speaker "System" (a cleaner plugin removes them)."""
    for path in sorted((corpus_dir / "bracket_txt").glob("*.txt")):
        speakers = [speaker for speaker, _ in turns(path)]
        assert speakers[0] == speakers[-1] == "System", path.name


def test_every_txt_line_is_one_turn_with_its_label(corpus_dir):
    """In the corpus every line is `Label: speech`: the loader must find each label as the speaker
    (compared with a naive split on the first ': ')."""
    files = sorted((corpus_dir / "txt").glob("*.txt"))
    assert len(files) > 100
    mismatches = []
    for path in files:
        naive = [line.partition(": ") for line in path.read_text(encoding="utf-8").splitlines()]
        expected = [(label, speech.strip()) for label, _, speech in naive]
        at = first_difference(turns(path), expected)
        if at is not None:
            mismatches.append(f"{path.name}: line {at + 1}")
    assert mismatches == []
