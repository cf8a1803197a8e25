"""Fast word and bigram counting for the word_frequency plugin.

The words are exactly those of `qualia_core.text.tokenize` (letters with inner apostrophes, no markers),
found without a per-token regex: the speech is lowercased, encoded to UTF-8 and cut into chunks with
`bytes.translate` + `bytes.split` (ASCII letters, apostrophes and non-ASCII bytes stay; any other ASCII
character becomes a space, or a BREAK where a bigram may not span). When only the counts are wanted,
`collections.Counter` counts the chunks; when per-speaker counts or pairs are wanted, each chunk becomes a
number, its index in the speech's vocabulary, and numpy counts each speaker's words and pairs. Python work
runs once per distinct chunk, and only reported words are decoded. The few chunks that are not exactly
one word ("'m" -> m, "students'", "£", "a''b") are resolved with the reference regex, so counts and pairs
equal those of the regex (tests check this on the corpus).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cached_property, lru_cache
from itertools import compress, count, filterfalse, repeat
from operator import ge, not_
from typing import Callable

import numpy as np

from qualia_core.text import MARKER_RE, WORD_PATTERN, WORD_RE, normalize

BREAK = b"\x01"  # where a bigram may not span
TURN = b"\x02"  # the end of an utterance (also a break)
# Where a bigram may not span (besides markers): the reference for the tables below.
BREAK_CHARS = "\n.,;:!?()[]\"0123456789\u2026\u201c\u201d\u2014\u2013\u2028"
_DENSE_MIN = 100_000  # a speakers x words grid this small is always counted densely
_UNICODE_BREAKS = tuple(c for c in BREAK_CHARS if not c.isascii())
_UNICODE_SPACES = ("\u00a0", "\u2009", "\u202f", "\u2029", "\u200b")
# Reference tokenisation of an odd chunk: words, and "" for a break.
_WORDS_AND_BREAKS_RE = re.compile(r"\d+|[" + re.escape(BREAK_CHARS) + "]|(" + WORD_PATTERN + ")")


@lru_cache(maxsize=None)
def _table(breaks: bool, turns: bool, lower: bool) -> bytes:
    """bytes.translate table: letters and ' stay (lowercased with `lower`), bytes >= 0x80 stay, a newline
    becomes TURN (with `turns`), other break characters BREAK (with `breaks`), anything else a space."""
    table = bytearray(range(256))
    for b in range(128):
        c = chr(b)
        if c.isalpha():
            table[b] = ord(c.lower()) if lower else b
        elif c == "\n" and turns:
            table[b] = TURN[0]
        elif breaks and (c in BREAK_CHARS or b == BREAK[0]):
            table[b] = BREAK[0]
        elif c != "'":
            table[b] = 0x20
    return bytes(table)


def speech_of(document) -> str:
    """The speech with one newline per utterance end: `document.speech` (utterance texts joined by
    newlines) when no text holds a newline itself, else the texts joined with their own line ends made
    U+2028 (a line end that is not an utterance end)."""
    speech = document.speech
    if speech.count("\n") == max(0, len(document.utterances) - 1):
        return speech
    return "\n".join(u.text.replace("\n", "\u2028") for u in document.utterances)


def chunks_of(text: str, lowercase: bool, breaks: bool, turns: bool = False) -> list[bytes]:
    """The chunks of `text` in order. With `breaks`, BREAK stands for each marker, digit, punctuation
    mark and line end; with `turns`, each newline is a TURN (an utterance end, see `speech_of`)."""
    if "\x01" in text or "\x02" in text:
        text = text.replace("\x01", " ").replace("\x02", " ")
    ascii_only = text.isascii()
    if not ascii_only:
        text = normalize(text)
        for ch in _UNICODE_SPACES:
            if ch in text:
                text = text.replace(ch, " ")
        for ch in _UNICODE_BREAKS:
            if ch in text:
                text = text.replace(ch, "\x01" if breaks else " ")
        if lowercase:
            text = text.lower()
    if "{" in text:
        text = MARKER_RE.sub("\x01" if breaks else " ", text)
    data = text.encode("utf-8", "surrogatepass").translate(_table(breaks, turns, lowercase))
    if breaks:
        data = data.replace(BREAK, b" \x01 ")
    if turns:
        data = data.replace(TURN, b" \x02 ")
    return data.split()


def encode(word: str) -> bytes:
    return word.encode("utf-8", "surrogatepass")


def decode(key: bytes) -> str:
    return key.decode("utf-8", "surrogatepass")


def _vocabulary_ids(chunks: list[bytes]) -> tuple[list[bytes], np.ndarray]:
    """The distinct chunks in order of first occurrence, and each chunk's index among them."""
    index: dict[bytes, int] = {}
    first_seen = np.fromiter(map(index.setdefault, chunks, count()), np.intp, len(chunks))
    dense = np.cumsum(first_seen == np.arange(len(chunks))) - 1
    return list(index), dense[first_seen]


