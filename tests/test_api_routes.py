"""Every route of the REST API through a real uvicorn on loopback (`python -m api`), as a script would use it:
tokens per role, uploads, analyses, corpus jobs, the pipeline, search, and the problem details of each refusal."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.api_server import serving, wait_for_job

FIXTURES = Path(__file__).parent / "fixtures"
VTT = FIXTURES / "formats" / "ES2012a_excerpt.vtt"
TXT = FIXTURES / "formats" / "ES2012a_excerpt.txt"
SRT = FIXTURES / "corpus" / "TS3012d.srt"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    with serving(tmp_path_factory.mktemp("api"), QUALIA_AUTH="on", QUALIA_MAX_DOCUMENT_MB="1") as served:
        yield served


def is_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    return body


def upload(client: httpx.Client, path: Path) -> httpx.Response:
    return client.post("/documents", files={"file": (path.name, path.read_bytes())})


def test_health_is_open_and_everything_else_needs_a_valid_token(api):
    with api.client() as anonymous:
        health = anonymous.get("/health")
        assert health.status_code in (200, 503) and health.headers["content-type"] == "application/health+json"
        assert health.json()["components"]["qualia_core"]["plugin_count"] >= 1
        refused = anonymous.get("/documents")
        assert "qualia token create" in is_problem(refused, 401)["detail"]
        assert refused.headers["www-authenticate"] == "Bearer"
        made_up = anonymous.get("/plugins", headers={"Authorization": "Bearer qla_made-up"})
        assert "unknown, revoked" in is_problem(made_up, 401)["detail"]
        assert "Bearer <token>" in is_problem(anonymous.get("/plugins", headers={"Authorization": "Basic x"}),
                                              401)["detail"]


def test_plugins_list_and_describe_their_parameters_as_json_schema(api):
    with api.client("viewer") as viewer:
        ids = [p["id"] for p in viewer.get("/plugins").json()]
        assert "word_frequency" in ids and ids == sorted(ids)
        one = viewer.get("/plugins/word_frequency").json()
        schema = one["parameters"]
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert schema["properties"]["max_words"] == {**schema["properties"]["max_words"], "type": "integer",
                                                     "minimum": 1}
        assert schema["properties"]["language"]["enum"] == ["auto", "en", "pt"]
        missing = is_problem(viewer.get("/plugins/word_frequenc"), 404)
        assert "Did you mean 'word_frequency'" in missing["detail"] and "word_frequency" in missing["available"]
        consolidated = viewer.get("/config/consolidated").json()
        assert set(consolidated) == set(ids) and consolidated["word_frequency"] == schema


def test_a_researcher_uploads_reads_pages_and_deletes_documents(api):
    with api.client("researcher") as ana:
        added = upload(ana, VTT)
        assert added.status_code == 201, added.text
        doc = added.json()
        assert added.headers["location"] == f"/documents/{doc['id']}" and doc["added"] is True
        assert doc["format"] == "vtt" and doc["utterances"] > 2
        again = upload(ana, VTT)
        assert (again.status_code, again.json()["id"], again.json()["added"]) == (200, doc["id"], False)
        assert doc["id"] in [d["id"] for d in ana.get("/documents").json()]
        page = ana.get(f"/documents/{doc['id']}", params={"offset": 1, "limit": 2}).json()
        assert [t["index"] for t in page["turns"]] == [1, 2] and page["total_turns"] == doc["utterances"]
        assert page["turns"][0]["text"] and "speaker" in page["turns"][0]
        bad = is_problem(ana.get(f"/documents/{doc['id']}", params={"limit": 0}), 422)
        assert bad["errors"][0]["parameter"] == "limit"
        assert ana.delete(f"/documents/{doc['id']}").status_code == 204
        gone = is_problem(ana.get(f"/documents/{doc['id']}"), 404)
        assert doc["id"] in gone["detail"] and "GET /documents" in gone["detail"]
        assert doc["id"] not in [d["id"] for d in ana.get("/documents").json()]
        is_problem(ana.delete(f"/documents/{doc['id']}"), 404)


def test_unreadable_and_oversized_uploads_are_refused_with_what_to_do(api):
    with api.client("researcher") as ana:
        pdf = is_problem(ana.post("/documents", files={"file": ("notes.pdf", b"%PDF-1.4 not a transcript")}), 415)
        assert "notes.pdf" in pdf["detail"] and ".vtt" in pdf["detail"]
        big = b"Ana: " + b"word " * 240_000  # 1.2 MB, over QUALIA_MAX_DOCUMENT_MB=1
        declared = is_problem(ana.post("/documents", files={"file": ("big.txt", big)}), 413)
        assert "QUALIA_MAX_DOCUMENT_MB" in declared["detail"]

        def chunks():  # no Content-Length: counted while it streams in
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n\r\n'
            for _ in range(40):
                yield b"x" * 65536

        streamed = ana.post("/documents", content=chunks(),
                            headers={"Content-Type": "multipart/form-data; boundary=b"})
        assert "QUALIA_MAX_DOCUMENT_MB" in is_problem(streamed, 413)["detail"]
        assert all(d["source"] != "big.txt" for d in ana.get("/documents").json())
        missing = is_problem(ana.post("/documents", files={"other": ("a.txt", b"Ana: hi")}), 422)
        assert missing["errors"][0]["parameter"] == "file"


def test_roles_decide_who_may_change_the_study(api):
    with api.client("viewer") as vera:
        refused = is_problem(upload(vera, TXT), 403)
        assert "researcher role" in refused["detail"] and refused["needed_role"] == "researcher"
        assert vera.get("/documents").status_code == 200


def test_analyses_of_one_document_come_back_at_once_and_bad_parameters_are_named(api):
    with api.client("researcher") as ana, api.client("viewer") as vera:
        doc = upload(ana, TXT).json()["id"]
        ran = vera.post("/analyses", json={"document_id": doc, "plugin_id": "word_frequency",
                                           "config": {"max_words": 5}})
        assert ran.status_code == 200, ran.text
        assert len(ran.json()["result"]["top_words"]) <= 5
        bad = is_problem(vera.post("/analyses", json={"document_id": doc, "plugin_id": "word_frequency",
                                                      "config": {"max_words": "many", "colour": "red"}}), 422)
        assert {e["parameter"] for e in bad["errors"]} == {"max_words", "colour"}
        assert "whole number" in bad["detail"]
        is_problem(vera.post("/analyses", json={"document_id": "nothing-here", "plugin_id": "word_frequency"}),
                   404)
        both = is_problem(vera.post("/analyses", json={"plugin_id": "word_frequency"}), 422)
        assert "document_id" in both["detail"] and "document_ids" in both["detail"]
        piped = vera.post("/pipeline", json={"document_id": doc, "steps": [
            {"plugin_id": "speaker_stats"}, {"plugin_id": "word_frequency", "config": {"max_words": 3}}]})
        assert [s["plugin_id"] for s in piped.json()["results"]] == ["speaker_stats", "word_frequency"]
        assert len(piped.json()["results"][1]["result"]["top_words"]) <= 3
        bad_step = is_problem(vera.post("/pipeline", json={"document_id": doc, "steps": [
            {"plugin_id": "speaker_stats"}, {"plugin_id": "word_frequency", "config": {"min_length": 0}}]}), 422)
        assert bad_step["errors"][0]["parameter"] == "min_length"


def test_a_corpus_job_runs_in_the_background_and_only_its_owner_and_admins_see_it(api):
    with api.client("researcher") as ana, api.client("viewer") as vera, api.client("admin") as root:
        ids = [upload(ana, path).json()["id"] for path in (TXT, SRT)]
        accepted = ana.post("/analyses", json={"document_ids": ids, "plugin_id": "speaker_stats"})
        assert accepted.status_code == 202, accepted.text
        location = accepted.headers["location"]
        assert location.startswith("/jobs/") and accepted.json()["state"] in ("queued", "running", "done")
        job = wait_for_job(ana, location)
        assert job["state"] == "done", job
        assert job["progress"] == {"done": 2, "total": 2} and set(job["result"]) == set(ids)
        assert all("speaker_stats" in entries for entries in job["result"].values())
        assert root.get(location).json()["state"] == "done"
        is_problem(vera.get(location), 404)
        is_problem(ana.get("/jobs/0123456789abcdef"), 404)
        visual = is_problem(ana.post("/analyses", json={"document_ids": ids, "plugin_id": "frequency_chart"}), 422)
        assert "visualizer" in visual["detail"]
        missing = is_problem(ana.post("/analyses", json={"document_ids": ids + ["gone-1"],
                                                         "plugin_id": "speaker_stats"}), 404)
        assert "gone-1" in missing["detail"]


def test_search_finds_turns_across_the_library(api):
    with api.client("researcher") as ana:
        doc = upload(ana, TXT).json()["id"]
        word = ana.get(f"/documents/{doc}", params={"limit": 1}).json()["turns"][0]["text"].split()[0].strip(".,?!")
        found = ana.get("/search", params={"q": word, "limit": 5}).json()
        assert found["total"] >= 1 and any(h["document_id"] == doc for h in found["hits"])
        hit = found["hits"][0]
        assert hit["spans"] and all(hit["text"][a:b] for a, b in hit["spans"])
        assert is_problem(ana.get("/search"), 422)["errors"][0]["parameter"] == "q"


def test_unknown_routes_and_methods_are_problems_too(api):
    with api.client("viewer") as vera:
        assert "GET /docs" in is_problem(vera.get("/nowhere"), 404)["detail"]
        is_problem(vera.put("/documents"), 405)


def test_docs_and_redoc_load_their_assets_from_this_server(api):
    with api.client() as anonymous:
        for page in ("/docs", "/redoc"):
            html = anonymous.get(page).text
            assert "/static-docs/" in html and "cdn.jsdelivr" not in html and "fonts.googleapis" not in html
        assert anonymous.get("/static-docs/swagger-ui-bundle.js").status_code == 200
        assert anonymous.get("/openapi.json").json()["info"]["title"] == "Qualia API"
