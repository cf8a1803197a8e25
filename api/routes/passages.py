"""Coded passages and what is read from them: GET/POST /passages, DELETE /passages/{id}, GET /matrix,
GET /agreement, GET/POST /memos. Each calls `core.codes` (qualia_core.coding.Coding); reading needs "read",
changing needs "code" (qualia_core.access). The coder of a new passage, and the author of a memo, is the account
of the token (with sign-in off, the local researcher: api.auth.LOCAL_NAME), never a field of the body."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from qualia_core.coding import MEMO_COLUMNS, PASSAGE_COLUMNS

from ..auth import Caller, require
from ..frames import record, records, table
from ..problems import RESPONSES
from .codes import FORBID

router = APIRouter(tags=["coding"], responses=RESPONSES)
PASSAGE_ID = Path(ge=1, le=2**53, description="A passage's id (passage_id in GET /passages)")
CodeRef = int | str


def code_ref(value: str | None):
    """A code named in a query parameter: digits are its id, anything else its name or path."""
    return int(value) if value is not None and value.isdecimal() and len(value) < 16 else value


def _filter(description: str):
    return Query(None, max_length=1000, description=description)


class PassageRow(BaseModel):
    """One passage with one of its codes (a passage with two codes is two rows)."""

    passage_id: int
    passage_guid: str
    code_id: int
    code: str = Field(description='The code\'s path, "Parent › Child"')
    document_id: str
    meeting: str | None
    turn: int
    speaker: str | None = Field(description="As shown (a rename or pseudonym)")
    participant: str | None
    start_time: float | None = Field(description="Seconds into the meeting, when the transcript has times")
    end_time: float | None
    start: int = Field(description="Character offsets in the turn's stored text")
    end: int
    text: str | None = Field(description="The coded words, as shown")
    turn_text: str | None
    coder: str
    coded_at: str | None
    memo: str | None


class PassagePage(BaseModel):
    total: int = Field(description="Rows matching the filters")
    offset: int
    limit: int
    passages: list[PassageRow]


class NewPassage(BaseModel):
    """The coder is the token's account (the local researcher with sign-in off): a `coder` field is refused."""

    model_config = FORBID
    document_id: str = Field(min_length=1, max_length=200)
    turn: int = Field(ge=0, le=10_000_000, description="The turn's number (GET /documents/{id} lists them)")
    start: int | None = Field(None, ge=0, le=10_000_000, description="Character offsets in the turn's stored "
                                                                     "text; none: the whole turn")
    end: int | None = Field(None, ge=0, le=10_000_000)
    codes: list[CodeRef] = Field(min_length=1, max_length=100, description="Code ids, names or paths")
    memo: str = Field("", max_length=100_000)


class Passage(BaseModel):
    id: int
    guid: str
    document_id: str
    turn: int
    start: int
    end: int
    coder: str
    created_at: datetime
    memo: str
    code_ids: list[int]


class Uncoded(BaseModel):
    passage_id: int
    remaining: Passage | None = Field(description="The passage with the codes it keeps; null: it was deleted")


class Matrix(BaseModel):
    by: str
    counts: bool
    rows: list[str] = Field(description="The codes' paths, in codebook order")
    columns: list[str]
    cells: list[list[int]] = Field(description="One list per row, one number per column")


class AgreementRow(BaseModel):
    code: str
    agreement: float | None = Field(description="Percent of characters both coders treated alike")
    kappa: float | None = Field(description="Cohen's kappa; null when undefined")
    alpha: float | None = Field(description="Krippendorff's alpha; null when undefined")
    characters: int
    both: int
    neither: int
    only_a: int
    only_b: int


class Agreement(BaseModel):
    coder_a: str
    coder_b: str
    rows: list[AgreementRow]


class MemoRow(BaseModel):
    memo_id: int
    guid: str
    target_kind: str
    target_id: str | None
    target: str | None = Field(description="What the memo is on, named for people")
    author: str
    created_at: str | None
    updated_at: str | None
    text: str


class NewMemo(BaseModel):
    model_config = FORBID
    target_kind: Literal["study", "document", "code", "passage"]
    target_id: str | int | None = Field(None, description="The document id, code, or passage id; none for study")
    text: str = Field(min_length=1, max_length=100_000)