class Tokens:
    """The speech's chunks as vocabulary indices.

    `keys[i]` is the i-th distinct chunk, `ids` the chunks in order (None without `positions`: then only
    the counts are known), `totals[i]` how often `keys[i]` occurs. `canonical[i]` is the UTF-8 key of the
    word chunk i stands for (None for BREAK, TURN and chunks of no word); `odd_words` maps the keys of
    words with letters beyond ASCII to the word.
    """

    def __init__(self, chunks: list[bytes], positions: bool = True):
        counter: Counter[bytes] | None = None
        if positions:
            keys, ids = _vocabulary_ids(chunks)
        else:
            counter = Counter(chunks)
            keys, ids = list(counter), None
        self.odd_words: dict[bytes, str] = {}
        aliases: dict[bytes, bytes] = {}  # chunk that is one word with extra signs ("'m") -> the word
        expand: dict[bytes, list[bytes]] = {}  # chunk that is not one word -> its words and BREAKs
        for k in filterfalse(bytes.isalpha, keys):
            if k == BREAK or k == TURN:
                continue
            if k.isascii() and b"''" not in k:  # ASCII chunks hold only letters and apostrophes
                word = k.strip(b"'")
                if word == k:
                    continue  # don't, rock'n'roll: a word as it is
                if word:
                    aliases[k] = word  # 'm, students'
                    continue
            text = decode(k)
            if WORD_RE.fullmatch(text):
                self.odd_words[k] = text  # a word with letters beyond ASCII
                continue
            tokens = _WORDS_AND_BREAKS_RE.findall(text)
            if len(tokens) == 1 and tokens[0]:
                aliases[k] = encode(tokens[0])
            else:
                expand[k] = [encode(t) if t else BREAK for t in tokens]
            for t in tokens:
                if t and not t.isascii():
                    self.odd_words[encode(t)] = t
        several = {k: v for k, v in expand.items() if v}
        if several:  # rare: a chunk of several words; re-cut the speech where it occurs
            if counter is None:
                chunks = [t for c in chunks for t in several.get(c, (c,))]
                keys, ids = _vocabulary_ids(chunks)
            else:
                for k, parts in several.items():
                    times = counter.pop(k)
                    for t in parts:
                        counter[t] += times
                keys = list(counter)
        self.index = position = dict(zip(keys, count()))
        hidden = [position[k] for k in expand if k in position]  # "£", "'": no word, no break
        if counter is None:
            if hidden:
                keep = np.ones(len(keys), bool)
                keep[hidden] = False
                ids = ids[keep[ids]]
            totals = np.bincount(ids, minlength=len(keys))
        else:
            totals = np.fromiter(counter.values(), np.intp, len(keys))
            totals[hidden] = 0
        self.keys = keys
        self.ids = ids
        self.totals = totals
        self.canonical: list[bytes | None] = list(map(aliases.get, keys, keys))
        for k in (BREAK, TURN, *expand):
            if k in position:
                self.canonical[position[k]] = None
        self.total_tokens = int(totals.sum()) - sum(int(totals[position[k]]) for k in (BREAK, TURN) if k in position)

    def occurrences(self, words: frozenset[bytes]) -> int:
        """How many times any of `words` occurs."""
        present = self.index.keys() & words
        return int(self.totals[[self.index[k] for k in present]].sum()) if present else 0

    def turn_of(self) -> np.ndarray:
        """The utterance number of each position."""
        if TURN not in self.index:
            return np.zeros(len(self.ids), np.intp)
        return np.cumsum(self.ids == self.index[TURN])


