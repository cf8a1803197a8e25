"""The coding routes of the REST API through a real uvicorn on loopback (`python -m api`), as a script would use
them: the codebook, coding passages with two accounts' tokens (two coders), listing them, matrices, coder
agreement, memos, the .qdpx export (read back and validated by qualia_core.refi) and import, and refusals."""

from __future__ import annotations

import io
import time
import zipfile

import httpx
import pytest

from qualia_core.refi import read_qdpx
from tests.api_server import serving

PROBLEM = "application/problem+json"
MEETING = (b"Ana: the budget is due on friday and the budget is tight\n"
           b"Bo: fine, I will check the remote control prices\n"
           b"Ana: and the budget for the design too\n")


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("coding-api")
    (tmp / "tmp").mkdir()
    with serving(tmp, QUALIA_AUTH="on", QUALIA_MAX_DOCUMENT_MB="1", TMPDIR=str(tmp / "tmp")) as served:
        with served.client("researcher") as ana:
            document = ana.post("/documents", files={"file": ("budget.txt", MEETING)})
            assert document.status_code == 201, document.text
        served.document = document.json()["id"]
        served.tmp = tmp / "tmp"
        yield served


def is_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["detail"] and "Traceback" not in response.text
    return body


def make_code(client: httpx.Client, name: str, **fields) -> dict:
    response = client.post("/codes", json={"name": name, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_the_codebook_is_built_changed_merged_and_deleted_through_the_api(api):
    with api.client("researcher") as ana:
        money = make_code(ana, "Money", color="#4e79a7", description="talk of costs")
        due = make_code(ana, "Due dates", parent=money["id"])
        assert due["path"] == "Money › Due dates" and due["parent_id"] == money["id"]
        listed = ana.get("/codes").json()
        assert [c["path"] for c in listed if c["id"] in (money["id"], due["id"])] == ["Money", "Money › Due dates"]
        assert set(listed[0]) == {"id", "guid", "name", "path", "parent_id", "color", "description"}

        moved = ana.patch(f"/codes/{due['id']}", json={"name": "Deadlines", "parent": None, "color": "#e15759"})
        assert moved.status_code == 200, moved.text
        assert moved.json() | {"guid": None} == {"id": due["id"], "guid": None, "name": "Deadlines",
                                                  "path": "Deadlines", "parent_id": None, "color": "#e15759",
                                                  "description": ""}
        typo = is_problem(ana.patch(f"/codes/{due['id']}", json={"colour": "#000000"}), 422)
        assert typo["errors"][0]["parameter"] == "colour"  # a misspelt field is refused, not ignored
        # all or nothing: a bad colour after a good name changes neither
        bad = is_problem(ana.patch(f"/codes/{due['id']}", json={"name": "Renamed", "color": "red"}), 422)
        assert bad["errors"][0]["parameter"] == "color" and "#rrggbb" in bad["detail"]
        assert ana.get(f"/codes/{due['id']}").json()["name"] == "Deadlines"

        merged = ana.post(f"/codes/{due['id']}/merge", json={"into": "Money"})
        assert merged.status_code == 200 and merged.json()["id"] == money["id"]
        assert due["id"] not in [c["id"] for c in ana.get("/codes").json()]

        child = make_code(ana, "Prices", parent="Money")
        refused = is_problem(ana.delete(f"/codes/{money['id']}"), 422)
        assert "confirm=true" in refused["detail"] and refused["errors"][0]["parameter"] == "confirm"
        assert {money["id"], child["id"]} <= {c["id"] for c in ana.get("/codes").json()}  # nothing went
        gone = ana.delete(f"/codes/{money['id']}", params={"confirm": "true"})
        assert gone.status_code == 200 and sorted(gone.json()["deleted"]) == sorted([money["id"], child["id"]])
        assert not {money["id"], child["id"]} & {c["id"] for c in ana.get("/codes").json()}


def test_two_coders_code_a_passage_list_it_and_read_matrices_and_agreement(api):
    doc = api.document
    with api.client("researcher") as ana, api.client("admin") as root:
        budget = make_code(ana, "Budget")
        make_code(ana, "Design")
        turn = "the budget is due on friday and the budget is tight"
        start = turn.index("budget")
        passage = {"document_id": doc, "turn": 0, "start": start, "end": start + 6, "codes": ["Budget"],
                   "memo": "first mention"}
        posing = is_problem(ana.post("/passages", json={**passage, "coder": "root"}), 422)
        assert posing["errors"][0]["parameter"] == "coder"  # the coder is never taken from the body
        mine = ana.post("/passages", json=passage)
        assert mine.status_code == 201, mine.text
        assert mine.json()["coder"] == "ana"  # the token's account
        assert mine.json()["code_ids"] == [budget["id"]]
        theirs = root.post("/passages", json={"document_id": doc, "turn": 0, "codes": [budget["id"]]})
        assert theirs.status_code == 201 and theirs.json()["coder"] == "root"
        assert (theirs.json()["start"], theirs.json()["end"]) == (0, len(turn))  # no offsets: the whole turn
        both = root.post("/passages", json={"document_id": doc, "turn": 2, "codes": ["Budget", "Design"]})
        assert both.status_code == 201

        page = ana.get("/passages", params={"code": "Budget", "coder": "ana"}).json()
        assert page["total"] == 1
        assert ana.get("/passages", params={"code": str(budget["id"]), "coder": "ana"}).json() == page  # by id
        row = page["passages"][0]
        assert (row["text"], row["speaker"], row["coder"], row["memo"], row["document_id"]) == (
            "budget", "Ana", "ana", "first mention", doc)
        assert row["start_time"] is None  # NaN in the core's table: null in JSON
        everything = ana.get("/passages", params={"limit": 2, "offset": 0}).json()
        assert everything["total"] == 4 and len(everything["passages"]) == 2  # one row per passage and code
        rest = ana.get("/passages", params={"limit": 2, "offset": 2}).json()["passages"]
        ids = [(r["passage_id"], r["code"]) for r in everything["passages"] + rest]
        assert len(set(ids)) == 4

        by_speaker = ana.get("/matrix", params={"by": "speaker"}).json()
        cell = dict(zip(by_speaker["columns"], by_speaker["cells"][by_speaker["rows"].index("Budget")]))
        assert cell == {"Ana": 3}
        co = ana.get("/matrix", params={"by": "code", "counts": "false"}).json()
        assert co["rows"] == co["columns"] and co["cells"][co["rows"].index("Budget")][co["columns"].index(
            "Design")] == 1
        assert is_problem(ana.get("/matrix", params={"by": "colour"}), 422)["errors"][0]["parameter"] == "by"

        agreement = ana.get("/agreement", params={"coder_a": "ana", "coder_b": "root"}).json()
        rows = {r["code"]: r for r in agreement["rows"]}
        assert rows["Budget"]["both"] == 6  # ana's "budget" lies inside root's whole turn
        assert rows["Budget"]["only_b"] == len(turn) - 6 + len("and the budget for the design too")
        budget_row = rows["Budget"]
        assert budget_row["agreement"] == pytest.approx(
            100 * (budget_row["both"] + budget_row["neither"]) / budget_row["characters"])
        assert budget_row["agreement"] < 100 and -1 <= budget_row["kappa"] < 1
        same = is_problem(ana.get("/agreement", params={"coder_a": "ana", "coder_b": "ana"}), 422)
        assert "two different coders" in same["detail"]

        uncoded = root.delete(f"/passages/{both.json()['id']}", params={"code": "Design"}).json()
        assert uncoded["remaining"]["code_ids"] == [budget["id"]]
        assert root.delete(f"/passages/{both.json()['id']}").json()["remaining"] is None
        is_problem(root.delete(f"/passages/{both.json()['id']}"), 404)


def test_memos_are_written_by_the_token_s_account_and_listed(api):
    with api.client("researcher") as ana:
        code = make_code(ana, "Trust")
        memo = ana.post("/memos", json={"target_kind": "code", "target_id": code["id"], "text": "why trust"})
        assert memo.status_code == 201 and memo.json()["author"] == "ana"
        listed = ana.get("/memos", params={"target_kind": "code", "target_id": str(code["id"])}).json()
        assert [(m["text"], m["target"], m["author"]) for m in listed] == [("why trust", "Trust", "ana")]
        study = ana.post("/memos", json={"target_kind": "study", "text": "journal entry"})
        assert study.status_code == 201 and study.json()["target_id"] is None
        for far in (999999, 2**70):  # an id beyond any database integer names nothing: a 404, not an overflow
            is_problem(ana.post("/memos", json={"target_kind": "passage", "target_id": far, "text": "x"}), 404)
        # a control character would make the study impossible to export as REFI-QDA (XML): refused on the way in
        control = is_problem(ana.post("/memos", json={"target_kind": "study", "text": "note\u0000"}), 422)
        assert "U+0000" in control["detail"] and control["errors"][0]["parameter"] == "text"
        assert ana.get("/export.qdpx").status_code == 200


def test_export_qdpx_is_a_valid_project_and_its_temporary_file_is_removed(api, tmp_path):
    with api.client("viewer") as vera, api.client("researcher") as ana:
        make_code(ana, "Exported")
        ana.post("/passages", json={"document_id": api.document, "turn": 1, "codes": ["Exported"]})
        response = vera.get("/export.qdpx", params={"documents": api.document})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/zip"
        assert "qualia-study.qdpx" in response.headers["content-disposition"]
        saved = tmp_path / "study.qdpx"
        saved.write_bytes(response.content)
        project = read_qdpx(saved)  # checked against REFI-QDA's Project.xsd and for dangling references
        names = [code.name for code in project.codes]
        assert "Exported" in names and len(project.sources) == 1
        coded = [s for s in project.sources[0].selections if s.codings]
        assert coded, "the export carries the coded passages"
        deadline = time.monotonic() + 30  # the file is removed after the response is sent: a bound, not a timing
        while any(api.tmp.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(api.tmp.iterdir())

        is_problem(vera.get("/export.qdpx", params={"documents": "no-such-document"}), 404)

        imported = ana.post("/import", files={"file": ("study.qdpx", saved.read_bytes(), "application/zip")})
        assert imported.status_code == 201, imported.text
        summary = imported.json()
        assert summary["documents_existing"] == [api.document] and summary["documents_added"] == []
        assert "Imported study.qdpx" in summary["summary"]
        assert not any(api.tmp.iterdir())


def test_a_hostile_or_oversized_import_is_refused_and_changes_nothing(api):
    slip = io.BytesIO()
    with zipfile.ZipFile(slip, "w") as zf:
        zf.writestr("../../evil.qde", "<Project/>")
    with api.client("researcher") as ana:
        before = ana.get("/codes").json()
        refused = is_problem(ana.post("/import", files={"file": ("evil.qdpx", slip.getvalue())}), 422)
        assert "evil.qdpx" in refused["detail"] and "climbs out" in refused["detail"]
        assert "Nothing was imported" in refused["detail"]
        not_zip = is_problem(ana.post("/import", files={"file": ("notes.qdpx", b"plain text")}), 422)
        assert "not a .qdpx archive" in not_zip["detail"] and not_zip["errors"][0]["parameter"] == "file"
        too_big = ana.post("/import", files={"file": ("big.qdpx", b"0" * (2 * 1024 * 1024))})
        assert "QUALIA_MAX_DOCUMENT_MB" in is_problem(too_big, 413)["detail"]
        assert ana.get("/codes").json() == before
        assert not any(api.tmp.iterdir())


def test_viewers_read_but_cannot_change_the_coding(api):
    with api.client("viewer") as vera, api.client("researcher") as ana:
        code = make_code(ana, "Viewed")
        assert vera.get("/codes").status_code == 200 and vera.get("/passages").status_code == 200
        assert vera.get("/matrix").status_code == 200 and vera.get("/memos").status_code == 200
        for refused in (vera.post("/codes", json={"name": "Mine"}),
                        vera.patch(f"/codes/{code['id']}", json={"name": "Renamed"}),
                        vera.delete(f"/codes/{code['id']}", params={"confirm": "true"}),
                        vera.post(f"/codes/{code['id']}/merge", json={"into": "Budget"}),
                        vera.post("/passages", json={"document_id": api.document, "turn": 0, "codes": ["Viewed"]}),
                        vera.delete("/passages/1"),
                        vera.post("/memos", json={"target_kind": "study", "text": "x"}),
                        vera.post("/import", files={"file": ("x.qdpx", b"x")})):
            body = is_problem(refused, 403)
            assert body["needed_role"] == "researcher" and "viewer" in body["detail"]
        assert ana.get(f"/codes/{code['id']}").json()["name"] == "Viewed"
    with api.client() as anonymous:
        is_problem(anonymous.get("/codes"), 401)


def test_unknown_codes_passages_and_documents_are_404s_naming_what_exists(api):
    with api.client("researcher") as ana:
        make_code(ana, "Budgeting")
        unknown = is_problem(ana.post("/passages", json={"document_id": api.document, "turn": 0,
                                                         "codes": ["Budgetting"]}), 404)
        assert "Budgetting" in unknown["detail"] and "Budgeting" in unknown["detail"]  # close names
        assert "Budgeting" in unknown["available"] and "GET /codes" in unknown["detail"]
        assert "No code with id" in is_problem(ana.patch("/codes/987654", json={"name": "x"}), 404)["detail"]
        is_problem(ana.get("/codes/987654"), 404)
        missing = is_problem(ana.post("/passages", json={"document_id": "nowhere-1", "turn": 0,
                                                         "codes": ["Budgeting"]}), 404)
        assert "nowhere-1" in missing["detail"] and "GET /documents" in missing["detail"]
        turn = is_problem(ana.post("/passages", json={"document_id": api.document, "turn": 99,
                                                      "codes": ["Budgeting"]}), 422)
        assert turn["errors"][0]["parameter"] == "turn" and "numbered 0 to 2" in turn["detail"]


def test_with_sign_in_off_the_local_researcher_codes(tmp_path):
    with serving(tmp_path, accounts=False) as api, api.client() as local:
        doc = local.post("/documents", files={"file": ("budget.txt", MEETING)}).json()["id"]
        local.post("/codes", json={"name": "Budget"})
        passage = local.post("/passages", json={"document_id": doc, "turn": 0, "codes": ["Budget"]})
        assert passage.status_code == 201 and passage.json()["coder"] == "local"
