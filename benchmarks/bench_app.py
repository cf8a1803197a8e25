"""How quickly the app answers on a 70 KB meeting that was analyzed once (target: under 300 ms).

    .venv/bin/python benchmarks/bench_app.py [MEETING.txt]

Drives the real pages with Streamlit's AppTest in this process: the first visit of each page computes
(cold), then the interactions a researcher makes are timed (warm: served from the core's cache). The
peer is the cold run of the same page: the ratio shows what the cache saves. Prints timings only.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt" / "Bed002.txt"


def timed(fn, repeat: int = 5) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def main() -> int:
    meeting = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not meeting.exists():
        print(f"needs a meeting file ({meeting}); the shared corpus is in CI")
        return 0
    os.environ["QUALIA_DATA_DIR"] = tempfile.mkdtemp(prefix="qualia-bench-app-")
    os.chdir(ROOT)
    import logging

    logging.disable(logging.WARNING)
    from streamlit.testing.v1 import AppTest

    from qualia_core import QualiaCore

    QualiaCore(entry_points=False).library.add(meeting.name, meeting.read_bytes())
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/explore.py")
    started = time.perf_counter()
    at.run()
    cold = (time.perf_counter() - started) * 1000
    print(f"meeting {meeting.name}: {meeting.stat().st_size / 1024:.0f} KB")
    print(f"Explore, first visit (computes words, cloud): {cold:7.0f} ms")

    sizes = iter([10, 30, 15, 25, 20] * 3)
    rows = {
        "rerun the Explore page": lambda: at.run(),
        "change the number of top words": lambda: at.slider(key="explore_top_n").set_value(next(sizes)).run(),
        "keyword in context 'the'": lambda: at.text_input(key="explore_kwic_query").set_value("the").run(),
        "show another occurrence's turn": lambda: at.number_input(key="explore_kwic_pick").increment().run(),
        "dispersion of 'speech'": lambda: at.text_input(key="explore_dispersion_word").set_value("speech").run(),
    }
    for label, action in rows.items():
        action()  # the first time may compute (a new query); then it is cached
        ms = timed(action)
        print(f"{label:38s} {ms:7.0f} ms   ({cold / ms:5.1f}x faster than the first visit)  "
              f"{'OK' if ms < 300 else 'OVER 300 ms'}")
    assert not at.exception
    return 0


if __name__ == "__main__":
    sys.exit(main())
