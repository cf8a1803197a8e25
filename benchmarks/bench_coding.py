"""Benchmark: coding on the 197 shared meetings with 10,000 generated passages by two coders (seeded spans).

    .venv/bin/python benchmarks/bench_coding.py [--corpus ../shared/corpus/qmsum] [--passages 10000] [--repeat 7]

Times, each the median of --repeat runs: `passages(code=…)` (target <= 100 ms) next to two peers measured in the
same run (a pandas filter of every passage already in memory, and Taguette-style one query per passage for its
turn and document), `matrix(by="document")` (<= 300 ms), `agreement` (<= 2 s), and, when the REFI-QDA exchange is
present, `export_qdpx` (<= 10 s) and `import_qdpx` into an empty study (<= 15 s). Also the one-transaction
`code_many` of all passages. Prints timings and counts only, never text.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qualia_core import QualiaCore  # noqa: E402

CODES = {"Product": ["Design", "Cost", "Features", "Materials"], "Process": ["Agreement", "Disagreement", "Planning"],
         "People": ["Roles", "Humour"], "Evaluation": ["Positive", "Negative", "Criteria"]}


def median_time(fn, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def generated(codes, turns: list[tuple[str, int, int]], count: int, seed: int = 12) -> list[dict]:
    """`count` passages: coder "ana" codes random spans; "bruno" codes most of the same spans (shifted a little,
    sometimes with another code) and some of his own, as two coders coding the same meetings independently."""
    rng = random.Random(seed)
    leaves = [c.path for c in codes if c.parent_id is not None]
    rows = []
    for _ in range(count // 2):
        doc, turn, size = rng.choice(turns)
        start = rng.randrange(0, max(1, size - 1))
        end = min(size, start + rng.randint(1, 200))
        code = rng.choice(leaves)
        rows.append(dict(document_id=doc, turn=turn, start=start, end=end, codes=[code], coder="ana"))
        if rng.random() < 0.7:
            s = max(0, min(start + rng.randint(-10, 10), size - 1))
            e = max(s + 1, min(size, end + rng.randint(-10, 10)))
            other = code if rng.random() < 0.8 else rng.choice(leaves)
            rows.append(dict(document_id=doc, turn=turn, start=s, end=e, codes=[other], coder="bruno"))
        else:
            doc, turn, size = rng.choice(turns)
            s = rng.randrange(0, max(1, size - 1))
            rows.append(dict(document_id=doc, turn=turn, start=s, end=min(size, s + rng.randint(1, 200)),
                             codes=[rng.choice(leaves)], coder="bruno"))
    return rows


def per_row_peer(core, passage_ids: list[int]) -> int:
    """Taguette-style retrieval: the passage ids of a code, then one query per passage for its turn and
    document (what an ORM's lazy relationships do)."""
    from sqlalchemy import select

    from qualia_core.store import models as t

    found = 0
    with core.library.store.engine.connect() as c:
        for pid in passage_ids:
            p = c.execute(select(t.passages).where(t.passages.c.id == pid)).first()
            turn = c.execute(select(t.turns.c.text, t.turns.c.speaker, t.turns.c.start).where(
                t.turns.c.document_id == p.document_id, t.turns.c.idx == p.turn)).first()
            name = c.execute(select(t.documents.c.name).where(t.documents.c.id == p.document_id)).scalar()
            found += bool(turn and name)
    return found


def main() -> int:
    try:
        return run()
    finally:
        for folder in _TEMP:
            shutil.rmtree(folder, ignore_errors=True)


_TEMP: list[str] = []


def temp(prefix: str) -> str:
    _TEMP.append(tempfile.mkdtemp(prefix=prefix))
    return _TEMP[-1]


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    files = sorted((args.corpus / "txt").glob("*.txt"))
    if not files:
        print(f"The shared corpus is not at {args.corpus} (CI has it); nothing to measure.")
        return 0
    core = QualiaCore(data_dir=temp("qualia-bench-coding-"), entry_points=False)
    t = time.perf_counter()
    for f in files:
        core.library.add(f.name, f.read_bytes())
    print(f"added {len(files)} meetings in {time.perf_counter() - t:.1f} s")
    codes = core.codes
    for parent, children in CODES.items():
        codes.add_code(parent)
        for child in children:
            codes.add_code(child, parent=parent)
    turns = []
    for entry in core.library.list():
        turns += [(entry.id, tt["turn"], len(tt["text"])) for tt in codes.turn_texts(entry.id) if tt["text"]]
    rows = generated(codes.codebook(), turns, args.passages)
    t = time.perf_counter()
    made = codes.code_many(rows)
    print(f"code_many: {made:,} passages by two coders in one transaction, {time.perf_counter() - t:.2f} s")

    target = "Product › Design"
    ours, frame = median_time(lambda: codes.passages(code=target), args.repeat)
    everything = codes.passages()
    pandas_peer, peer_rows = median_time(lambda: everything[everything["code"] == target], args.repeat)
    t = time.perf_counter()
    per_row = per_row_peer(core, frame["passage_id"].tolist())
    per_row_time = time.perf_counter() - t
    assert len(peer_rows) == len(frame) == per_row
    print(f"passages(code=…)        {ours * 1000:8.1f} ms  {len(frame):5d} rows  (target <= 100 ms: "
          f"{'met' if ours <= 0.1 else 'NOT met'})")
    print(f"  peer: pandas filter of all {len(everything):,} rows in memory {pandas_peer * 1000:8.2f} ms "
          f"(ours {ours / pandas_peer:5.0f}x: it reads, joins and maps them from the database)")
    print(f"  peer: one query per passage (Taguette-style ORM) {per_row_time * 1000:8.1f} ms "
          f"(ours is {per_row_time / ours:4.1f}x faster)")
    full, _ = median_time(lambda: codes.passages(), max(1, args.repeat // 2))
    print(f"passages() all rows     {full * 1000:8.1f} ms  {len(everything):,} rows")
    ours, table = median_time(lambda: codes.matrix(by="document"), args.repeat)
    peer, _ = median_time(lambda: everything.pivot_table(index="code", columns="meeting", values="passage_id",
                                                         aggfunc="nunique", fill_value=0), args.repeat)
    print(f"matrix(by='document')   {ours * 1000:8.1f} ms  {table.shape[0]}x{table.shape[1]}  (target <= 300 ms: "
          f"{'met' if ours <= 0.3 else 'NOT met'}; a pandas pivot of the rows in memory {peer * 1000:.1f} ms, "
          f"{ours / peer:.1f}x)")
    t = time.perf_counter()
    codes.agreement("ana", "bruno")
    cold = time.perf_counter() - t
    ours, table = median_time(lambda: codes.agreement("ana", "bruno"), max(1, args.repeat // 2))
    print(f"agreement, first call   {cold * 1000:8.1f} ms  (reads every compared turn's length once)")
    characters = int(table["characters"].iloc[0])
    print(f"agreement(ana, bruno)   {ours * 1000:8.1f} ms  {len(table)} codes over {characters:,} "
          f"characters  (target <= 2 s: {'met' if ours <= 2 else 'NOT met'})")
    if hasattr(core, "export_qdpx"):
        out = Path(temp("qualia-bench-qdpx-")) / "study.qdpx"
        t = time.perf_counter()
        core.export_qdpx(out)
        exported = time.perf_counter() - t
        print(f"export_qdpx             {exported:8.2f} s   {out.stat().st_size / 1e6:.1f} MB  (target <= 10 s: "
              f"{'met' if exported <= 10 else 'NOT met'})")
        other = QualiaCore(data_dir=temp("qualia-bench-import-"), entry_points=False)
        t = time.perf_counter()
        other.import_qdpx(out)
        imported = time.perf_counter() - t
        print(f"import_qdpx             {imported:8.2f} s   (target <= 15 s: {'met' if imported <= 15 else 'NOT met'})")
    else:
        print("export_qdpx/import_qdpx: not on this branch (REFI-QDA exchange, issue 12's i12-refi)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
