"""GET /search?q=: the library search of the app (phrases in quotes, prefixes with *, accent-insensitive)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request

from ..auth import require
from ..problems import RESPONSES

router = APIRouter(tags=["search"], responses=RESPONSES)


@router.get("/search", summary="Every turn of the library holding what the query asks for")
def search(request: Request, q: str = Query(min_length=1, max_length=500, description='Words, "a phrase", pre*'),
           document: list[str] | None = Query(None, max_length=1000, description="Only these document ids"),
           speaker: list[str] | None = Query(None, max_length=1000, description="Only these speakers (as shown)"),
           limit: int = Query(100, ge=1, le=1000),
           _who=Depends(require("read"))) -> dict[str, Any]:
    result = request.app.state.core.search(q, documents=document, speakers=speaker, limit=limit)
    return {"query": result.query, "total": result.total, "truncated": result.truncated,
            "hits": [{"document_id": h.document_id, "document_name": h.document_name, "speaker": h.speaker,
                      "turn": h.turn, "start": h.start, "text": h.text, "spans": [list(s) for s in h.spans]}
                     for h in result.hits]}
