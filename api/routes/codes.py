"""The codebook: GET /codes, POST /codes, GET/PATCH/DELETE /codes/{id}, POST /codes/{id}/merge. Each calls
`core.codes` (qualia_core.coding.Coding) once; reading needs "read", changing needs "code" (qualia_core.access).
A code given in a body (parent, into) is its id, or its name or path ("Parent › Child")."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from ..auth import Caller, require
from ..frames import record
from ..problems import RESPONSES, ApiProblem

FORBID = ConfigDict(extra="forbid")  # a misspelt or unknown field is a 422 naming it, not ignored
router = APIRouter(tags=["coding"], responses=RESPONSES)
CODE_ID = Path(ge=1, le=2**53, description="A code's id, as GET /codes lists them")
CodeRef = int | str  # an id, or a name or path


class Code(BaseModel):
    id: int
    guid: str
    name: str
    path: str = Field(description='Its place in the tree: "Parent › Child"')
    parent_id: int | None
    color: str = Field(description="#rrggbb")
    description: str


class NewCode(BaseModel):
    model_config = FORBID
    name: str = Field(min_length=1, max_length=200)
    parent: CodeRef | None = Field(None, description="The parent code (id, name or path); none: the top level")
    color: str | None = Field(None, max_length=20, description="#rrggbb; none: the next colour of the palette")
    description: str = Field("", max_length=100_000)


class CodeChange(BaseModel):
    """Only the fields sent change; `"parent": null` moves the code to the top level."""

    model_config = FORBID
    name: str | None = Field(None, min_length=1, max_length=200)
    parent: CodeRef | None = None
    color: str | None = Field(None, max_length=20)
    description: str | None = Field(None, max_length=100_000)


class Merge(BaseModel):
    model_config = FORBID
    into: CodeRef = Field(description="The code that takes the passages, children and memos (id, name or path)")


class Deleted(BaseModel):
    deleted: list[int] = Field(description="The ids of the codes removed (the code and its children)")


def _code(item) -> Code:
    return Code(**record(item))


@router.get("/codes", summary="The codebook, in tree order (each code followed by its children)")
def list_codes(request: Request, _who=Depends(require("read"))) -> list[Code]:
    return [_code(c) for c in request.app.state.core.codes.codebook()]


@router.post("/codes", status_code=201, summary="Add a code")
def add_code(body: NewCode, request: Request, who: Caller = Depends(require("code"))) -> Code:
    code = request.app.state.core.codes.add_code(body.name, body.parent, body.color, body.description,
                                                  created_by=who.name)
    return _code(code)


@router.get("/codes/{code_id}", summary="One code")
def get_code(request: Request, code_id: int = CODE_ID, _who=Depends(require("read"))) -> Code:
    return _code(request.app.state.core.codes.get_code(code_id))


@router.patch("/codes/{code_id}", summary="Rename, move, recolour or describe a code (all or nothing)")
def change_code(body: CodeChange, request: Request, code_id: int = CODE_ID, _who=Depends(require("code"))) -> Code:
    changes = {name: getattr(body, name) for name in body.model_fields_set  # null: unchanged (parent: the top)
               if getattr(body, name) is not None or name == "parent"}
    return _code(request.app.state.core.codes.update_code(code_id, **changes))


@router.delete("/codes/{code_id}", summary="Delete a code with its children, their codings and memos",
               description="Passages left with no code go too. Send `confirm=true`: without it nothing is deleted "
                           "and a 422 says what would go.")
def delete_code(request: Request, code_id: int = CODE_ID,
                confirm: bool = Query(False, description="true: delete (the code, its children, their codings)"),
                _who=Depends(require("code"))) -> Deleted:
    codes = request.app.state.core.codes
    if not confirm:
        found = codes.get_code(code_id)  # an unknown code is a 404 first
        raise ApiProblem(422, f"Deleting '{found.path}' also deletes its child codes, their codings (passages left "
                              f"with no code) and their memos: send confirm=true to delete them.",
                         errors=[{"parameter": "confirm", "message": "must be true to delete a code"}])
    return Deleted(deleted=codes.delete_code(code_id))


@router.post("/codes/{code_id}/merge", summary="Merge a code into another (its passages, children and memos)")
def merge_code(body: Merge, request: Request, code_id: int = CODE_ID, _who=Depends(require("code"))) -> Code:
    return _code(request.app.state.core.codes.merge_codes(code_id, body.into))
