"""REFI-QDA exchange, the pure layer (qualia_core.refi): .qdpx and .qdc written valid against REFI's schema, read
back unchanged, and hostile or malformed archives refused with a message naming what is wrong."""

from __future__ import annotations

import zipfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from lxml import etree

from qualia_core.errors import ExchangeError
from qualia_core.refi import (Code, Coding, Limits, Note, Project, Selection, Source, User, project_bytes, read_qdc,
                              read_qdpx, write_qdc, write_qdpx)
from qualia_core.refi.safe_xml import SCHEMA_PATH

FIXTURES = Path(__file__).parent / "fixtures" / "refi"
WHEN = datetime(2026, 11, 30, 14, 5, 9, tzinfo=timezone.utc)
ANA, BEA = "00000000-0000-4000-8000-0000000000a1", "00000000-0000-4000-8000-0000000000b2"
THEME, CHILD, OTHER = ("10000000-0000-4000-8000-000000000001", "10000000-0000-4000-8000-000000000002",
                       "10000000-0000-4000-8000-000000000003")
SRC = "20000000-0000-4000-8000-000000000001"
TEXT = "[0:00:05] P01: Eu trabalho em casa às segundas.\nP02: And I don't — never.\n"


def small_project() -> Project:
    start = TEXT.index("trabalho")
    return Project(
        name="Study", user_guid=ANA, created_at=WHEN,
        users=[User(ANA, "ana"), User(BEA, "beatriz")],
        codes=[Code(THEME, "Work", "#3366cc", "All about work", children=[Code(CHILD, "Remote", "#ff9900")],
                    note_refs=["40000000-0000-4000-8000-000000000002"]),
               Code(OTHER, "Family <&> \"home\"", None, "")],
        sources=[Source(SRC, "Meeting 1", TEXT, ANA, WHEN, selections=[
            Selection("30000000-0000-4000-8000-000000000001", start, start + len("trabalho em casa"), ANA, WHEN,
                      description="memo on the passage",
                      codings=[Coding("50000000-0000-4000-8000-000000000001", CHILD, ANA, WHEN),
                               Coding("50000000-0000-4000-8000-000000000002", OTHER, ANA, WHEN)],
                      note_refs=["40000000-0000-4000-8000-000000000003"]),
            Selection("30000000-0000-4000-8000-000000000002", 0, len(TEXT), BEA, WHEN,
                      codings=[Coding("50000000-0000-4000-8000-000000000003", THEME, BEA, WHEN)])],
            note_refs=["40000000-0000-4000-8000-000000000001"])],
        notes=[Note("40000000-0000-4000-8000-000000000001", "On Meeting 1", "Noisy room.", ANA, WHEN, WHEN),
               Note("40000000-0000-4000-8000-000000000002", "On Work", "Paid work only.", BEA, WHEN),
               Note("40000000-0000-4000-8000-000000000003", "On a passage", "Hesitates here.", ANA, WHEN),
               Note("40000000-0000-4000-8000-000000000004", "Journal", "Day one.\nSecond line.", ANA, WHEN)],
        note_refs=["40000000-0000-4000-8000-000000000004"])


def zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in sorted(folder.rglob("*")):
            if f.is_file():
                zf.write(f, f.relative_to(folder).as_posix())
    return target


def archive(target: Path, members: dict[str, bytes | str]) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def valid_members(project: Project | None = None) -> dict[str, bytes]:
    project = project or small_project()
    out = {"project.qde": project_bytes(project)}
    for src in project.sources:
        out[f"Sources/{src.guid}.txt"] = src.text.encode("utf-8")
    return out


def refused(path: Path, *words: str) -> str:
    with pytest.raises(ExchangeError) as info:
        read_qdpx(path)
    message = str(info.value)
    assert path.name in message
    for word in words:
        assert word in message, message
    return message


def test_the_schema_ships_with_its_notice():
    text = SCHEMA_PATH.read_text(encoding="utf-8")
    assert "MIT license" in text and 'targetNamespace="urn:QDA-XML:project:1.0"' in text


