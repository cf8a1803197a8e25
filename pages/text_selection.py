"""The turn selector: a page of turns shown as plain text, coded passages marked in their codes' colours, and
the reader's text selection reported as character offsets in each turn's text.

    selection = turn_selector([TurnView(turn=3, speaker="P01", time="0:01:05", text="…", marks=[…])],
                              key="code_turns_doc1")
    selection.segments   # [Segment(turn=3, start=4, end=9)]: code points of that turn's text, as str indexes

A Streamlit custom component (st.components.v2, no iframe). Its JavaScript (text_selection.js) puts every text
into the page as text, never as HTML. A selection may start or end outside the turns, or run over several turns:
each turn it covers gives one segment, cut to that turn's text. Offsets count Unicode code points (Python's
str indexes), never half a surrogate pair, however the text is split by marks. Whitespace at either end of a
segment is left out, as a researcher means the words. The current selection stays outlined until the page
clears it (`clear_selection(key)`, once its words are coded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

_HERE = Path(__file__).resolve().parent
_COLOR = re.compile(r"#[0-9a-fA-F]{6}")

_CSS = """
.qts-root { font-family: var(--st-font, sans-serif); line-height: 1.6; }
.qts-turn { padding: 0.35rem 0; border-bottom: 1px solid var(--st-border-color-light, #e6e6e6); }
.qts-head { font-size: 0.8rem; opacity: 0.7; user-select: none; -webkit-user-select: none; white-space: pre; }
.qts-text { white-space: pre-wrap; overflow-wrap: anywhere; color: var(--st-text-color, inherit); }
.qts-mark { border-radius: 2px; }
.qts-pending { outline: 2px dashed var(--st-primary-color, #ff4b4b); outline-offset: 1px; }
.qts-empty { opacity: 0.7; }
"""

_selector = st.components.v2.component(
    "qualia_turn_selector",
    css=_CSS,
    js=(_HERE / "text_selection.js").read_text(encoding="utf-8"),
    isolate_styles=False,  # in the page's DOM: window.getSelection() sees inside it (a shadow root hides it)
)


@dataclass(frozen=True)
class Mark:
    """A coded passage in a turn: code point offsets, the code's colour (#rrggbb) and its name (shown as text)."""

    start: int
    end: int
    color: str
    label: str


@dataclass(frozen=True)
class TurnView:
    turn: int
    speaker: str
    time: str
    text: str
    marks: tuple[Mark, ...] | list[Mark] = field(default_factory=tuple)


@dataclass(frozen=True)
class Segment:
    turn: int
    start: int
    end: int


@dataclass(frozen=True)
class Selection:
    seq: int  # grows with each new selection in the browser: the same words selected twice are two selections
    segments: tuple[Segment, ...]


def _data(turns: list[TurnView], pending: list[Segment], empty: str) -> dict:
    return {
        "turns": [{
            "turn": t.turn, "speaker": t.speaker, "time": t.time, "text": t.text,
            "marks": [{"start": m.start, "end": m.end, "label": m.label,
                       "color": m.color if _COLOR.fullmatch(m.color or "") else "#999999"} for m in t.marks],
        } for t in turns],
        "pending": [{"turn": s.turn, "start": s.start, "end": s.end} for s in pending],
        "empty": empty,
    }


def trimmed(segment: Segment, text: str) -> Segment | None:
    """`segment` without whitespace at either end (None when nothing but whitespace is left)."""
    start, end = max(0, segment.start), min(len(text), segment.end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Segment(segment.turn, start, end) if end > start else None


def parse_selection(raw, turns: list[TurnView]) -> Selection | None:
    """What the browser reported, checked against the turns shown: segments of unknown turns or out of range are
    dropped (the browser is not trusted), the rest trimmed of whitespace."""
    if not isinstance(raw, dict) or not isinstance(raw.get("segments"), list):
        return None
    texts = {t.turn: t.text for t in turns}
    segments = []
    for item in raw["segments"][:10_000]:  # bounded: a page shows far fewer turns
        try:
            turn, start, end = int(item["turn"]), int(item["start"]), int(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if turn not in texts or not 0 <= start < end <= len(texts[turn]):
            continue
        if (segment := trimmed(Segment(turn, start, end), texts[turn])) is not None:
            segments.append(segment)
    if not segments:
        return None
    try:
        seq = int(raw.get("seq") or 0)
    except (TypeError, ValueError):
        seq = 0
    return Selection(seq, tuple(segments))


def _current(key: str, turns: list[TurnView]) -> Selection | None:
    """The selection the browser last reported to the component `key`, unless it was cleared since."""
    try:
        raw = st.session_state[key]["selection"]
    except (KeyError, TypeError):
        return None
    selection = parse_selection(raw, turns)
    if selection is None or selection.seq <= st.session_state.get(f"{key}__cleared", -1):
        return None
    return selection


def clear_selection(key: str) -> None:
    """Forget the current selection of the component `key` (after its words were coded, or on Clear)."""
    try:
        seq = int(st.session_state[key]["selection"]["seq"])
    except (KeyError, TypeError, ValueError):
        return
    st.session_state[f"{key}__cleared"] = seq


def turn_selector(turns: list[TurnView], *, key: str, empty: str = "No turns.") -> Selection | None:
    """Draw `turns`, their marks in their codes' colours and the current selection outlined; return that selection
    (None before any, or once cleared)."""
    current = _current(key, turns)
    pending = list(current.segments) if current else []
    _selector(key=key, data=_data(turns, pending, empty), default={"selection": None},
              on_selection_change=lambda: None)
    return _current(key, turns)
