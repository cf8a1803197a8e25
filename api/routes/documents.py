"""POST /documents (multipart field `file`), GET /documents, GET /documents/{id} (metadata and a page of turns),
DELETE /documents/{id}: the library of the app, with its formats, limits and messages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, File, Path, Query, Request, Response, UploadFile
from fastapi.concurrency import run_in_threadpool

from ..auth import require
from ..problems import RESPONSES

router = APIRouter(tags=["documents"], responses=RESPONSES)
DOC_ID = Path(max_length=200, description="A document id, as GET /documents lists them")
CHUNK = 1024 * 1024


@router.post("/documents", status_code=201, summary="Add a transcript (.txt, .vtt, .srt, .docx)",
             responses={200: {"description": "The same file was in the library already: its document"}})
async def add_document(request: Request, response: Response, file: UploadFile = File(...),
                       _who=Depends(require("edit"))) -> dict[str, Any]:
    core = request.app.state.core
    data = bytearray()
    while chunk := await file.read(CHUNK):
        data += chunk
        if len(data) > core.max_document_bytes:
            break  # one byte over is enough for the library's own size message
    name = file.filename or "upload.txt"
    entry, added = await run_in_threadpool(core.library.add, name, bytes(data))
    response.status_code = 201 if added else 200
    response.headers["Location"] = f"/documents/{entry.id}"
    return {**entry.to_dict(), "added": added}


@router.get("/documents", summary="Every document of the library, oldest first")
def list_documents(request: Request, _who=Depends(require("read"))) -> list[dict[str, Any]]:
    return [e.to_dict() for e in request.app.state.core.library.list()]


@router.get("/documents/{document_id}", summary="One document: its metadata and a page of its turns")
def get_document(request: Request, document_id: str = DOC_ID,
                 offset: int = Query(0, ge=0, le=10_000_000, description="First turn of the page"),
                 limit: int = Query(100, ge=1, le=1000, description="Turns in the page"),
                 _who=Depends(require("read"))) -> dict[str, Any]:
    library = request.app.state.core.library
    entry = library.entry(document_id)
    turns = library.get(document_id).utterances
    page = [{"index": i, **u.to_dict()} for i, u in enumerate(turns[offset:offset + limit], start=offset)]
    return {**entry.to_dict(), "turns": page, "offset": offset, "limit": limit, "total_turns": len(turns)}


@router.delete("/documents/{document_id}", status_code=204, summary="Delete a document and its turns",
               response_class=Response)
def delete_document(request: Request, document_id: str = DOC_ID, _who=Depends(require("edit"))) -> Response:
    request.app.state.core.library.delete(document_id)
    return Response(status_code=204)
