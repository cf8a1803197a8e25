"""Benchmark: what the study's stoplist costs a run, and what saving a cleaned version costs.

    .venv/bin/python benchmarks/bench_study_words.py [--corpus ../shared/corpus/qmsum] [--repeat 30]

In one data dir with a study database, on a 70 KB meeting stored in the library:
- a cached `execute_plugin("word_frequency", doc)` (the core reads the study's settings to fill the stoplist
  parameters, then finds the result) against the same call with the study's values passed by the caller (the
  settings are not read; the same cache key): the cost of one settings read per call, and `core.study_words()`
  alone;
- `word_frequency` run cold with the default lists (fillers and context fillers out) against the same with
  both lists off: the cost of the larger stoplist;
- `use_cleaned_text` (teams_cleaner per turn, the turns rewritten, the search index following) against the
  plain teams_cleaner run it starts from (`execute_plugin("teams_cleaner", original)`, cache off).
Best of `--repeat` runs each. Prints timings only, never text.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.cleaned_text import PER_TURN, original_document, restore_original, use_cleaned_text  # noqa: E402

FALLBACK = ROOT / "tests" / "fixtures" / "teams_cleaner" / "ami_ES2006d.txt"


def meeting_near(corpus: Path, size: int = 70_000) -> Path:
    files = sorted((corpus / "txt").glob("*.txt")) if (corpus / "txt").is_dir() else []
    return min(files, key=lambda f: abs(f.stat().st_size - size)) if files else FALLBACK


def best(fn, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before:
            before()
        gc.collect()
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    core = QualiaCore(data_dir=tempfile.mkdtemp(prefix="qualia-bench-words-"), entry_points=False)
    path = meeting_near(args.corpus)
    entry, _ = core.library.add(path.name, path.read_bytes())
    core.set_study_words({"stopwords": ["remote"]})
    doc = core.library.get(entry.id)
    print(f"meeting: {path.name} ({path.stat().st_size / 1000:.0f} KB, {len(doc.utterances)} turns)")

    given = core.study_words().as_parameters()
    core.execute_plugin("word_frequency", doc)
    filled = best(lambda: core.execute_plugin("word_frequency", doc), args.repeat)
    plain = best(lambda: core.execute_plugin("word_frequency", doc, given), args.repeat)
    read = best(core.study_words, args.repeat)
    print(f"cached run, study stoplist filled: {filled * 1000:.2f} ms; values given by the caller: "
          f"{plain * 1000:.2f} ms; ratio {filled / plain:.2f}x (+{(filled - plain) * 1000:.2f} ms per call; "
          f"core.study_words() alone {read * 1000:.2f} ms)")

    lists = best(lambda: core.execute_plugin("word_frequency", doc, use_cache=False), args.repeat)
    none = best(lambda: core.execute_plugin("word_frequency", doc, {"exclude_fillers": False,
                                                                    "exclude_context_fillers": False},
                                            use_cache=False), args.repeat)
    print(f"word_frequency cold, filler lists on: {lists * 1000:.1f} ms; off: {none * 1000:.1f} ms; "
          f"ratio {lists / none:.2f}x")

    original = original_document(core.library, entry.id)
    cleaner = best(lambda: core.execute_plugin("teams_cleaner", original, dict(PER_TURN), use_cache=False),
                   args.repeat)
    repeat = max(3, args.repeat // 5)
    save = best(lambda: use_cleaned_text(core, entry.id), repeat, before=lambda: (
        restore_original(core.library, entry.id), core.clear_cache("teams_cleaner")))
    print(f"use_cleaned_text: {save * 1000:.1f} ms; the teams_cleaner run alone: {cleaner * 1000:.1f} ms; "
          f"ratio {save / cleaner:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
