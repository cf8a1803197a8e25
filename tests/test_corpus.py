"""Whole corpora: run_corpus over files, folders and Documents, on any executor, and the corpus views.

The fixture corpus (tests/fixtures/corpus, see its README) holds six real QMSum excerpts in txt, vtt
and srt (two share the stem ES2016d) and one broken .docx.
"""

from __future__ import annotations

import math
import shutil
import textwrap
from concurrent.futures import Executor, ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from qualia_core import ConfigError, Document, PluginNotFoundError, QualiaCore
from qualia_core.corpus import CorpusTask, collect_sources, failures, is_error
from qualia_core.corpus_views import (
    DOCUMENT_COLUMNS, KEYNESS_COLUMNS, SPEAKER_COLUMNS, documents_table, g2, keyness, speakers_table, word_counts,
)
from qualia_core.document import Utterance
from qualia_core.formats import load_path, parse_text

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
GOOD = ["Bed017", "ES2012a", "ES2016d.txt", "ES2016d.vtt", "TS3012d", "covid_0"]
ALL_IDS = ["Bed017", "ES2012a", "ES2016d.txt", "ES2016d.vtt", "TS3012d", "broken", "covid_0"]
PLUGINS = ["word_frequency", "speaker_stats", "sentiment_analyzer", "speaker_comparison"]
CONFIG = {"word_frequency": {"max_words": 25}, "sentiment_analyzer": {"segments": 4}}


class SpyExecutor(Executor):
    """Counts what is dispatched, then hands it to a real executor."""

    def __init__(self, inner: Executor):
        self.inner = inner
        self.submitted: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append(args[0].doc_id)
        return self.inner.submit(fn, *args, **kwargs)


@pytest.fixture(scope="module")
def pool():
    with ProcessPoolExecutor(2) as executor:
        yield executor


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    """The reference: the fixture corpus run in this process."""
    core = QualiaCore(data_dir=tmp_path_factory.mktemp("sequential"))
    return core.run_corpus(CORPUS, PLUGINS, CONFIG)


def _executor(kind: str, pool: Executor) -> Executor | None:
    return {"sequential": None, "process": pool}[kind]


# ----------------------------------------------------------------------------------------- executors
def test_sequential_run_has_every_document_and_plugin(sequential):
    """The result maps each document id, in order, to each plugin's result, in the order asked."""
    assert list(sequential) == ALL_IDS
    assert all(list(entries) == PLUGINS for entries in sequential.values())
    assert sequential["ES2012a"]["speaker_stats"]["total_turns"] == 10
    assert len(sequential["ES2012a"]["word_frequency"]["top_words"]) == 25  # the config reached the plugin


def test_process_pool_gives_the_sequential_results(sequential, pool, tmp_path):
    """A ProcessPoolExecutor run returns exactly what a run in this process returns."""
    assert QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, PLUGINS, CONFIG, executor=pool) == sequential


@pytest.fixture(scope="module")
def dask_executor():
    """A Dask cluster of two worker processes, as a concurrent.futures executor (Client.get_executor())."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        yield client.get_executor()


@pytest.mark.dask
def test_dask_local_cluster_gives_the_sequential_results(sequential, dask_executor, tmp_path):
    assert QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, PLUGINS, CONFIG, executor=dask_executor) == sequential


@pytest.mark.dask
def test_dask_runs_documents_shipped_from_the_client(sequential, dask_executor, tmp_path):
    documents = [load_path(CORPUS / name) for name in ("ES2012a.txt", "Bed017.vtt")]
    result = QualiaCore(data_dir=tmp_path).run_corpus(documents, PLUGINS, CONFIG, executor=dask_executor)
    assert result == {"ES2012a": sequential["ES2012a"], "Bed017": sequential["Bed017"]}


@pytest.mark.dask
@pytest.mark.parametrize("change", [{"stat": (10, 2)}, {"configs": {"speaker_stats": {"exclude_speakers": ["A"]}}},
                                    {"source": "/corpus/b.txt"}])
def test_dask_task_key_changes_with_the_file_or_the_request(change):
    """Dask reuses a task's result by its key: a changed file (size, mtime) or request must give a new key."""
    tokenize = pytest.importorskip("dask.base").tokenize
    task = CorpusTask("/plugins", True, 1000, "a", "/corpus/a.txt", ("speaker_stats",), {}, (10, 1))
    assert tokenize(task) == tokenize(replace(task))
    assert tokenize(task) != tokenize(replace(task, **change))


