"""Known speaker names inside the speech: with a document's option on (`DocumentLibrary.set_names_in_speech`),
each renamed speaker's name as written in the file is replaced by the name shown (a pseudonym) wherever the
speech says it, in everything analyses see. The original turns stay in the store, so the option can be
turned off again.

What is replaced, for every speaker the researcher renamed (a speaker shown under its own name is not):

- the whole label ("Ana Souza"), as whole words in any case ("ana souza", "ANA  SOUZA");
- each of its names alone ("Ana", "Souza"): that is how people are addressed ("thanks, Ana"). A word is left
  out when it is also a word of another renamed speaker of the document (it would be ambiguous), a name
  particle (da, de, van…), a title (Mr, Dr, Prof…), a stopword (English or Portuguese: "Will", "May"), a
  number, or a single letter.

Longer names win ("Ana Souza" → "P01", not "P01 Souza"). Nothing else is found: names of people who are not
speakers, nicknames, misspellings and names written without their accents stay as they are; the Library page
says so and lists the words it replaces.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable, Mapping

from .formats.labels import PARTICLES
from .text import stop_set

TITLES = frozenset("mr mrs ms miss mx dr prof sir madam hon rev sr sra srta dr dra dom dona".split())
_NAME_WORD = re.compile(r"\w+(?:['’-]\w+)*")


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _common_words() -> frozenset[str]:
    return stop_set("en", fillers=False) | stop_set("pt", fillers=False)


def replacements(speaker_map: Mapping[str, str]) -> dict[str, str]:
    """The names replaced in the speech (as written in the file, each whole label and its usable words) ->
    the name shown, for `speaker_map` (original label -> shown name). Keys keep the label's spelling."""
    renamed = {original: shown for original, shown in speaker_map.items() if shown and shown != original}
    found: dict[str, str] = {}
    owners: dict[str, set[str]] = {}
    for original in renamed:
        for word in _NAME_WORD.findall(original):
            owners.setdefault(word.casefold(), set()).add(original)
    common = _common_words()
    for original, shown in renamed.items():
        found.setdefault(" ".join(original.split()), shown)
    for original, shown in renamed.items():
        for word in _NAME_WORD.findall(original):
            folded = word.casefold()
            if (len(word) < 2 or word.isdigit() or len(owners[folded]) > 1 or folded in PARTICLES
                    or folded.rstrip(".") in TITLES or folded in common):
                continue
            if not any(_key(k) == folded for k in found):
                found[word] = shown
    return found


@lru_cache(maxsize=64)
def _compiled(pairs: tuple[tuple[str, str], ...]) -> tuple[re.Pattern, dict[str, str]]:
    by_key = {_key(name): shown for name, shown in pairs}
    names = sorted((name for name, _ in pairs), key=len, reverse=True)  # longer names first
    alternatives = "|".join(r"\s+".join(map(re.escape, name.split())) for name in names)
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE), by_key


def replacer(speaker_map: Mapping[str, str]) -> Callable[[str], str] | None:
    """A function that replaces the known names in a text (see the module docstring), or None when no name is
    known (nothing renamed)."""
    found = replacements(speaker_map)
    if not found:
        return None
    pattern, by_key = _compiled(tuple(sorted(found.items())))

    def replace(text: str) -> str:
        return pattern.sub(lambda m: by_key.get(_key(m.group(0)), m.group(0)), text)

    return replace


#: one replaced name: (start, end) in the original text, (start, end) in the shown text
Segment = tuple[int, int, int, int]


def replaced_segments(text: str, speaker_map: Mapping[str, str]) -> tuple[str, list[Segment]]:
    """The shown text of `text` (as `replacer` makes it) and where each replacement lies in both texts: the
    offset map between a turn's stored text (what coded passages count in) and the text shown."""
    found = replacements(speaker_map)
    if not found:
        return text, []
    pattern, by_key = _compiled(tuple(sorted(found.items())))
    parts, segments, last, shift = [], [], 0, 0
    for m in pattern.finditer(text):
        shown = by_key.get(_key(m.group(0)), m.group(0))
        parts.append(text[last:m.start()])
        parts.append(shown)
        segments.append((m.start(), m.end(), m.start() + shift, m.start() + shift + len(shown)))
        shift += len(shown) - (m.end() - m.start())
        last = m.end()
    parts.append(text[last:])
    return "".join(parts), segments


def map_offset(offset: int, segments: list[Segment], *, end: bool = False, to_shown: bool = True) -> int:
    """`offset` in one text moved to the other (stored -> shown when `to_shown`, else back). An offset inside a
    replaced name moves to that name's start (or, for an `end`, its end): a span keeps whole names."""
    src, dst = (0, 2) if to_shown else (2, 0)
    shift = 0
    for seg in segments:
        a, b = seg[src], seg[src + 1]
        if offset <= a:
            break
        if offset < b or (end and offset == b):
            return seg[dst + 1] if end else seg[dst]
        shift = seg[dst + 1] - b
    return offset + shift


def refresh_turns(connection, doc_id: str) -> int:
    """Bring the document's `turns.shown_text` (the text analyses see) in step with its options, inside the
    caller's transaction: the turn's cleaned text when the document uses its cleaned version
    (qualia_core.cleaned_text), with the names replaced when that option is on; NULL where that is the original
    text (the search index follows by its triggers). Returns how many turns changed."""
    from sqlalchemy import bindparam, select, update

    from .store import models as t

    on, cleaned = connection.execute(select(t.documents.c.names_in_speech, t.documents.c.cleaned)
                                     .where(t.documents.c.id == doc_id)).first()
    names = dict(connection.execute(select(t.speakers.c.original, t.speakers.c.shown)
                                    .where(t.speakers.c.document_id == doc_id)).all())
    replace = replacer(names) if on else None
    changes = []
    for turn_id, text, clean, shown in connection.execute(
            select(t.turns.c.id, t.turns.c.text, t.turns.c.clean_text, t.turns.c.shown_text)
            .where(t.turns.c.document_id == doc_id)):
        base = clean if cleaned and clean is not None else text
        wanted = replace(base) if replace else base
        wanted = None if wanted == text else wanted
        if wanted != shown:
            changes.append({"turn_id": turn_id, "shown": wanted})
    if changes:
        connection.execute(update(t.turns).where(t.turns.c.id == bindparam("turn_id"))
                           .values(shown_text=bindparam("shown")), changes)
    return len(changes)


def set_names_in_speech(connection, doc_id: str, on: bool) -> None:
    """Turn the document's option on or off and bring its turns in step (inside the caller's transaction)."""
    from sqlalchemy import update

    from .store import models as t

    connection.execute(update(t.documents).where(t.documents.c.id == doc_id).values(names_in_speech=bool(on)))
    refresh_turns(connection, doc_id)


__all__ = ["replacements", "replacer", "replaced_segments", "map_offset", "Segment", "refresh_turns",
           "set_names_in_speech", "TITLES"]
