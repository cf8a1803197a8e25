"""Long analyses asked for through a door that cannot wait (the REST API's corpus jobs), kept in the study
database so any process of the study answers for any job:

    jobs = Jobs(store)
    job = jobs.create("ana", {"plugin_id": "word_frequency", "document_ids": [...], "config": {}}, total=12)
    jobs.start(job.id); jobs.progress(job.id, 3, 12)     # each also beats the heart (updated_at)
    jobs.finish(job.id, result)  or  jobs.fail(job.id, "what went wrong and what to do")
    jobs.get(job.id)                                      # state queued, running, done or failed

The process that accepted a job runs it and beats its heart (`beat`) at least every HEARTBEAT seconds while it
does. A process that dies leaves its job queued or running with a heartbeat that stops: once it is older than
STALE seconds, reading the job marks it failed, saying the worker stopped and that the job may be submitted
again (nothing is retried behind the caller's back: a job that killed its worker would kill the next one too).
Finished jobs are kept KEEP_DAYS days, then removed when new jobs are created.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from .accounts import _aware
from .errors import LibraryError

STATES = ("queued", "running", "done", "failed")
HEARTBEAT = 10.0  # seconds between heartbeats of a running job
STALE = 60.0  # seconds without a heartbeat after which a queued or running job is failed
KEEP_DAYS = 7


@dataclass(frozen=True)
class Job:
    id: str
    owner: str
    state: str
    done: int
    total: int
    request: dict[str, Any]
    result: Any
    error: str | None
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None

    def to_dict(self, with_result: bool = True) -> dict[str, Any]:
        out = {"id": self.id, "owner": self.owner, "state": self.state,
               "progress": {"done": self.done, "total": self.total}, "request": self.request,
               "error": self.error, "created_at": self.created_at.isoformat(),
               "updated_at": self.updated_at.isoformat(),
               "finished_at": self.finished_at.isoformat() if self.finished_at else None}
        if with_result:
            out["result"] = self.result
        return out


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Jobs:
    """The jobs of one study database (a qualia_core.store.Store)."""

    def __init__(self, store):
        self.store = store

    def create(self, owner: str, request: dict[str, Any], total: int = 0) -> Job:
        from sqlalchemy import delete, insert

        from .store.models import api_jobs

        now = _now()
        job_id = secrets.token_hex(12)
        with self.store.transaction() as c:
            c.execute(delete(api_jobs).where(api_jobs.c.finished_at < now - timedelta(days=KEEP_DAYS)))
            c.execute(insert(api_jobs), {"id": job_id, "owner": owner, "state": "queued", "done": 0, "total": total,
                                         "request": json.dumps(request), "created_at": now, "updated_at": now})
        return self.get(job_id)

    def get(self, job_id: str, now: datetime | None = None) -> Job:
        """The job; LibraryError when no job has that id. A job whose worker stopped beating is failed here."""
        from sqlalchemy import select, update

        from .store.models import api_jobs

        now = now or _now()
        if not isinstance(job_id, str) or len(job_id) > 32:
            raise LibraryError(f"No job {job_id!r}.")
        with self.store.engine.connect() as c:
            row = c.execute(select(api_jobs).where(api_jobs.c.id == job_id)).first()
        if row is None:
            raise LibraryError(f"No job {job_id!r}: jobs are kept {KEEP_DAYS} days after they end.")
        if row.state in ("queued", "running") and now - _aware(row.updated_at) > timedelta(seconds=STALE):
            message = (f"The worker running this job stopped (no sign of life for over {STALE:.0f} s), so it was "
                       f"given up after {row.done} of {row.total} documents. Submit it again.")
            with self.store.transaction() as c:
                c.execute(update(api_jobs).where(api_jobs.c.id == job_id, api_jobs.c.updated_at == row.updated_at)
                          .values(state="failed", error=message, finished_at=now))
            with self.store.engine.connect() as c:
                row = c.execute(select(api_jobs).where(api_jobs.c.id == job_id)).first()
        return Job(row.id, row.owner, row.state, row.done, row.total, json.loads(row.request),
                   json.loads(row.result) if row.result is not None else None, row.error,
                   _aware(row.created_at), _aware(row.updated_at), _aware(row.finished_at))

    def _set(self, job_id: str, **values) -> None:
        from sqlalchemy import update

        from .store.models import api_jobs

        values["updated_at"] = _now()
        with self.store.transaction() as c:
            c.execute(update(api_jobs).where(api_jobs.c.id == job_id, api_jobs.c.state.in_(("queued", "running")))
                      .values(**values))

    def start(self, job_id: str) -> None:
        self._set(job_id, state="running")

    def beat(self, job_id: str) -> None:
        self._set(job_id)

    def progress(self, job_id: str, done: int, total: int) -> None:
        self._set(job_id, done=done, total=total)

    def finish(self, job_id: str, result: Any) -> None:
        self._set(job_id, state="done", result=json.dumps(result, ensure_ascii=False, default=str),
                  finished_at=_now())

    def fail(self, job_id: str, error: str) -> None:
        self._set(job_id, state="failed", error=error, finished_at=_now())


__all__ = ["Job", "Jobs", "STATES", "HEARTBEAT", "STALE"]
