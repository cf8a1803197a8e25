"""Sign-in and roles in the app (AppTest): nothing of the study before signing in, each role its pages and
actions, and the app refuses to serve when sign-in is on without an admin. In Chromium (the router between
runs, sign-out, the cookie across a reload): tests/test_browser_access.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore
from qualia_core.accounts import Accounts

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"
PASSWORD = "a long enough password"
STUDY_PAGES = ["pages/library.py", "pages/analyze.py", "pages/explore.py", "pages/health.py", "pages/backups.py",
               "pages/plugins.py", "pages/users.py", "pages/code.py"]


def everything_shown(at: AppTest) -> str:
    """Every text the page put on screen (values of text elements, labels and options of widgets, tables)."""
    parts = []
    for kind in ("title", "header", "subheader", "caption", "markdown", "text", "code", "error", "warning",
                 "info", "success", "exception"):
        parts += [str(getattr(e, "value", "")) for e in getattr(at, kind)]
    for widget in list(at.selectbox) + list(at.multiselect) + list(at.text_input) + list(at.button):
        parts.append(str(getattr(widget, "label", "")))
        parts += [str(o) for o in getattr(widget, "options", [])]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


@pytest.fixture
def study(data_dir, monkeypatch):
    """A study with one meeting and three accounts, served with sign-in on."""
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_AUTH", "on")
    monkeypatch.setenv("QUALIA_CORPUS_WORKERS", "1")
    monkeypatch.setenv("BACKUP_DIR", str(data_dir.parent / "backups"))
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    entry, _ = core.library.add(VTT.name, VTT.read_bytes())
    accounts = Accounts(core.library.store, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    for name, role in (("vera", "viewer"), ("rita", "researcher"), ("ada", "admin")):
        accounts.create(name, PASSWORD, role)
    st.cache_resource.clear()
    yield core, entry
    st.cache_resource.clear()


def open_app(token: str | None = None) -> AppTest:
    """The app in a new browser session; with `token`, one that carries a signed-in session's cookie."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    if token:
        at.session_state["_session_token"] = token
    return at.run()


def open_page(page: str, token: str | None = None) -> AppTest:
    """One page run straight (a URL that bypassed the router), in a session with `token`."""
    at = AppTest.from_file(str(ROOT / page), default_timeout=60)
    if token:
        at.session_state["_session_token"] = token
    return at.run()


