"""Speaker names: one clean, stable name per person.

Work is per distinct raw name, never per turn: a meeting of 2,000 turns has a handful of names, and the
meetings of one corpus share most of them, so a name is cleaned once per process.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from typing import Iterable

from .patterns import GUEST_SUFFIX_RE, NAME_STRIP, NAME_WRAPPERS, PSEUDO_LABEL_RE, SYSTEM_SPEAKERS


def _strip_name(name: str) -> str:
    """Collapse inner whitespace, strip surrounding punctuation/quotes and whole-name brackets."""
    name = " ".join(name.split()).strip(NAME_STRIP)
    for left, right in NAME_WRAPPERS:
        inner = name[1:-1]
        if name.startswith(left) and name.endswith(right) and left not in inner and right not in inner:
            name = inner.strip(NAME_STRIP)
    return name


@lru_cache(maxsize=8192)
def clean_name(raw: str, normalize: bool = True, strip_guest_suffix: bool = True) -> str | None:
    """One raw speaker name cleaned (without case unification); None when nothing is left."""
    name = raw
    if normalize:
        name = _strip_name(name)
    if strip_guest_suffix:
        name = GUEST_SUFFIX_RE.sub("", name)
        if normalize:
            name = _strip_name(name)
    return name or None


@lru_cache(maxsize=8192)
def is_system_speaker(raw: str | None) -> bool:
    """True for the speaker label Teams-like exports give to their own messages ("System", "Sistema")."""
    return bool(raw) and _strip_name(raw).casefold() in SYSTEM_SPEAKERS


def is_pseudo_label(name: str) -> bool:
    """True for names a diarizer gives when it does not know who spoke ("Speaker 1", "SPEAKER_00")."""
    return PSEUDO_LABEL_RE.fullmatch(name) is not None


def _preference(variant: str, turns: int, first_seen: int) -> tuple:
    """Sort key among case variants of one name: fewest all-caps words ("ANA"), not all lowercase,
    then most turns, then first seen."""
    caps_words = sum(1 for word in variant.split() if len(word) > 1 and word.isupper())
    return (caps_words, variant.islower(), -turns, first_seen)


def build_speaker_map(raw_speakers: Iterable[str | None], normalize: bool = True,
                      strip_guest_suffix: bool = True) -> dict[str | None, str | None]:
    """Map every raw speaker name to its cleaned name (None -> None).

    With `normalize`, case variants of one name ("ANA SILVA", "Ana Silva", "ana silva") become the
    same name: the variant with fewest all-caps words, then not all lowercase, then with most
    turns, then seen first.
    """
    counts = Counter(raw_speakers)
    mapping: dict[str | None, str | None] = {None: None}
    cleaned: dict[str, str | None] = {}
    for raw in counts:
        if raw is not None:
            cleaned[raw] = clean_name(raw, normalize, strip_guest_suffix)
    if not normalize:
        mapping.update(cleaned)
        return mapping
    variant_turns: Counter[str] = Counter()
    first_seen: dict[str, int] = {}
    for raw, name in cleaned.items():
        if name is not None:
            variant_turns[name] += counts[raw]
            first_seen.setdefault(name, len(first_seen))
    canonical: dict[str, str] = {}
    for name in sorted(variant_turns, key=lambda v: _preference(v, variant_turns[v], first_seen[v])):
        canonical.setdefault(name.casefold(), name)
    for raw, name in cleaned.items():
        mapping[raw] = canonical[name.casefold()] if name is not None else None
    return mapping


def renamed(mapping: dict[str | None, str | None]) -> dict[str, str | None]:
    """The raw names the map changes, old -> new (JSON-ready: keys are strings)."""
    return {raw: new for raw, new in mapping.items() if raw is not None and raw != new}


def facilitator_keys(names: Iterable[str], strip_guest_suffix: bool = True) -> dict[str, str]:
    """Casefolded cleaned form -> name as given, for matching facilitators against cleaned speakers."""
    keys: dict[str, str] = {}
    for name in names:
        cleaned = clean_name(name, True, strip_guest_suffix)
        if cleaned:
            keys.setdefault(cleaned.casefold(), name)
    return keys
