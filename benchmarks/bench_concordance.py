"""Benchmark: the research concordance (accents, wildcards, sorting) and collocates, against peers run here.

    .venv/bin/python benchmarks/bench_concordance.py [corpus_txt_dir] [--repeat N] [--limit N]

Every contender runs over the same documents (QMSum `Speaker: text` files from ../shared) in this process, with
no cache (the plugin classes' analyze()). Figures are ms per 70 KB of transcript (a typical meeting) and the
ratio to the peer named on each line (above 1: slower than the peer).

- keyword_in_context "remote control": accent-insensitive (the default) against accent-sensitive (the 1.0
  behaviour): what folding accents costs, on the ASCII meetings and with one accented word added to each.
- "design*" (a wildcard) against a peer that tokenises every turn, folds each word and fullmatches the same
  regular expression (no context): what the wildcard costs beyond finding the words.
- "the" sorted by the 1st word to the right against position order: what the AntConc sort costs.
- collocates of "design*" (L5-R5) against word_frequency (which also reads every word), and against a naive
  peer (tokenise, fold, nested loops over the spans) whose counts must equal the plugin's: a check of
  f(n), N and f(n,c) on real meetings, not only a timing.

Timings and counts only, never transcript text. Skips (exit 0, with the reason) when the corpus is absent.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plugins.collocates import CollocatesAnalyzer  # noqa: E402
from plugins.keyword_in_context import KeywordInContextAnalyzer  # noqa: E402
from plugins.word_frequency import WordFrequencyAnalyzer  # noqa: E402
from qualia_core.document import Utterance  # noqa: E402
from qualia_core.formats import load_path  # noqa: E402
from qualia_core.search_terms import word_regex  # noqa: E402
from qualia_core.text import fold_word, stop_set, tokenize  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"
MEETING_BYTES = 70_000


def wildcard_peer(doc, pattern: str) -> int:
    """Words matching `pattern`; apostrophes separate words here, as in keyword_in_context ("design's" is a hit
    for design*; qualia_core.text's words keep the clitic: "design's" is one word there)."""
    regex = word_regex(pattern)
    return sum(1 for u in doc.utterances for w in tokenize(u.text) for part in w.split("'")
               if regex.fullmatch(fold_word(part)))


def collocates_peer(doc, pattern: str, left: int, right: int) -> tuple[int, int, Counter]:
    """f(n), N and f(n,c) by the plugin's documented rules, written the plain way."""
    regex, stop = word_regex(pattern), stop_set("en")
    f_n = total = 0
    together: Counter = Counter()
    for u in doc.utterances:
        words = tokenize(u.text)
        total += len(words)
        counted = set()
        for i, w in enumerate(words):
            if any(regex.fullmatch(part) for part in fold_word(w).split("'")):  # as keyword_in_context
                f_n += 1
                for j in range(max(0, i - left), min(len(words), i + right + 1)):
                    if j != i and j not in counted and words[j].lower() not in stop and fold_word(words[j]) not in stop:
                        counted.add(j)
                        together[fold_word(words[j])] += 1
    return f_n, total, together


def timed(docs, fn) -> float:
    gc.collect()
    start = time.perf_counter()
    for doc in docs:
        fn(doc)
    return time.perf_counter() - start


def best(repeat: int, docs, fn) -> float:
    return min(timed(docs, fn) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(DEFAULT_CORPUS))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=60, help="documents read (0: all)")
    args = parser.parse_args()
    corpus = Path(args.corpus)
    files = sorted(corpus.glob("*.txt")) if corpus.is_dir() else []
    if not files:
        print(f"skipped: no corpus at {corpus} (the QMSum txt files of ../shared)")
        return
    files = files[:args.limit] if args.limit else files
    docs = [load_path(f) for f in files]
    size = sum(f.stat().st_size for f in files)
    meetings = size / MEETING_BYTES
    print(f"{len(docs)} documents, {size / 1e6:.2f} MB ({meetings:.0f} x 70 KB), best of {args.repeat}")

    kwic, coll, freq = KeywordInContextAnalyzer(), CollocatesAnalyzer(), WordFrequencyAnalyzer()

    def line(label: str, seconds: float, peer: str, peer_seconds: float) -> None:
        print(f"  {label:44s} {1000 * seconds / meetings:7.2f} ms/meeting   {seconds / peer_seconds:5.2f}x {peer}")

    def kw(query, **config):
        return lambda d: kwic.analyze(d, {"query": query, **config})

    print("\nkeyword_in_context")
    sensitive = best(args.repeat, docs, kw("remote control", accent_sensitive=True))
    line("remote control, accent-sensitive (1.0)", sensitive, "itself", sensitive)
    line("remote control, accents folded (default)", best(args.repeat, docs, kw("remote control")),
         "accent-sensitive", sensitive)
    # QMSum is ASCII, where folding is free; one accented word per meeting makes every letter class count
    accented = [d.with_utterances([*d.utterances, Utterance("X", "café")]) for d in docs]
    sensitive_accented = best(args.repeat, accented, kw("remote control", accent_sensitive=True))
    line("remote control, folded, non-ASCII text", best(args.repeat, accented, kw("remote control")),
         "accent-sensitive", sensitive_accented)
    peer = best(args.repeat, docs, lambda d: wildcard_peer(d, "design*"))
    line("design* (wildcard, with context)", best(args.repeat, docs, kw("design*")), "tokenise+fold peer", peer)
    found = sum(kwic.analyze(d, {"query": "design*"})["total_hits"] for d in docs)
    expected = sum(wildcard_peer(d, "design*") for d in docs)
    print(f"  design* hits: plugin {found}, peer {expected}" + ("" if found == expected else "  MISMATCH"))
    by_position = best(args.repeat, docs, kw("the"))
    line("the, in order said", by_position, "itself", by_position)
    line("the, sorted by 1st word right", best(args.repeat, docs, kw("the", sort="R1")), "in order said",
         by_position)

    print("\ncollocates (design*, L5-R5)")
    counting = best(args.repeat, docs, lambda d: freq.analyze(d, {"language": "en"}))
    plugin = best(args.repeat, docs, lambda d: coll.analyze(d, {"node": "design*", "language": "en",
                                                                 "min_frequency": 1}))
    naive = best(args.repeat, docs, lambda d: collocates_peer(d, "design*", 5, 5))
    line("word_frequency (peer: reads every word)", counting, "itself", counting)
    line("collocates plugin", plugin, "word_frequency", counting)
    line("naive collocates peer", naive, "collocates plugin", plugin)
    mismatches = 0
    for d in docs:
        result = coll.analyze(d, {"node": "design*", "language": "en", "min_frequency": 1, "max_collocates": 5000})
        f_n, total, together = collocates_peer(d, "design*", 5, 5)
        mine = Counter({key: pair[1] for key, pair in result["pairs"].items()})
        mismatches += (result["node_frequency"], result["total_tokens"], mine) != (f_n, total, together)
    print(f"  counts equal to the naive peer's in {len(docs) - mismatches} of {len(docs)} meetings")
    said = sum(coll.analyze(d, {"node": "design*", "language": "en", "min_frequency": 1})["node_frequency"]
               for d in docs)
    print(f"  design* said {said} times by collocates, {found} by keyword_in_context")


if __name__ == "__main__":
    main()
