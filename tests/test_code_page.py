"""The Code page (AppTest): a codebook built, renamed, moved, merged and deleted (asking first); words of a turn
coded from a selection and whole turns from rows, uncoded; auto-coding after a preview; memos with their author;
retrieval with downloads; matrices and agreement; viewers read but cannot change anything."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from qualia_core import QualiaCore

ROOT = Path(__file__).resolve().parents[1]
VTT = Path(__file__).parent / "fixtures" / "formats" / "ES2012a_excerpt.vtt"


@pytest.fixture
def study(data_dir):
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    entry, _ = core.library.add(VTT.name, VTT.read_bytes())
    return core, entry.id


@pytest.fixture
def page(data_dir, monkeypatch, study):
    monkeypatch.chdir(ROOT)
    st.cache_resource.clear()

    def make(tab: str = "Code a meeting") -> AppTest:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.run()
        at.switch_page("pages/code.py")
        at.session_state["code_tab"] = tab
        at.session_state["coder_name"] = "ana"
        return at.run()

    yield make
    st.cache_resource.clear()


def fresh(study):
    """The study as another process sees it now."""
    core, doc_id = study
    return QualiaCore(data_dir=core.data_dir, entry_points=False).codes, doc_id


def shown(at) -> str:
    return "\n".join(str(e.value) for e in [*at.text, *at.caption, *at.markdown, *at.success, *at.error])


def test_a_codebook_is_built_renamed_moved_merged_and_deleted_after_asking(page, study):
    at = page("Codebook")
    assert not at.exception
    assert any("No codes yet" in i.value for i in at.info)
    for name in ("Design", "Remote", "Buttons"):
        at.text_input(key="code_new_name").set_value(name)
        at.button(key="code_new_create").click().run()
        assert not at.exception
    codes, _ = fresh(study)
    assert [c.path for c in codes.codebook()] == ["Buttons", "Design", "Remote"]

    ids = {c.name: c.id for c in codes.codebook()}
    at.selectbox(key="code_edit_id").set_value(ids["Remote"]).run()
    remote = ids["Remote"]
    at.text_input(key=f"code_edit_name_{remote}").set_value("Remote control")
    at.selectbox(key=f"code_edit_parent_{remote}").set_value(ids["Design"])
    at.button(key=f"code_edit_save_{remote}").click().run()
    assert not at.exception
    codes, _ = fresh(study)
    assert [c.path for c in codes.codebook()] == ["Buttons", "Design", "Design › Remote control"]

    at.selectbox(key="code_edit_id").set_value(ids["Buttons"]).run()
    at.selectbox(key=f"code_merge_into_{ids['Buttons']}").set_value(ids["Remote"]).run()
    at.button(key="code_merge").click().run()
    codes, _ = fresh(study)
    assert [c.path for c in codes.codebook()] == ["Design", "Design › Remote control"]

    at.selectbox(key="code_edit_id").set_value(ids["Design"]).run()
    at.button(key="code_delete").click().run()
    assert fresh(study)[0].codebook()  # asked first: nothing deleted yet
    assert "Design" in shown(at)
    at.button(key="code_delete_yes").click().run()
    assert fresh(study)[0].codebook() == []  # the code and the one under it


def test_selected_words_and_whole_turns_are_coded_and_uncoded(page, study):
    core, doc_id = study
    remote = core.codes.add_code("Remote", color="#2a9d8f")
    at = page()
    assert not at.exception
    text = core.codes.turn_texts(doc_id)[0]["shown"]
    start = text.index("remote control")
    # what the browser component reports for a mouse selection (its Chromium test drives a real one)
    at.session_state[f"code_sel_{doc_id}"] = {"selection": {"seq": 1, "segments": [
        {"turn": 0, "start": start, "end": start + len("remote control")}]}}
    at.run()
    assert "Turn 1: remote control" in shown(at)
    at.multiselect(key="code_apply_codes").set_value([remote.id]).run()
    at.text_input(key="code_apply_memo").set_value("their first mention").run()
    at.button(key="code_apply").click().run()
    assert not at.exception
    coded = fresh(study)[0].passages(code="Remote")
    assert list(coded["text"]) == ["remote control"]
    assert (coded["start"].iloc[0], coded["end"].iloc[0]) == (start, start + len("remote control"))
    assert coded["coder"].iloc[0] == "ana" and coded["memo"].iloc[0] == "their first mention"
    assert "No words selected." in shown(at)  # the selection was used up

    at.session_state[f"code_rows_{doc_id}_1"] = {"selection": {"rows": [1, 2], "columns": []}}
    at.run()
    at.button(key="code_apply_turns").click().run()
    coded = fresh(study)[0].passages(code="Remote")
    assert sorted(coded["turn"]) == [0, 1, 2]
    whole = coded[coded["turn"] == 2].iloc[0]
    assert whole["text"] == whole["turn_text"]

    at.session_state[f"code_passages_{doc_id}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.button(key="code_uncode").click().run()
    assert len(fresh(study)[0].passages(code="Remote")) == 2


def coded_study(study):
    """Two codes, three passages by two coders, a memo."""
    core, doc_id = study
    codes = core.codes
    remote = codes.add_code("Remote", color="#2a9d8f")
    design = codes.add_code("Design", color="#e76f51")
    text = codes.turn_texts(doc_id)[0]["text"]
    a = text.index("remote control")
    codes.code(doc_id, 0, a, a + len("remote control"), codes=[remote.id, design.id], coder="ana")
    codes.code(doc_id, 2, codes=[design.id], coder="ana")
    codes.code(doc_id, 0, a, a + len("remote"), codes=[remote.id], coder="bruno")
    return core, doc_id, remote, design


def test_retrieval_lists_meeting_speaker_time_and_turn_and_offers_three_downloads(page, study):
    core, doc_id, remote, design = coded_study(study)
    at = page("Retrieve")
    assert not at.exception
    at.selectbox(key="code_retrieve_a").set_value(remote.id).run()
    table = at.dataframe[0].value
    assert set(table["text"]) == {"remote control", "remote"}
    assert set(table["meeting"]) == {"ES2012a_excerpt"} and set(table["speaker"]) == {"Marketing"}
    assert set(table["time"]) == {"0:02:35"}
    assert all("remote control" in t for t in table["turn"])
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download Excel (XLSX)", "Download Word"]

    at.text_input(key="code_retrieve_coder").set_value("bruno").run()
    assert list(at.dataframe[0].value["text"]) == ["remote"] and list(at.dataframe[0].value["coder"]) == ["bruno"]
    at.text_input(key="code_retrieve_coder").set_value("").run()
    at.multiselect(key="code_retrieve_speakers").set_value(["Project Manager"]).run()
    assert len(at.dataframe) == 0 and "0 passages" in shown(at)

    at.radio(key="code_retrieve_mode").set_value("not").run()
    at.selectbox(key="code_retrieve_a").set_value(design.id)
    at.selectbox(key="code_retrieve_b").set_value(remote.id).run()
    assert list(at.dataframe[0].value["turn"]) == [core.codes.turn_texts(doc_id)[2]["shown"]]  # turn 3 only
    at.radio(key="code_retrieve_mode").set_value("and").run()
    assert list(at.dataframe[0].value["text"]) == ["remote control"]


def test_memos_are_written_with_their_author_and_shown_as_text(page, study):
    core, doc_id, remote, design = coded_study(study)
    at = page("Memos")
    memo = "**Not bold** <b>nor this</b> [link](http://example.com)"
    at.get("text_area")[0].set_value(memo)
    next(b for b in at.button if b.label == "Add memo").click().run()
    assert not at.exception
    journal = core.codes.memos(target_kind="study")
    assert list(journal["text"]) == [memo] and list(journal["author"]) == ["ana"]
    table = at.dataframe[0].value
    assert list(table["memo"]) == [memo] and list(table["written by"]) == ["ana"]
    assert not any("<b>" in m.value or "**" in m.value for m in at.markdown if "Not bold" in m.value)

    at.radio(key="code_memo_kind").set_value("code").run()
    at.selectbox(key="code_memo_code").set_value(remote.id).run()
    at.get("text_area")[0].set_value("Mentions of the remote itself.")
    next(b for b in at.button if b.label == "Add memo").click().run()
    on_code = core.codes.memos(target_kind="code", target_id=remote.id)
    assert list(on_code["text"]) == ["Mentions of the remote itself."]


def test_a_signed_in_viewer_reads_the_coding_but_changes_nothing(data_dir, monkeypatch, study):
    from argon2 import PasswordHasher

    from qualia_core.accounts import Accounts

    core, doc_id, remote, design = coded_study(study)
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_AUTH", "on")
    accounts = Accounts(core.library.store, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.create("ada", "a long enough password", "admin")
    vera = accounts.create("vera", "a long enough password", "viewer")
    token = accounts.open_session(vera)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["_session_token"] = token
    at.run()
    at.switch_page("pages/code.py")
    at.run()
    assert not at.exception
    assert any("coding needs the researcher role" in i.value for i in at.info)
    assert "Coding as" not in [t.label for t in at.text_input]
    assert at.button(key="code_apply").disabled and at.button(key="code_apply_turns").disabled
    assert "remote control" in at.dataframe[-1].value["text"].tolist()  # reads the passages
    at.session_state["code_tab"] = "Codebook"
    at.run()
    assert at.button(key="code_new_create").disabled and at.button(key="code_delete").disabled
    st.cache_resource.clear()


def test_a_signed_in_researcher_codes_as_themself(data_dir, monkeypatch, study):
    from argon2 import PasswordHasher

    from qualia_core.accounts import Accounts

    core, doc_id = study
    remote = core.codes.add_code("Remote")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("QUALIA_AUTH", "on")
    accounts = Accounts(core.library.store, hasher=PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    accounts.create("ada", "a long enough password", "admin")
    token = accounts.open_session(accounts.create("rita", "a long enough password", "researcher"))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
    at.session_state["_session_token"] = token
    at.run()
    at.switch_page("pages/code.py")
    at.session_state["coder_name"] = "someone else"  # ignored: the account codes
    at.run()
    at.session_state[f"code_rows_{doc_id}_1"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.multiselect(key="code_apply_codes").set_value([remote.id]).run()
    at.button(key="code_apply_turns").click().run()
    assert list(core.codes.passages()["coder"]) == ["rita"]
    st.cache_resource.clear()


def test_auto_coding_previews_every_keyword_hit_then_codes_them(page, study):
    core, doc_id = study
    remote = core.codes.add_code("Remote")
    at = page()
    at.text_input(key="code_auto_query").set_value("remote control").run()
    assert not at.exception
    preview = next(d.value for d in at.dataframe if "words" in d.value.columns)
    expected = core.codes.autocode_preview("remote control", kind="kwic", documents=[doc_id])
    assert len(preview) == len(expected) > 0
    assert set(preview["words"].str.lower()) == {"remote control"}
    assert core.codes.passages().empty  # a preview writes nothing
    at.multiselect(key="code_auto_codes").set_value([remote.id]).run()
    at.button(key="code_auto_apply").click().run()
    coded = core.codes.passages(code="Remote")
    assert len(coded) == len(expected) and set(coded["text"].str.lower()) == {"remote control"}
    assert set(coded["coder"]) == {"ana"}


def test_the_codebook_lists_the_tree_with_colours_and_passages(page, study):
    core, doc_id, remote, design = coded_study(study)
    core.codes.add_code("Buttons", parent=remote, color="#123456", description="on the remote")
    at = page("Codebook")
    table = at.dataframe[0].value
    assert list(table["code"]) == ["Design", "Remote", "\u2003Buttons"]  # indented under its parent
    assert list(table["passages"]) == [2, 2, 0]
    assert list(table["colour"]) == ["#e76f51", "#2a9d8f", "#123456"]
    assert table["description"].iloc[2] == "on the remote"


def test_matrices_show_the_cores_counts_as_heatmap_table_and_csv(page, study):
    core, doc_id, remote, design = coded_study(study)
    at = page("Matrices")
    assert not at.exception
    expected = core.codes.matrix(by="document")
    table = at.dataframe[0].value
    assert table.to_dict() == expected.to_dict() and int(table.loc["Remote", "ES2012a_excerpt"]) == 2
    assert len(at.get("plotly_chart")) == 1
    assert [b.label for b in at.get("download_button")] == ["Download CSV"]
    at.selectbox(key="code_matrix_by").set_value("code").run()
    cooc = at.dataframe[0].value
    assert int(cooc.loc["Remote", "Design"]) == 1  # one turn holds both
    at.toggle(key="code_matrix_presence").set_value(True).run()
    assert set(at.dataframe[0].value.to_numpy().ravel()) <= {0, 1}


def test_agreement_compares_two_coders_and_lists_where_they_differ(page, study):
    core, doc_id, remote, design = coded_study(study)
    at = page("Agreement")
    assert not at.exception
    assert at.selectbox(key="code_agree_a").options == ["ana", "bruno"]
    table = at.dataframe[0].value
    expected = core.codes.agreement("ana", "bruno", documents=[doc_id])
    pd.testing.assert_frame_equal(table.reset_index(drop=True), expected.reset_index(drop=True), check_dtype=False)
    differ = at.dataframe[1].value
    at.toggle(key="code_agree_per_meeting").set_value(True).run()
    assert list(at.dataframe[0].value["meeting"].unique()) == ["ES2012a_excerpt"]
    # ana coded "remote control" and turn 3 that bruno did not (in full): every row of the view is one of theirs
    assert set(differ["coder"]) <= {"ana", "bruno"} and "remote control" in set(differ["text"])
    assert "Design" in set(differ["code"])


def test_a_qdc_codebook_is_imported_from_the_codebook_tab(page, study, tmp_path):
    core, _ = study
    if not hasattr(core.codes, "export_qdc"):
        pytest.skip("the REFI-QDA exchange (core.codes.export_qdc, branch i12-refi) is not merged yet")
    other = QualiaCore(data_dir=tmp_path / "other", entry_points=False)
    parent = other.codes.add_code("Themes", color="#264653")
    other.codes.add_code("Trust", parent=parent, color="#e9c46a", description="who they rely on")
    qdc = other.codes.export_qdc(tmp_path / "book.qdc")
    core.codes.add_code("Remote")
    at = page("Codebook")
    assert "Download the codebook (.qdc)" in [b.label for b in at.get("download_button")]
    at.file_uploader(key="code_qdc_upload").set_value([(qdc.name, qdc.read_bytes(), "application/xml")]).run()
    at.button(key="code_qdc_import").click().run()
    assert not at.exception
    assert [c.path for c in core.codes.codebook()] == ["Remote", "Themes", "Themes › Trust"]
    assert "2 codes added" in shown(at) + "\n".join(s.value for s in at.success)


def test_with_sign_in_off_the_coder_is_the_name_under_coding_as_and_it_is_remembered(page, study):
    core, doc_id = study
    remote = core.codes.add_code("Remote")
    at = page()
    at.text_input(key="code_coder_field").set_value("carla").run()
    at.switch_page("pages/library.py")  # another page, then back: the name is kept for the session
    at.run()
    at.switch_page("pages/code.py")
    at.run()
    assert at.text_input(key="code_coder_field").value == "carla"
    at.session_state[f"code_rows_{doc_id}_1"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.multiselect(key="code_apply_codes").set_value([remote.id]).run()
    at.button(key="code_apply_turns").click().run()
    assert list(core.codes.passages()["coder"]) == ["carla"]


def test_a_memo_is_written_on_a_passage_from_the_meetings_passages(page, study):
    core, doc_id, remote, design = coded_study(study)
    at = page()
    first = core.codes.passages(document=doc_id).iloc[0]
    at.session_state[f"code_passages_{doc_id}"] = {"selection": {"rows": [0], "columns": []}}
    at.run()
    at.get("text_area")[0].set_value("Said twice, <i>emphatically</i>.")
    next(b for b in at.button if b.label == "Save memo").click().run()
    assert not at.exception
    assert core.codes.passage(int(first["passage_id"])).memo == "Said twice, <i>emphatically</i>."


def test_words_selected_in_a_pseudonymised_turn_are_coded_on_the_same_stored_words(page, study):
    """With names replaced in the speech the page shows `Yes P01, …` while the store keeps `Yes Ana Silva, …`: the
    selection's offsets in the text shown are mapped back, so the passage holds the words selected."""
    core, _ = study
    entry, _ = core.library.add("names.txt", "Ana Silva: Hello Bruno, shall we start?\n"
                                             "Bruno Costa: Yes Ana Silva, the remote control first.\n".encode())
    core.library.pseudonymise(entry.id)
    core.library.set_names_in_speech(entry.id, True)
    remote = core.codes.add_code("Remote")
    at = page()
    at.selectbox(key="code_doc").set_value(entry.id).run()
    shown = core.codes.turn_texts(entry.id)[1]["shown"]
    assert shown.startswith("Yes P01") and "Ana" not in shown
    start = shown.index("remote control")
    at.session_state[f"code_sel_{entry.id}"] = {"selection": {"seq": 1, "segments": [
        {"turn": 1, "start": start, "end": start + len("remote control")}]}}
    at.run()
    assert "Turn 2: remote control" in "\n".join(t.value for t in at.text)
    assert not any("Ana" in t.value or "Bruno" in t.value for t in at.text)
    at.multiselect(key="code_apply_codes").set_value([remote.id]).run()
    at.button(key="code_apply").click().run()
    passage = core.codes.passages(code="Remote").iloc[0]
    stored = core.codes.turn_texts(entry.id)[1]["text"]
    assert stored[passage["start"]:passage["end"]] == "remote control"
    assert passage["speaker"] == "P02"
