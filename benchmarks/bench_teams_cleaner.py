"""Benchmark: teams_cleaner against a straightforward per-turn cleaner, over the whole shared corpus.

    /work/venv/bin/python benchmarks/bench_teams_cleaner.py [--corpus DIR] [--repeat N]

Loads every meeting of the corpus's txt/ folder with qualia_core.formats.load_path (loading is not
timed), then times, in this process, (1) TeamsCleaner.process on every document with the default
parameters, (2) the same through QualiaCore.execute_plugin with a cold cache (what a user waits for:
validation, caching and the result's serialisation included; target >= 20 MB/s) and (3) the peer: a
cleaner in the style of the earlier Qualia and most hand-written ones, a loop over turns applying a
list of re.sub / re.match calls one by one. The plugin and the peer do the same jobs (system lines,
markers, whitespace, speaker names, empty and short turns, merging, word counts). Prints MB of speech
per second for each (best of N runs, warm, gc enabled) and the ratio. Prints counts only: never any
transcript text.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plugins.teams_cleaner import TeamsCleaner  # noqa: E402
from qualia_core import QualiaCore  # noqa: E402
from qualia_core.formats import load_path  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "qmsum" / "txt"

# --- the peer: one re call per rule per turn ------------------------------------------------------

PEER_SYSTEM = [
    r"^recording (has )?(started|stopped)\.?$", r"^transcription (started|stopped)\.?$",
    r"^.{1,80} (has )?(joined|left) the (meeting|call)\.?$",
    r"^.{1,80} (is presenting|stopped presenting)\.?$",
    r"^.{1,80} (started|stopped) (recording|transcription)\.?$", r"^(a )?gravação (começou|iniciada|parou)\.?$",
    r"^transcrição (iniciada|interrompida)\.?$", r"^.{1,80} (entrou na|saiu da) reunião\.?$",
    r"^.{1,80} (está apresentando|parou de apresentar)\.?$", r"^.{1,80} (iniciou|parou) a (gravação|transcrição)\.?$",
]
PEER_MARKERS = [
    r"\{vocalsound\}", r"\{disfmarker\}", r"\{gap\}", r"\{pause\}", r"\{nonvocalsound\}", r"\{comment\}",
    r"\[inaudible\.?\]", r"\[crosstalk\]", r"\[laughter\.?\]", r"\[interruption\.?\]", r"\(laughs\)",
    r"\(risos\)", r"\[música\]", r"\[inaudível\]", r"\[music\]", r"\(applause\)",
]
PEER_SUFFIXES = [r"\s*\(guest\)$", r"\s*\(convidad[oa]\)$", r"\s*\(external\)$", r"\s*\(extern[oa]\)$"]


def peer_clean(document, min_words: int = 1) -> dict:
    names: dict[str, str] = {}
    turns: list[dict] = []
    stats = {"system": 0, "markers": 0, "dropped": 0, "merged": 0}
    for u in document.utterances:
        speaker = u.speaker
        if speaker is not None:
            speaker = re.sub(r"\s+", " ", speaker).strip().strip("\"'“”:;,-*")
            for pattern in PEER_SUFFIXES:
                speaker = re.sub(pattern, "", speaker, flags=re.IGNORECASE)
            speaker = names.setdefault(speaker.lower(), speaker)
            if speaker.lower() in ("system", "sistema"):
                stats["system"] += 1
                continue
        text = u.text.strip()
        if any(re.match(pattern, text, flags=re.IGNORECASE) for pattern in PEER_SYSTEM):
            stats["system"] += 1
            continue
        for pattern in PEER_MARKERS:
            text, n = re.subn(pattern, "", text, flags=re.IGNORECASE)
            stats["markers"] += n
        text = re.sub(r"\s+", " ", text).strip()
        if not re.search(r"[^\W_]", text) or len([w for w in text.split() if re.search(r"[^\W_]", w)]) < min_words:
            stats["dropped"] += 1
            continue
        if turns and speaker is not None and turns[-1]["speaker"] == speaker:
            turns[-1]["text"] += " " + text
            turns[-1]["end"] = u.end if u.end is not None else turns[-1]["end"]
            stats["merged"] += 1
            continue
        turns.append({"speaker": speaker, "text": text, "start": u.start, "end": u.end})
    words = {}
    for t in turns:
        if t["speaker"] is not None:
            words[t["speaker"]] = words.get(t["speaker"], 0) + len(t["text"].split())
    return {"cleaned_utterances": turns, "words": words, "stats": stats}


# --- timing -------------------------------------------------------------------------------------

def best_time(run, repeat: int) -> tuple[float, list]:
    best, out = float("inf"), []
    for _ in range(repeat):
        started = time.perf_counter()
        out = run()
        best = min(best, time.perf_counter() - started)
    return best, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of .txt meetings")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each cleaner; the best is kept")
    args = parser.parse_args(argv)

    paths = sorted(args.corpus.glob("*.txt"))
    if not paths:
        print(f"no .txt meetings in {args.corpus}", file=sys.stderr)
        return 1
    documents = [load_path(p) for p in paths]
    megabytes = sum(len(d.speech.encode("utf-8")) for d in documents) / 1e6
    turns = sum(len(d.utterances) for d in documents)
    print(f"corpus: {len(documents)} meetings, {turns} turns, {megabytes:.2f} MB of speech")

    plugin = TeamsCleaner()
    plugin.process(documents[0])  # warm-up: the cleaning code is imported on the first run
    ours, results = best_time(lambda: [plugin.process(d) for d in documents], args.repeat)

    def through_engine() -> list:
        core = QualiaCore(data_dir=tempfile.mkdtemp(prefix="qualia-bench-"), entry_points=False)
        core.discover_plugins()
        started = time.perf_counter()
        out = [core.execute_plugin("teams_cleaner", d) for d in documents]  # a new data dir: a cold cache
        return time.perf_counter() - started, out

    engine = min(through_engine()[0] for _ in range(max(1, args.repeat // 2)))
    peer, peer_results = best_time(lambda: [peer_clean(d) for d in documents], max(1, args.repeat // 2))

    out_ours = sum(r["cleaning_stats"]["output_turns"] for r in results)
    out_peer = sum(len(r["cleaned_utterances"]) for r in peer_results)
    print(f"teams_cleaner : {ours * 1000:8.0f} ms  {megabytes / ours:6.1f} MB/s  ({out_ours} turns out)")
    print(f"  via engine  : {engine * 1000:8.0f} ms  {megabytes / engine:6.1f} MB/s  (execute_plugin, cold cache; "
          f"target >= 20 MB/s)")
    print(f"per-turn peer : {peer * 1000:8.0f} ms  {megabytes / peer:6.1f} MB/s  ({out_peer} turns out)")
    print(f"ratio         : teams_cleaner is {peer / ours:.1f}x the peer's speed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
