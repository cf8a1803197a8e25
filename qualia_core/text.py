"""The one home of Qualia's word rules: what a word is, how words are counted, which words are stopwords
or fillers, and which language a text is in. The library, the corpus views and every plugin use these,
so one meeting has one word count everywhere. Everything works offline (no NLTK or downloaded data).

Words are runs of Unicode letters (ç, ã, é…); an apostrophe joins letters inside a word (don't, d'água;
’ and ‘ count as '). Digits, underscores and punctuation separate words and are never part of one, so
digits-only tokens never appear. Transcript markers in curly braces ({vocalsound}, {disfmarker}) are
not speech and never give words. A transcript's split contraction "I 'm" gives "I" and "m".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import repeat
from pathlib import Path
from typing import Iterable, Sequence

__all__ = [
    "WORD_PATTERN", "WORD_RE", "MARKER_RE", "STOPWORDS", "FILLERS", "FILLER_SOUNDS", "FILLER_LISTS",
    "CONTEXT_FILLERS", "LANGUAGES", "filler_set",
    "LANGUAGE_MARKERS", "normalize", "strip_markers", "strip_accents", "fold_word", "tokenize", "count_words",
    "count_words_each", "detect_language",
    "language_from_hits", "language_of_words", "stop_set", "speech_sample", "SAMPLE_CHARS",
]

#: A word: letters, optionally joined by inner apostrophes. Usable as a scikit-learn token_pattern.
WORD_PATTERN = r"[^\W\d_]+(?:'[^\W\d_]+)*"
WORD_RE = re.compile(WORD_PATTERN)
#: Annotation markers of transcripts such as {vocalsound}, {disfmarker}, {gap}.
MARKER_RE = re.compile(r"\{[^{}\n]*\}")
_TOKEN_RE = re.compile(r"\{[^{}\n]*\}|(" + WORD_PATTERN + ")")  # markers match, with an empty group

_APOSTROPHES = ("\u2019", "\u2018", "\u02bc")  # ’ ‘ ʼ

LANGUAGES = ("en", "pt")
_STOPWORD_DIR = Path(__file__).resolve().parent / "stopwords"


def _load_words(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            words.add(unicodedata.normalize("NFC", line.lower()))
    return frozenset(words)


#: Stopwords by language code, lowercase, with accents and apostrophes ("don't", "não").
STOPWORDS: dict[str, frozenset[str]] = {lang: _load_words(_STOPWORD_DIR / f"{lang}.txt") for lang in LANGUAGES}

#: Filler sounds of speech (uh, um, hmm, ahn…) in any language, lowercase: stopwords/fillers.txt.
FILLER_SOUNDS: frozenset[str] = _load_words(_STOPWORD_DIR / "fillers.txt")
#: The filler list of each language: the sounds and the language's discourse markers and backchannels
#: (yeah, okay, alright; né, tá, beleza): stopwords/fillers_<lang>.txt. Removed when "exclude fillers" is on.
FILLER_LISTS: dict[str, frozenset[str]] = {
    lang: FILLER_SOUNDS | _load_words(_STOPWORD_DIR / f"fillers_{lang}.txt") for lang in LANGUAGES}
#: Words that are fillers only in some uses (like, well, know; tipo, então, sabe), by language:
#: stopwords/context_fillers_<lang>.txt. Removed when "exclude context fillers" is on too.
CONTEXT_FILLERS: dict[str, frozenset[str]] = {
    lang: _load_words(_STOPWORD_DIR / f"context_fillers_{lang}.txt") for lang in LANGUAGES}
#: Every filler of every language (kept apart from STOPWORDS so a plugin can count them, e.g. to study
#: hesitation). Context fillers are not in it.
FILLERS: frozenset[str] = frozenset().union(*FILLER_LISTS.values())


def normalize(text: str) -> str:
    """`text` in NFC (composed accents) with typographic apostrophes turned into '."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    for mark in _APOSTROPHES:
        if mark in text:
            text = text.replace(mark, "'")
    return text


def strip_accents(text: str) -> str:
    """`text` without accents, case kept ("Comunicação" -> "Comunicacao"): the letters of a compatibility
    decomposition (NFKD) without their combining marks."""
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def fold_word(word: str) -> str:
    """A word without case and accents ("Comunicação" -> "comunicacao"): the one rule of every search that
    ignores them (library search, keyword in context, collocates)."""
    return strip_accents(normalize(word).casefold())


