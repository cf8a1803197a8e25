"""REFI-QDA exchange with the study (core.export_qdpx, core.import_qdpx, core.codes.export_qdc / import_qdc): the
export validates against REFI's schema and carries codes, passages, coders and memos; export → import into a fresh
study → export is the same in all four; a project from another tool imports; a failed import changes nothing."""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from qualia_core import QualiaCore
from qualia_core.errors import ExchangeError
from qualia_core.refi import read_qdpx, walk
from qualia_core.refi.safe_xml import SCHEMA_PATH

FIXTURES = Path(__file__).parent / "fixtures" / "refi"
TIMED = ("[00:00:05] Ana Silva: We should trust the remote control design.\n"
         "[00:00:12] Bruno Costa: I doubt it will sell, Ana.\n"
         "[00:01:03] Ana Silva: Thank you Bruno — the design is what sells.\n")
UNTIMED = ("Interviewer: How do you work these days?\n"
           "Participant: Mostly from home, at the kitchen table.\n"
           "Interviewer: And the children?\n"
           "Participant: They are at school until four.\n")
WHEN = datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc)


def new_core(path: Path) -> QualiaCore:
    return QualiaCore(data_dir=path, entry_points=False)


@pytest.fixture
def study(tmp_path) -> QualiaCore:
    return fill(new_core(tmp_path / "first"))


def fill(core: QualiaCore) -> QualiaCore:
    """Two meetings, a pseudonym, a code tree, passages by two coders and memos on everything."""
    lib, codes = core.library, core.codes
    timed, _ = lib.add("design meeting.txt", TIMED.encode())
    untimed, _ = lib.add("interview 3.txt", UNTIMED.encode())
    lib.set_speaker_names(timed.id, {"Ana Silva": "P01", "Bruno Costa": "P02"})
    trust = codes.add_code("Trust", color="#aa3300", description="Saying they trust", created_by="ana")
    doubt = codes.add_code("Doubt", parent=trust, description="")
    home = codes.add_code("Home", color="#33aa00")
    texts = [t["text"] for t in codes.turn_texts(timed.id)]
    s = texts[0].index("trust")
    p1 = codes.code(timed.id, 0, s, s + len("trust the remote control"), codes=[trust, doubt], coder="ana",
                    memo="Hedged?", created_at=WHEN)
    codes.code(timed.id, 1, codes=[doubt], coder="bea", created_at=WHEN)  # the whole turn
    codes.code(timed.id, 2, 0, 9, codes=["Trust"], coder="bea", created_at=WHEN)
    u = [t["text"] for t in codes.turn_texts(untimed.id)]
    codes.code(untimed.id, 1, u[1].index("from home"), len(u[1]) - 1, codes=[home], coder="ana", created_at=WHEN)
    codes.add_memo("study", None, "Journal: first pass.\nTwo meetings so far.", "ana", created_at=WHEN)
    codes.add_memo("document", timed.id, "Recorded in a noisy room.", "bea", created_at=WHEN)
    codes.add_memo("code", trust.id, "Trust as stated, not inferred.", "ana", created_at=WHEN)
    codes.add_memo("passage", p1.id, "Compare with meeting 4.", "bea", created_at=WHEN)
    return core


def selection_texts(project) -> dict[str, str]:
    return {sel.guid: src.text[sel.start:sel.end] for src in project.sources for sel in src.selections}


def semantic(project) -> dict:
    """What must survive export → import → export: codes, passages (their words), coders and memos."""
    users = project.user_names()
    parents = {code.guid: (parent.guid if parent else None) for code, parent in project.walk_codes()}
    codes = {c.guid: (c.name, parents[c.guid], (c.color or "").lower(), c.description)
             for c, _ in project.walk_codes()}
    texts = selection_texts(project)
    passages = {sel.guid: (src.name, texts[sel.guid], users.get(sel.user_guid), sel.description,
                           sorted((c.code_guid, users.get(c.user_guid)) for c in sel.codings))
                for src in project.sources for sel in src.selections}
    targets = {ref: ("study", None) for ref in project.note_refs}
    for src in project.sources:
        targets.update({ref: ("document", src.name) for ref in src.note_refs})
        for sel in src.selections:
            targets.update({ref: ("passage", sel.guid) for ref in sel.note_refs})
    for code, _ in project.walk_codes():
        targets.update({ref: ("code", code.guid) for ref in code.note_refs})
    memos = {n.guid: (n.text, users.get(n.user_guid), targets.get(n.guid)) for n in project.notes}
    return {"codes": codes, "passages": passages, "coders": sorted(users.values()), "memos": memos,
            "sources": sorted((s.name, s.text) for s in project.sources)}


