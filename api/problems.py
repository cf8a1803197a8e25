"""Every error as an RFC 9457 problem (`application/problem+json`) whose `detail` says what to do; never a
traceback. The core's errors map to status codes here, once:

    DocumentError 415 (413 when the file is over QUALIA_MAX_DOCUMENT_MB)   ConfigError 422 (each parameter)
    PluginNotFoundError 404 (lists the available ones)                     LibraryError 404 / 409
    DependencyError 422    PluginSwitchedOffError 503 + Retry-After        PermissionDeniedError 403
    PluginExecutionError 500 (the plugin failed; reported like any other server error)
    CodingError 404 when it names an unknown code, passage, memo or document (an unknown code lists the codes
                there are), else 422 naming the parameter    ExchangeError 422 (a .qdpx that cannot be read)

Anything else is a 500 whose detail names a reference also written to the log (with the exception's type,
never its message, which may quote transcript text) and sent to Sentry when ops/ has it configured.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

import re

from qualia_core.errors import (CodingError, ConfigError, DependencyError, DocumentError, ExchangeError, LibraryError,
                                PermissionDeniedError, PluginExecutionError, PluginNotFoundError,
                                PluginSwitchedOffError, QualiaError)

log = logging.getLogger("api")

PROBLEM = "application/problem+json"
TITLES = {400: "Bad request", 401: "Not signed in", 403: "Not allowed", 404: "Not found",
          405: "Method not allowed", 409: "Conflict", 413: "Too large", 415: "Unreadable format",
          422: "Invalid parameters", 429: "Too many requests", 500: "Server error", 503: "Unavailable"}


class Problem(BaseModel):
    """An RFC 9457 problem: what went wrong (`title`), what to do (`detail`), and extras such as `errors`."""

    model_config = ConfigDict(extra="allow")
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class ApiProblem(Exception):
    """Raised by routes and dependencies for a problem they detect themselves."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any):
        self.status, self.detail, self.headers, self.extra = status, detail, headers or {}, extra
        super().__init__(detail)


def problem(status: int, detail: str, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail, **extra}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


#: documented on every route, so clients (and schemathesis) know the shape of every error
RESPONSES: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem, "content": {PROBLEM: {}}, "description": TITLES[code]}
    for code in (401, 403, 404, 413, 415, 422, 429, 500)
}


def _for_qualia_error(exc: QualiaError) -> JSONResponse:
    if isinstance(exc, ConfigError):
        return problem(422, f"{exc} Fix these parameters and send the request again.",
                       errors=[{"parameter": name, "message": message} for name, message in exc.errors])
    if isinstance(exc, PluginNotFoundError):
        return problem(404, f"{exc} GET /plugins lists them.", available=exc.available)
    if isinstance(exc, DocumentError):
        if "QUALIA_MAX_DOCUMENT_MB" in exc.reason:  # the size rule of qualia_core.formats
            return problem(413, str(exc))
        return problem(415, str(exc))  # its reason names the formats Qualia reads
    if isinstance(exc, LibraryError):
        message = str(exc)
        if message.startswith("No document") or message.endswith("is not a library document id"):
            return problem(404, f"{message} GET /documents lists the documents there are.")
        return problem(404 if message.startswith("No ") else 409, message)
    if isinstance(exc, DependencyError):
        return problem(422, str(exc))
    if isinstance(exc, PluginSwitchedOffError):
        retry = max(1, round(exc.retry_in or 30))
        return problem(503, str(exc), headers={"Retry-After": str(retry)})
    if isinstance(exc, PermissionDeniedError):
        return problem(403, str(exc), needed_role=exc.needed)
    if isinstance(exc, CodingError):
        return for_coding_error(exc)
    if isinstance(exc, ExchangeError):
        return problem(422, f"{str(exc).rstrip('.')}. Nothing was imported.",
                       errors=[{"parameter": "file", "message": exc.reason}])
    if isinstance(exc, PluginExecutionError):
        _report(exc)
        return problem(500, str(exc))
    return problem(400, str(exc))


#: a CodingError saying that what it was asked for is not there (the core's wording: "No code 'x'", "No passage
#: 12", "No memo 3", "No document 'd'", "No code with id 7", "no document with id 'd'")
UNKNOWN = re.compile(r"\b[Nn]o (code|passage|memo|document) (with id |'|\d)")
LISTS = {"code": "GET /codes lists the codes there are.", "passage": "GET /passages lists the coded passages.",
         "memo": "GET /memos lists the memos.", "document": "GET /documents lists the documents there are."}
