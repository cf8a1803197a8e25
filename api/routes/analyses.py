"""POST /analyses (one document: the result at once; several: a job, 202 and its Location) and POST /pipeline
(several plugins, in order, on one document). Parameters are checked by the core before anything runs."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field, model_validator

from ..auth import Caller, require
from ..problems import RESPONSES

router = APIRouter(tags=["analyses"], responses=RESPONSES)
PLUGIN_ID = Field(min_length=1, max_length=100, description="A plugin id, as GET /plugins lists them")


class Analysis(BaseModel):
    plugin_id: str = PLUGIN_ID
    config: dict[str, Any] = Field(default_factory=dict, description="The plugin's parameters (GET /plugins/{id})")
    document_id: str | None = Field(None, max_length=200, description="One document: the result comes back at once")
    document_ids: list[str] | None = Field(None, min_length=1, max_length=10_000,
                                           description="Several documents: a job runs them (202, Location /jobs/…)")

    @model_validator(mode="after")
    def one_of_the_two(self):
        if (self.document_id is None) == (self.document_ids is None):
            raise ValueError("give either document_id (one document) or document_ids (a corpus job), not both")
        return self


class Step(BaseModel):
    plugin_id: str = PLUGIN_ID
    config: dict[str, Any] = Field(default_factory=dict)


class Pipeline(BaseModel):
    document_id: str = Field(max_length=200)
    steps: list[Step] = Field(min_length=1, max_length=50)


@router.post("/analyses", summary="Run a plugin on a document (200) or on several, as a job (202)",
             responses={202: {"description": "A job was queued: follow its Location"}})
def analyse(body: Analysis, request: Request, response: Response,
            who: Caller = Depends(require("analyze"))) -> dict[str, Any]:
    core = request.app.state.core
    if body.document_ids is not None:
        job = request.app.state.runner.submit(who.name, body.plugin_id, body.config, body.document_ids)
        response.status_code = 202
        response.headers["Location"] = f"/jobs/{job.id}"
        return job.to_dict()
    document = core.library.get(body.document_id)
    return {"document_id": body.document_id, "plugin_id": body.plugin_id,
            "result": core.execute_plugin(body.plugin_id, document, body.config)}


@router.post("/pipeline", summary="Run several plugins in order on one document")
def pipeline(body: Pipeline, request: Request, _who=Depends(require("analyze"))) -> dict[str, Any]:
    core = request.app.state.core
    for step in body.steps:  # every step's parameters are checked before the first runs
        core.validate(step.plugin_id, step.config)
    document = core.library.get(body.document_id)
    return {"document_id": body.document_id,
            "results": [{"plugin_id": s.plugin_id, "result": core.execute_plugin(s.plugin_id, document, s.config)}
                        for s in body.steps]}