# ------------------------------------------------------------------------------------------- failures
@pytest.mark.parametrize("kind", ["sequential", "process"])
def test_broken_file_is_reported_in_its_place_and_the_rest_complete(kind, pool, tmp_path):
    result = QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, PLUGINS, executor=_executor(kind, pool))
    assert {(doc, pid, kind_) for doc, pid, kind_, _ in failures(result)} == {
        ("broken", pid, "DocumentError") for pid in PLUGINS}
    assert "broken.docx" in result["broken"]["word_frequency"]["error"]
    assert all(not is_error(entry) for doc in GOOD for entry in result[doc].values())


@pytest.mark.parametrize("kind", ["sequential", "process"])
def test_missing_file_is_reported_in_its_place(kind, pool, tmp_path):
    sources = [CORPUS / "ES2012a.txt", tmp_path / "gone.txt"]
    result = QualiaCore(data_dir=tmp_path / "data").run_corpus(sources, "speaker_stats", executor=_executor(kind, pool))
    assert result["gone"]["speaker_stats"]["error_type"] == "DocumentError"
    assert result["ES2012a"]["speaker_stats"]["total_turns"] == 10


FUSSY_PLUGIN = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Fussy(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="fussy", type=PluginType.ANALYZER, name="Fussy", description="Fails on Grad A.",
                              version="1.0.0")

    def _analyze_impl(self, document, config, context):
        if "Grad A" in document.speakers:
            raise ValueError("cannot stand Grad A")
        return {"turns": len(document.utterances)}
