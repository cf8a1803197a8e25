"""Portuguese sentiment: Qualia's method (LeIA lexicon + rules) against LeIA as shipped and TextBlob.

    .venv/bin/python benchmarks/bench_sentiment_pt.py [--repeat R] [--turns N] [--switch-dir CORPUS_TXT_DIR]

(a) Accuracy, overall and per class, on the labelled set tests/fixtures/sentiment/pt_eval.csv, on each part:
"dev" (the rules were tuned on it), "heldout" (written at the same time, never tuned on) and "fresh" (written
after the tuning, scored once). Labels:
Qualia's method and TextBlob with the plugin's default thresholds (polarity >= 0.1 positive, <= -0.1
negative); LeIA as shipped with its own documented ones (compound >= 0.05 / <= -0.05), and also with 0.1.
(b) Time per 1,000 turns of the set's sentences (cycled to N turns) for Qualia's method against LeIA's
`polarity_scores`, in the same process, with the ratio ours / LeIA's (best of R rounds; the lemma memo
is emptied before each round).
(c) With --switch-dir (default ../shared/corpus/qmsum/txt when present): how many turns of English
meetings the per-turn detector would score as Portuguese (should be ~0). Only counts are printed.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

EVAL_SET = ROOT / "tests" / "fixtures" / "sentiment" / "pt_eval.csv"
DEFAULT_DIR = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"
CLASSES = ("positive", "negative", "neutral")


def load_set(path: Path = EVAL_SET) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def label(score: float, threshold: float) -> str:
    return "positive" if score >= threshold and score > 0 else "negative" if score <= -threshold and score < 0 \
        else "neutral"


def predictors() -> dict[str, object]:
    from LeIA import SentimentIntensityAnalyzer
    from textblob import TextBlob

    from plugins.sentiment_analyzer.portuguese import score

    leia = SentimentIntensityAnalyzer()
    return {
        "Qualia (LeIA lexicon + rules)": lambda s: label(score(s)[0], 0.1),
        "LeIA as shipped (±0.05)": lambda s: label(leia.polarity_scores(s)["compound"], 0.05),
        "LeIA as shipped (±0.1)": lambda s: label(leia.polarity_scores(s)["compound"], 0.1),
        "TextBlob (±0.1)": lambda s: label(TextBlob(s).sentiment.polarity, 0.1),
    }


def accuracy(rows: list[dict[str, str]], predict) -> tuple[float, dict[str, float]]:
    """(overall accuracy, accuracy per gold class), in percent."""
    hits, per, seen = 0, Counter(), Counter()
    for row in rows:
        ok = predict(row["text"]) == row["label"]
        hits += ok
        per[row["label"]] += ok
        seen[row["label"]] += 1
    return 100.0 * hits / len(rows), {c: 100.0 * per[c] / seen[c] for c in CLASSES if seen[c]}


def timing(sentences: list[str], turns: int, repeat: int) -> tuple[float, float]:
    from LeIA import SentimentIntensityAnalyzer

    from plugins.sentiment_analyzer import portuguese

    leia = SentimentIntensityAnalyzer()
    batch = [sentences[i % len(sentences)] for i in range(turns)]
    portuguese.score(batch[0])  # loads the lexicon and simplemma's data outside the timing
    best_ours = best_leia = float("inf")
    for _ in range(repeat):
        portuguese.valence.cache_clear()  # no help from an earlier round
        t = time.perf_counter()
        for sentence in batch:
            portuguese.score(sentence)
        best_ours = min(best_ours, time.perf_counter() - t)
        t = time.perf_counter()
        for sentence in batch:
            leia.polarity_scores(sentence)
        best_leia = min(best_leia, time.perf_counter() - t)
    return best_ours * 1e6 / turns, best_leia * 1e6 / turns  # ms per 1,000 turns


def switches(folder: Path) -> tuple[int, int, int]:
    """(meetings, turns, turns the detector moves away from the meeting's language)."""
    from plugins.sentiment_analyzer.methods import turn_languages
    from qualia_core.formats import load_path
    from qualia_core.text import detect_language

    meetings = turns = moved = 0
    for path in sorted(folder.glob("*.txt")):
        doc = load_path(path)
        language = detect_language(doc.speech)
        found = turn_languages([u.text for u in doc.utterances], language)
        meetings += 1
        turns += len(found)
        moved += sum(1 for lang in found if lang != language)
    return meetings, turns, moved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--switch-dir", type=Path, default=DEFAULT_DIR)
    args = parser.parse_args()

    rows = load_set()
    parts = {"all": rows, **{s: [r for r in rows if r["split"] == s] for s in ("dev", "heldout", "fresh")}}
    print(f"evaluation set: {len(rows)} sentences " + ", ".join(
        f"{k} {v}" for k, v in sorted(Counter(r["label"] for r in rows).items())))
    print(f"{'method':32} {'part':8} {'n':>4} {'acc %':>6} " + " ".join(f"{c[:3]:>5}" for c in CLASSES))
    for name, predict in predictors().items():
        for part, subset in parts.items():
            overall, per = accuracy(subset, predict)
            print(f"{name:32} {part:8} {len(subset):>4} {overall:6.1f} "
                  + " ".join(f"{per.get(c, 0):5.1f}" for c in CLASSES))

    ours, leia = timing([r["text"] for r in rows], args.turns, args.repeat)
    print(f"time per 1,000 turns: Qualia {ours:.1f} ms, LeIA as shipped {leia:.1f} ms, ratio {ours / leia:.2f}x "
          f"(best of {args.repeat}, {args.turns} turns)")

    if args.switch_dir.is_dir():
        meetings, turns, moved = switches(args.switch_dir)
        print(f"per-turn language: {moved} of {turns} turns in {meetings} meetings scored in another language "
              "than their meeting's")
    else:
        print(f"per-turn language check skipped: no corpus at {args.switch_dir}")


if __name__ == "__main__":
    main()