def strip_markers(text: str) -> str:
    """`text` without {curly-brace} annotation markers."""
    return MARKER_RE.sub(" ", text) if "{" in text else text


def tokenize(text: str) -> list[str]:
    """The words of `text`, in order, with their case (see the module docstring for what a word is)."""
    text = normalize(text)
    if "{" in text:
        return [t for t in _TOKEN_RE.findall(text) if t]
    return WORD_RE.findall(text)


# For counting ASCII text without a regex: letters become "a", apostrophes stay, anything else is a space.
# A word then starts at an "a" after a space, after a space and one apostrophe, or after two apostrophes
# (one apostrophe between letters joins them): exactly where WORD_PATTERN starts a match.
_COUNT_TABLE = bytes(ord("a") if chr(b).isalpha() else b if b == ord("'") else 32 for b in range(128)) + b" " * 128
_BATCH_TABLE = b"\x00" + _COUNT_TABLE[1:]  # NUL stays: it separates the texts of a batch
_BATCH_MARKER_RE = re.compile(r"\{[^{}\n\x00]*\}")  # MARKER_RE that cannot cross two texts joined by NUL


def _word_starts(data: bytes) -> int:
    """Words in translated bytes: an apostrophe after a space or another apostrophe separates (only one between
    letters joins), so after those become spaces every word starts with " a"."""
    if b"'" in data:
        data = data.replace(b"''", b"  ").replace(b" '", b"  ")
    return data.count(b" a")


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_LETTER_OR_SPACE: dict[str, str] = {}


def _letter_or_space(match: re.Match) -> str:
    """A non-ASCII character as WORD_PATTERN sees it: a letter ("a") or a separator (" ")."""
    ch = match.group()
    mapped = _LETTER_OR_SPACE.get(ch)
    if mapped is None:  # [^\W\d_]: alphanumeric, not a decimal digit, not "_"
        mapped = _LETTER_OR_SPACE[ch] = "a" if ch.isalnum() and not ch.isdecimal() else " "
    return mapped


def count_words(text: str) -> int:
    """How many words `text` holds: `len(tokenize(text))` (markers, digits and punctuation are not words),
    counted in bytes without building the list."""
    if not text.isascii():
        text = _NON_ASCII_RE.sub(_letter_or_space, normalize(text))
    if "{" in text:
        text = MARKER_RE.sub(" ", text)
    return _word_starts((" " + text).encode("ascii").translate(_COUNT_TABLE))


def count_words_each(texts: Sequence[str]) -> list[int]:
    """`count_words` of every text, in one pass over them all (a transcript's turns)."""
    joined = "\x00".join(texts)
    if joined.count("\x00") != max(0, len(texts) - 1):  # a text holds NUL itself
        return [count_words(t) for t in texts]
    if not joined.isascii():
        joined = _NON_ASCII_RE.sub(_letter_or_space, normalize(joined))
    if "{" in joined:
        joined = _BATCH_MARKER_RE.sub(" ", joined)
    data = (" " + joined).encode("ascii").translate(_BATCH_TABLE).replace(b"\x00", b"\x00 ")
    if b"'" in data:
        data = data.replace(b"''", b"  ").replace(b" '", b"  ")
    return list(map(bytes.count, data.split(b"\x00"), repeat(b" a")))


def _languages(language: str) -> tuple[str, ...]:
    return (language,) if language in LANGUAGES else LANGUAGES


def filler_set(language: str, *, context: bool = False) -> frozenset[str]:
    """The fillers of `language` ("en", "pt"; any other value takes both languages'): its FILLER_LISTS, and
    its CONTEXT_FILLERS too when `context`."""
    words = frozenset().union(*(FILLER_LISTS[lang] for lang in _languages(language)))
    if context:
        words |= frozenset().union(*(CONTEXT_FILLERS[lang] for lang in _languages(language)))
    return words


def stop_set(language: str, *, stopwords: bool = True, fillers: bool = True, context_fillers: bool = False,
             extra: Iterable[str] = ()) -> frozenset[str]:
    """The lowercase words an analysis leaves out: the stopwords of `language` ("en", "pt"; any other value,
    such as "unknown", takes both lists) when `stopwords`, its filler list when `fillers`, its context
    fillers when `context_fillers`, and the user's `extra` words (normalised and
    lowercased, whatever their case)."""
    return _stop_set(tuple(extra), stopwords, fillers, context_fillers, language)


