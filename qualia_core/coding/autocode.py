"""Auto-coding: code every hit of a library search or a keyword-in-context query at once, after a preview.

    kind="search"  the library search (qualia_core.search): each hit's turn, the matched words as the passage
                   (every match of the turn's terms; words next to each other make one passage), or the whole
                   turn when no words can be pointed at
    kind="kwic"    the keyword_in_context plugin, run on each document through the core (its rules: literal
                   words, spacing and apostrophes relaxed, whole words, case-insensitive): each hit's exact words

Hits are found in the text analyses see (names replaced in the speech when a document says so) and mapped back
to offsets in the turn's stored text (qualia_core.speech_names.map_offset). Rows come in library then turn
order; `autocode` writes them with code_many (a span a coder already coded with a code is skipped).
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd

from ..errors import CodingError
from ..speech_names import map_offset
from ..text import MARKER_RE
from .retrieval import turn_texts

_WORD = re.compile(r"\w")
KINDS = ("search", "kwic")
LIMIT = 10_000  # hits one auto-coding may write: more is refused, asking for a narrower query or fewer documents
PREVIEW_COLUMNS = ["document_id", "meeting", "turn", "speaker", "start_time", "start", "end", "text", "turn_text"]


def _search_hits(library, query: str, documents) -> Iterable[tuple[str, int, list[tuple[int, int]]]]:
    from ..search import search

    result = search(library, query, documents=documents, limit=LIMIT + 1)
    if result.total > LIMIT:
        raise CodingError(f"The search {query!r} finds {result.total} turns; auto-coding codes at most {LIMIT} at "
                          "once: narrow the query or choose fewer documents.")
    for hit in result.hits:
        yield hit.document_id, hit.turn, _joined(hit.spans, hit.text)


def _joined(spans, text: str) -> list[tuple[int, int]]:
    """Matched words next to each other (only spaces between) as one span: `remote control` is one passage."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(spans):
        if out and (a <= out[-1][1] or not text[out[-1][1]:a].strip()):
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _locate(match: str, text: str, pos: int, case_sensitive: bool, whole_words: bool) -> tuple[int, int] | None:
    """Where the plugin's `match` (its words joined by single spaces) is in `text` (markers blanked, as the
    plugin reads the speech), at or after `pos`, under the plugin's rules: case, and whole words (not glued to
    a letter or digit on a side where the match starts or ends with one)."""
    words = match.split()
    if not words:
        return None
    pattern = r"\s+".join(map(re.escape, words))
    if whole_words and _WORD.match(words[0][0]):
        pattern = r"(?<!\w)" + pattern
    if whole_words and _WORD.match(words[-1][-1]):
        pattern += r"(?!\w)"
    found = re.compile(pattern, 0 if case_sensitive else re.IGNORECASE).search(text, pos)
    return found.span() if found else None


def _kwic_hits(library, run, query: str, documents, options: dict) -> Iterable[tuple[str, int, list[tuple[int, int]]]]:
    config = {"query": query, "max_hits": 100_000, "window": 1, **options}
    count = 0
    for doc_id in documents:
        document = library.get(doc_id)
        result = run("keyword_in_context", document, config)
        count += result["total_hits"]
        if count > LIMIT:
            raise CodingError(f"The query {query!r} has more than {LIMIT} hits; auto-coding codes at most {LIMIT} "
                              "at once: narrow the query or choose fewer documents.")
        by_turn: dict[int, list[str]] = {}
        for hit in result["hits"]:
            by_turn.setdefault(hit["utterance_index"], []).append(hit["match"])
        for turn in sorted(by_turn):
            text = MARKER_RE.sub(lambda m: " " * len(m.group(0)), document.utterances[turn].text)
            spans, pos = [], 0
            for match in by_turn[turn]:
                span = _locate(match, text, pos, bool(options.get("case_sensitive")),
                               bool(options.get("whole_words", True)))
                if span is None:  # the plugin normalised the speech beyond spacing: the whole turn, not a guess
                    spans = []
                    break
                spans.append(span)
                pos = span[1]
            yield doc_id, turn, spans


def preview(library, run, query: str, *, kind: str = "search", documents=None, **options) -> pd.DataFrame:
    """The passages auto-coding would write (PREVIEW_COLUMNS), nothing written. `run` runs a plugin on a
    document (QualiaCore.execute_plugin; KWIC needs it); `options` go to the KWIC plugin (case_sensitive,
    whole_words)."""
    if kind not in KINDS:
        raise CodingError(f"Auto-coding uses a 'search' or a 'kwic' query, not {kind!r}.")
    if not isinstance(query, str) or not query.strip():
        raise CodingError("The auto-coding query is empty: type the words to find.")
    entries = library.list()
    known = {e.id: e for e in entries}
    if documents is not None:
        documents = [documents] if isinstance(documents, str) else list(documents)
        unknown = [d for d in documents if d not in known]
        if unknown:
            raise CodingError(f"No document '{unknown[0]}' in the library to auto-code.")
    ids = documents if documents is not None else [e.id for e in entries]
    if kind == "kwic":
        bad = set(options) - {"case_sensitive", "whole_words"}
        if bad:
            raise CodingError(f"Unknown KWIC options {sorted(bad)}: use case_sensitive and whole_words.")
        if run is None:
            raise CodingError("KWIC auto-coding runs the keyword_in_context plugin: use core.codes.")
        hits = _kwic_hits(library, run, query, ids, options)
    else:
        if options:
            raise CodingError(f"The library search takes no options ({sorted(options)} given).")
        hits = _search_hits(library, query, ids)
    turns: dict[str, list[dict]] = {}
    records = []
    for doc_id, turn, spans in hits:
        if doc_id not in turns:
            with library.store.engine.connect() as c:
                turns[doc_id] = turn_texts(c, doc_id)
        t = turns[doc_id][turn]
        for a, b in spans or [(0, len(t["shown"]))]:
            start = map_offset(a, t["segments"], to_shown=False) if spans else 0
            end = map_offset(b, t["segments"], end=True, to_shown=False) if spans else len(t["text"])
            if start >= end:
                continue
            shown = t["shown"][map_offset(start, t["segments"]):map_offset(end, t["segments"], end=True)]
            records.append((doc_id, known[doc_id].name, turn, t["speaker"], t["start"], start, end, shown,
                            t["shown"]))  # the words as passages() will show them
    frame = pd.DataFrame.from_records(records, columns=PREVIEW_COLUMNS)
    frame["start_time"] = pd.to_numeric(frame["start_time"], errors="coerce").astype(float)
    return frame.drop_duplicates(["document_id", "turn", "start", "end"]).reset_index(drop=True)


def rows(frame: pd.DataFrame, codes, coder: str, memo: str = "") -> list[dict]:
    """The preview's rows as code_many rows."""
    return [dict(document_id=r.document_id, turn=int(r.turn), start=int(r.start), end=int(r.end), codes=codes,
                 coder=coder, memo=memo) for r in frame.itertuples(index=False)]


__all__ = ["preview", "rows", "KINDS", "LIMIT", "PREVIEW_COLUMNS"]
