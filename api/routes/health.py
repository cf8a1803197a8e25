"""GET /health: the same checker as the Health page and the dashboard (ops/), open without a token so uptime
tools can poll it; 503 when the report is critical. Without ops/ installed, the core's own short report."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/health", summary="Health report (no token needed)",
            responses={503: {"description": "critical: see `alerts`"}})
def health(request: Request) -> JSONResponse:
    state = request.app.state
    checker = getattr(state, "health_checker", None)
    if checker is None:
        try:
            from ops.monitoring.health import HealthChecker
        except ImportError:
            checker = False
        else:
            checker = HealthChecker(state.core)
        state.health_checker = checker
    if checker:
        report: dict[str, Any] = checker.check()
    else:
        report = {"status": "pass", "overall_status": "healthy",
                  "components": {"qualia_core": {"status": "pass",
                                                 "plugin_count": len(state.core.plugin_metadata())}}, "alerts": []}
    status = 503 if report["overall_status"] == "critical" else 200
    return JSONResponse(report, status_code=status, media_type="application/health+json")
