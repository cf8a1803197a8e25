"""What every page shares: the one QualiaCore of this server process, and small helpers."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

import streamlit as st

from qualia_core import Document, QualiaCore, QualiaError
from qualia_core.library import LibraryEntry
from qualia_core.plain_text import markdown_text


@st.cache_resource
def start_up() -> list[str]:
    """Once per server: validate the settings, set up logging and (optional) Sentry.
    Returns the configuration problems (empty when Qualia can start)."""
    from qualia_core.config import load_settings
    from qualia_core.errors import SettingsError
    from qualia_core.logs import configure_from_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        return exc.problems
    configure_from_settings(settings)
    try:
        from ops.monitoring.sentry_config import init_sentry
    except ImportError:
        return []
    init_sentry()
    return []


def setting(name: str):
    from qualia_core import config

    return config.get(name)


def build_core() -> QualiaCore:
    """The app's core: plugins discovered, the circuit breakers of ops/ guarding every plugin call when that
    package is installed, and the study database open. With ops/, a restore that was killed half-way is first
    finished or rolled back, before anything reads the data."""
    core = QualiaCore()  # reads nothing yet
    try:
        from ops import recover_interrupted_restore
        from ops.monitoring.breaker_registry import registry_for
    except ImportError:
        pass
    else:
        recover_interrupted_restore(core.data_dir, core.plugins_dir)
        core.guard = registry_for(core.data_dir)
    core.discover_plugins()
    core.library.list()  # opens (and migrates) the study database
    return core


_PREBUILT: list[QualiaCore] = []


def prebuild_core() -> None:
    """Called by scripts/serve.py before the server listens, so the first page finds the core ready."""
    _PREBUILT.append(build_core())


@st.cache_resource(show_spinner="Loading plugins…")
def get_core() -> QualiaCore:
    """One core per server process, shared by every session (its cache and library are thread-safe)."""
    return _PREBUILT.pop() if _PREBUILT else build_core()


def clock(seconds: float | None) -> str:
    """h:mm:ss of a time in the meeting ("" when unknown): the one rule results use too (qualia_core.labels)."""
    from qualia_core.labels import clock as h_mm_ss

    return h_mm_ss(seconds)


def library_entries() -> list[LibraryEntry]:
    return get_core().library.list()


def mark_added(doc_id: str) -> None:
    """Remember the document just added (or found already there): each page that picks documents selects it
    once (`newly_added`)."""
    st.session_state["just_added_id"] = doc_id
    st.session_state["just_added_round"] = st.session_state.get("just_added_round", 0) + 1


def newly_added(page: str) -> str | None:
    """The document added since `page` last asked, once; None when nothing was added meanwhile."""
    added, round_ = st.session_state.get("just_added_id"), st.session_state.get("just_added_round", 0)
    if not added or st.session_state.get(f"just_added_seen_by_{page}") == round_:
        return None
    st.session_state[f"just_added_seen_by_{page}"] = round_
    return added


def entry_label(entry: LibraryEntry) -> str:
    return f"{entry.name} ({entry.format}, {entry.utterances} turns)"


ALL_DOCUMENTS = "__library__"


def get_document(doc_id: str) -> Document:
    """A library document, or the whole library as one document for ALL_DOCUMENTS."""
    library = get_core().library
    return library.combined() if doc_id == ALL_DOCUMENTS else library.get(doc_id)


def run_plugin(plugin_id: str, doc_id: str, config: dict[str, Any] | None = None,
               dependency_configs: dict[str, dict[str, Any]] | None = None) -> tuple[dict | None, str | None]:
    """(result, None) or (None, error message). Results come from the core's cache when they exist."""
    core = get_core()
    try:
        doc = get_document(doc_id)
        return core.execute_plugin(plugin_id, doc, config, dependency_configs=dependency_configs), None
    except QualiaError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug must not take the page down; report it in its place
        report_error(exc)
        return None, f"Unexpected error in {plugin_id}: {type(exc).__name__}. Details are in the server log."


def report_error(exc: BaseException) -> None:
    """Streamlit catches page errors itself; send them to Sentry when it is configured."""
    try:
        from ops.monitoring.sentry_config import capture_page_error
    except ImportError:
        return
    capture_page_error(exc, page=st.session_state.get("_page", "unknown"))


def empty_library_hint() -> None:
    st.info("Your library is empty. Go to **Library** and upload a transcript (.txt, .vtt, .srt or .docx) first.",
            icon=":material/upload_file:")


@contextmanager
def corpus_executor():
    """A worker pool for one corpus run (None: run in the server process), as qualia_core.executors decides for
    every door: QUALIA_CORPUS_WORKERS forkserver processes that exit when the run ends, or a Dask cluster."""
    from qualia_core.executors import corpus_executor as executor

    with executor() as pool:
        yield pool


def run_many(doc_ids: list[str], plugin_ids: list[str], configs: dict[str, dict], progress=None):
    """Plugins over library documents (pseudonyms applied), as qualia_core.batch decides (several documents
    run in the worker pool). None, with the error shown, when a parameter or requirement is wrong."""
    core = get_core()
    try:
        docs = [core.library.get(d) for d in doc_ids]
        with corpus_executor() as pool:
            return core.run_many(docs, plugin_ids, configs, executor=pool, progress=progress,
                             names={e.id: e.name for e in core.library.list()})
    except QualiaError as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")  # it may quote names: text, not Markdown
        return None


def library_corpus(plugin_ids: list[str], progress=None) -> dict:
    """The whole library as a corpus (computed once per library version, in the worker pool)."""
    core = get_core()
    if (known := core.library_views.known_corpus(plugin_ids)) is not None:
        return known  # no pool to start
    with corpus_executor() as pool:
        return core.library_views.corpus(plugin_ids, executor=pool, progress=progress)
