"""`qualia analyze` (one transcript) and `qualia corpus` (every transcript of a folder): thin layers over
QualiaCore.execute_plugin and run_corpus. Parameters are passed as typed (`-P key=value`) and validated by the
core, whose message names each bad parameter.

    qualia analyze meeting.vtt -p word_frequency -P max_words=10 --format table
    qualia analyze --document es2012a-1a2b3c4d -p frequency_chart -P word_frequency.min_length=4
    qualia corpus transcripts/ -p speaker_stats -p word_frequency --workers 4 --format csv --out corpus.csv
"""

from __future__ import annotations

import contextlib
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, List, Optional

import typer

from .common import FAILED, err, handled, say, signed_in_core
from .output import Format, emit, emit_chunks, pick_table, print_result, table_names

PLUGIN_HELP = "a plugin id (`qualia list` shows them)"
PARAM_HELP = ("a parameter, as key=value (checked by the core); PLUGIN.key=value for a plugin this one requires, "
              "or when several plugins run")


class CorpusFormat(str, Enum):
    json = "json"
    csv = "csv"


def parse_params(pairs: list[str], plugin_ids: list[str], involved: dict[str, list[str]]) -> dict[str, dict[str, str]]:
    """`-P` values as {plugin id: {parameter: text}}. `involved` maps each requested plugin to the plugins it runs
    (itself included); a key without a plugin goes to the only plugin requested."""
    configs: dict[str, dict[str, str]] = {}
    runs = list(dict.fromkeys(p for pid in plugin_ids for p in involved[pid]))
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise typer.BadParameter(f"'{pair}' is not key=value (e.g. -P max_words=10).", param_hint="'-P'")
        target, dot, name = key.rpartition(".")
        if not dot:
            if len(plugin_ids) != 1:
                raise typer.BadParameter(f"'{key}': say which plugin it is for, as -P PLUGIN.{key}={value} "
                                         f"(plugins: {', '.join(plugin_ids)}).", param_hint="'-P'")
            target, name = plugin_ids[0], key
        if target not in runs:
            raise typer.BadParameter(f"'{key}': plugin '{target}' does not run here (these do: {', '.join(runs)}).",
                                     param_hint="'-P'")
        configs.setdefault(target, {})[name] = value
    return configs


@handled("analyze")
def analyze(
    file: Optional[Path] = typer.Argument(None, metavar="FILE", help="a transcript file (.txt .vtt .srt .docx)",
                                          show_default=False),
    plugin: str = typer.Option(..., "-p", "--plugin", help=PLUGIN_HELP),
    param: List[str] = typer.Option([], "-P", "--param", help=PARAM_HELP, show_default=False),
    document: Optional[str] = typer.Option(None, "-d", "--document", help="a library document's id instead of a "
                                           "file (`qualia list --documents`)"),
    fmt: Format = typer.Option(Format.json, "-f", "--format", help="json: the whole result with what ran; table: "
                               "labelled tables; csv: one table with what ran in # lines"),
    table: Optional[str] = typer.Option(None, "--table", help="which table --format csv writes (default the first)"),
    rows: int = typer.Option(20, "--rows", min=0, help="rows per table for --format table (0: all)"),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="write to this file instead of standard output"),
) -> None:
    """Run a plugin (and the plugins it requires) on one transcript."""
    from qualia_core.exports import csv_with_header, json_with_header, provenance
    from qualia_core.labels import parameters_shown

    if (file is None) == (document is None):
        raise typer.BadParameter("give a transcript FILE or --document ID (one of them).", param_hint="FILE")
    if fmt is Format.table and out is not None:
        raise typer.BadParameter("--format table prints to the terminal; use json or csv with --out.",
                                 param_hint="'--out'")
    core = signed_in_core("analyze", "Running an analysis")
    configs = parse_params(param, [plugin], {plugin: core.requirements(plugin)})
    if document is not None:
        doc, name = core.library.get(document), core.library.entry(document).name
    else:
        doc, name = core.load_document(file), file.name
    own = configs.pop(plugin, None)
    result = core.execute_plugin(plugin, doc, own, dependency_configs=configs)
    meta = core.plugin_metadata()[plugin]
    header = provenance(meta.name, name, parameters_shown(meta.parameters, core.validate(plugin, own)))
    if fmt is Format.json:
        emit(json_with_header(result, header), out)
    elif fmt is Format.csv:
        chosen, frame = pick_table(result, table)
        others = [t for t in table_names(result) if t != chosen]
        if others and table is None:
            say("analyze", f"wrote the table '{chosen}'; --table also accepts: {', '.join(others)}")
        emit(csv_with_header(frame, {**header, "parameters": {"Table": chosen, **header["parameters"]}}), out)
    else:
        print_result(result, meta.labels, header, rows)


