"""What adversarial uploads cost: each input is added to a fresh library in a fresh subprocess, as the app's
upload does (`library.add`: parsed, stored in the study database with its search index), and the time and the
peak memory over the process's baseline are printed (the issue's budget: 10 s and 500 MB for any upload within
the size limit; the zip bomb: refused in under 1 s with under 100 MB).

    .venv/bin/python benchmarks/bench_adversarial.py [NAME ...] [--mb N]   (N: QUALIA_MAX_DOCUMENT_MB's default)

Inputs (each the size limit, except the zip bomb and the largest .docx text accepted) come from
tests/adversarial.py. Prints figures only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/tests")
import tempfile
import adversarial, psutil
from qualia_core import QualiaCore
import docx.oxml.parser, lxml.etree  # loaded before the baseline: what is measured is the upload
name, ext, mb = sys.argv[2], sys.argv[3], float(sys.argv[4])
data = adversarial.INPUTS[name](mb)
core = QualiaCore(data_dir=tempfile.mkdtemp(), entry_points=False, max_document_bytes=max(len(data), 2**20))
core.library.list()  # the study database open, as in the app
base = psutil.Process().memory_info().rss
started = time.perf_counter()
try:
    entry, _ = core.library.add("input" + ext, data)
    outcome = f"{entry.utterances:,} turns stored"
except Exception as exc:
    outcome = f"{type(exc).__name__}: {str(exc)[:90]}"
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"size": len(data), "seconds": seconds, "extra_mb": max(0, peak - base) / 2**20, "outcome": outcome}))
"""


def main(argv: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    import adversarial

    from qualia_core.config import BY_NAME

    mb = float(BY_NAME["QUALIA_MAX_DOCUMENT_MB"].default)
    if "--mb" in argv:
        i = argv.index("--mb")
        mb = float(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    names = argv or list(adversarial.INPUTS)
    for name in names:
        ext = adversarial.EXTENSIONS[name]
        run = subprocess.run([sys.executable, "-c", CHILD, str(ROOT), name, ext, str(mb)], capture_output=True,
                             text=True, timeout=600)
        if run.returncode:
            print(f"{name:22s} failed: {run.stderr.strip().splitlines()[-1:]}")
            continue
        r = json.loads(run.stdout)
        print(f"{name:22s} {r['size'] / 2**20:7.2f} MB {r['seconds']:7.2f} s {r['extra_mb']:6.0f} MB extra  {r['outcome']}")


if __name__ == "__main__":
    main(sys.argv[1:])