class Memo(BaseModel):
    id: int
    guid: str
    target_kind: str
    target_id: str | None
    author: str
    created_at: datetime
    text: str
    updated_at: datetime | None


@router.get("/passages", summary="Coded passages, one row per passage and code, filtered and paged")
def list_passages(request: Request,
                  code: list[str] | None = _filter("Only these codes (id, name or path)"),
                  document: list[str] | None = _filter("Only these document ids"),
                  speaker: list[str] | None = _filter("Only these speakers (as shown)"),
                  coder: list[str] | None = _filter("Only these coders"),
                  with_children: bool = Query(False, description="A code also finds its children's passages"),
                  offset: int = Query(0, ge=0, le=10_000_000), limit: int = Query(100, ge=1, le=1000),
                  _who=Depends(require("read"))) -> PassagePage:
    codes = None if code is None else [code_ref(c) for c in code]
    frame = request.app.state.core.codes.passages(codes, document, speaker, coder, with_children=with_children)
    rows = records(frame.iloc[offset:offset + limit], PASSAGE_COLUMNS)
    return PassagePage(total=len(frame), offset=offset, limit=limit, passages=rows)


@router.post("/passages", status_code=201, summary="Code words of one turn (or the whole turn) with codes")
def code_passage(body: NewPassage, request: Request, who: Caller = Depends(require("code"))) -> Passage:
    passage = request.app.state.core.codes.code(body.document_id, body.turn, body.start, body.end,
                                                codes=body.codes, coder=who.name, memo=body.memo)
    return Passage(**record(passage))


@router.delete("/passages/{passage_id}", summary="Uncode a passage (all its codes, or one: ?code=)")
def uncode(request: Request, passage_id: int = PASSAGE_ID,
           code: str | None = Query(None, max_length=1000, description="Only this code (id, name or path)"),
           _who=Depends(require("code"))) -> Uncoded:
    left = request.app.state.core.codes.uncode(passage_id, None if code is None else [code_ref(code)])
    return Uncoded(passage_id=passage_id, remaining=None if left is None else Passage(**record(left)))


@router.get("/matrix", summary="Codes × documents, speakers, participants, or codes (co-occurrence)")
def matrix(request: Request,
           by: Literal["document", "speaker", "participant", "code"] = Query("document"),
           counts: bool = Query(True, description="false: 1 where a code occurs, else 0"),
           documents: list[str] | None = _filter("Only these document ids"),
           _who=Depends(require("read"))) -> Matrix:
    frame = request.app.state.core.codes.matrix(by, counts=counts, documents=documents)
    return Matrix(by=by, counts=counts, **table(frame))


@router.get("/agreement", summary="Agreement of two coders, per code (percent, Cohen's kappa, Krippendorff's alpha)")
def agreement(request: Request, coder_a: str = Query(min_length=1, max_length=64),
              coder_b: str = Query(min_length=1, max_length=64),
              documents: list[str] | None = _filter("Only these document ids (default: those both coded)"),
              _who=Depends(require("read"))) -> Agreement:
    frame = request.app.state.core.codes.agreement(coder_a, coder_b, documents)
    return Agreement(coder_a=coder_a, coder_b=coder_b, rows=records(frame, list(AgreementRow.model_fields)))


@router.get("/memos", summary="Memos, oldest first (of one kind of target, and one target)")
def list_memos(request: Request,
               target_kind: Literal["study", "document", "code", "passage"] | None = Query(None),
               target_id: str | None = Query(None, max_length=200, description="With target_kind: one target"),
               _who=Depends(require("read"))) -> list[MemoRow]:
    target = code_ref(target_id) if target_kind == "code" else target_id
    frame = request.app.state.core.codes.memos(target_kind, target)
    return [MemoRow(**row) for row in records(frame, MEMO_COLUMNS)]


@router.post("/memos", status_code=201, summary="Write a memo on the study, a document, a code or a passage")
def add_memo(body: NewMemo, request: Request, who: Caller = Depends(require("code"))) -> Memo:
    memo = request.app.state.core.codes.add_memo(body.target_kind, body.target_id, body.text, who.name)
    return Memo(**record(memo))
