"""GET /jobs/{job_id}: a corpus job's state, progress, and its result once done (from any worker)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request

from qualia_core.access import allows

from ..auth import Caller, require
from ..problems import RESPONSES, ApiProblem

router = APIRouter(tags=["jobs"], responses=RESPONSES)


@router.get("/jobs/{job_id}", summary="A job's state (queued, running, done, failed), progress and result")
def get_job(request: Request, job_id: str = Path(max_length=32),
            who: Caller = Depends(require("analyze"))) -> dict[str, Any]:
    job = request.app.state.jobs.get(job_id)
    if job.owner != who.name and not allows(who.role, "admin"):  # someone else's job is not even confirmed
        raise ApiProblem(404, f"No job {job_id!r} of yours: POST /analyses with document_ids starts one.")
    return job.to_dict()
