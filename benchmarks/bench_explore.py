"""Benchmark: the Explore analyzers (keyword_in_context, speaker_stats) against plain-Python and pandas peers.

    /work/venv/bin/python benchmarks/bench_explore.py [corpus_txt_dir] [--repeat N]

The corpus is loaded with qualia_core.formats.load_path (txt files, `Speaker: text` lines). Each contender
runs over every document in this process, with no cache (the plugin classes' analyze()):

- keyword_in_context, queries "remote control" and "the" (window 8, whole words, any case), against a naive
  loop: per utterance, strip the markers, re.finditer a \\b-bounded escaped query, str.split the text
  before and after for the context words, count hits per speaker.
- speaker_stats against pandas: a DataFrame of (speaker, text, start, end) rows, words counted with
  Series.str.count of the same word pattern after removing markers, then a groupby(speaker).agg with
  shares and sorting.

Prints ms per 70 KB of transcript (a typical meeting), the slowest single document, and the ratio
peer/plugin (above 1 means the plugin is faster). Timings and counts only, never transcript text.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plugins.keyword_in_context import KeywordInContextAnalyzer  # noqa: E402
from plugins.speaker_stats import SpeakerStatsAnalyzer  # noqa: E402
from qualia_core.document import Document  # noqa: E402
from qualia_core.formats import load_path  # noqa: E402
from qualia_core.text import MARKER_RE, strip_markers  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"
MEETING_BYTES = 70_000
WINDOW = 8
PEER_WORD_PATTERN = r"[^\W\d_]+(?:['\u2019\u2018\u02bc][^\W\d_]+)*"  # qualia_core.text's words, any apostrophe


# ------------------------------------------------------------------ peers
def kwic_peer(doc: Document, query: str) -> tuple[int, dict[str, int]]:
    pattern = re.compile(r"\b" + re.escape(query) + r"\b", re.IGNORECASE)
    hits, per_speaker = [], {}
    for index, utterance in enumerate(doc.utterances):
        text = strip_markers(utterance.text)
        for m in pattern.finditer(text):
            left = text[:m.start()].split()[-WINDOW:]
            right = text[m.end():].split()[:WINDOW]
            hits.append({"utterance_index": index, "speaker": utterance.speaker, "start": utterance.start,
                         "end": utterance.end, "left": " ".join(left), "match": m.group(),
                         "right": " ".join(right)})
            label = utterance.speaker or "(no speaker)"
            per_speaker[label] = per_speaker.get(label, 0) + 1
    return len(hits), per_speaker


def stats_peer(doc: Document) -> list[dict]:
    import pandas as pd

    frame = pd.DataFrame({
        "speaker": [u.speaker or "(no speaker)" for u in doc.utterances],
        "text": [u.text for u in doc.utterances],
        "start": [u.start for u in doc.utterances],
        "end": [u.end for u in doc.utterances],
    }, dtype=object)
    frame["words"] = frame["text"].str.replace(MARKER_RE.pattern, " ", regex=True).str.count(PEER_WORD_PATTERN)
    frame["talk"] = pd.to_numeric(frame["end"]) - pd.to_numeric(frame["start"])
    frame["order"] = range(len(frame))
    table = frame.groupby("speaker", sort=False).agg(
        turns=("words", "size"), words=("words", "sum"), longest=("words", "max"), talk=("talk", "sum"),
        first=("order", "min"), last=("order", "max"))
    table["word_share"] = table["words"] / max(1, table["words"].sum())
    table["mean_words"] = table["words"] / table["turns"]
    table = table.sort_values(["words", "turns"], ascending=False)
    return table.reset_index().to_dict("records")


# ------------------------------------------------------------------ timing
def timed_per_doc(docs: list[Document], fn) -> tuple[float, float, str]:
    """Total seconds over all documents, and the slowest document's seconds and id."""
    gc.collect()
    total, worst, worst_id = 0.0, 0.0, ""
    for doc in docs:
        start = time.perf_counter()
        fn(doc)
        elapsed = time.perf_counter() - start
        total += elapsed
        if elapsed > worst:
            worst, worst_id = elapsed, doc.id
    return total, worst, worst_id


def best_of(repeat: int, contenders: dict[str, callable], docs: list[Document]) -> dict[str, tuple]:
    """Interleaved rounds, best total of each: a busy machine slows every contender alike."""
    best: dict[str, tuple] = {}
    for _ in range(repeat):
        for label, fn in contenders.items():
            result = timed_per_doc(docs, fn)
            if label not in best or result[0] < best[label][0]:
                best[label] = result
    return best


def report(title: str, best: dict[str, tuple], meetings: float, sizes: dict[str, int]) -> None:
    print(f"\n{title}")
    (peer_label, peer), *plugins = [(label, t) for label, t in best.items() if label.startswith("peer")] + \
        [(label, t) for label, t in best.items() if not label.startswith("peer")]
    for label, (total, worst, worst_id) in [(peer_label, peer), *plugins]:
        ratio = "" if label == peer_label else f"  ratio peer/plugin {peer[0] / total:5.2f}x"
        print(f"  {label:34s} {1000 * total / meetings:7.2f} ms per 70 KB meeting  (total {total:6.3f} s; "
              f"slowest {1000 * worst:6.2f} ms on {worst_id}, {sizes[worst_id] // 1000} KB){ratio}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    docs = [load_path(f) for f in sorted(args.corpus.glob("*.txt"))]
    sizes = {doc.id: len(doc.content.encode("utf-8")) for doc in docs}
    meetings = sum(sizes.values()) / MEETING_BYTES
    print(f"{len(docs)} documents, {sum(sizes.values()) / 1e6:.2f} MB ({meetings:.0f} x 70 KB), "
          f"best of {args.repeat} interleaved rounds, no cache")

    kwic, stats = KeywordInContextAnalyzer(), SpeakerStatsAnalyzer()
    for query in ("remote control", "the"):
        config = {"query": query, "window": WINDOW}
        plugin_hits = sum(kwic.analyze(doc, config)["total_hits"] for doc in docs)
        peer_hits = sum(kwic_peer(doc, query)[0] for doc in docs)
        best = best_of(args.repeat, {
            "peer: re.finditer + str.split": lambda doc: kwic_peer(doc, query),
            "keyword_in_context": lambda doc: kwic.analyze(doc, config),
            "keyword_in_context max_hits=100": lambda doc: kwic.analyze(doc, {**config, "max_hits": 100}),
        }, docs)
        report(f"keyword_in_context, query {query!r}: {plugin_hits} hits (peer {peer_hits})", best, meetings, sizes)

    plugin_words = sum(stats.analyze(doc)["total_words"] for doc in docs)
    peer_words = sum(int(sum(r["words"] for r in stats_peer(doc))) for doc in docs)
    best = best_of(args.repeat, {
        "peer: pandas groupby": stats_peer,
        "speaker_stats": lambda doc: stats.analyze(doc),
    }, docs)
    report(f"speaker_stats: {plugin_words} words (peer {peer_words})", best, meetings, sizes)


if __name__ == "__main__":
    main()
