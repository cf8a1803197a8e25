"""Text transcripts (.txt .vtt .srt) cost time and memory in proportion to their size, whatever their shape, and a
file with more lines than a document may hold is refused before it is parsed (benchmarks/bench_adversarial.py
measures each shape at 50 MB; nothing here reads a clock)."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from qualia_core.errors import DocumentError
from qualia_core.formats import parse_bytes, parse_text
import qualia_core.formats as formats

ROOT = Path(__file__).resolve().parents[1]

# Shapes whose cost was quadratic (a string or list grown by copying, once per line, cue or voice tag): each is
# parsed in a child process under a CPU limit 20 times what the linear code needs on a loaded machine, while the
# quadratic code needed hours. The limit is a cap on runaway work, not a measurement.
CPU_LIMIT_SECONDS = 30
QUADRATIC = {
    "txt continuation lines": ("a.txt", "'Ana: start\\n' + 'abcdefghij\\n' * 500_000", 1),
    "vtt cues of one Teams turn": ("a.vtt", "'WEBVTT\\n\\n' + ''.join(f'x/1-{i}\\n00:00:01.000 --> 00:00:02.000\\n<v A>'"
                                   " + 'w' * 100 + '\\n\\n' for i in range(150_000))", 1),
    "vtt voice tags of one speaker in one cue": ("a.vtt", "'WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\n'"
                                                 " + ('<v A>' + 'w' * 100) * 150_000", 1),
    "vtt text blocks after one cue": ("a.vtt", "'WEBVTT\\n\\n00:00:01.000 --> 00:00:02.000\\n<v A>hi\\n\\n'"
                                      " + 'w' * 100 + '\\n\\n' * 1 + ('w' * 100 + '\\n\\n') * 150_000", 1),
    "srt text blocks after one cue": ("a.srt", "'1\\n00:00:01,000 --> 00:00:02,000\\nhi\\n\\n' + 'w\\n\\n' * 300_000", 1),
}
CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_CPU, ({limit}, {limit}))
sys.path.insert(0, {root!r})
from qualia_core.formats import parse_bytes
doc = parse_bytes(({text}).encode(), {name!r})
print(len(doc.utterances))
"""


@pytest.mark.parametrize("shape", QUADRATIC)
def test_a_shape_that_was_quadratic_is_parsed_in_linear_time(shape):
    name, text, utterances = QUADRATIC[shape]
    child = CHILD.format(limit=CPU_LIMIT_SECONDS, root=str(ROOT), text=text, name=name)
    run = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True)
    assert run.returncode == 0, f"{shape}: killed or failed ({run.returncode}): {run.stderr[-500:]}"
    assert int(run.stdout) == utterances


def test_an_unclosed_angle_bracket_is_text_not_the_start_of_a_tag():
    """`<[^>]*>` took "< 4 and <i>" for one tag (text lost), and rescanned the line from every "<" (quadratic)."""
    doc = parse_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>3 < 4 and <i>yes</i>\n")
    assert [(u.speaker, u.text) for u in doc.utterances] == [("Ana", "3 < 4 and yes")]


def test_an_unclosed_voice_tag_does_not_swallow_the_next_one():
    doc = parse_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Ana>a <v <v Bo>b\n")
    assert [(u.speaker, u.text) for u in doc.utterances] == [("Ana", "a <v"), ("Bo", "b")]


def test_an_unclosed_positioning_tag_does_not_swallow_the_next_one():
    doc = parse_text("1\n00:00:01,000 --> 00:00:02,000\n{\\an8 see {\\an8}text\n", fmt="srt")
    assert [u.text for u in doc.utterances] == ["{\\an8 see text"]


def test_a_cue_of_many_lines_costs_its_lines_and_little_more():
    """Blocks were found with a repeated-group regex that kept ~130 bytes of backtracking state per line of a
    block (6.6 GB for a 50 MB cue); now they are cut at blank lines (tracemalloc, not a clock)."""
    text = "WEBVTT\n\n" + "NOTE x\n" * 300_000  # 2 MB, one block
    tracemalloc.start()
    try:
        with pytest.raises(DocumentError, match="no WebVTT cues found"):
            parse_text(text, "notes.vtt")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 40 * 2**20, f"{peak / 2**20:.0f} MB for a 2 MB block"


@pytest.mark.parametrize("name, text, what", [
    ("long.txt", "Ana: x\n" * 30, "31 lines"),
    ("long.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n" + "<v A>x" * 30, "4 lines and 30 voice tags"),
])
def test_more_lines_than_a_document_may_hold_are_refused(monkeypatch, name, text, what):
    monkeypatch.setattr(formats, "MAX_LINES", 20)
    with pytest.raises(DocumentError, match=rf"{name}: the transcript has {what}, more than one document may hold "
                                            r"\(20 together"):
        parse_bytes(text.encode(), name)
    assert parse_bytes(("Ana: x\n" * 10).encode(), "short.txt").utterances
