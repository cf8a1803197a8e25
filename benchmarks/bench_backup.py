"""Backup speed against the standard tools, on the same files, in the same run.

    .venv/bin/python benchmarks/bench_backup.py [CORPUS_DIR] [--copies N] [--repeat N] [--small-only]

Small data dir first (no corpus needed): four test transcripts added through the library (about
45 KB), archived with the repository's plugins/ by `python -m ops.backup create` in a fresh process
each time (interpreter start, imports, manifest, archive, fsync), against `tar czf` of the same data
dir and plugins dir, also a fresh process. Best and median of --repeat runs after a warm-up. Target
from issue 10: create ≤ 0.5 s wall, and it runs no plugin code.

Then, with the corpus, builds a data dir of about 100 MB in a temporary folder: the corpus's .txt transcripts copied
N times into library folders (original.txt + entry.json) plus JSON cache files (per-document word
counts, as word_frequency caches them). Then times `ops.backup.create` against `tar czf` (GNU tar
with gzip's default level 6) on that folder, and `ops.backup.verify` against `sha256sum` over the
same files; best of N runs after a warm-up. Targets from the issue: create within 1.5x of
tar czf, verify within 1.5x of sha256sum. Prints figures only, never transcript text.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ops.backup import create, verify  # noqa: E402

TARGET = 1.5
SMALL_TARGET_SECONDS = 0.5
FIXTURES = ROOT / "tests" / "fixtures"
SMALL_TRANSCRIPTS = ["ami_ES2012a_opening.txt", "formats/ES2012a_excerpt.vtt", "formats/parliament_excerpt.txt",
                     "formats/interview_edge_cases.txt"]


def build_data_dir(corpus: Path, data: Path, copies: int) -> tuple[int, int]:
    """Library folders and cache files like the app's; returns (files, bytes)."""
    sources = sorted((corpus / "txt").glob("*.txt"))
    for copy in range(copies):
        for src in sources:
            raw = src.read_bytes()
            digest = hashlib.sha256(raw + bytes([copy])).hexdigest()
            doc = data / "library" / f"{src.stem.lower()}-{digest[:8]}"
            doc.mkdir(parents=True)
            (doc / "original.txt").write_bytes(raw + f"\n# copy {copy}\n".encode())
            (doc / "entry.json").write_text(json.dumps({"id": doc.name, "name": src.stem, "source": src.name,
                                                        "size_bytes": len(raw), "sha256": digest}))
            words = Counter(raw.decode("utf-8", "replace").lower().split())
            cache = data / "cache" / "word_frequency"
            cache.mkdir(parents=True, exist_ok=True)
            top = [{"word": w, "count": c} for w, c in words.most_common(600)]
            (cache / f"{digest}.json").write_text(json.dumps({"top_words": top, "total_words": sum(words.values()),
                                                              "unique_words": len(words)}))
    (data / "ops").mkdir(parents=True, exist_ok=True)
    (data / "ops" / "circuit_breakers.json").write_text("{}")
    files = [p for p in data.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def best(fn, repeat: int) -> float:
    fn()  # warm-up: imports, page cache
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def timed_runs(command: list[str], repeat: int, before=None) -> list[float]:
    """Wall seconds of `command` in a fresh process, `repeat` times after one warm-up."""
    times = []
    for i in range(repeat + 1):
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
        if i:
            times.append(time.perf_counter() - start)
    return times


def small_case(repeat: int) -> bool:
    """`python -m ops.backup create` on a ~45 KB data dir against `tar czf` of the same folders."""
    from qualia_core import QualiaCore

    plugins = ROOT / "plugins"
    with tempfile.TemporaryDirectory(prefix="qualia-bench-backup-small-") as tmp:
        tmp = Path(tmp)
        data, backups = tmp / "data", tmp / "backups"
        library = QualiaCore(data_dir=data, plugins_dir=tmp / "no-plugins", entry_points=False, guard=False).library
        for name in SMALL_TRANSCRIPTS:
            library.add(Path(name).name, (FIXTURES / name).read_bytes())
        data_bytes = sum(p.stat().st_size for p in data.rglob("*") if p.is_file())
        plugin_files = [p for p in plugins.rglob("*") if p.is_file() and "__pycache__" not in p.parts]

        def empty_backups():
            shutil.rmtree(backups, ignore_errors=True)

        ours = timed_runs([sys.executable, "-m", "ops.backup", "create", "--data-dir", str(data), "--backup-dir",
                           str(backups), "--plugins-dir", str(plugins), "--env-file", str(tmp / "none.env")],
                          repeat, empty_backups)
        archive = next(backups.glob("qualia_backup_*.tar.gz"))
        peer_out = tmp / "peer.tar.gz"
        peer = timed_runs(["tar", "czf", str(peer_out), "--exclude=__pycache__", "-C", str(data.parent), "data",
                           "-C", str(plugins.parent), plugins.name], repeat)
        sizes = archive.stat().st_size, peer_out.stat().st_size
    print(f"small data dir: {data_bytes / 1e3:.0f} KB of data + {len(plugin_files)} plugin files, "
          f"fresh process each, {repeat} runs")
    print(f"create   python -m ops.backup create  best {min(ours):5.3f} s  median {statistics.median(ours):5.3f} s "
          f"({sizes[0] / 1e3:.0f} KB)")
    print(f"         tar czf                      best {min(peer):5.3f} s  median {statistics.median(peer):5.3f} s "
          f"({sizes[1] / 1e3:.0f} KB)")
    ok = statistics.median(ours) <= SMALL_TARGET_SECONDS
    print(f"         ratio best {min(ours) / min(peer):5.1f}x  median {statistics.median(ours) / statistics.median(peer):5.1f}x"
          f"   (target: create ≤ {SMALL_TARGET_SECONDS} s — {'met' if ok else 'MISSED'})")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=str(ROOT.parent / "shared" / "corpus" / "qmsum"))
    parser.add_argument("--copies", type=int, default=7, help="copies of the corpus (7 ≈ 100 MB)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--small-only", action="store_true", help="only the small data dir (no corpus needed)")
    args = parser.parse_args()
    if not shutil.which("tar") or not shutil.which("sha256sum"):
        print("needs tar and sha256sum on PATH", file=sys.stderr)
        return 2
    small_ok = small_case(max(args.repeat, 5))
    if args.small_only:
        return 0
    print()
    corpus = Path(args.corpus)
    if not (corpus / "txt").is_dir():
        print(f"no corpus at {corpus}: the ~100 MB case is skipped", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="qualia-bench-backup-") as tmp:
        tmp = Path(tmp)
        data, backups, plugins = tmp / "data", tmp / "backups", tmp / "no-plugins"
        plugins.mkdir()
        n_files, n_bytes = build_data_dir(corpus, data, args.copies)
        print(f"data dir: {n_files} files, {n_bytes / 1e6:.1f} MB")
        tar_out = tmp / "peer.tar.gz"

        def ours_create():
            for old in backups.glob("*"):
                old.unlink()
            return create(data, backups, plugins_dir=plugins, env_file=tmp / "none.env")

        def tar_create():
            subprocess.run(["tar", "czf", str(tar_out), "-C", str(tmp), "data"], check=True)

        t_create = best(ours_create, args.repeat)
        t_tar = best(tar_create, args.repeat)
        archive = next(backups.glob("qualia_backup_*.tar.gz"))
        print(f"create   ours {t_create:6.2f} s ({archive.stat().st_size / 1e6:5.1f} MB)   "
              f"tar czf {t_tar:6.2f} s ({tar_out.stat().st_size / 1e6:5.1f} MB)   "
              f"ratio {t_create / t_tar:4.2f}x (target ≤ {TARGET}x)")

        files = sorted(str(p) for p in data.rglob("*") if p.is_file())

        def ours_verify():
            report = verify(archive)
            assert report.ok, report.problems

        def sha_peer():
            subprocess.run(["sha256sum", *files], check=True, stdout=subprocess.DEVNULL)

        t_verify = best(ours_verify, args.repeat)
        t_sha = best(sha_peer, args.repeat)
        print(f"verify   ours {t_verify:6.2f} s   sha256sum {t_sha:6.2f} s   "
              f"ratio {t_verify / t_sha:4.2f}x (target ≤ {TARGET}x)")
        ok = small_ok and t_create / t_tar <= TARGET and t_verify / t_sha <= TARGET
        print("targets met" if ok else "TARGET MISSED")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