#: the request parameter a CodingError's message is about, by the words the core uses (first match wins)
PARAMETERS = (("matrix(by", "by"), ("two different coders", "coder_b"), ("colour", "color"),
              ("code name", "name"), ("code's description", "description"), ("offset", "start"),
              ("turn", "turn"), ("coder", "coder"), ("a memo is written on", "target_kind"),
              ("study memo", "target_id"), ("passage's memo", "memo"), ("memo", "text"), ("guid", "guid"),
              ("code", "codes"))


def for_coding_error(exc: CodingError, codebook=None) -> JSONResponse:
    """404 for an unknown code (with `available`: the codebook's paths, from `codebook()`), passage, memo or
    document; 422 naming the parameter otherwise."""
    message = str(exc)
    unknown = UNKNOWN.search(message)
    if unknown:
        kind = unknown.group(1)
        extra = {}
        if kind == "code" and codebook is not None:
            extra["available"] = [code.path for code in codebook()][:500]
        return problem(404, f"{message} {LISTS[kind]}", **extra)
    lowered = message.lower()
    parameter = next((name for words, name in PARAMETERS if words in lowered), "request")
    return problem(422, f"{message} Fix '{parameter}' and send the request again.",
                   errors=[{"parameter": parameter, "message": message}])


def _report(exc: BaseException) -> str:
    """Log (type only: messages may quote transcripts) and send to Sentry when ops/ configured it."""
    reference = secrets.token_hex(6)
    log.error("api: unexpected %s (reference %s)", type(exc).__name__, reference)
    try:
        from ops.monitoring.sentry_config import capture_page_error  # scrubs transcript text before sending
    except ImportError:  # the core works without ops/
        return reference
    capture_page_error(exc, page="api")
    return reference


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiProblem)
    async def _api_problem(_request: Request, exc: ApiProblem):
        return problem(exc.status, exc.detail, headers=exc.headers, **exc.extra)

    @app.exception_handler(QualiaError)
    async def _qualia(request: Request, exc: QualiaError):
        if isinstance(exc, CodingError):
            core = getattr(request.app.state, "core", None)
            return for_coding_error(exc, core.codes.codebook if core is not None else None)
        return _for_qualia_error(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        errors = []
        for error in exc.errors():
            where = [str(p) for p in error.get("loc", ()) if p not in ("body", "query", "path", "header")]
            errors.append({"parameter": ".".join(where) or str((error.get("loc") or ["request"])[0]),
                           "message": error.get("msg", "invalid")})
        listing = "; ".join(f"'{e['parameter']}': {e['message']}" for e in errors)
        return problem(422, f"Invalid request: {listing}. Fix these and send it again (GET /docs describes every "
                            f"route).", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException):
        if isinstance(exc.__cause__, StarletteHTTPException):  # an older FastAPI wraps what receive raised in a 400
            exc = exc.__cause__
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
        if exc.status_code == 404 and detail == "Not Found":
            detail = "No such route. GET /docs lists every route of this API."
        elif exc.status_code == 405:
            detail = "This route does not take that method. GET /docs lists what each route takes."
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))



def unexpected(exc: BaseException) -> JSONResponse:
    if _database_busy(exc):
        return problem(503, "The study database is busy with other changes: send the request again in a few "
                            "seconds (Retry-After).", headers={"Retry-After": "5"})
    reference = _report(exc)
    return problem(500, f"Unexpected error (reference {reference}): nothing was changed by it. Try again; if it "
                        f"persists, give the reference to the operator (it is in the server log).",
                   reference=reference)


def _database_busy(exc: BaseException) -> bool:
    """SQLite gave up waiting for another process's write (after its 30 s busy timeout)."""
    from sqlalchemy.exc import OperationalError

    return isinstance(exc, OperationalError) and "database is locked" in str(exc.orig)


class CatchAll:
    """ASGI middleware turning any exception the routes let through into a problem (500, or 503 for a busy
    database), without re-raising it: Starlette's own last resort re-raises so the server logs the traceback,
    and a database error's traceback quotes the SQL parameters, which may be transcript text."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:  # noqa: BLE001 - the last resort: a problem, never a traceback
            if started:  # too late for another response: end this one
                _report(exc)
                return
            await unexpected(exc)(scope, receive, send)
