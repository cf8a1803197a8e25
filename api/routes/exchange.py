"""REFI-QDA exchange: GET /export.qdpx (the study, or some documents, as a .qdpx download) and POST /import (a
.qdpx upload read into the study, all or nothing). Both call the core (`core.export_qdpx`, `core.import_qdpx`);
the project passes through a temporary file that is deleted once it is sent or read."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from fastapi import APIRouter, Depends, File, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from pydantic import BaseModel
from starlette.background import BackgroundTask

from ..auth import Caller, require
from ..problems import RESPONSES, ApiProblem
from ..uploads import detail

router = APIRouter(tags=["coding"], responses=RESPONSES)
QDPX = "application/zip"
CHUNK = 1024 * 1024


class ImportSummary(BaseModel):
    source: str
    documents_added: list[str]
    documents_existing: list[str]
    codes_added: int
    codes_existing: int
    passages: int
    passages_existing: int
    memos: int
    memos_existing: int
    coders: list[str]
    skipped: list[str]
    summary: str


def _safe_name(name: str | None) -> str:
    """The upload's file name (messages name it), reduced to a harmless name inside the temporary folder."""
    name = re.sub(r"[^\w.\- ]", "_", Path(name or "").name)[:100].strip(". ")
    return name or "upload.qdpx"


@router.get("/export.qdpx", summary="The study (or some documents) as a REFI-QDA project (.qdpx)",
            response_class=FileResponse,
            responses={200: {"content": {QDPX: {}}, "description": "A .qdpx (zip) for NVivo, ATLAS.ti, MAXQDA, "
                                                                   "QualCoder"}})
def export_qdpx(request: Request,
                documents: list[str] | None = Query(None, max_length=1000, description="Only these document ids"),
                _who=Depends(require("read"))) -> FileResponse:
    folder = tempfile.mkdtemp(prefix="qualia-export-")
    try:
        path = request.app.state.core.export_qdpx(Path(folder) / "qualia-study.qdpx", documents)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return FileResponse(path, media_type=QDPX, filename="qualia-study.qdpx",
                        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True))


@router.post("/import", status_code=201, summary="Read a REFI-QDA project (.qdpx) into the study, all or nothing")
async def import_qdpx(request: Request, file: UploadFile = File(...),
                      who: Caller = Depends(require("code"))) -> ImportSummary:
    core = request.app.state.core
    folder = tempfile.mkdtemp(prefix="qualia-import-")
    try:
        path = Path(folder) / _safe_name(file.filename)
        size = 0
        with open(path, "wb") as out:
            while chunk := await file.read(CHUNK):
                size += len(chunk)
                if size > core.max_document_bytes:
                    raise ApiProblem(413, detail(core.max_document_bytes))
                out.write(chunk)
        async with request.app.state.writes:  # one library write at a time per worker (api/routes/documents.py)
            result = await run_in_threadpool(core.import_qdpx, path, coder=who.name)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return ImportSummary(**vars(result), summary=result.summary())
