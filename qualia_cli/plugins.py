"""`qualia list` (the plugins, or the library with --documents) and `qualia create-plugin` (a new plugin's folder).

    qualia list                       # id, type, name and description of every plugin; plugins that failed to load
    qualia list --documents           # the library
    qualia create-plugin turn_counter --type analyzer [--dir plugins]
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer
from rich.table import Table

from .common import handled, out, plain, say, signed_in_core
from .output import emit, to_json


class ListFormat(str, Enum):
    table = "table"
    json = "json"


PluginKind = Enum("PluginKind", {t: t for t in ("analyzer", "visualizer", "document")}, type=str)


@handled("list")
def list_command(
    documents: bool = typer.Option(False, "--documents", help="list the library's documents instead of plugins"),
    fmt: ListFormat = typer.Option(ListFormat.table, "-f", "--format", help="table or json"),
) -> None:
    """The plugins with their type and description (or the library's documents)."""
    core = signed_in_core("read", "Listing the library" if documents else "Listing plugins")
    if documents:
        entries = core.library.list()
        if fmt is ListFormat.json:
            emit(to_json([e.to_dict() for e in entries]), None)
            return
        if not entries:
            print("The library is empty: add transcripts on the Library page, or with `qualia watch FOLDER`.")
            return
        table = Table("id", "name", "format", "speakers", "turns", "words", "added")
        for e in entries:
            table.add_row(plain(e.id), plain(e.name), plain(e.format), plain(len(e.shown_speakers)),
                          plain(e.utterances), plain(e.words), plain(e.added_at[:16].replace("T", " ")))
        out().print(table)
        return
    plugins = core.plugin_metadata()
    if fmt is ListFormat.json:
        emit(to_json({"plugins": [m.to_dict() for m in plugins.values()],
                      "not_loaded": [f.to_dict() for f in core.load_failures]}), None)
        return
    table = Table("id", "type", "name", "description")
    for meta in plugins.values():
        table.add_row(plain(meta.id), plain(meta.type.value), plain(meta.name), plain(meta.description))
    out().print(table)
    for failure in core.load_failures:
        say("list", f"plugin {failure.name} not loaded from {failure.origin}: {failure.reason}")


@handled("create-plugin")
def create_plugin(
    name: str = typer.Argument(..., help="the new plugin's id: lowercase letters, digits and underscores"),
    kind: PluginKind = typer.Option(..., "-t", "--type", help="analyzer, visualizer or document"),
    folder: Optional[Path] = typer.Option(None, "--dir", help="the plugins folder (default QUALIA_PLUGINS_DIR or "
                                          "the repository's plugins/)"),
) -> None:
    """Write a new plugin to start from: a folder that discovery loads, with a test that passes as written."""
    from qualia_core.scaffold import check_name, create_plugin as scaffold

    core = signed_in_core("admin", "Creating a plugin")
    plugins_dir = folder.resolve() if folder is not None else core.plugins_dir
    check_name(name, plugins_dir)  # a bad name is said before plugins are imported
    loaded = set(core.plugin_metadata()) if plugins_dir == core.plugins_dir else set()
    target = scaffold(name, PluginKind(kind).value, plugins_dir, loaded)
    print(f"Created {target}/__init__.py and {target}/tests/test_{name}.py.")
    print(f"Test it: python -m pytest {target}/tests")


def register(app: typer.Typer) -> None:
    app.command("list")(list_command)
    app.command("create-plugin")(create_plugin)