def test_the_export_validates_and_carries_the_study_as_shown(study, tmp_path):
    path = study.export_qdpx(tmp_path / "study.qdpx")
    with zipfile.ZipFile(path) as zf:
        root = etree.fromstring(zf.read("project.qde"))
        names = zf.namelist()
    etree.XMLSchema(etree.parse(str(SCHEMA_PATH))).assertValid(root)
    project = read_qdpx(path)
    assert sorted(names) == sorted(["project.qde"] + [f"Sources/{s.guid}.txt" for s in project.sources])
    design = next(s for s in project.sources if s.name == "design meeting")
    assert design.text.splitlines()[0] == "[0:00:05] P01: We should trust the remote control design."
    assert "Ana Silva" not in design.text and "Bruno Costa" not in design.text  # pseudonyms go out, not names
    interview = next(s for s in project.sources if s.name == "interview 3")
    assert interview.text.splitlines()[1] == "Participant: Mostly from home, at the kitchen table."
    texts = selection_texts(project)
    frame = study.codes.passages()
    for row in frame.itertuples():
        assert texts[row.passage_guid] == row.text  # each selection is the passage's words
    assert sorted(set(texts.values())) == sorted(["trust the remote control",
                                                  "I doubt it will sell, Ana.", "Thank you",
                                                  "from home, at the kitchen table"])
    assert [u.name for u in project.users] == ["ana", "bea"]
    assert [c.name for c, _ in walk(project.codes)] == ["Home", "Trust", "Doubt"]
    first = next(sel for sel in design.selections if texts[sel.guid] == "trust the remote control")
    assert first.description == "Hedged?" and len(first.codings) == 2 and len(first.note_refs) == 1
    notes = {n.text: n for n in project.notes}
    assert project.note_refs == [notes["Journal: first pass.\nTwo meetings so far."].guid]
    assert design.note_refs == [notes["Recorded in a noisy room."].guid]
    assert study.export_qdpx(tmp_path / "again.qdpx") and semantic(read_qdpx(tmp_path / "again.qdpx")) == \
        semantic(project)


def test_export_import_export_keeps_codes_passages_coders_and_memos(study, tmp_path):
    first = study.export_qdpx(tmp_path / "first.qdpx")
    fresh = new_core(tmp_path / "second")
    summary = fresh.import_qdpx(first)
    assert (len(summary.documents_added), summary.codes_added, summary.passages, summary.memos) == (2, 3, 4, 4)
    assert summary.coders == ["ana", "bea"] and summary.skipped == []
    second = fresh.export_qdpx(tmp_path / "second.qdpx")
    a, b = semantic(read_qdpx(first)), semantic(read_qdpx(second))
    assert a["codes"] == b["codes"]
    assert a["passages"] == b["passages"]
    assert a["coders"] == b["coders"]
    assert a["memos"] == b["memos"]
    assert a["sources"] == b["sources"]
    # in the study itself too: the same words under the same codes, by the same coders
    before = study.codes.passages()[["passage_guid", "code", "text", "coder", "memo"]]
    after = fresh.codes.passages()[["passage_guid", "code", "text", "coder", "memo"]]
    key = ["passage_guid", "code"]
    assert before.sort_values(key).values.tolist() == after.sort_values(key).values.tolist()


def test_importing_the_same_project_again_adds_nothing_twice(study, tmp_path):
    path = study.export_qdpx(tmp_path / "study.qdpx")
    fresh = new_core(tmp_path / "second")
    fresh.import_qdpx(path)
    again = fresh.import_qdpx(path)
    assert (again.documents_added, again.codes_added, again.passages, again.memos) == ([], 0, 0, 0)
    assert (len(again.documents_existing), again.passages_existing, again.memos_existing) == (2, 4, 4)
    assert len(fresh.codes.passages()) == len(study.codes.passages())


def qualcoder_archive(target: Path) -> Path:
    folder = FIXTURES / "qualcoder"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    return target


def test_a_project_from_another_tool_imports_with_its_prose_source(tmp_path):
    core = new_core(tmp_path / "data")
    summary = core.import_qdpx(qualcoder_archive(tmp_path / "notes.qdpx"))
    assert summary.coders == ["joão", "maria"] and summary.codes_added == 3
    [entry] = core.library.list()
    assert entry.name == "Observation notes"
    book = {c.path: c for c in core.codes.codebook()}
    assert sorted(book) == ["Family", "Work", "Work › Remote work"]
    assert book["Work › Remote work"].color == "#ff9900" and book["Work"].description == "Everything about work"
    frame = core.codes.passages().sort_values(["turn", "start", "code"])
    rows = [(r.code, r.coder, r.turn, r.text) for r in frame.itertuples()]
    # the selection coded by two users: a passage each; the one across the paragraph break: a piece per turn
    assert rows == [("Family", "joão", 0, "working from home"),
                    ("Work › Remote work", "maria", 0, "working from home"),
                    ("Family", "joão", 0, "the kitchen table."),
                    ("Family", "joão", 1, "The children come back at four; the house gets loud")]
    memos = core.codes.memos()
    kinds = dict(zip(memos["text"], memos["target_kind"]))
    assert kinds == {"Visited on a rainy Tuesday; the family was at home.": "document",
                     "The laptop lives on the kitchen table.": "passage",
                     "Paid work done at home at least one day a week.": "code",
                     "First pass over the field notes.": "study"}
    assert dict(zip(memos["text"], memos["author"]))["The laptop lives on the kitchen table."] == "joão"


