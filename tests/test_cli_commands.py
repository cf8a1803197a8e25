"""The `qualia` command in this process (Typer's CliRunner): what researchers and operators read and parse back."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from qualia_core import QualiaCore
from tests.cli_runner import FIXTURES, MEETING, add_accounts, flat, one_line, qualia  # noqa: F401 - a fixture


def test_list_shows_every_plugin_with_type_and_description(qualia):
    listed = qualia("list")
    assert listed.exit_code == 0
    row = next(line for line in listed.stdout.splitlines() if "word_frequency" in line)
    assert "analyzer" in row and "Word" in row
    plugins = json.loads(qualia("list", "--format", "json").stdout)["plugins"]
    by_id = {p["id"]: p for p in plugins}
    assert by_id["frequency_chart"]["type"] == "visualizer" and by_id["teams_cleaner"]["type"] == "document"
    assert by_id["word_frequency"]["parameters"]["max_words"]["type"] == "integer"


def test_analyze_json_says_what_ran_and_holds_the_whole_result(qualia, tmp_path, data_dir):
    done = qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "max_words=5", "-P", "lemmatize=yes")
    assert done.exit_code == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["ran"]["plugin"] == "Word frequency" and payload["ran"]["document"] == MEETING.name
    assert payload["ran"]["parameters"]["Max words"] == "5" and payload["ran"]["parameters"]["Lemmatize"] == "yes"
    core = QualiaCore(data_dir=tmp_path / "peer", entry_points=False)
    expected = core.execute_plugin("word_frequency", core.load_document(MEETING), {"max_words": 5, "lemmatize": True})
    assert payload["result"] == json.loads(json.dumps(expected)) and len(expected["top_words"]) == 5
    target = tmp_path / "out" / "words.json"
    target.parent.mkdir()
    assert qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "max_words=5", "-P", "lemmatize=yes",
                  "--out", str(target)).exit_code == 0
    assert json.loads(target.read_text()) == payload and list(target.parent.iterdir()) == [target]


def test_analyze_csv_reads_back_with_pandas(qualia):
    done = qualia("analyze", str(MEETING), "-p", "speaker_stats", "--format", "csv")
    assert done.exit_code == 0, done.stderr
    assert done.stdout.startswith("# Plugin: Speaker statistics\n# Document: ami_ES2012a_opening.txt\n")
    table = pd.read_csv(io.StringIO(done.stdout), comment="#")
    assert "Project Manager" in set(table.iloc[:, 0]) and len(table) == 4
    words = qualia("analyze", str(MEETING), "-p", "word_frequency", "--format", "csv", "--table", "top_words")
    assert list(pd.read_csv(io.StringIO(words.stdout), comment="#").columns) == ["term", "count"]
    wrong = qualia("analyze", str(MEETING), "-p", "word_frequency", "--format", "csv", "--table", "nothing")
    assert wrong.exit_code == 2
    assert "no table 'nothing' in this result; it has: word_frequencies, top_words" in flat(wrong.stderr)


def test_analyze_a_library_document_by_id_with_its_speaker_names(qualia, data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    entry, _ = core.library.add(MEETING.name, MEETING.read_bytes())
    core.library.set_speaker_names(entry.id, {"Project Manager": "P01"})
    done = qualia("analyze", "--document", entry.id, "-p", "speaker_stats")
    assert done.exit_code == 0, done.stderr
    speakers = json.dumps(json.loads(done.stdout)["result"])
    assert "P01" in speakers and "Project Manager" not in speakers
    assert qualia("analyze", "--document", "nope-1234", "-p", "speaker_stats").exit_code == 2


def test_table_format_prints_speaker_names_as_text_not_markup(qualia, data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    entry, _ = core.library.add(MEETING.name, MEETING.read_bytes())
    core.library.set_speaker_names(entry.id, {"Marketing": "[bold]Andrew[/bold]"})
    done = qualia("analyze", "--document", entry.id, "-p", "speaker_stats", "--format", "table")
    assert done.exit_code == 0, done.stderr
    assert "[bold]Andrew[/bold]" in done.stdout and "Ran with Exclude speakers: none" in done.stdout
    listed = qualia("search", "fashion")
    assert "[bold]Andrew[/bold]" in listed.stdout


def test_bad_parameters_unknown_plugins_and_missing_files_get_one_line(qualia, tmp_path):
    bad = qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "max_words=lots")
    assert bad.exit_code == 2
    assert "'max_words': accepts a whole number" in one_line(bad) and "'lots'" in bad.stderr
    unknown = qualia("analyze", str(MEETING), "-p", "word_frequncy")
    assert unknown.exit_code == 2
    line = one_line(unknown)
    assert "Did you mean 'word_frequency'?" in line and "speaker_stats" in line
    missing = qualia("analyze", str(tmp_path / "nowhere.vtt"), "-p", "word_frequency")
    assert missing.exit_code == 2 and "nowhere.vtt" in one_line(missing) and "does not exist" in missing.stderr
    stray = qualia("analyze", str(MEETING), "-p", "word_frequency", "-P", "speaker_stats.x=1")
    assert stray.exit_code == 2 and "does not run here" in flat(stray.stderr) and "Traceback" not in stray.stderr
    neither = qualia("analyze", "-p", "word_frequency")
    assert neither.exit_code == 2 and "FILE or --document ID" in flat(neither.stderr)


def test_a_requirement_takes_its_parameters_by_plugin_id(qualia):
    chart = qualia("analyze", str(MEETING), "-p", "frequency_chart", "-P", "word_frequency.min_length=9")
    assert chart.exit_code == 0, chart.stderr
    bad = qualia("analyze", str(MEETING), "-p", "frequency_chart", "-P", "word_frequency.min_length=0")
    assert bad.exit_code == 2 and "'min_length'" in bad.stderr
    as_csv = qualia("analyze", str(MEETING), "-p", "frequency_chart", "--format", "csv")
    assert as_csv.exit_code == 2 and "use --format json" in flat(as_csv.stderr)


def corpus_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "meetings"
    folder.mkdir()
    for name in ("ES2012a.txt", "TS3012d.srt", "broken.docx"):
        shutil.copy(FIXTURES / "corpus" / name, folder / name)
    return folder


def test_corpus_writes_the_good_results_and_names_the_bad_file(qualia, tmp_path):
    folder = corpus_folder(tmp_path)
    done = qualia("corpus", str(folder), "-p", "speaker_stats", "-p", "word_frequency",
                  "-P", "word_frequency.max_words=3", "--workers", "1")
    assert done.exit_code == 1
    results = json.loads(done.stdout)["results"]
    assert list(results) == ["ES2012a", "TS3012d", "broken"]
    assert len(results["ES2012a"]["word_frequency"]["top_words"]) == 3
    assert results["TS3012d"]["speaker_stats"]["speakers"]
    assert set(results["broken"]["speaker_stats"]) == {"error", "error_type"}
    assert "broken (speaker_stats): Cannot read broken.docx" in done.stderr
    assert "1 of 3 documents failed" in done.stderr and "Traceback" not in done.stderr
    table = qualia("corpus", str(folder), "-p", "speaker_stats", "--format", "csv", "--workers", "1")
    rows = pd.read_csv(io.StringIO(table.stdout), comment="#")
    assert list(rows["document"]) == ["ES2012a", "TS3012d", "broken"]
    assert rows.loc[2, "error"].startswith("Cannot read broken.docx")
    vague = qualia("corpus", str(folder), "-p", "speaker_stats", "-p", "word_frequency", "-P", "max_words=3")
    assert vague.exit_code == 2 and "say which plugin it is for, as -P PLUGIN.max_words=3" in flat(vague.stderr)


def test_an_interrupted_corpus_leaves_no_half_file(qualia, tmp_path, monkeypatch):
    import qualia_cli.analysis

    folder = corpus_folder(tmp_path)
    target = tmp_path / "results" / "corpus.json"

    def cut(ran, results):
        yield '{"ran": {}, "results": {'
        raise KeyboardInterrupt

    monkeypatch.setattr(qualia_cli.analysis, "_json_chunks", cut)
    stopped = qualia("corpus", str(folder), "-p", "speaker_stats", "--workers", "1", "--out", str(target))
    assert stopped.exit_code == 130 and "Traceback" not in stopped.stderr
    assert stopped.stderr.splitlines()[-1] == "qualia corpus: interrupted; nothing was left half done"
    assert list(target.parent.iterdir()) == []


def test_search_finds_turns_in_the_library(qualia, data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    core.library.add(MEETING.name, MEETING.read_bytes())
    found = json.loads(qualia("search", '"remote control"', "--format", "json").stdout)
    assert found["total"] >= 1 and all(h["matches"] for h in found["hits"])
    assert {h["speaker"] for h in found["hits"]} <= {"Project Manager", "Marketing", "User Interface",
                                                      "Industrial Designer"}
    table = qualia("search", "remote", "--speaker", "Marketing")
    assert table.exit_code == 0 and "Marketing" in table.stdout and "Project Manager" not in table.stdout
    assert "No turn holds" in qualia("search", "xylophone").stdout


def test_create_plugin_makes_a_folder_discovery_loads_and_refuses_clashes(qualia, tmp_path):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    for name, kind in (("turn_counter", "analyzer"), ("short_turns", "document"), ("word_bars", "visualizer")):
        made = qualia("create-plugin", name, "--type", kind, "--dir", str(plugins))
        assert made.exit_code == 0, made.stderr
        assert (plugins / name / "__init__.py").is_file() and (plugins / name / "tests" / f"test_{name}.py").is_file()
    core = QualiaCore(plugins_dir=plugins, data_dir=tmp_path / "data", entry_points=False)
    found = core.plugin_metadata()
    assert {pid: m.type.value for pid, m in found.items()} == {
        "turn_counter": "analyzer", "short_turns": "document", "word_bars": "visualizer"}, core.load_failures
    doc = core.add_document("demo", "Ana: Shall we start?\nBo: Yes.")
    assert core.execute_plugin("turn_counter", doc) == {"turns": {"Ana": 1, "Bo": 1}}
    again = qualia("create-plugin", "turn_counter", "--type", "analyzer", "--dir", str(plugins))
    assert again.exit_code == 2 and "exists already" in one_line(again)
    invalid = qualia("create-plugin", "Turn-Counter", "--type", "analyzer", "--dir", str(plugins))
    assert invalid.exit_code == 2 and "not a plugin name" in one_line(invalid)
    taken = qualia("create-plugin", "word_frequency", "--type", "analyzer")  # a plugin of the repository's
    assert taken.exit_code == 2 and "word_frequency" in one_line(taken)
    assert sorted(p.name for p in plugins.iterdir()) == ["short_turns", "turn_counter", "word_bars"]


def test_watch_once_adds_new_transcripts_and_names_refused_ones(qualia, tmp_path, data_dir):
    folder = corpus_folder(tmp_path)
    done = qualia("watch", str(folder), "--once")
    assert done.exit_code == 0
    assert "Added ES2012a.txt as " in done.stdout and "Added TS3012d.srt as " in done.stdout
    assert "broken.docx" in done.stderr
    listed = json.loads(qualia("list", "--documents", "--format", "json").stdout)
    assert sorted(e["source"] for e in listed) == ["ES2012a.txt", "TS3012d.srt"]


def test_sign_in_and_roles_apply_to_every_command(qualia, data_dir, monkeypatch, tmp_path):
    add_accounts(data_dir)
    anonymous = qualia("list")
    assert anonymous.exit_code == 2 and "set QUALIA_USER and QUALIA_PASSWORD" in one_line(anonymous)
    monkeypatch.setenv("QUALIA_USER", "vera")
    monkeypatch.setenv("QUALIA_PASSWORD", "vera's long password")
    assert qualia("list").exit_code == 0
    assert qualia("analyze", str(MEETING), "-p", "speaker_stats").exit_code == 0
    assert qualia("search", "remote").exit_code == 0
    for args in (("create-plugin", "mine", "--type", "analyzer", "--dir", str(tmp_path)), ("backup", "list"),
                 ("serve",), ("token", "list"), ("users", "list"), ("watch", str(tmp_path), "--once")):
        refused = qualia(*args)
        assert refused.exit_code == 3, args
        assert "may not" in one_line(refused)
    monkeypatch.setenv("QUALIA_PASSWORD", "not vera's password")
    assert qualia("list").exit_code == 2


def test_unexpected_errors_and_interrupts_end_with_one_line(qualia, monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("the index is on fire")

    monkeypatch.setattr(QualiaCore, "search", broken)
    crashed = qualia("search", "remote")
    assert crashed.exit_code == 1
    assert one_line(crashed) == ("qualia search: unexpected error (RuntimeError): the index is on fire. Please "
                                 "report it with the command you ran.")

    def interrupted(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(QualiaCore, "search", interrupted)
    stopped = qualia("search", "remote")
    assert stopped.exit_code == 130
    assert one_line(stopped) == "qualia search: interrupted; nothing was left half done"


def test_every_command_the_readme_shows_exists(qualia):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    section = readme[readme.index("## The command line"):readme.index("## Operations")]
    block = section[section.index("```\n") + 4:section.index("\n```", section.index("```\n") + 4)]
    shown = {line.split()[1] for line in block.splitlines() if line.startswith("qualia ")}
    listed = flat(qualia("--help").stdout)
    assert shown == {"list", "analyze", "corpus", "search", "watch", "create-plugin", "serve", "backup", "users",
                     "token"}
    for command in shown:
        assert qualia(command, "--help").exit_code == 0 and f" {command} " in listed


@pytest.mark.dask
def test_corpus_runs_on_a_dask_cluster(qualia, tmp_path):
    distributed = pytest.importorskip("distributed")
    folder = corpus_folder(tmp_path)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  protocol="tcp://", host="127.0.0.1") as cluster:  # loopback only
        done = qualia("corpus", str(folder), "-p", "speaker_stats", "--dask", cluster.scheduler_address)
    assert done.exit_code == 1  # broken.docx, named on stderr; the others ran on the cluster
    results = json.loads(done.stdout)["results"]
    assert results["ES2012a"]["speaker_stats"]["speakers"] and "error" in results["broken"]["speaker_stats"]
    nobody = qualia("corpus", str(folder), "-p", "speaker_stats", "--dask", "tcp://127.0.0.1:9")
    assert nobody.exit_code == 2 and "no Dask scheduler answers at tcp://127.0.0.1:9" in flat(nobody.stderr)
    both = qualia("corpus", str(folder), "-p", "speaker_stats", "--dask", "tcp://127.0.0.1:9", "--workers", "2")
    assert both.exit_code == 2 and "--workers or --dask" in flat(both.stderr)
