"""Several plugins over several documents (qualia_core.batch), and whole-library views computed once per library
version (qualia_core.library_views): what the Analyze and Explore pages call."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qualia_core import ConfigError, QualiaCore

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


class CountingExecutor(ThreadPoolExecutor):
    """A real executor that counts what it is given."""

    def __init__(self):
        super().__init__(2)
        self.submitted = 0

    def submit(self, fn, /, *args, **kwargs):
        self.submitted += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
def core(tmp_path) -> QualiaCore:
    return QualiaCore(data_dir=tmp_path / "data", entry_points=False)


@pytest.fixture
def docs(core):
    return [core.load_document(CORPUS / name) for name in ("ES2012a.txt", "TS3012d.srt", "Bed017.vtt")]


def test_several_documents_run_their_analyzers_as_a_corpus_and_visualizers_per_document(core, docs):
    pool, seen = CountingExecutor(), []
    with pool:
        outcome = core.run_many(docs, ["word_frequency", "frequency_chart"], {"word_frequency": {"max_words": 5}},
                                executor=pool, progress=lambda share, label: seen.append((share, label)))
    assert pool.submitted == len(docs)  # one task per document for the analyzer
    assert outcome.failures == []
    for doc in docs:
        entries = outcome.results[doc.id]
        assert list(entries) == ["word_frequency", "frequency_chart"]
        assert entries["word_frequency"] == core.execute_plugin("word_frequency", doc, {"max_words": 5})
        assert entries["frequency_chart"]["kind"] == "plotly"
    assert [share for share, _ in seen] == sorted(share for share, _ in seen) and seen[-1][0] == 1.0
    assert len(seen) == len(docs) * 2  # each document's corpus run, then each chart


def test_one_document_runs_in_this_process(core, docs):
    pool = CountingExecutor()
    with pool:
        outcome = core.run_many(docs[:1], ["speaker_stats"], executor=pool)
    assert pool.submitted == 0
    assert outcome.results[docs[0].id]["speaker_stats"]["total_turns"] > 0


def test_a_bad_parameter_stops_everything_before_it_runs(core, docs):
    with pytest.raises(ConfigError, match="'top_n'"):
        core.run_many(docs, ["word_frequency", "frequency_chart"], {"frequency_chart": {"top_n": 0}})
    assert core.cache.stats()["in_memory"] == 0


def test_a_failure_is_reported_in_its_place_and_the_rest_still_run(core, docs):
    outcome = core.run_many(docs[:1], ["keyword_in_context", "dispersion_plot"])  # no query: the chart refuses
    entries = outcome.results[docs[0].id]
    assert entries["keyword_in_context"]["total_hits"] == 0
    assert entries["dispersion_plot"]["error_type"] == "QualiaError"
    assert [f[:3] for f in outcome.failures] == [(docs[0].id, "dispersion_plot", "QualiaError")]


def test_library_views_are_computed_once_per_library_version(core):
    first, _ = core.library.add("ES2012a.txt", (CORPUS / "ES2012a.txt").read_bytes())
    core.library.add("TS3012d.srt", (CORPUS / "TS3012d.srt").read_bytes())
    views = core.library_views
    result = views.corpus(["speaker_stats"])
    assert views.corpus(["speaker_stats"]) is result  # the same version: not even read again
    counts = views.word_counts()
    assert views.word_counts() is counts
    core.library.pseudonymise(first.id)  # speaker names change what the views show
    renamed = views.corpus(["speaker_stats"])
    assert renamed is not result
    assert [s["speaker"] for s in renamed[first.id]["speaker_stats"]["speakers"]][:1] == ["P01"]
    assert "P01" in views.word_counts().speakers