def test_a_qdpx_validates_against_the_schema_and_reads_back_unchanged(tmp_path):
    project = small_project()
    path = write_qdpx(project, tmp_path / "study.qdpx")
    with zipfile.ZipFile(path) as zf:
        assert sorted(zf.namelist()) == ["Sources/" + SRC + ".txt", "project.qde"]
        assert zf.read(f"Sources/{SRC}.txt").decode("utf-8") == TEXT
        root = etree.fromstring(zf.read("project.qde"))
    schema = etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))
    schema.assertValid(root)  # checked here independently of the writer's own check
    ns = {"q": "urn:QDA-XML:project:1.0"}
    assert root.find("q:Sources/q:TextSource", ns).get("plainTextPath") == f"internal://{SRC}.txt"
    sel = root.find("q:Sources/q:TextSource/q:PlainTextSelection", ns)
    assert TEXT[int(sel.get("startPosition")):int(sel.get("endPosition"))] == "trabalho em casa"
    assert read_qdpx(path) == project


def test_the_writer_refuses_what_the_schema_refuses_and_leaves_no_file(tmp_path):
    project = small_project()
    project.codes[0].color = "red"
    with pytest.raises(ExchangeError, match="Project.xsd"):
        write_qdpx(project, tmp_path / "bad.qdpx")
    assert list(tmp_path.iterdir()) == []


def test_a_qualcoder_shaped_project_reads_with_guids_normalised(tmp_path):
    project = read_qdpx(zip_folder(FIXTURES / "qualcoder", tmp_path / "notes.qdpx"))
    assert project.origin == "QualCoder 3.5"
    assert [u.name for u in project.users] == ["maria", "joão"]
    assert project.users[1].guid == "2b8e6f10-3c4d-4e5f-8a9b-0c1d2e3f4a5b"  # braces and capitals dropped
    work = project.codes[0]
    assert (work.name, work.codable, work.description, [c.name for c in work.children]) == (
        "Work", False, "Everything about work", ["Remote work"])
    src = project.sources[0]
    first = src.selections[0]
    assert src.text[first.start:first.end] == "working from home"
    assert [c.user_guid for c in first.codings] == [project.users[0].guid, project.users[1].guid]
    assert [n.name for n in project.notes][-1] == "Journal" and project.note_refs == [project.notes[-1].guid]


def test_a_codebook_round_trips_and_validates(tmp_path):
    codes = small_project().codes
    path = write_qdc(codes, tmp_path / "codes.qdc")
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert read_qdc(path) == codes


def test_a_codebook_from_another_tool_reads(tmp_path):
    path = tmp_path / "atlas.qdc"
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
                    'origin="ATLAS.ti"><Codes><Code guid="1FF58B12-6F6F-4B0C-8BE5-BBDC91F55294" name="code1" '
                    'color="#46AA00" isCodable="true"><Description>description</Description></Code></Codes>'
                    '<Sets><Set name="group" guid="ECA18D76-2B8B-4F26-BC1D-19ECA19FB3F0"/></Sets></CodeBook>')
    [code] = read_qdc(path)
    assert (code.guid, code.name, code.color, code.description) == (
        "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294", "code1", "#46AA00", "description")


def test_a_codebook_breaking_the_schema_is_refused_with_its_line(tmp_path):
    path = tmp_path / "bad.qdc"
    path.write_text('<?xml version="1.0"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>\n'
                    '<Code guid="not-a-guid" name="x" isCodable="true"/></Codes></CodeBook>')
    with pytest.raises(ExchangeError, match=r"bad.qdc.*line 3.*guid"):
        read_qdc(path)


# ------------------------------------------------------------------ hostile and malformed archives
@pytest.mark.parametrize("name, why", [("../evil.txt", "climbs out"), ("/etc/passwd", "absolute"),
                                       ("Sources/../../x.txt", "climbs out"), ("C:/x.txt", "absolute"),
                                       ("..\\x.txt", "backslash")])
def test_member_names_that_escape_are_refused(tmp_path, name, why):
    members = valid_members()
    members[name] = b"x"
    refused(archive(tmp_path / "evil.qdpx", members), name, why)


