"""qualia_core.executors: where corpus runs go for every door (the app's pages, the API's jobs)."""

from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from qualia_core import QualiaCore
from qualia_core.errors import SettingsError
from qualia_core.executors import corpus_executor

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"
FILES = [CORPUS / "ES2012a.txt", CORPUS / "TS3012d.srt"]


def test_one_worker_runs_here_and_more_make_a_process_pool_that_is_gone_afterwards(monkeypatch):
    monkeypatch.delenv("QUALIA_DASK_SCHEDULER", raising=False)
    with corpus_executor(workers=1) as executor:
        assert executor is None
    with corpus_executor(workers=2) as executor:
        assert isinstance(executor, ProcessPoolExecutor)
        assert executor.submit(sum, [1, 2]).result() == 3
    with pytest.raises(RuntimeError):  # shut down when the run ends
        executor.submit(sum, [1])


def test_a_bad_dask_address_is_a_settings_error_naming_the_variable(monkeypatch):
    monkeypatch.setenv("QUALIA_DASK_SCHEDULER", "localhost:8786")
    with pytest.raises(SettingsError, match="QUALIA_DASK_SCHEDULER"):
        with corpus_executor():
            pass


@pytest.mark.dask
def test_with_a_scheduler_address_corpus_runs_go_to_that_dask_cluster(monkeypatch, tmp_path):
    distributed = pytest.importorskip("distributed")
    expected = QualiaCore(data_dir=tmp_path / "here").run_corpus(FILES, ["speaker_stats"])
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        monkeypatch.setenv("QUALIA_DASK_SCHEDULER", cluster.scheduler_address)
        with corpus_executor() as executor:
            assert type(executor).__name__ == "ClientExecutor"
            result = QualiaCore(data_dir=tmp_path / "dask").run_corpus(FILES, ["speaker_stats"], executor=executor)
    assert result == expected