class Forms:
    """What each chunk counts as. `keys` are the forms counted: in alphabetical (code point) order when the
    tokens have positions, so that comparing indices compares words (per-speaker rankings and pairs rely on
    it); in no particular order otherwise. `of[i]` is the index of chunk i's form, or -1 when dropped."""

    def __init__(self, tokens: Tokens, min_length: int, stop: frozenset[str], lowercase: bool,
                 lemma: Callable[[str], str] | None = None):
        kept = _kept_words(tokens, min_length, stop, lowercase)
        targets = _lemma_targets(kept, tokens.odd_words, lemma, stop) if lemma is not None else None
        forms = set(targets.values()) if targets is not None else kept
        self.keys: list[bytes] = sorted(forms) if tokens.ids is not None else list(forms)
        number = dict(zip(self.keys, count()))
        if targets is not None:
            number = {word: number[form] for word, form in targets.items()}
        self.of = np.fromiter(map(number.get, tokens.canonical, repeat(-1)), np.intp, len(tokens.keys))
        self.tokens = tokens

    def tally(self) -> np.ndarray:
        """Counts per form in the whole speech."""
        kept = self.of >= 0
        return np.bincount(self.of[kept], weights=self.tokens.totals[kept],
                           minlength=len(self.keys)).astype(np.int64)

    def tally_rows(self, row_of_position: np.ndarray, rows: int, k: int) -> list[tuple[int, int, list, list]]:
        """For each row (e.g. speaker), given the row of each position: (total, distinct forms, and the
        forms and counts of its `top` k)."""
        width = len(self.keys) + 1  # column 0 gathers the dropped positions
        codes = row_of_position * width + (self.at_positions + 1)
        if rows * width <= max(_DENSE_MIN, 32 * len(codes)):  # a dense rows x forms grid, then its non-zero cells
            grid = np.bincount(codes, minlength=rows * width)
            codes = np.flatnonzero(grid)
            counts = grid[codes]
        else:
            codes, counts = np.unique(codes, return_counts=True)
        row, form = np.divmod(codes, width)
        kept = form > 0
        row, form, counts = row[kept], form[kept] - 1, counts[kept]
        totals = np.bincount(row, weights=counts, minlength=rows).astype(np.int64).tolist()
        distinct = np.bincount(row, minlength=rows).tolist()
        # by row, then descending count, then form (alphabetical): one sort of a composite key
        top_count = int(counts.max()) + 1 if len(counts) else 1
        order = np.argsort((row * top_count + (top_count - counts)) * width + form)
        row_sorted = row[order]
        starts = np.searchsorted(row_sorted, np.arange(rows + 1))
        chosen = order[(np.arange(len(order)) - starts[row_sorted]) < k]
        form_list, count_list = form[chosen].tolist(), counts[chosen].tolist()
        bounds = np.searchsorted(row[chosen], np.arange(rows + 1)).tolist()
        return [(totals[r], distinct[r], form_list[bounds[r]:bounds[r + 1]], count_list[bounds[r]:bounds[r + 1]])
                for r in range(rows)]

    def bigrams(self) -> tuple[np.ndarray, np.ndarray]:
        """(codes, counts) of pairs of consecutive kept forms, code = first * len(keys) + second (so
        codes compare as the pairs' words do). BREAK and TURN are never kept, so no pair spans them."""
        forms = self.at_positions
        if len(forms) < 2:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        both = (forms[:-1] >= 0) & (forms[1:] >= 0)
        codes = forms[:-1][both].astype(np.int64) * len(self.keys) + forms[1:][both]
        return np.unique(codes, return_counts=True)

    @cached_property
    def at_positions(self) -> np.ndarray:
        """The form index at each position of the speech (-1 where none)."""
        return self.of[self.tokens.ids]


