"""What encryption costs a backup: create + verify of a study-sized data dir without and with QUALIA_BACKUP_KEY.

    .venv/bin/python benchmarks/bench_backup_crypto.py [CORPUS_DIR] [--repeat N] [--limit N] [--extra-mb N]

Builds a library in a temporary data dir from the corpus's .txt transcripts (the 197 QMSum meetings: the study
database and the originals in files/), optionally adds --extra-mb of incompressible bytes to outputs/ (a larger
data dir), then runs `python -m ops.backup create` and `verify` in fresh processes, best of --repeat, and
reports wall time, each process's peak RSS (VmHWM read by the child as it exits: getrusage would count the
benchmark's own memory, inherited through fork) and the archive's size, without a key and with one, and the
ratios. Prints figures only, never transcript text.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

KEY = "benchmark passphrase, long enough"


PEAK = r"""
import atexit, runpy, sys
def peak():
    status = open("/proc/self/status").read()
    print("VmHWM", status.split("VmHWM:")[1].split()[0], file=sys.stderr)
atexit.register(peak)
sys.argv = ["ops.backup", *sys.argv[1:]]
runpy.run_module("ops.backup", run_name="__main__", alter_sys=True)
"""


def child(args: list[str], environ: dict[str, str]) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of `python -m ops.backup ARGS` in a fresh process."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, *args], cwd=ROOT, env=environ, stdout=subprocess.DEVNULL,
                          stdin=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"ops.backup {' '.join(args)} failed: {done.stderr[-500:]}")
    kib = [line.split()[1] for line in done.stderr.splitlines() if line.startswith("VmHWM ")]
    return elapsed, int(kib[-1]) / 1024


def measure(data: Path, backups: Path, plugins: Path, key: str | None, repeat: int) -> dict[str, float]:
    environ = {k: v for k, v in os.environ.items() if k != "QUALIA_BACKUP_KEY"}
    if key:
        environ["QUALIA_BACKUP_KEY"] = key
    common = ["--data-dir", str(data), "--backup-dir", str(backups), "--plugins-dir", str(plugins)]
    best: dict[str, float] = {}
    for _ in range(repeat + 1):  # the first run warms the page cache
        shutil.rmtree(backups, ignore_errors=True)
        t_create, m_create = child(["create", *common], environ)
        [archive] = [p for p in backups.iterdir() if p.name.startswith("qualia_backup_")]
        t_verify, m_verify = child(["verify", str(archive), *common], environ)
        run = {"create_s": t_create, "verify_s": t_verify, "total_s": t_create + t_verify,
               "create_mb": m_create, "verify_mb": m_verify, "size_mb": archive.stat().st_size / 1e6}
        if not best or run["total_s"] < best["total_s"]:
            best = run
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "qmsum"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N meetings (0: all)")
    parser.add_argument("--extra-mb", type=int, default=0, help="incompressible MB added to outputs/")
    args = parser.parse_args()
    sources = sorted((Path(args.corpus) / "txt").glob("*.txt"))[: args.limit or None]
    if not sources:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    from qualia_core import QualiaCore

    with tempfile.TemporaryDirectory(prefix="qualia-bench-backup-crypto-") as tmp:
        tmp = Path(tmp)
        data, backups, plugins = tmp / "data", tmp / "backups", tmp / "no-plugins"
        library = QualiaCore(data_dir=data, plugins_dir=plugins, entry_points=False, guard=False).library
        for src in sources:
            library.add(src.name, src.read_bytes())
        if args.extra_mb:
            (data / "outputs").mkdir(exist_ok=True)
            with open(data / "outputs" / "recording.bin", "wb") as out:
                for _ in range(args.extra_mb):
                    out.write(os.urandom(2**20))
        size = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
        print(f"data dir: {len(sources)} meetings, {size / 1e6:.1f} MB; best of {args.repeat} "
              f"(python -m ops.backup in fresh processes)")
        plain = measure(data, backups, plugins, None, args.repeat)
        sealed = measure(data, backups, plugins, KEY, args.repeat)
        for label, row in (("without key", plain), ("with key   ", sealed)):
            print(f"{label}  create {row['create_s']:6.3f} s  verify {row['verify_s']:6.3f} s  "
                  f"create+verify {row['total_s']:6.3f} s   peak RSS create {row['create_mb']:6.1f} MB  "
                  f"verify {row['verify_mb']:6.1f} MB   archive {row['size_mb']:6.2f} MB")
        print(f"ratio (with/without)  create+verify {sealed['total_s'] / plain['total_s']:4.2f}x   "
              f"peak RSS create {sealed['create_mb'] / plain['create_mb']:4.2f}x  "
              f"verify {sealed['verify_mb'] / plain['verify_mb']:4.2f}x   "
              f"archive size {sealed['size_mb'] / plain['size_mb']:5.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
