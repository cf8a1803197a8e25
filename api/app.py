"""The FastAPI application: `create_app(core=None)` builds it over a core (the app's own kind by default: plugins
discovered, ops' circuit breakers guarding them when ops/ is there, the study database open).

/docs and /redoc are served from assets installed with the fastapi-offline package (Swagger UI, ReDoc, no
outside fonts), so they work with no network; a Content-Security-Policy keeps them from fetching anything else
(ReDoc's bundle names one outside URL, its logo on its CDN: /static-docs/redoc.standalone.js serves the bundle
with that URL pointing at a local image). CORS is off unless CORS_ALLOWED_ORIGINS names origins.
"""

from __future__ import annotations

import asyncio
import os
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from qualia_core import __version__, config
from qualia_core.accounts import Accounts
from qualia_core.jobs import Jobs
from qualia_core.tokens import Tokens

from . import problems
from .jobs import JobRunner
from .limits import RateLimiter
from .routes import analyses, codes, documents, exchange, health, jobs, passages, plugins, search
from .uploads import UploadLimit

STATIC = "/static-docs"
REDOC_LOGO = b"https://cdn.redoc.ly/redoc/logo-mini.svg"
#: the docs pages may load nothing from elsewhere: ReDoc's bundle would fetch its logo from its CDN otherwise
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'")
DESCRIPTION = """Qualia's study through HTTP: documents, plugins, analyses, corpus jobs, search, and coding (the
codebook, passages, matrices, coder agreement, memos, REFI-QDA .qdpx export and import).

Send `Authorization: Bearer <token>` (from `qualia token create USER` or an admin's Users page) when sign-in is
on. Errors are RFC 9457 problem details whose `detail` says what to do."""


def default_core():
    """A core as the app builds it: ops' circuit breakers guarding plugins (after finishing a restore that was
    interrupted) when ops/ is installed, plugins discovered, the study database open and migrated."""
    try:
        from ops import core_with_breakers
    except ImportError:
        from qualia_core import QualiaCore as core_with_breakers
    core = core_with_breakers()
    core.discover_plugins()
    core.library.list()
    return core


def _assets() -> Path:
    import fastapi_offline

    return Path(fastapi_offline.__file__).resolve().parent / "static"


def create_app(core=None, *, address: str | None = None) -> FastAPI:
    """The API over `core`. `address` is where it listens (QUALIA_API_HOST by default): sign-in follows it."""
    core = core or default_core()
    store = core.library.store

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        app.state.runner.shutdown()

    app = FastAPI(title="Qualia API", version=__version__, description=DESCRIPTION, docs_url=None,
                  redoc_url=None, lifespan=lifespan)
    state = app.state
    state.core = core
    state.address = address or os.environ.get("QUALIA_API_HOST") or config.get("QUALIA_API_HOST")
    state.auth_mode = config.get("QUALIA_AUTH")
    state.accounts = Accounts(store)
    state.tokens = Tokens(store)
    state.jobs = Jobs(store)
    state.runner = JobRunner(core, state.jobs)
    state.limiter = RateLimiter(store, config.get("RATE_LIMIT_PER_MINUTE"))
    state.writes = asyncio.Semaphore(1)  # one library write at a time per worker (api/routes/documents.py)

    problems.install(app)

    for module in (health, plugins, documents, analyses, jobs, search, codes, passages, exchange):
        app.include_router(module.router)

    redoc_bundle: list[bytes] = []

    @app.get(f"{STATIC}/redoc.standalone.js", include_in_schema=False)
    def redoc_js() -> Response:
        """ReDoc's bundle with the one outside URL it holds (its logo on its CDN) pointing here instead."""
        if not redoc_bundle:
            code = (_assets() / "redoc.standalone.js").read_bytes()
            redoc_bundle.append(code.replace(REDOC_LOGO, f"{STATIC}/favicon.png".encode()))
        return Response(redoc_bundle[0], media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    app.mount(STATIC, StaticFiles(directory=_assets()), name="static-docs")

    @app.get("/docs", include_in_schema=False)
    def swagger() -> HTMLResponse:
        page = get_swagger_ui_html(openapi_url=app.openapi_url, title="Qualia API",
                                   swagger_js_url=f"{STATIC}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{STATIC}/swagger-ui.css",
                                   swagger_favicon_url=f"{STATIC}/favicon.png")
        page.headers["Content-Security-Policy"] = DOCS_POLICY
        return page

    @app.get("/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        page = get_redoc_html(openapi_url=app.openapi_url, title="Qualia API",
                              redoc_js_url=f"{STATIC}/redoc.standalone.js",
                              redoc_favicon_url=f"{STATIC}/favicon.png", with_google_fonts=False)
        page.headers["Content-Security-Policy"] = DOCS_POLICY
        return page

    origins = config.get("CORS_ALLOWED_ORIGINS")
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_methods=["GET", "POST", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type"], expose_headers=["Location", "Retry-After"])
    app.add_middleware(UploadLimit, limit=core.max_document_bytes)
    app.add_middleware(problems.CatchAll)  # outermost of ours: whatever is raised becomes a problem
    return app