@lru_cache(maxsize=64)
def _stop_set(extra: tuple[str, ...], stopwords: bool, fillers: bool, context: bool, language: str) -> frozenset[str]:
    stop: set[str] = {normalize(w).strip().lower() for w in extra}
    stop.discard("")
    if stopwords:
        for lang in _languages(language):
            stop |= STOPWORDS[lang]
    if fillers:
        stop |= filler_set(language)
    if context:
        stop |= frozenset().union(*(CONTEXT_FILLERS[lang] for lang in _languages(language)))
    return frozenset(stop)


#: Stopwords that only one language has: their share of a text tells the language.
LANGUAGE_MARKERS: dict[str, frozenset[str]] = {
    lang: STOPWORDS[lang] - frozenset().union(*(STOPWORDS[o] for o in LANGUAGES if o != lang))
    for lang in LANGUAGES
}
PT_LETTERS_RE = re.compile(r"[ãõçâêôáéíóúà]")
_ASCII_SEPARATORS = str.maketrans({c: " " for c in map(chr, range(128)) if not (c.isalpha() or c == "'")})
_SAMPLE_CHARS = 20_000
_MIN_RATIO = 0.08  # below this share of marker words, a text is in neither language
_TIE = 0.15  # shares closer than this (relatively) are a tie
_ACCENTED = 0.02  # share of words with Portuguese letters that breaks a tie towards "pt"


SAMPLE_CHARS = 20_000  # enough speech to tell English from Portuguese


def speech_sample(texts: Iterable[str], limit: int = SAMPLE_CHARS) -> str:
    """The first ~`limit` characters of a transcript's speech (its turns' texts, in order), without joining a
    long transcript's whole text: what plugins detect a document's language on."""
    parts, size = [], 0
    for text in texts:
        parts.append(text)
        size += len(text) + 1
        if size >= limit:
            break
    return "\n".join(parts)


def detect_language(text: str) -> str:
    """"en", "pt" or "unknown" from the share of each language's own stopwords in the first 20k characters.

    English or Portuguese speech has 30–55 % of such words; a text with under 8 % of either (numbers,
    names, another language, empty) is "unknown". When both shares are close, Portuguese letters
    (ã, ç, é…) decide.
    """
    sample = strip_markers(normalize(text[:_SAMPLE_CHARS]).lower())
    if sample.isascii():  # fast path: cut at every non-letter except the apostrophe
        words = sample.translate(_ASCII_SEPARATORS).split()
    else:
        words = WORD_RE.findall(sample)
    hits = {lang: sum(map(LANGUAGE_MARKERS[lang].__contains__, words)) for lang in LANGUAGES}
    accented = 0 if sample.isascii() else sum(1 for w in words if PT_LETTERS_RE.search(w))
    return language_from_hits(hits, len(words), accented / max(1, len(words)))


def language_of_words(words: Iterable[str]) -> str:
    """The language of a whole text's lowercase words (as `tokenize` gives them), by `language_from_hits`:
    every word counts, and the share of distinct words with Portuguese letters breaks a tie."""
    words = list(words)
    hits = {lang: sum(map(LANGUAGE_MARKERS[lang].__contains__, words)) for lang in LANGUAGES}
    unique = set(words)
    accented = sum(1 for w in unique if not w.isascii() and PT_LETTERS_RE.search(w))
    return language_from_hits(hits, len(words), accented / max(1, len(unique)))


def language_from_hits(hits: dict[str, int], total: int, accented_share: float = 0.0) -> str:
    """The language decision of `detect_language`, for a caller that counted words already.

    `hits` maps each language to how many of the `total` words are in LANGUAGE_MARKERS[lang];
    `accented_share` is the share of words with Portuguese letters (used only to break a tie).
    """
    if total <= 0:
        return "unknown"
    ratios = {lang: hits.get(lang, 0) / total for lang in LANGUAGES}
    best = max(LANGUAGES, key=lambda lang: ratios[lang])
    if ratios[best] < _MIN_RATIO:
        return "unknown"
    other = max((lang for lang in LANGUAGES if lang != best), key=lambda lang: ratios[lang])
    if ratios[best] - ratios[other] <= _TIE * ratios[best]:
        return "pt" if accented_share >= _ACCENTED else "en"
    return best
