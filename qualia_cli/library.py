"""`qualia search` (the library search, as the Library page's) and `qualia watch` (add new transcripts of a folder to
the library as they appear).

    qualia search '"remote control" design*' --speaker P01 --limit 20
    qualia search budget --format json
    qualia watch incoming/ --every 5          # Ctrl-C to stop
"""

from __future__ import annotations

import time
from enum import Enum
from pathlib import Path
from typing import List

import typer
from rich.table import Table
from rich.text import Text

from .common import handled, out, plain, say, signed_in_core
from .output import emit, to_json


class SearchFormat(str, Enum):
    table = "table"
    json = "json"


@handled("search")
def search(
    query: str = typer.Argument(..., metavar="QUERY",
                                help='words; "a phrase" in quotes; prefix* for every word starting so'),
    document: List[str] = typer.Option([], "-d", "--document", help="only this document (repeat for several)",
                                       show_default=False),
    speaker: List[str] = typer.Option([], "-s", "--speaker", help="only this speaker (repeat for several)",
                                      show_default=False),
    limit: int = typer.Option(100, "--limit", min=1, max=10_000, help="at most this many turns"),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "-f", "--format", help="table or json"),
) -> None:
    """Every turn of the library holding what QUERY asks for (case- and accent-insensitive)."""
    from qualia_core.labels import clock

    core = signed_in_core("read", "Searching the library")
    found = core.search(query, documents=document or None, speakers=speaker or None, limit=limit)
    if fmt is SearchFormat.json:
        emit(to_json({"query": query, "total": found.total, "hits": [
            {"document_id": h.document_id, "document_name": h.document_name, "speaker": h.speaker, "turn": h.turn,
             "start": h.start, "text": h.text, "matches": h.matches} for h in found.hits]}), None)
        return
    if not found.hits:
        print(f"No turn holds {query}." if found.terms else "Nothing to search for: type a word.")
        return
    table = Table("document", "speaker", "turn", "time", "text")
    for hit in found.hits:
        text = Text(hit.text)
        for start, end in hit.spans:
            text.stylize("bold reverse", start, end)
        table.add_row(plain(hit.document_name), plain(hit.speaker), plain(hit.turn + 1), plain(clock(hit.start)), text)
    out().print(table)
    more = f" (the first {len(found.hits)} shown; --limit for more)" if found.truncated else ""
    print(f"{found.total} turns{more}.")


@handled("watch")
def watch(
    folder: Path = typer.Argument(..., metavar="FOLDER", exists=True, file_okay=False,
                                  help="the folder to watch (and below)"),
    every: float = typer.Option(5.0, "--every", min=0.5, help="seconds between looks at the folder"),
    once: bool = typer.Option(False, "--once", help="add what is there now and stop"),
) -> None:
    """Add every transcript that appears in FOLDER to the library, until Ctrl-C.

    A file is added once its size has stayed the same between two looks; one already in the library is not added
    twice."""
    from qualia_core.watch import FolderWatch

    core = signed_in_core("edit", "Adding documents")
    watcher = FolderWatch(core.library, folder, core.max_document_bytes)
    if not once:
        print(f"Watching {folder} every {every:g} s; Ctrl-C stops.", flush=True)
    try:
        while True:
            report = watcher.poll(settle=not once)
            for name, entry in report.added:
                print(f"Added {name} as {entry.id}", flush=True)
            for name, why in report.refused:
                say("watch", f"{name}: {why}")
            if once:
                return
            time.sleep(every)
    except KeyboardInterrupt:
        print("Stopped.")


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.command("watch")(watch)
