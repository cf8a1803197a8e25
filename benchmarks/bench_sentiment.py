"""sentiment_analyzer against its peer, TextBlob run sentence by sentence, in one process.

    /work/venv/bin/python benchmarks/bench_sentiment.py [--limit N] [--repeat R] [--pysbd] [CORPUS_TXT_DIR]

(a) the plugin over every document (validation, sentence splitting, scoring, aggregation, language
detection); (b) the peer: `TextBlob(sentence).sentiment` for the very sentences the plugin scored
(taken from its result, outside the timing). Prints sentences/s and MB/s of speech for both and the
ratio plugin time / peer time (the target is <= 1.0), and checks the two agree on every sentence.
`--pysbd` also times pysbd's splitter over the same utterances, for comparison with ours.
Only counts and timings are printed, never transcript text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from textblob import TextBlob  # noqa: E402

from plugins.sentiment_analyzer import SentimentAnalyzer  # noqa: E402
from plugins.sentiment_analyzer.sentences import split_sentences  # noqa: E402
from qualia_core.document import Document, Utterance  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"


def load_documents(folder: Path, limit: int | None) -> list[Document]:
    files = sorted(folder.glob("*.txt"))[:limit]
    try:
        from qualia_core.formats import load_path
    except ImportError:
        load_path = None
    if load_path is not None:
        return [load_path(f) for f in files]
    docs = []
    for f in files:  # until the core's loader lands: `Speaker: text` lines split on the first ": "
        text = f.read_text(encoding="utf-8")
        turns = []
        for line in text.splitlines():
            speaker, sep, speech = line.partition(": ")
            if sep:
                turns.append(Utterance(speaker.strip(), speech.strip()))
            elif line.strip():
                turns.append(Utterance(None, line.strip()))
        docs.append(Document(f.stem, text, turns, {"source": f.name, "format": "txt"}))
    return docs


def best_of(repeat: int, fn):
    best, value = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - started)
    return best, value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side; the fastest counts")
    parser.add_argument("--pysbd", action="store_true", help="also time pysbd's sentence splitter")
    args = parser.parse_args()

    docs = load_documents(args.folder, args.limit)
    megabytes = sum(len(d.speech.encode("utf-8")) for d in docs) / 1e6
    plugin = SentimentAnalyzer()
    TextBlob("good").sentiment  # load the lexicon once, for both sides

    plugin_time, results = best_of(args.repeat, lambda: [plugin.analyze(d, {}) for d in docs])
    sentences = [s["text"] for r in results for s in r["sentences"]]
    peer_time, peer = best_of(args.repeat, lambda: [TextBlob(s).sentiment for s in sentences])

    ours = [(s["polarity"], s["subjectivity"]) for r in results for s in r["sentences"]]
    mismatches = sum(1 for a, b in zip(ours, peer) if a != (b.polarity, b.subjectivity))
    utterances = [u.text for d in docs for u in d.utterances]
    split_time, _ = best_of(args.repeat, lambda: [split_sentences(t) for t in utterances])

    n = len(sentences)
    print(f"documents {len(docs)}, utterances {len(utterances)}, sentences {n}, speech {megabytes:.2f} MB")
    print(f"plugin (a): {plugin_time:.3f}s  {n / plugin_time:,.0f} sentences/s  {megabytes / plugin_time:.2f} MB/s")
    print(f"  of which splitting alone: {split_time:.3f}s ({megabytes / split_time:.1f} MB/s)")
    print(f"peer   (b): {peer_time:.3f}s  {n / peer_time:,.0f} sentences/s  {megabytes / peer_time:.2f} MB/s"
          "  [TextBlob(sentence).sentiment]")
    print(f"ratio plugin/peer time: {plugin_time / peer_time:.3f} (target <= 1.0)")
    print(f"sentences where plugin and TextBlob differ: {mismatches}")
    if args.pysbd:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)
        pysbd_time, _ = best_of(1, lambda: [segmenter.segment(t) for t in utterances if t.strip()])
        print(f"pysbd splitting alone: {pysbd_time:.3f}s ({megabytes / pysbd_time:.2f} MB/s), "
              f"{pysbd_time / split_time:.0f}x our splitter")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
