"""Shared fixtures. Tests run offline: NLTK data points at an empty folder and downloads raise."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED_CORPUS = ROOT.parent / "shared" / "corpus" / "qmsum"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True, scope="session")
def _offline_nltk(tmp_path_factory):
    """Nothing in Qualia may depend on NLTK or TextBlob corpora: make any use of them fail loudly."""
    empty = tmp_path_factory.mktemp("nltk_data_empty")
    os.environ["NLTK_DATA"] = str(empty)
    try:
        import nltk
    except ImportError:  # pragma: no cover - nltk comes with textblob
        yield
        return

    def _refuse(*args, **kwargs):
        raise RuntimeError("nltk.download called: Qualia must work without downloaded corpora")

    original = nltk.download
    nltk.download = _refuse
    nltk.data.path[:] = [str(empty)]
    yield
    nltk.download = original


@pytest.fixture(autouse=True)
def _app_on_loopback(monkeypatch):
    """Pages run as scripts/run.sh serves them: on 127.0.0.1 (.streamlit/config.toml), where sign-in is off until
    an account exists (QUALIA_AUTH=auto). Streamlit reads config.toml once per process, from the folder it is in
    then, so the address is set for every test; sign-in tests set their own."""
    from streamlit import config

    config.set_option("server.address", "127.0.0.1")
    for name in ("QUALIA_AUTH", "QUALIA_ADMIN_PASSWORD", "QUALIA_ADMIN_USER"):
        monkeypatch.delenv(name, raising=False)
    yield
    config.set_option("server.address", "127.0.0.1")


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The full QMSum corpus in ../shared. Required in CI; skipped with a reason elsewhere."""
    if SHARED_CORPUS.is_dir():
        return SHARED_CORPUS
    if os.environ.get("CI"):
        pytest.fail(f"CI must have the shared corpus at {SHARED_CORPUS}")
    pytest.skip(f"needs the shared QMSum corpus at {SHARED_CORPUS} (present in CI)")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def data_dir(tmp_path, monkeypatch) -> Path:
    """An empty data dir for one test, also exported as QUALIA_DATA_DIR."""
    d = tmp_path / "data"
    monkeypatch.setenv("QUALIA_DATA_DIR", str(d))
    return d


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL 15 server started for this test run (see tests/postgres.py); skipped, saying why, where
    Debian's binaries are absent."""
    from tests import postgres

    if not postgres.available():
        pytest.skip(postgres.MISSING)
    server = postgres.PostgresServer().start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """Each store test runs on the embedded SQLite file and on a real PostgreSQL database of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'qualia.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    url = server.create_database()
    yield url
    server.drop_database(url)