def _executor(stack: contextlib.ExitStack, workers: int | None, dask: str | None):
    """The executor for this run (qualia_core.executors, the rule of every door): --dask's cluster, --workers
    processes, or the settings (QUALIA_DASK_SCHEDULER, QUALIA_CORPUS_WORKERS); closed with `stack`."""
    from qualia_core.executors import corpus_executor

    if dask and workers is not None:
        raise typer.BadParameter("give --workers or --dask, not both.", param_hint="'--dask'")
    try:
        return stack.enter_context(corpus_executor(workers, dask if dask else ("" if workers is not None else None)))
    except (OSError, TimeoutError) as exc:
        from qualia_core import config

        address = dask or config.get("QUALIA_DASK_SCHEDULER")
        raise typer.BadParameter(f"no Dask scheduler answers at {address} ({exc}).", param_hint="'--dask'") from None


def _json_chunks(ran: dict[str, Any], results) -> Iterator[str]:
    """{"ran": …, "results": {document: {plugin: result}}}, one document read from the cache at a time."""
    import json

    yield '{"ran": ' + json.dumps(ran, ensure_ascii=False) + ',\n "results": {'
    for n, doc_id in enumerate(results):
        entries = json.dumps(dict(results[doc_id]), ensure_ascii=False, default=str)
        yield ("" if n == 0 else ",") + "\n  " + json.dumps(doc_id, ensure_ascii=False) + ": " + entries
    yield "\n }\n}\n"


def _rows(results, plugin_ids: list[str]) -> list[dict[str, Any]]:
    from qualia_core.corpus import is_error
    from qualia_core.tables import result_summary

    rows = []
    for doc_id, entries in results.items():
        for pid in plugin_ids:
            entry = entries[pid]
            if is_error(entry):
                rows.append({"document": doc_id, "plugin": pid, "error": entry["error"]})
            else:
                rows.append({"document": doc_id, "plugin": pid, **result_summary(entry)})
    return rows


@handled("corpus")
def corpus(
    folder: Path = typer.Argument(..., metavar="FOLDER", exists=True, file_okay=False, dir_okay=True,
                                  help="a folder: every .txt .vtt .srt .docx in it and below"),
    plugin: List[str] = typer.Option(..., "-p", "--plugin", help=PLUGIN_HELP + "; repeat for several"),
    param: List[str] = typer.Option([], "-P", "--param", help=PARAM_HELP, show_default=False),
    workers: Optional[int] = typer.Option(None, "-w", "--workers", min=1, max=64,
                                          help="worker processes (default QUALIA_CORPUS_WORKERS; 1: none)"),
    dask: Optional[str] = typer.Option(None, "--dask", help="run on the Dask cluster at this scheduler address "
                                       "(default QUALIA_DASK_SCHEDULER)"),
    fmt: CorpusFormat = typer.Option(CorpusFormat.json, "-f", "--format", help="json: every result with what ran; "
                                     "csv: a row per document and plugin with its plain values"),
    out: Optional[Path] = typer.Option(None, "-o", "--out", help="write to this file instead of standard output"),
) -> int:
    """Run plugins over every transcript of a folder, in parallel, with a progress bar.

    A file that cannot be read or a plugin that fails on one document never stops the others: each is named on
    stderr, the results of the rest are written, and the exit status is 1."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from qualia_core.corpus import collect_sources, failures
    from qualia_core.exports import csv_with_header

    plugin_ids = list(dict.fromkeys(plugin))
    core = signed_in_core("analyze", "Running a corpus")
    involved = {pid: core.requirements(pid) for pid in plugin_ids}
    configs = parse_params(param, plugin_ids, involved)
    total = len(collect_sources(folder))
    if total == 0:
        raise typer.BadParameter(f"{folder} holds no .txt, .vtt, .srt or .docx file.", param_hint="FOLDER")
    with contextlib.ExitStack() as stack, Progress(
            TextColumn("Analysing"), BarColumn(), MofNCompleteColumn(), TextColumn("documents"), TimeElapsedColumn(),
            console=err(), transient=False) as bar:
        task = bar.add_task("corpus", total=total)
        executor = _executor(stack, workers, dask)
        results = core.run_corpus(folder, plugin_ids, configs, executor=executor,
                                  progress=lambda done, _total, _doc: bar.update(task, completed=done))
    ran = {"plugins": plugin_ids, "folder": str(folder), "documents": len(results),
           "parameters": {pid: dict(c) for pid, c in configs.items()}}
    if fmt is CorpusFormat.json:
        emit_chunks(_json_chunks(ran, results), out)  # a document at a time: any corpus in bounded memory
    else:
        import pandas as pd

        header = {"plugin": ", ".join(plugin_ids), "document": f"{folder} ({len(results)} documents)",
                  "parameters": {f"{pid}.{k}": v for pid, c in configs.items() for k, v in c.items()}}
        emit(csv_with_header(pd.DataFrame(_rows(results, plugin_ids)), header), out)
    failed = failures(results)
    for doc_id, pid, _kind, message in failed:
        say("corpus", f"{doc_id} ({pid}): {message}")
    if failed:
        say("corpus", f"{len({f[0] for f in failed})} of {len(results)} documents failed; the others' results "
                      f"were written")
        return FAILED
    return 0


def register(app: typer.Typer) -> None:
    app.command("analyze")(analyze)
    app.command("corpus")(corpus)
