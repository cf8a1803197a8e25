"""Benchmark: the REST API's coding routes over the shared meetings with generated passages by two coders.

    .venv/bin/python benchmarks/bench_api_coding.py [--corpus ../shared/corpus/qmsum] [--passages 10000] [--repeat 7]

The study is built in-process (bench_coding's seeded passages by "ana" and "bruno"), then served by a real
`python -m api` on loopback (one worker, sign-in on, a token). Each route's median over --repeat requests is
printed next to its peer measured in the same run: the core call the route makes, in-process on the same
database (so the ratio is what HTTP, auth, the rate-limit count and JSON add). GET /documents is shown as a plain
route for scale. Prints timings and counts only, never text.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_coding import CODES, generated  # noqa: E402

from qualia_core import QualiaCore  # noqa: E402


def median(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def ok(response):
    assert response.status_code < 300, (response.status_code, response.text[:300])
    return response


def build(data: Path, files: list[Path], passages: int) -> tuple[QualiaCore, int]:
    core = QualiaCore(data_dir=data, entry_points=False)
    for f in files:
        core.library.add(f.name, f.read_bytes())
    codes = core.codes
    for parent, children in CODES.items():
        codes.add_code(parent)
        for child in children:
            codes.add_code(child, parent=parent)
    turns = []
    for entry in core.library.list():
        turns += [(entry.id, tt["turn"], len(tt["text"])) for tt in codes.turn_texts(entry.id) if tt["text"]]
    return core, codes.code_many(generated(codes.codebook(), turns, passages))


def run() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "qmsum")
    parser.add_argument("--passages", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    files = sorted((args.corpus / "txt").glob("*.txt"))
    if not files:
        print(f"The shared corpus is not at {args.corpus} (CI has it); nothing to measure.")
        return 1 if os.environ.get("CI") else 0
    from tests.api_server import serving

    tmp = Path(tempfile.mkdtemp(prefix="qualia-bench-api-coding-"))
    try:
        t = time.perf_counter()
        core, made = build(tmp / "data", files, args.passages)
        print(f"study: {len(files)} meetings, {made:,} passages by two coders, built in "
              f"{time.perf_counter() - t:.1f} s")
        codes = core.codes
        target = "Product › Design"
        doc = core.library.list()[0].id
        with serving(tmp) as api, api.client("researcher") as client:
            rows = [
                ("GET /passages?code=…&limit=100", lambda: ok(client.get(
                    "/passages", params={"code": target, "limit": 100})),
                 "codes.passages(code=…)", lambda: codes.passages(code=target)),
                ("GET /matrix?by=document", lambda: ok(client.get("/matrix", params={"by": "document"})),
                 "codes.matrix('document')", lambda: codes.matrix("document")),
                ("GET /agreement (ana, bruno)", lambda: ok(client.get(
                    "/agreement", params={"coder_a": "ana", "coder_b": "bruno"})),
                 "codes.agreement(…)", lambda: codes.agreement("ana", "bruno")),
                ("GET /codes", lambda: ok(client.get("/codes")), "codes.codebook()", codes.codebook),
                ("POST /passages (a turn coded before)", lambda: ok(client.post(
                    "/passages", json={"document_id": doc, "turn": 1, "codes": ["Humour"]})),
                 "codes.code(…)", lambda: codes.code(doc, 1, codes=["Humour"], coder="ana")),
                ("GET /export.qdpx (one meeting)", lambda: ok(client.get("/export.qdpx", params={"documents": doc})),
                 "core.export_qdpx(one meeting)", lambda: core.export_qdpx(tmp / "one.qdpx", [doc])),
            ]
            plain = median(lambda: ok(client.get("/documents")), args.repeat)
            print(f"{'route':34} {'median':>10}   {'peer (in-process core)':30} {'median':>10}  ratio")
            for name, route, peer_name, peer in rows:
                ours, theirs = median(route, args.repeat), median(peer, args.repeat)
                print(f"{name:34} {ours * 1000:8.1f} ms   {peer_name:30} {theirs * 1000:8.1f} ms  "
                      f"{ours / theirs:5.2f}x")
            print(f"{'GET /documents (a plain route)':34} {plain * 1000:8.1f} ms")
            t = time.perf_counter()
            whole = ok(client.get("/export.qdpx"))
            ours = time.perf_counter() - t
            t = time.perf_counter()
            core.export_qdpx(tmp / "all.qdpx")
            theirs = time.perf_counter() - t
            print(f"GET /export.qdpx (whole study, {len(whole.content) / 1e6:.1f} MB) {ours:.2f} s; "
                  f"core.export_qdpx {theirs:.2f} s; ratio {ours / theirs:.2f}x")
        core.library.store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(run())
