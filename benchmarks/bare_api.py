"""The peer of benchmarks/load_api.py: a bare FastAPI route served by the same uvicorn, so the figures of GET
/health say what Qualia's API adds (auth, the rate limit's row, the health checker) over the framework itself."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict:
    return {"ok": True}