'''


@pytest.mark.parametrize("kind", ["sequential", "process"])
def test_plugin_error_is_reported_in_its_place(kind, pool, tmp_path):
    """A plugin raising on one document gives a PluginExecutionError there; other documents are unaffected."""
    plugins = tmp_path / "plugins"
    (plugins / "fussy").mkdir(parents=True)
    (plugins / "fussy" / "__init__.py").write_text(textwrap.dedent(FUSSY_PLUGIN), encoding="utf-8")
    core = QualiaCore(plugins, tmp_path / "data", entry_points=False, guard=False)
    result = core.run_corpus([CORPUS / "Bed017.vtt", CORPUS / "ES2012a.txt"], ["fussy"], executor=_executor(kind, pool))
    assert result["Bed017"]["fussy"]["error_type"] == "PluginExecutionError"
    assert "ValueError" in result["Bed017"]["fussy"]["error"]
    assert result["ES2012a"]["fussy"] == {"turns": 10}


@pytest.mark.parametrize("kind", ["sequential", "process"])
def test_open_breaker_refuses_its_plugin_and_those_requiring_it(kind, pool, tmp_path):
    registry_module = pytest.importorskip("ops.monitoring.breaker_registry")
    registry = registry_module.BreakerRegistry(tmp_path, max_failures=1, timeout_seconds=3600)

    def boom():
        raise RuntimeError("simulated failure")

    with pytest.raises(RuntimeError):
        registry.breaker("sentiment_analyzer").call(boom)
    core = QualiaCore(data_dir=tmp_path, guard=registry)
    result = core.run_corpus(CORPUS / "ES2012a.txt", ["speaker_stats", "sentiment_analyzer", "speaker_comparison"],
                             executor=_executor(kind, pool))
    entries = result["ES2012a"]
    assert entries["sentiment_analyzer"]["error_type"] == "PluginSwitchedOffError"
    assert entries["speaker_comparison"]["error_type"] == "PluginSwitchedOffError"
    assert "'sentiment_analyzer' is switched off" in entries["speaker_comparison"]["error"]
    assert entries["speaker_stats"]["total_turns"] == 10


# ---------------------------------------------------------------------------------------------- cache
def test_second_run_is_served_from_the_cache(sequential, pool, tmp_path):
    """A second run, even by a new core on the same data dir, dispatches only the document that failed."""
    first = SpyExecutor(pool)
    QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, PLUGINS, CONFIG, executor=first)
    second = SpyExecutor(pool)
    result = QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, PLUGINS, CONFIG, executor=second)
    assert sorted(first.submitted) == ALL_IDS
    assert second.submitted == ["broken"]
    assert result == sequential


def test_changed_file_is_run_again(pool, tmp_path):
    """A file whose size or modification time changed is parsed and analysed again; the others are not."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    (corpus / "broken.docx").unlink()
    QualiaCore(data_dir=tmp_path / "data").run_corpus(corpus, "speaker_stats", executor=pool)
    with open(corpus / "ES2012a.txt", "a", encoding="utf-8") as fh:
        fh.write("Marketing: One more turn .\n")
    spy = SpyExecutor(pool)
    result = QualiaCore(data_dir=tmp_path / "data").run_corpus(corpus, "speaker_stats", executor=spy)
    assert spy.submitted == ["ES2012a"]
    assert result["ES2012a"]["speaker_stats"]["total_turns"] == 11


def test_results_cached_by_a_corpus_run_serve_execute_plugin(pool, tmp_path):
    """run_corpus fills the cache under the keys execute_plugin uses."""
    core = QualiaCore(data_dir=tmp_path)
    result = core.run_corpus(CORPUS / "TS3012d.srt", ["speaker_comparison"], executor=pool)
    expected = result["TS3012d"]["speaker_comparison"]  # (read from the cache: the result holds its key)
    hits = core.cache.hits
    assert core.execute_plugin("speaker_comparison", load_path(CORPUS / "TS3012d.srt")) == expected
    assert core.cache.hits == hits + 1


# ------------------------------------------------------------------------------------------- progress
@pytest.mark.parametrize("kind", ["sequential", "process"])
def test_progress_is_called_once_per_document_with_increasing_done(kind, pool, tmp_path):
    calls = []
    QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, "speaker_stats", executor=_executor(kind, pool),
                                             progress=lambda done, total, doc: calls.append((done, total, doc)))
    assert [c[0] for c in calls] == list(range(1, len(ALL_IDS) + 1))
    assert {c[1] for c in calls} == {len(ALL_IDS)}
    assert sorted(c[2] for c in calls) == ALL_IDS


# -------------------------------------------------------------------------------------------- sources
@pytest.mark.parametrize("sources, ids", [
    ([CORPUS], ALL_IDS),
    ([CORPUS / "ES2012a.txt", CORPUS / "TS3012d.srt"], ["ES2012a", "TS3012d"]),
    ([CORPUS / "ES2016d.vtt", CORPUS / "ES2012a.txt", CORPUS / "ES2016d.txt"], ["ES2016d.vtt", "ES2012a", "ES2016d.txt"]),
    ([CORPUS / "ES2012a.txt", CORPUS / "ES2012a.txt", CORPUS], ALL_IDS),  # a file given twice runs once
    ([Document("a", "x"), Document("a", "y"), Document("b", "z")], ["a", "a~2", "b"]),
], ids=["folder", "files", "shared stem", "repeated file", "documents"])
def test_document_ids(sources, ids):
    """Ids are file stems (a Document keeps its id); a shared stem becomes the file name, then ~2, ~3."""
    assert sorted(doc_id for doc_id, _ in collect_sources(sources)) == sorted(ids)


def test_folder_is_searched_in_subfolders_and_skips_hidden_and_other_files(tmp_path):
    (tmp_path / "b" / "deep").mkdir(parents=True)
    for name in ["a.txt", "b/deep/c.VTT", "b/d.srt", ".hidden.txt", "~$lock.docx", "notes.pdf"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    # by relative path: "b/d.srt" sorts before "b/deep/c.VTT"
    assert [doc_id for doc_id, _ in collect_sources(tmp_path)] == ["a", "d", "c"]


def test_documents_as_sources_give_the_results_of_their_files(sequential, pool, tmp_path):
    documents = [load_path(CORPUS / name) for name in ("ES2012a.txt", "Bed017.vtt")]
    result = QualiaCore(data_dir=tmp_path).run_corpus(documents, PLUGINS, CONFIG, executor=pool)
    assert result == {"ES2012a": sequential["ES2012a"], "Bed017": sequential["Bed017"]}


# --------------------------------------------------------------------------------------------- config
def test_single_plugin_takes_its_config_directly(tmp_path):
    result = QualiaCore(data_dir=tmp_path).run_corpus(CORPUS / "ES2012a.txt", "word_frequency", {"max_words": 3})
    assert len(result["ES2012a"]["word_frequency"]["top_words"]) == 3


@pytest.mark.parametrize("plugin_ids, config, error", [
    (["word_frequency"], {"word_frequency": {"max_words": 0}}, ConfigError),
    (["word_frequency"], {"speaker_stats": {}}, ConfigError),  # a plugin not run
    (["word_frequncy"], None, PluginNotFoundError),
    (["frequency_chart"], None, ConfigError),  # a visualizer
], ids=["bad value", "plugin not run", "typo", "visualizer"])
def test_bad_request_fails_before_anything_runs(plugin_ids, config, error, tmp_path):
    calls = []
    with pytest.raises(error):
        QualiaCore(data_dir=tmp_path).run_corpus(CORPUS, plugin_ids, config, progress=lambda *a: calls.append(a))
    assert calls == []


# ---------------------------------------------------------------------------------------------- views
def test_documents_table_columns_and_values(sequential):
    table = documents_table(sequential).set_index("document")
    assert list(documents_table(sequential).columns) == DOCUMENT_COLUMNS
    row = table.loc["ES2012a"]
    assert (row["turns"], row["speakers"]) == (10, 4)
    assert row["words"] == sequential["ES2012a"]["speaker_stats"]["total_words"]
    assert row["top_words"].split(", ")[0] == sequential["ES2012a"]["word_frequency"]["top_words"][0][0]
    assert row["mean_sentiment"] == pytest.approx(sequential["ES2012a"]["sentiment_analyzer"]["polarity"])
    assert "broken.docx" in table.loc["broken", "error"] and table["turns"].isna().sum() == 1


def test_a_meeting_its_method_cannot_score_has_no_mean_sentiment_not_a_neutral_zero():
    """A language no sentiment method reads: the tables leave the mean empty and still name the method."""
    doc = Document("de", "", [Utterance("Anna", "Wir haben gestern lange über das Budget gesprochen und nichts "
                                                "entschieden."), Utterance("Ben", "Gut, bis morgen dann.")])
    mood = QualiaCore().execute_plugin("sentiment_analyzer", doc, use_cache=False)
    assert mood["scored"] is False and mood["polarity"] == 0.0
    result = {"de": {"sentiment_analyzer": mood}}
    row = documents_table(result).iloc[0]
    assert pd.isna(row["mean_sentiment"]) and row["sentiment_method"] == "TextBlob PatternAnalyzer"
    assert speakers_table(result)["mean_sentiment"].isna().all() and len(speakers_table(result)) == 2


def test_speakers_table_columns_and_shares(sequential):
    table = speakers_table(sequential)
    assert list(table.columns) == SPEAKER_COLUMNS
    assert len(table) == sum(len(e["speaker_stats"]["speakers"]) for e in sequential.values()
                             if not is_error(e["speaker_stats"]))
    assert table.groupby("document")["talk_share"].sum().tolist() == pytest.approx([1.0] * len(GOOD))
    bases = table.groupby("document")["share_basis"].first()
    assert (bases["Bed017"], bases["ES2012a"]) == ("time", "words")  # vtt has times, the txt none
    pm = table[(table["document"] == "ES2012a") & (table["speaker"] == "Project Manager")].iloc[0]
    assert pm["words"] == next(s["words"] for s in sequential["ES2012a"]["speaker_stats"]["speakers"]
                               if s["speaker"] == "Project Manager")


@pytest.mark.parametrize("name", ["ES2012a.txt", "Bed017.vtt", "TS3012d.srt", "covid_0.txt"])
def test_word_counts_follow_word_frequency(name):
    """Keyness counts every word word_frequency would count, with its default rules."""
    document = load_path(CORPUS / name)
    expected = QualiaCore().execute_plugin("word_frequency", document, {"max_words": 10000}, use_cache=False)
    counts = word_counts(document)
    assert dict(counts.total(document.id)) == dict(expected["word_frequencies"])
    assert counts.languages[document.id] == expected["language"]


def test_word_counts_skip_a_broken_file():
    counts = word_counts(CORPUS)
    assert counts.documents == GOOD and list(counts.skipped) == ["broken"]


@pytest.fixture
def tiny():
    """Ann says apple x3, banana x1 (4 words); Bob says apple x1, banana x3, cherry x2 (6 words)."""
    return word_counts([parse_text("Ann: apple apple apple banana", doc_id="A"),
                        parse_text("Bob: apple banana banana banana cherry cherry", doc_id="B")])


def test_keyness_matches_hand_computed_g2(tiny):
    """apple in A: a=3, b=1, c=4, d=6: E1 = 4*4/10 = 1.6, E2 = 6*4/10 = 2.4,
    G2 = 2(3 ln(3/1.6) + 1 ln(1/2.4)) = 2(1.8858260 - 0.8754687) = 2.0207145; log2((3/4)/(1/6)) = log2 4.5.
    cherry in A: a=0, b=2: E2 = 6*2/10 = 1.2, G2 = 2(2 ln(2/1.2)) = 2.0433025; log2((0.5/4)/(2/6)) = log2 0.375."""
    table = keyness(tiny, document="A", min_g2=0).set_index("word")
    assert list(keyness(tiny, document="A", min_g2=0).columns) == KEYNESS_COLUMNS
    assert table.loc["apple", "g2"] == pytest.approx(2.0207145, abs=1e-6)
    assert table.loc["apple", "log_ratio"] == pytest.approx(math.log2(4.5))
    assert table.loc["apple", "use"] == "over"
    assert table.loc["cherry", "g2"] == pytest.approx(2.0433025, abs=1e-6)
    assert table.loc["cherry", "log_ratio"] == pytest.approx(math.log2(0.375))
    assert table.loc["cherry", "use"] == "under"
    assert (table.loc["cherry", "count"], table.loc["cherry", "reference_count"]) == (0, 2)
    assert g2(3, 1, 4, 6) == pytest.approx(2.0207145, abs=1e-6)


def test_keyness_of_a_speaker_is_the_same_as_of_their_only_document(tiny):
    assert keyness(tiny, speaker="Ann", min_g2=0).equals(keyness(tiny, document="A", min_g2=0))


@pytest.mark.parametrize("options, words", [
    ({"min_g2": 0}, ["cherry", "apple", "banana"]),  # by G2, descending
    ({"min_g2": 0, "direction": "over"}, ["apple"]),
    ({"min_g2": 0, "direction": "under"}, ["cherry", "banana"]),
    ({"min_g2": 0, "limit": 1}, ["cherry"]),
    ({}, []),  # nothing reaches p < 0.05 in so few words
])
def test_keyness_filters_and_order(tiny, options, words):
    assert keyness(tiny, document="A", **options)["word"].tolist() == words


@pytest.mark.parametrize("target, error", [
    ({"document": "C"}, KeyError),
    ({"speaker": "Nobody"}, ValueError),
    ({}, ValueError),
])
def test_keyness_refuses_an_unknown_or_empty_target(tiny, target, error):
    with pytest.raises(error):
        keyness(tiny, **target)


def test_iter_corpus_hands_over_each_document_as_it_is_done(tmp_path):
    """The stream yields a document before the next one is even started, and ends with every document once."""
    from qualia_core.corpus import collect_sources, iter_corpus

    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    every = [doc_id for doc_id, _ in collect_sources(CORPUS)]
    started = []
    stream = iter_corpus(core, CORPUS, ["speaker_stats"], progress=lambda done, total, doc: started.append(doc))
    first_id, first = next(stream)
    assert started == [first_id] and first["speaker_stats"]["total_turns"] > 0
    rest = dict(stream)
    assert first_id not in rest and sorted([first_id, *rest]) == sorted(every)


def test_a_corpus_result_holds_keys_and_reads_each_document_from_the_cache(tmp_path):
    """run_corpus keeps a few bytes a result: each document is read when asked for, a fresh copy each time."""
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    result = core.run_corpus(CORPUS, ["speaker_stats"])
    first = next(iter(result))
    result[first]["speaker_stats"]["total_turns"] = -1
    assert result[first]["speaker_stats"]["total_turns"] > 0
    core.clear_cache()
    assert result[first]["speaker_stats"]["error_type"] == "ResultGone"


@pytest.mark.parametrize("kind", ["sequential", "process"])
def test_iter_corpus_gives_what_run_corpus_gives(kind, pool, sequential, tmp_path):
    from qualia_core.corpus import iter_corpus

    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    streamed = dict(iter_corpus(core, CORPUS, PLUGINS, CONFIG, executor=_executor(kind, pool), in_flight=1))
    assert streamed == sequential