def submit_sign_in(name: str, password: str = PASSWORD) -> AppTest:
    at = open_app()
    at.text_input(key="signin_name").set_value(name)
    at.text_input(key="signin_password").set_value(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def sign_in(name: str) -> AppTest:
    """Sign in through the form, then open the app as the browser does next (AppTest runs only the page after
    the first run, so the router's next pass is a new session carrying the session's token)."""
    token = submit_sign_in(name).session_state["_session_token"]
    return open_app(token)


def open_tab(at: AppTest, tab: str) -> AppTest:
    """Open one of the Library's tabs (only the open tab runs)."""
    at.session_state["library_tab"] = tab
    return at.run()


def goto(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    return at.run()


def secrets_of(core, entry) -> list[str]:
    doc = core.library.get(entry.id)
    return [entry.name, *{u.speaker for u in doc.utterances}, doc.utterances[0].text[:30]]


def test_without_signing_in_the_app_routes_only_to_sign_in(study):
    core, entry = study
    at = open_app()
    shown = everything_shown(at)
    assert "Sign in to Qualia" in shown and not any(s in shown for s in secrets_of(core, entry))
    for page in STUDY_PAGES:
        with pytest.raises(ValueError, match="Known pages: .*signin.py'\\]"):
            at.switch_page(page)


@pytest.mark.parametrize("page", STUDY_PAGES)
def test_each_page_checks_who_is_asking_itself(study, page):
    """Run straight (as if the router were bypassed), a page stops before showing anything of the study."""
    core, entry = study
    at = open_page(page)
    shown = everything_shown(at)
    assert any("someone who is not signed in may not" in e.value for e in at.error)
    assert not any(s in shown for s in secrets_of(core, entry))
    assert not at.button and not at.text_input and not at.dataframe


def test_a_wrong_password_is_refused_and_shows_nothing(study):
    at = submit_sign_in("ada", "not the password at all")
    assert "_session_token" not in at.session_state
    assert any("do not match" in e.value for e in at.error)
    assert study[1].name not in everything_shown(at)


def test_a_viewer_reads_but_cannot_change_delete_or_reach_backups(study):
    core, entry = study
    at = sign_in("vera")
    assert not at.exception
    assert entry.name in everything_shown(at)  # the library is readable
    assert open_tab(at, "Rename or delete").button(key="library_delete").disabled  # only the open tab runs
    assert open_tab(at, "Speakers").button(key="library_pseudonymise").disabled
    at.session_state["library_study_words"] = True  # the Study words panel is drawn when opened
    transcript = open_tab(at, "Transcript")  # the study's words are read, not changed; nor is the cleaned text
    assert transcript.text_area(key="study_stopwords").disabled
    assert next(b for b in transcript.button if b.label == "Save study words").disabled
    assert transcript.button(key=f"library_use_cleaned_{entry.id}").disabled
    assert [e.id for e in core.library.list()] == [entry.id]
    for page in ("pages/backups.py", "pages/users.py", "pages/health.py", "pages/plugins.py"):
        straight = open_page(page, at.session_state["_session_token"])  # reached anyway: the page refuses
        assert any("needs the admin role; the viewer role may not" in e.value for e in straight.error)
        assert not straight.button and not straight.dataframe


def test_a_researcher_changes_the_library_but_has_no_operations_pages(study):
    core, entry = study
    at = open_tab(sign_in("rita"), "Speakers")
    assert not at.button(key="library_pseudonymise").disabled
    at.button(key="library_pseudonymise").click().run()
    assert core.library.list()[0].speaker_map  # pseudonyms set
    at.session_state["library_study_words"] = True
    at = open_tab(at, "Transcript")
    at.text_area(key="study_stopwords").set_value("reunião")
    next(b for b in at.button if b.label == "Save study words").click().run()
    assert core.study_words().stopwords == ("reunião",)
    at.button(key=f"library_use_cleaned_{entry.id}").click().run()
    assert core.library.list()[0].cleaned is not None
    for page in ("pages/backups.py", "pages/users.py", "pages/health.py", "pages/plugins.py"):
        straight = open_page(page, at.session_state["_session_token"])
        assert any("the researcher role may not" in e.value for e in straight.error)
        assert not straight.button and not straight.dataframe


def test_an_admin_deletes_and_restores(study):
    core, entry = study
    at = goto(sign_in("ada"), "pages/backups.py")
    at.button(key="backups_create").click().run()
    assert any("Created" in s.value for s in at.success)
    goto(at, "pages/library.py")
    open_tab(at, "Rename or delete").button(key="library_delete").click().run()
    at.button(key="library_delete_yes").click().run()
    assert core.library.list() == []
    goto(at, "pages/backups.py")
    at.button(key="backups_restore").click().run()
    at.button(key="backups_restore_yes").click().run()
    assert any("Restored" in s.value for s in at.success)
    assert [e.id for e in core.library.list()] == [entry.id]


def test_an_admin_adds_an_account_on_the_users_page(study):
    core, _ = study
    at = goto(sign_in("ada"), "pages/users.py")
    at.text_input(key="users_add_name").set_value("nina")
    at.selectbox(key="users_add_role").set_value("viewer")
    at.text_input(key="users_add_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "Add account").click()
    at.run()
    assert ("nina", "viewer") in [(a.name, a.role) for a in Accounts(core.library.store).list()]


def test_sign_in_on_without_an_admin_serves_nothing(data_dir, monkeypatch):
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_AUTH", "on")
    st.cache_resource.clear()
    at = open_app()
    assert any("no admin account exists" in e.value for e in at.error)
    assert not at.text_input and not at.button  # not even the sign-in form
    st.cache_resource.clear()


def test_beyond_loopback_sign_in_turns_on_and_the_first_admin_comes_from_the_settings(data_dir, monkeypatch):
    from streamlit import config

    monkeypatch.chdir(ROOT)
    config.set_option("server.address", "0.0.0.0")
    st.cache_resource.clear()
    at = open_app()
    assert any("no admin account exists" in e.value for e in at.error)
    monkeypatch.setenv("QUALIA_ADMIN_PASSWORD", PASSWORD)
    monkeypatch.setenv("QUALIA_ADMIN_USER", "boss")
    at = sign_in("boss")
    assert not at.error and any(t.value == "Library" for t in at.title)
    assert not open_page("pages/users.py", at.session_state["_session_token"]).error  # an admin
    st.cache_resource.clear()


def test_auth_off_beyond_loopback_is_refused(data_dir, monkeypatch):
    from streamlit import config

    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_AUTH", "off")
    config.set_option("server.address", "0.0.0.0")
    st.cache_resource.clear()
    at = open_app()
    assert any("QUALIA_AUTH=off is refused" in e.value for e in at.error)
    st.cache_resource.clear()