def test_a_failed_import_leaves_the_study_unchanged(tmp_path):
    core = new_core(tmp_path / "data")
    core.library.add("kept.txt", UNTIMED.encode())
    core.codes.add_code("Existing")
    before = (core.library.list(), core.codes.codebook(), sorted((tmp_path / "data" / "files").iterdir()))
    path = qualcoder_archive(tmp_path / "notes.qdpx")
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["project.qde"] = members["project.qde"].replace(b'name="Family"', b'name="Family \xe2\x80\xba Kids"')
    bad = tmp_path / "bad.qdpx"
    with zipfile.ZipFile(bad, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ExchangeError, match="Family › Kids"):
        core.import_qdpx(bad)  # the code is refused after the document was added: all of it is undone
    after = (core.library.list(), core.codes.codebook(), sorted((tmp_path / "data" / "files").iterdir()))
    assert after == before and core.codes.passages().empty and core.codes.memos().empty


def test_a_hostile_archive_changes_nothing(tmp_path):
    core = new_core(tmp_path / "data")
    bad = tmp_path / "evil.qdpx"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("project.qde", "<Project/>")
        zf.writestr("../../outside.txt", "x")
    with pytest.raises(ExchangeError, match=r"evil.qdpx.*'\.\./\.\./outside\.txt' climbs out"):
        core.import_qdpx(bad)
    assert core.library.list() == [] and not (tmp_path / "outside.txt").exists()


def test_the_codebook_goes_out_and_comes_in_as_a_qdc(study, tmp_path):
    path = study.codes.export_qdc(tmp_path / "codes.qdc")
    fresh = new_core(tmp_path / "second")
    fresh.codes.add_code("Home")  # already there by name: kept, not doubled
    assert fresh.codes.import_qdc(path) == {"added": 2, "existing": 1}
    mine = [(c.guid, c.path, c.color, c.description) for c in study.codes.codebook()]
    theirs = {c.path: c for c in fresh.codes.codebook()}
    assert sorted(theirs) == ["Home", "Trust", "Trust › Doubt"]
    assert [(c.guid, c.path, c.color, c.description) for c in fresh.codes.codebook() if c.path != "Home"] == \
        [m for m in mine if m[1] != "Home"]
    assert fresh.codes.import_qdc(path) == {"added": 0, "existing": 3}


def test_names_replaced_in_the_speech_go_out_replaced_with_the_selection_on_the_same_words(tmp_path):
    core = new_core(tmp_path / "data")
    entry, _ = core.library.add("m.txt", TIMED.encode())
    core.library.set_speaker_names(entry.id, {"Ana Silva": "P01", "Bruno Costa": "P02"})
    core.library.set_names_in_speech(entry.id, True)
    core.codes.add_code("Thanks")
    core.codes.code(entry.id, 2, 0, len("Thank you Bruno"), codes=["Thanks"], coder="ana")
    second = core.codes.turn_texts(entry.id)[1]["text"]
    core.codes.code(entry.id, 1, second.index("sell"), len(second), codes=["Thanks"], coder="ana")
    project = read_qdpx(core.export_qdpx(tmp_path / "m.qdpx"))
    [src] = project.sources
    assert "Bruno" not in src.text and "Ana" not in src.text
    assert sorted(selection_texts(project).values()) == ["Thank you P02", "sell, P01."]
    fresh = new_core(tmp_path / "second")
    fresh.import_qdpx(tmp_path / "m.qdpx")
    assert sorted(fresh.codes.passages()["text"]) == ["Thank you P02", "sell, P01."]