def _kept_words(tokens: Tokens, min_length: int, stop: frozenset[str], lowercase: bool) -> set[bytes]:
    """Word keys with at least `min_length` letters whose lowercase form is not in `stop`."""
    stop_bytes = _stop_bytes(stop)
    words = set(tokens.canonical)
    words.discard(None)
    if lowercase:
        candidates = list(words - stop_bytes)
    else:
        candidates = list(words)
        candidates = list(compress(candidates, map(not_, map(stop_bytes.__contains__, map(bytes.lower, candidates)))))
    kept = set(compress(candidates, map(ge, map(len, candidates), repeat(min_length))))
    for k, word in tokens.odd_words.items():  # non-ASCII: letters are not bytes, case is not ASCII
        if k in words and not k.isascii():
            if len(word) >= min_length and word.lower() not in stop:
                kept.add(k)
            else:
                kept.discard(k)
    return kept


@lru_cache(maxsize=32)
def _stop_bytes(stop: frozenset[str]) -> frozenset[bytes]:
    return frozenset(map(encode, stop))


def _lemma_targets(kept: set[bytes], odd_words: dict[bytes, str], lemma: Callable[[str], str],
                   stop: frozenset[str]) -> dict[bytes, bytes]:
    """word key -> key of its lemma; words whose lemma is a stopword are left out.

    A word counts as its lemma unless the word is itself the lemma of another word of the text (so
    "meeting" stays "meeting" beside "meetings" rather than becoming the verb "meet").
    """
    lemmas = {k: lemma(odd_words.get(k) or k.decode("ascii")) for k in kept}
    lemma_keys = set(map(encode, lemmas.values()))
    targets = {}
    for k, lem in lemmas.items():
        if k in lemma_keys:
            targets[k] = k
        elif lem.lower() not in stop:
            targets[k] = encode(lem)
    return targets


def top(values: np.ndarray, k: int, keys: list | None = None) -> tuple[list[int], list[int]]:
    """Indices and values of the k largest positive values, by descending value then ascending key
    (`keys[i]`, or the index i itself when `keys` is None)."""
    n = len(values)
    if keys is not None:  # the values that can make the top k, then only those sorted by (-value, key)
        if n > k:
            kth = int(np.partition(values, n - k)[n - k])
            chosen = np.flatnonzero(values >= max(kth, 1))
        else:
            chosen = np.flatnonzero(values > 0)
        ranked = sorted(zip((-values[chosen]).tolist(), map(keys.__getitem__, chosen.tolist()), chosen.tolist()))
        del ranked[k:]
        return [i for _, _, i in ranked], [-v for v, _, _ in ranked]
    if n > k:  # the k smallest ranks: a rank orders by value, then index
        rank = np.arange(n, dtype=np.int64) - values.astype(np.int64) * n
        chosen = np.argpartition(rank, k - 1)[:k]
        chosen = chosen[np.argsort(rank[chosen])]
    else:
        chosen = np.lexsort((np.arange(n), -values))
    chosen = chosen[values[chosen] > 0]
    return chosen.tolist(), values[chosen].tolist()


def words_of(keys: list[bytes], indices: list[int]) -> list[str]:
    """The words of some keys (decoded only when reported)."""
    try:
        return [keys[i].decode() for i in indices]
    except UnicodeDecodeError:  # a lone surrogate in the text, kept by "surrogatepass"
        return [decode(keys[i]) for i in indices]
