"""Backups of a study database at study scale: the 197 shared meetings in the library, backed up while the app writes.

    .venv/bin/python benchmarks/bench_backup_database.py [CORPUS_DIR] [--repeat N] [--limit N]

Builds a library in a temporary data dir by adding the corpus's .txt transcripts through `core.library.add` (the
study database `qualia.db` in WAL mode, the originals in files/), then measures, best of --repeat after a warm-up:

- the snapshot alone (`ops.backup.database.snapshot`, SQLite's online backup API) against the sqlite3 shell's
  `.backup` of the same file (a fresh process, as an operator would run it);
- `python -m ops.backup create` in a fresh process against `tar czf` of the data dir (which copies the live
  file and its WAL as they are: not a consistent backup, the floor for the bytes);
- `verify` (every sha256, and PRAGMA integrity_check on the archived database) against `sqlite3 'PRAGMA
  integrity_check'` plus `sha256sum` over the same files;
- a restore's plan and the restore itself;
- the app's write latency (a rename, one commit) in another process without and with backups taken in a loop:
  WAL readers never block the writer, so the two should match.

Prints figures only, never transcript text.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ops.backup import create, restore, verify  # noqa: E402
from ops.backup import database as db  # noqa: E402

RENAMER = r"""
import json, sys, time
from qualia_core import QualiaCore

library = QualiaCore(data_dir=sys.argv[1], entry_points=False, guard=False).library
ids = [e.id for e in library.list()]
print("ready", flush=True)
sys.stdin.readline()
until = time.monotonic() + float(sys.argv[2])
latencies, i = [], 0
while time.monotonic() < until:
    started = time.perf_counter()
    library.rename(ids[i % len(ids)], f"meeting {i}")
    latencies.append(time.perf_counter() - started)
    i += 1
print(json.dumps(latencies), flush=True)
"""


def best(fn, repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def run(command: list[str]) -> None:
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


def write_latencies(data: Path, seconds: float, during=None) -> list[float]:
    """Commit latencies of renames in another process for `seconds`, while `during()` runs in a loop here."""
    proc = subprocess.Popen([sys.executable, "-c", RENAMER, str(data), str(seconds)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "ready"
    proc.stdin.write("go\n")
    proc.stdin.flush()
    backups = 0
    if during:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            during()
            backups += 1
    out, _ = proc.communicate(timeout=seconds + 60)
    latencies = json.loads(out.strip().splitlines()[-1])
    if during:
        print(f"           ({backups} backups taken meanwhile)")
    return latencies


def describe(label: str, latencies: list[float]) -> None:
    ms = sorted(x * 1000 for x in latencies)
    print(f"  {label:28s} {len(ms):5d} commits   median {statistics.median(ms):6.2f} ms   "
          f"p99 {ms[int(len(ms) * 0.99) - 1]:7.2f} ms   max {ms[-1]:7.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "qmsum"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--limit", type=int, default=0, help="only the first N meetings (0: all)")
    parser.add_argument("--write-seconds", type=float, default=5.0)
    args = parser.parse_args()
    sources = sorted((Path(args.corpus) / "txt").glob("*.txt"))[: args.limit or None]
    if not sources:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    from qualia_core import QualiaCore

    with tempfile.TemporaryDirectory(prefix="qualia-bench-backup-db-") as tmp:
        tmp = Path(tmp)
        data, backups, plugins, env = tmp / "data", tmp / "backups", tmp / "no-plugins", tmp / "none.env"
        started = time.perf_counter()
        library = QualiaCore(data_dir=data, plugins_dir=plugins, entry_points=False, guard=False).library
        for src in sources:
            library.add(src.name, src.read_bytes())
        words = sum(e.words for e in library.list())
        live = data / "qualia.db"
        print(f"study: {len(sources)} meetings, {words:,} words, added in {time.perf_counter() - started:.1f} s; "
              f"qualia.db {live.stat().st_size / 1e6:.1f} MB, files/ "
              f"{sum(p.stat().st_size for p in (data / 'files').iterdir()) / 1e6:.1f} MB")

        snap = tmp / "snap.db"

        def ours_snapshot():
            snap.unlink(missing_ok=True)
            db.snapshot(live, snap)

        def shell_backup():
            snap.unlink(missing_ok=True)
            run(["sqlite3", str(live), f".backup '{snap}'"])

        t_snap, t_shell = best(ours_snapshot, args.repeat), best(shell_backup, args.repeat)
        print(f"snapshot   ops.backup.database.snapshot {t_snap:6.3f} s   sqlite3 .backup (fresh process) "
              f"{t_shell:6.3f} s   ratio {t_snap / t_shell:4.2f}x")

        def ours_create():
            shutil.rmtree(backups, ignore_errors=True)
            run([sys.executable, "-m", "ops.backup", "create", "--data-dir", str(data), "--backup-dir", str(backups),
                 "--plugins-dir", str(plugins), "--env-file", str(env)])

        peer_out = tmp / "peer.tar.gz"

        def tar_create():
            run(["tar", "czf", str(peer_out), "-C", str(tmp), "data"])

        t_create, t_tar = best(ours_create, args.repeat), best(tar_create, args.repeat)
        archive = next(backups.glob("qualia_backup_*.tar.gz"))
        print(f"create     python -m ops.backup create {t_create:6.2f} s ({archive.stat().st_size / 1e6:5.1f} MB)   "
              f"tar czf {t_tar:6.2f} s ({peer_out.stat().st_size / 1e6:5.1f} MB)   ratio {t_create / t_tar:4.2f}x")

        files = sorted(str(p) for p in data.rglob("*") if p.is_file() and not db.left_out(p.name))

        def ours_verify():
            report = verify(archive)
            assert report.ok, report.problems

        def peer_verify():
            run(["sqlite3", str(snap), "PRAGMA integrity_check"])
            run(["sha256sum", *files])

        t_verify, t_peer = best(ours_verify, args.repeat), best(peer_verify, args.repeat)
        print(f"verify     ours {t_verify:6.2f} s   sqlite3 integrity_check + sha256sum {t_peer:6.2f} s   "
              f"ratio {t_verify / t_peer:4.2f}x")

        t_plan = best(lambda: restore(archive, data, backups, plugins_dir=plugins), args.repeat)
        started = time.perf_counter()
        done = restore(archive, data, backups, plugins_dir=plugins, confirm=True)
        t_restore = time.perf_counter() - started
        print(f"restore    plan {t_plan:6.2f} s   restore (safety backup, extract, swap) {t_restore:6.2f} s   "
              f"documents changed: {sum(map(len, done.documents.values()))}")
        assert len(library.list()) == len(sources)

        print(f"writes     renames in another process, {args.write_seconds:.0f} s each:")
        quiet = write_latencies(data, args.write_seconds)
        describe("no backup", quiet)

        def one_backup():
            shutil.rmtree(backups, ignore_errors=True)
            create(data, backups, plugins, env)

        busy = write_latencies(data, args.write_seconds, during=one_backup)
        describe("backups in a loop", busy)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