def test_turns_are_found_in_texts_other_tools_write():
    from qualia_core.coding.source_text import Alignment, render

    # line breaks inside a turn (the parser joins them with one space), CRLF, a turn text that also occurs
    # inside the speaker label and the time before it
    source = "[0:00:01] Ann 1: 1\r\nBob: a long\r\n  turn  here\r\nAnn 1: end\r\n"
    align = Alignment(source, ["1", "a long turn here", "end"])
    assert align.missing is None
    assert align.spans[0] == (source.index(": 1") + 2, source.index(": 1") + 3)
    start, end = source.index("long"), source.index("here") + 4
    assert align.pieces(start, end) == [(1, 2, 16)]  # "long turn here" in the parsed turn
    assert align.pieces(source.index("turn"), source.index("end") + 3) == [(1, 7, 16), (2, 0, 3)]
    assert align.pieces(0, source.index(": 1")) == []  # the time and label only: no words
    assert Alignment("one\n", ["two"]).missing == 0
    rendered = render([{"speaker": None, "start": None, "shown": "First paragraph\nstill"},
                       {"speaker": None, "start": None, "shown": "Second"}])
    assert rendered.text == "First paragraph still\n\nSecond\n" and rendered.bodies == [0, 23]


def test_an_export_of_some_documents_carries_only_theirs(study, tmp_path):
    design = next(e for e in study.library.list() if e.name == "design meeting")
    project = read_qdpx(study.export_qdpx(tmp_path / "one.qdpx", documents=[design.id]))
    assert [s.name for s in project.sources] == ["design meeting"]
    assert sorted(selection_texts(project).values()) == ["I doubt it will sell, Ana.", "Thank you",
                                                        "trust the remote control"]
    notes = sorted(n.text for n in project.notes)  # the study's, the document's, the code's and the passage's
    assert notes == ["Compare with meeting 4.", "Journal: first pass.\nTwo meetings so far.",
                     "Recorded in a noisy room.", "Trust as stated, not inferred."]
    assert [c.name for c, _ in walk(project.codes)] == ["Home", "Trust", "Doubt"]  # the whole codebook


def test_a_document_that_is_not_a_transcript_goes_out_as_paragraphs_and_comes_back_the_same(tmp_path):
    core = new_core(tmp_path / "data")
    prose = ("The first paragraph talks about\nremote work and how it feels.\n\n"
             "A second paragraph: with a colon inside.\n\nThird one, short.\n")
    entry, _ = core.library.add("essay.txt", prose.encode())
    first = core.codes.turn_texts(entry.id)[0]["text"]
    core.codes.add_code("Remote")
    core.codes.code(entry.id, 0, first.index("remote"), first.index(" and"), codes=["Remote"], coder="ana")
    core.codes.code(entry.id, 2, codes=["Remote"], coder="bea")
    project = read_qdpx(core.export_qdpx(tmp_path / "essay.qdpx"))
    assert project.sources[0].text == ("The first paragraph talks about remote work and how it feels.\n\n"
                                       "A second paragraph: with a colon inside.\n\nThird one, short.\n")
    fresh = new_core(tmp_path / "second")
    fresh.import_qdpx(tmp_path / "essay.qdpx")
    [doc] = fresh.library.list()
    assert [t["text"] for t in fresh.codes.turn_texts(doc.id)] == [t["text"] for t in core.codes.turn_texts(entry.id)]
    rows = fresh.codes.passages().sort_values("turn")
    assert list(zip(rows["turn"], rows["text"], rows["coder"])) == [(0, "remote work", "ana"),
                                                                    (2, "Third one, short.", "bea")]


def test_the_round_trip_and_the_undoing_hold_on_postgresql_too(tmp_path, monkeypatch, postgres_server):
    urls = [postgres_server.create_database(), postgres_server.create_database()]
    try:
        monkeypatch.setenv("QUALIA_DATABASE_URL", urls[0])
        first = fill(new_core(tmp_path / "first"))
        path = first.export_qdpx(tmp_path / "first.qdpx")
        monkeypatch.setenv("QUALIA_DATABASE_URL", urls[1])
        second = new_core(tmp_path / "second")
        second.import_qdpx(path)
        assert semantic(read_qdpx(second.export_qdpx(tmp_path / "second.qdpx"))) == semantic(read_qdpx(path))
        before = (second.library.list(), second.codes.codebook(), len(second.codes.passages()))
        project = read_qdpx(path)
        from qualia_core.refi import Code, new_guid, write_qdpx

        project.codes.append(Code(new_guid(), "Home \u203a Away"))  # refused by the codebook, after the documents
        for src in project.sources:
            src.text += "\nP09: one more line.\n"  # new documents, which the failure must remove again
        write_qdpx(project, tmp_path / "bad.qdpx")
        with pytest.raises(ExchangeError, match="Home › Away"):
            second.import_qdpx(tmp_path / "bad.qdpx")
        assert (second.library.list(), second.codes.codebook(), len(second.codes.passages())) == before
    finally:
        for url in urls:
            postgres_server.drop_database(url)