def test_a_text_path_that_climbs_out_is_refused(tmp_path):
    members = valid_members()
    members["project.qde"] = members["project.qde"].replace(f"internal://{SRC}.txt".encode(),
                                                            b"internal://../../etc/passwd")
    refused(archive(tmp_path / "evil.qdpx", members), "climbs out")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in valid_members().items():
            zf.writestr(name, data)
        with zf.open("Sources/padding.txt", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(64):  # 64 MiB of zeros pack to ~64 KB
                fh.write(chunk)
    assert path.stat().st_size < 1 << 20
    refused(path, "zip bomb", "Sources/padding.txt")


def test_too_many_members_or_bytes_are_refused(tmp_path):
    members = valid_members()
    members.update({f"Sources/{i}.txt": b"x" for i in range(20)})
    path = archive(tmp_path / "many.qdpx", members)
    with pytest.raises(ExchangeError, match="22 files"):
        read_qdpx(path, limits=Limits(members=10))
    with pytest.raises(ExchangeError, match="zip bomb"):
        read_qdpx(path, limits=Limits(total_bytes=100))


def test_billion_laughs_is_refused(tmp_path):
    lol = ('<?xml version="1.0"?>\n<!DOCTYPE Project [\n <!ENTITY lol "lol">\n'
           + "".join(f' <!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">\n'
                     for i in range(10))
           + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>')
    refused(archive(tmp_path / "laughs.qdpx", {"project.qde": lol}), "line 2", "DTD")


def test_an_external_entity_reading_a_local_file_is_refused(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    xxe = (f'<?xml version="1.0"?>\n<!DOCTYPE Project [<!ENTITY x SYSTEM "file://{secret}">]>\n'
           '<Project xmlns="urn:QDA-XML:project:1.0" name="&x;"/>')
    message = refused(archive(tmp_path / "xxe.qdpx", {"project.qde": xxe}), "DTD")
    assert "TOP SECRET" not in message


def test_a_selection_outside_its_text_is_refused(tmp_path):
    project = small_project()
    project.sources[0].selections[0].end = len(TEXT) + 5
    members = valid_members(project)
    refused(archive(tmp_path / "outside.qdpx", members), "outside the text", f"{len(TEXT)} characters",
            "Meeting 1")


@pytest.mark.parametrize("change, words", [
    (lambda p: setattr(p.sources[0].selections[0].codings[0], "code_guid", "90000000-0000-4000-8000-000000000009"),
     ["90000000-0000-4000-8000-000000000009", "not in the codebook"]),
    (lambda p: setattr(p.sources[0].selections[1], "user_guid", "90000000-0000-4000-8000-000000000009"),
     ["not among the project's Users"]),
    (lambda p: p.codes[1].note_refs.append("90000000-0000-4000-8000-000000000009"), ["not among the Notes"]),
    (lambda p: setattr(p.codes[1], "guid", THEME), ["names both code 'Work'"]),
])
def test_references_to_nothing_are_refused(tmp_path, change, words):
    project = small_project()
    change(project)
    members = {"project.qde": project_bytes(project), f"Sources/{SRC}.txt": TEXT.encode()}
    refused(archive(tmp_path / "refs.qdpx", members), *words)


def test_a_missing_or_non_utf8_source_is_refused(tmp_path):
    members = valid_members()
    del members[f"Sources/{SRC}.txt"]
    refused(archive(tmp_path / "missing.qdpx", members), "Meeting 1", "missing from the archive")
    members[f"Sources/{SRC}.txt"] = "Olá, café".encode("latin-1")
    refused(archive(tmp_path / "latin.qdpx", members), "Meeting 1", "not UTF-8", "0xe1")


def test_not_a_zip_not_xml_or_not_the_schema_is_refused(tmp_path):
    junk = tmp_path / "junk.qdpx"
    junk.write_bytes(b"PK not really")
    refused(junk, "not a .qdpx")
    refused(archive(tmp_path / "noqde.qdpx", {"Sources/a.txt": "x"}), "no project.qde")
    refused(archive(tmp_path / "broken.qdpx", {"project.qde": "<Project"}), "not well-formed", "line 1")
    bad = '<?xml version="1.0"?>\n<Project xmlns="urn:QDA-XML:project:1.0"><Users/></Project>'
    refused(archive(tmp_path / "invalid.qdpx", {"project.qde": bad}), "Project.xsd", "line 2")


def test_a_source_larger_than_a_document_may_be_is_refused_unread(tmp_path):
    path = archive(tmp_path / "big.qdpx", valid_members())
    with pytest.raises(ExchangeError, match="Meeting 1.*more than a document may be"):
        read_qdpx(path, limits=Limits(source_bytes=10))
