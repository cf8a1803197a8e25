"""The REST API: the same core as the app, through HTTP, for scripts in R or Python and other services.

    python -m api --host 127.0.0.1 --port 8000 --workers 4      (or `qualia serve`)

`api.app.create_app(core=None)` builds the FastAPI application; `api.server.run()` serves it with uvicorn.
Routes live in `api/routes/`, one module per resource; they only call the core (`core.library`,
`core.execute_plugin`, `core.run_corpus`, `core.search`) and ops' health checker. Who is asking is decided in
`api/auth.py` with the same rules as the app (qualia_core.access); errors become RFC 9457 problem details in
`api/problems.py`; the rate limit shared by every worker is `api/limits.py`; corpus jobs run in `api/jobs.py`.
"""
