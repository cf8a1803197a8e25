"""What the turn selector accepts from the browser (pages/text_selection.py): offsets are checked against the
turns shown, whitespace at the ends is left out, and a cleared selection stays cleared."""

from __future__ import annotations

from pages.text_selection import Segment, TurnView, parse_selection

TURNS = [TurnView(0, "Ana", "0:00:01", "  Olá 🎉 mundo  "), TurnView(4, "Bruno", "", "Sim.")]


def test_segments_are_trimmed_of_whitespace_and_keep_code_point_offsets():
    got = parse_selection({"seq": 7, "segments": [{"turn": 0, "start": 0, "end": 8}]}, TURNS)
    assert got.seq == 7
    assert got.segments == (Segment(0, 2, 7),)
    assert TURNS[0].text[2:7] == "Olá 🎉"


def test_unknown_turns_out_of_range_offsets_and_blank_segments_are_dropped():
    raw = {"seq": 1, "segments": [{"turn": 9, "start": 0, "end": 2}, {"turn": 4, "start": 2, "end": 99},
                                  {"turn": 0, "start": 0, "end": 2}, {"turn": 4, "start": "x", "end": 2},
                                  {"turn": 4, "start": 0, "end": 3}]}
    assert parse_selection(raw, TURNS).segments == (Segment(4, 0, 3),)
    assert parse_selection({"seq": 1, "segments": [{"turn": 0, "start": 0, "end": 2}]}, TURNS) is None
    assert parse_selection(None, TURNS) is None and parse_selection({"segments": "x"}, TURNS) is None
