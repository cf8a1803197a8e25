"""The Code page's Exchange tab (AppTest): the study goes out as a .qdpx built when the download is clicked, a
.qdpx comes in with its summary shown, a hostile archive is refused with the reason and changes nothing, and a
viewer may export but not import."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore
from qualia_core.refi import read_qdpx

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"


@pytest.fixture
def study(data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    entry, _ = core.library.add(VTT.name, VTT.read_bytes())
    remote = core.codes.add_code("Remote", color="#2a9d8f")
    text = core.codes.turn_texts(entry.id)[0]["text"]
    start = text.index("remote control")
    core.codes.code(entry.id, 0, start, start + len("remote control"), codes=[remote.id], coder="ana",
                    memo="first mention")
    core.codes.add_memo("study", None, "Buttons keep coming up.", author="ana")
    return core, entry.id


@pytest.fixture
def downloads(monkeypatch):
    """The data each download button was given, by key (the page passes a callable: built on click)."""
    given: dict = {}
    original = st.download_button

    def recording(label, data, *args, **kwargs):
        given[kwargs.get("key")] = data
        return original(label, data, *args, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return given


def exchange_tab(monkeypatch, token: str | None = None) -> AppTest:
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if token:
        at.session_state["_session_token"] = token
    at.run()
    at.switch_page("pages/code.py")
    at.session_state["code_tab"] = "Exchange"
    at.session_state["coder_name"] = "ana"
    return at.run()


def shown(at) -> str:
    return "\n".join(str(e.value) for e in [*at.text, *at.caption, *at.markdown, *at.success, *at.error, *at.info])


def test_the_study_downloads_as_a_qdpx_built_on_click_that_reads_back(study, downloads, monkeypatch, tmp_path):
    core, doc_id = study
    at = exchange_tab(monkeypatch)
    assert not at.exception
    build = downloads["code_qdpx_download"]
    assert callable(build)  # nothing is built until the button is clicked
    archive = tmp_path / "study.qdpx"
    archive.write_bytes(build())
    project = read_qdpx(archive)  # checked against REFI's Project.xsd and for sense
    assert [s.name for s in project.sources] == ["ES2012a_excerpt"]
    assert [c.name for c in project.codes] == ["Remote"]
    selection = project.sources[0].selections[0]
    assert project.sources[0].text[selection.start:selection.end] == "remote control"
    assert [n.text for n in project.notes] == ["Buttons keep coming up."]

    core.library.add("other.txt", b"Ana: a second meeting\nBea: about buttons\n")
    at.run()
    at.multiselect(key="code_qdpx_docs").set_value([doc_id]).run()
    archive.write_bytes(downloads["code_qdpx_download"]())
    assert [s.name for s in read_qdpx(archive).sources] == ["ES2012a_excerpt"]  # only the chosen meeting


def test_an_exported_project_imports_into_a_fresh_study_and_shows_its_summary(study, monkeypatch, tmp_path):
    core, _ = study
    qdpx = core.export_qdpx(tmp_path / "from elsewhere.qdpx")
    fresh = QualiaCore(data_dir=tmp_path / "fresh", entry_points=False)
    monkeypatch.setenv("QUALIA_DATA_DIR", str(fresh.data_dir))
    at = exchange_tab(monkeypatch)
    at.file_uploader(key="code_qdpx_upload_0").set_value([(qdpx.name, qdpx.read_bytes(), "application/zip")]).run()
    at.button(key="code_qdpx_import").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["The project was imported."]
    message = "\n".join(t.value for t in at.text)
    assert "Imported from_elsewhere.qdpx: 1 documents added" in message and "1 codes added" in message and "1 passages coded" in message
    assert "coders: ana" in message
    passages = fresh.codes.passages(code="Remote")
    assert list(passages["text"]) == ["remote control"] and list(passages["coder"]) == ["ana"]
    assert [e.name for e in fresh.library.list()] == ["ES2012a_excerpt"]
    assert [u.key for u in at.get("file_uploader")] == ["code_qdpx_upload_1"]


def test_a_hostile_archive_is_refused_with_its_reason_and_changes_nothing(study, monkeypatch, tmp_path):
    core, _ = study
    before = [(e.id, e.sha256) for e in core.library.list()], len(core.codes.codebook()), len(core.codes.passages())
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("project.qde", "<Project/>")
        zf.writestr("../../outside.txt", "x")
    at = exchange_tab(monkeypatch)
    at.file_uploader(key="code_qdpx_upload_0").set_value([("evil.qdpx", buffer.getvalue(), "application/zip")]).run()
    at.button(key="code_qdpx_import").click().run()
    assert not at.exception
    assert "nothing in the study changed" in at.error[0].value
    reason = "\n".join(t.value for t in at.text)
    assert "Cannot read evil.qdpx" in reason and "'../../outside.txt' climbs out of the archive" in reason
    assert not at.success
    after = [(e.id, e.sha256) for e in core.library.list()], len(core.codes.codebook()), len(core.codes.passages())
    assert after == before
    assert not (tmp_path / "outside.txt").exists()


def test_a_signed_in_viewer_may_export_but_not_import(study, downloads, monkeypatch, tmp_path):
    from argon2 import PasswordHasher

    from qualia_core.accounts import Accounts

    core, _ = study
    monkeypatch.setenv("QUALIA_AUTH", "on")
    accounts = Accounts(core.library.store, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.create("ada", "a long enough password", "admin")
    token = accounts.open_session(accounts.create("vera", "a long enough password", "viewer"))
    at = exchange_tab(monkeypatch, token)
    assert not at.exception
    assert "code_qdpx_download" in [b.key for b in at.get("download_button")]
    archive = tmp_path / "viewer.qdpx"
    archive.write_bytes(downloads["code_qdpx_download"]())
    assert len(read_qdpx(archive).sources) == 1
    assert at.get("file_uploader") == [] or all(not u.key.startswith("code_qdpx") for u in at.get("file_uploader"))
    assert "it needs the researcher role" in shown(at)
    st.cache_resource.clear()
