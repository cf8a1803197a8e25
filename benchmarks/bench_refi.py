"""Benchmark: REFI-QDA exchange of the 197 shared meetings with 10,000 generated passages by two coders.

    .venv/bin/python benchmarks/bench_refi.py [--corpus ../shared/corpus/qmsum] [--passages 10000] [--repeat 3]

Times `core.export_qdpx` (targets, issue 12: <= 10 s) next to its peer in the same run, the same meetings' texts
written to a zip with no project.qde; and `core.import_qdpx` into a fresh study (<= 15 s) next to its peer, adding
the same 197 meetings to an empty library one by one (what any import of them must do at least), and in one
batch (library.add_all, which the import uses). Also times
reading and checking the archive alone (`qualia_core.refi.read_qdpx`). Prints timings only, never text.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.coding.exchange_import import plan_import  # noqa: E402
from qualia_core.refi import read_qdpx  # noqa: E402


def fresh(prefix: str) -> QualiaCore:
    return QualiaCore(data_dir=tempfile.mkdtemp(prefix=f"qualia-bench-refi-{prefix}-"), entry_points=False)


def generate(core: QualiaCore, n: int, seed: int = 12) -> int:
    rng = random.Random(seed)
    codes = core.codes
    themes = [codes.add_code(f"Theme {i}") for i in range(5)]
    book = themes + [codes.add_code(f"Sub {i}", parent=themes[i % 5]) for i in range(10)]
    turns = [(e.id, i, len(t["text"])) for e in core.library.list()
             for i, t in enumerate(codes.turn_texts(e.id)) if len(t["text"]) > 3]
    rows = []
    for k in range(n):
        doc, turn, length = rng.choice(turns)
        start = rng.randrange(0, length - 1)
        end = rng.randrange(start + 1, length + 1)
        rows.append(dict(document_id=doc, turn=turn, start=start, end=end, codes=[rng.choice(book).id],
                         coder=("ana", "bea")[k % 2], memo="" if k % 10 else f"memo {k}"))
    for i in range(0, len(rows), 2000):
        codes.code_many(rows[i:i + 2000])
    return len(codes.passages())


def timed(call, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        out = call()
        times.append(time.perf_counter() - started)
    return statistics.median(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = sorted((args.corpus / "txt").glob("*.txt"))
    if not files:
        print(f"The shared corpus is not at {args.corpus} (CI has it); nothing to measure.")
        return 0
    blobs = [(f.name, f.read_bytes()) for f in files]
    core = fresh("source")
    started = time.perf_counter()
    for name, data in blobs:
        core.library.add(name, data)
    add_peer = time.perf_counter() - started
    batch = fresh("batch")
    started = time.perf_counter()
    if hasattr(batch.library, "add_all"):  # the batched path (library_write.add_all), on the same files
        from qualia_core.library_write import Upload

        batch.library.add_all([Upload(name, data) for name, data in blobs])
    add_batch = time.perf_counter() - started
    rows = generate(core, args.passages)
    print(f"{len(blobs)} meetings, {rows:,} (passage, code) rows by 2 coders")

    out = Path(tempfile.mkdtemp(prefix="qualia-bench-refi-out-")) / "study.qdpx"
    export_s, _ = timed(lambda: core.export_qdpx(out), args.repeat)

    def zip_peer() -> int:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for name, data in blobs:
                zf.writestr(name, data)
        return len(buffer.getvalue())

    peer_s, _ = timed(zip_peer, args.repeat)
    read_s, project = timed(lambda: read_qdpx(out), args.repeat)
    selections = sum(len(s.selections) for s in project.sources)
    plan_s, _ = timed(lambda: plan_import(project, out.name, "bench", None), args.repeat)
    imports = []
    for _ in range(args.repeat):
        target = fresh("import")
        started = time.perf_counter()
        summary = target.import_qdpx(out)
        imports.append(time.perf_counter() - started)
    import_s = statistics.median(imports)
    print(f"archive: {out.stat().st_size / 1e6:.1f} MB, {selections:,} selections")
    print(f"export_qdpx          {export_s:6.2f} s   (target <= 10 s)   peer: zip of the texts alone "
          f"{peer_s:5.2f} s, ratio {export_s / peer_s:5.1f}x")
    print(f"read_qdpx (checked)  {read_s:6.2f} s")
    print(f"planning the import  {plan_s:6.2f} s   (parse each source, place every selection; nothing written)")
    print(f"import_qdpx          {import_s:6.2f} s   (target <= 15 s)   peer: adding the meetings to a library "
          f"{add_peer:5.2f} s, ratio {import_s / add_peer:5.1f}x")
    print(f"adding the meetings in one batch (library.add_all) {add_batch:5.2f} s, "
          f"ratio to one by one {add_batch / add_peer:4.2f}x; import_qdpx / batch {import_s / add_batch:4.1f}x")
    print(f"imported: {len(summary.documents_added)} documents, {summary.passages:,} passages, {summary.memos} memos")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
