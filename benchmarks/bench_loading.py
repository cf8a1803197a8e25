"""Transcript loading speed over the full shared corpus, against a naive peer in the same process.

    /work/venv/bin/python benchmarks/bench_loading.py [CORPUS_DIR] [--repeat N]

For each format folder (txt, vtt, srt, docx, bracket_txt) it times `qualia_core.formats.load_path` on every file
(read, decode, parse speakers and utterances; best of N passes after a warm-up) and a naive peer doing less work:
read + decode + split lines on the first ': ' with str.partition (txt, srt, bracket_txt), the `webvtt-py` package
if installed else the same line split (vtt), python-docx paragraph texts (docx). MB/s counts file bytes on disk.
Target from the issue: at least 20 MB/s overall. Prints figures only, never transcript text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualia_core.formats import load_path  # noqa: E402

FORMATS = ("txt", "vtt", "srt", "docx", "bracket_txt")
TARGET_MB_S = 20.0


def naive_lines(path: Path) -> int:
    """Read, decode, split each line on the first ': ' (no continuation, times, tags or label rule)."""
    text = path.read_bytes().decode("utf-8")
    return len([line.partition(": ") for line in text.splitlines() if line])


def naive_vtt(path: Path) -> int:
    try:
        import webvtt  # webvtt-py, only if already installed
    except ImportError:
        return naive_lines(path)
    return len(webvtt.read(str(path)).captions)


def naive_docx(path: Path) -> int:
    import docx

    return len([p.text for p in docx.Document(str(path)).paragraphs])


PEERS = {"txt": naive_lines, "bracket_txt": naive_lines, "srt": naive_lines, "vtt": naive_vtt, "docx": naive_docx}


def best_time(fn, files: list[Path], repeat: int) -> tuple[float, int]:
    count = sum(fn(f) for f in files)  # warm-up: imports, regex compilation, page cache
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for f in files:
            fn(f)
        best = min(best, time.perf_counter() - start)
    return best, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "qmsum"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(args.corpus)
    if not corpus.is_dir():
        print(f"no corpus at {corpus}", file=sys.stderr)
        return 2

    print(f"{'format':12} {'files':>5} {'MB':>7} {'utterances':>10} {'ours MB/s':>10} {'naive MB/s':>10} {'ratio':>7}")
    total_bytes = total_ours = total_peer = 0.0
    for fmt in FORMATS:
        files = sorted(p for p in (corpus / fmt).iterdir() if p.is_file()) if (corpus / fmt).is_dir() else []
        if not files:
            continue
        size = sum(f.stat().st_size for f in files)
        ours, utterances = best_time(lambda f: len(load_path(f).utterances), files, args.repeat)
        peer, _ = best_time(PEERS[fmt], files, args.repeat)
        total_bytes += size
        total_ours += ours
        total_peer += peer
        mb = size / 1e6
        print(f"{fmt:12} {len(files):5d} {mb:7.2f} {utterances:10d} {mb / ours:10.1f} {mb / peer:10.1f} "
              f"{ours / peer:6.2f}x")
    mb = total_bytes / 1e6
    overall = mb / total_ours
    print(f"{'overall':12} {'':5} {mb:7.2f} {'':10} {overall:10.1f} {mb / total_peer:10.1f} "
          f"{total_ours / total_peer:6.2f}x")
    print(f"target {TARGET_MB_S:.0f} MB/s: {'met' if overall >= TARGET_MB_S else 'NOT met'} "
          "(ratio = our time / naive time; the naive peer does not find speakers, times or continuations)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
