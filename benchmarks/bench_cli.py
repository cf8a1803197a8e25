"""Benchmark: what the `qualia` command costs on top of the core it calls. Fresh processes, each several times:

    .venv/bin/python benchmarks/bench_cli.py [--repeat 5] [--meetings 40]

- list:    `qualia list --format json` against its peer `python -c` that builds the core and prints every plugin's
           metadata as JSON (the same work without Typer, Rich and the sign-in check)
- help:    `qualia --help` against a bare interpreter (`python -c pass`), the floor
- analyze: `qualia analyze MEETING -p word_frequency` (cached after the first run) against `python -c` doing
           execute_plugin and json.dumps of the result
- corpus:  `qualia corpus DIR -p speaker_stats -p word_frequency --workers 2 --out FILE` over the first N meetings
           of ../shared/corpus/qmsum/txt, cold cache, against `python -c` calling core.run_corpus with a 2-process
           pool and writing json.dumps of the result (skipped when the shared corpus is absent); each run on a new
           data dir whose database exists (`qualia list` made it, untimed), as in a study in use

Prints median wall seconds and CPU seconds (user + system of the process: steadier on a busy machine; a corpus'
forkserver workers are not its children, so their CPU is not counted), and the ratios to each peer. Prints
timings only, never text.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "tests" / "fixtures" / "ami_ES2012a_opening.txt"
SHARED = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"
QUALIA = Path(sys.executable).parent / "qualia"

LIST_PEER = ("import json; from qualia_core import QualiaCore; c = QualiaCore(); "
             "print(json.dumps([m.to_dict() for m in c.plugin_metadata().values()]))")
ANALYZE_PEER = ("import json; from qualia_core import QualiaCore; c = QualiaCore(); "
                "print(json.dumps(c.execute_plugin('word_frequency', c.load_document({doc!r}))))")
CORPUS_PEER = ("import json, multiprocessing; from concurrent.futures import ProcessPoolExecutor; "
               "from qualia_core import QualiaCore\n"
               "if __name__ == '__main__':\n"
               "    c = QualiaCore()\n"
               "    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context('forkserver')) as pool:\n"
               "        r = c.run_corpus({folder!r}, ['speaker_stats', 'word_frequency'], executor=pool)\n"
               "        open({out!r}, 'w').write(json.dumps({{d: dict(r[d]) for d in r}}))\n")


CPU: dict[str, list[float]] = {}  # command -> CPU seconds (user + system) of each timed run and its children


def timed(command: list[str], env: dict[str, str], cwd: Path) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=900)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command[:3]} failed with status {done.returncode}")
    CPU.setdefault(" ".join(command), []).append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return elapsed


def median(command: list[str], env: dict[str, str], cwd: Path, repeat: int, fresh_data: list[str] | None = None
           ) -> tuple[float, float]:
    """Median wall and CPU seconds of `command`; with `fresh_data` (a setup command, not timed) each run on a new
    data dir (a cold result cache) whose study database the setup has created, as a study in use has one."""
    times = []
    CPU.pop(" ".join(command), None)
    for i in range(repeat):
        if fresh_data is not None:
            data = cwd / f"data-{i}-{len(command)}"
            env = {**env, "QUALIA_DATA_DIR": str(data)}
            timed(fresh_data, env, cwd)
        times.append(timed(command, env, cwd))
    return statistics.median(times), statistics.median(CPU[" ".join(command)][-repeat:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--meetings", type=int, default=40)
    args = parser.parse_args()
    qualia = [str(QUALIA)] if QUALIA.is_file() else [sys.executable, "-m", "qualia_cli"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        env = {**os.environ, "QUALIA_DATA_DIR": str(work / "data"), "QUALIA_ENV_FILE": str(work / "no.env"),
               "PYTHONPATH": str(ROOT)}
        for name in ("QUALIA_AUTH", "QUALIA_USER", "QUALIA_PASSWORD", "QUALIA_DASK_SCHEDULER"):
            env.pop(name, None)
        py = [sys.executable, "-c"]
        timed(qualia + ["list"], env, work)  # the data dir and its database exist before anything is timed
        rows = [("help", median(qualia + ["--help"], env, work, args.repeat), "python -c pass",
                 median(py + ["pass"], env, work, args.repeat)),
                ("list", median(qualia + ["list", "--format", "json"], env, work, args.repeat), "core + json",
                 median(py + [LIST_PEER], env, work, args.repeat))]
        timed(qualia + ["analyze", str(SAMPLE), "-p", "word_frequency"], env, work)  # fill the cache
        rows.append(("analyze (cached)", median(qualia + ["analyze", str(SAMPLE), "-p", "word_frequency"], env, work,
                                                args.repeat),
                     "core + json", median(py + [ANALYZE_PEER.format(doc=str(SAMPLE))], env, work, args.repeat)))
        if SHARED.is_dir():
            folder = work / "meetings"
            folder.mkdir()
            for path in sorted(SHARED.glob("*.txt"))[: args.meetings]:
                shutil.copy(path, folder / path.name)
            out = work / "corpus.json"
            runs = max(1, args.repeat // 2)
            cli = median(qualia + ["corpus", str(folder), "-p", "speaker_stats", "-p", "word_frequency", "--workers",
                                   "2", "--out", str(out)], env, work, runs, fresh_data=qualia + ["list"])
            peer = median(py + [CORPUS_PEER.format(folder=str(folder), out=str(work / "peer.json"))], env, work,
                          runs, fresh_data=qualia + ["list"])
            rows.append((f"corpus {args.meetings} meetings (cold)", cli, "run_corpus + json", peer))
        else:
            print(f"corpus skipped: no shared corpus at {SHARED}")
    print(f"{'what':32} {'qualia s':>9} {'cpu s':>6} {'peer':>18} {'peer s':>7} {'cpu s':>6} {'ratio':>6} "
          f"{'cpu ratio':>9}")
    for what, (ours, ours_cpu), peer_name, (peer, peer_cpu) in rows:
        print(f"{what:32} {ours:9.3f} {ours_cpu:6.2f} {peer_name:>18} {peer:7.3f} {peer_cpu:6.2f} {ours / peer:6.2f} "
              f"{ours_cpu / peer_cpu:9.2f}")


if __name__ == "__main__":
    main()
