"""Health for curl and uptime checks, standard library only.

    python ops/monitoring/health_dashboard.py --port 8080

GET /health          the health JSON (HTTP 200 when healthy or degraded, 503 when critical)
GET /health/stream   Server-Sent Events: one `data:` event per interval, keep-alive comments, `retry:`;
                     at most HEALTH_DASHBOARD_MAX_STREAMS clients at once, 503 with Retry-After beyond
GET /                a small page drawing the stream with EventSource (no external scripts or fonts)
HEAD                 any of these: the same status and headers, no body

It reads the same data dir as the app, so breakers opened in the app show here. Every response closes its
connection; threads, timeouts and the connection cap are ops.monitoring.bounded_server's.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the project importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from ops.monitoring.bounded_server import IDLE_TIMEOUT, REQUEST_TIMEOUT, BoundedHTTPServer  # noqa: E402
from ops.monitoring.health import HealthChecker  # noqa: E402

log = logging.getLogger("ops.monitoring.health_dashboard")

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Qualia health</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#222}
#status{font-size:1.6rem;font-weight:600}.pass{color:#1a7f37}.warn{color:#9a6700}.fail{color:#cf222e}
table{border-collapse:collapse;margin-top:1rem}td,th{border:1px solid #ddd;padding:.3rem .6rem;text-align:left}
</style></head><body>
<h1>Qualia health</h1>
<p id="status">waiting for the first sample…</p><p id="time"></p>
<table><thead><tr><th>metric</th><th>value</th></tr></thead><tbody id="system"></tbody></table>
<h2>Plugins</h2><table><thead><tr><th>plugin</th><th>status</th></tr></thead><tbody id="plugins"></tbody></table>
<h2>Alerts</h2><ul id="alerts"></ul>
<script>
function row(cells){const tr=document.createElement("tr");for(const c of cells){const td=document.createElement("td");td.textContent=c;tr.appendChild(td);}return tr;}
const es=new EventSource("/health/stream");
es.onmessage=function(ev){
  const h=JSON.parse(ev.data);
  const s=document.getElementById("status");s.textContent=h.overall_status+" ("+h.status+")";s.className=h.status;
  document.getElementById("time").textContent=h.timestamp;
  const sys=h.components.system, tb=document.getElementById("system");tb.replaceChildren();
  for(const k of ["cpu_percent","memory_percent","disk_percent","process_memory_mb"]){tb.appendChild(row([k,String(sys[k])]));}
  const pb=document.getElementById("plugins");pb.replaceChildren();
  for(const [id,p] of Object.entries(h.components.plugins.plugins)){pb.appendChild(row([id,p.status]));}
  const al=document.getElementById("alerts");al.replaceChildren();
  for(const a of h.alerts){const li=document.createElement("li");li.textContent=a.level+": "+a.message;al.appendChild(li);}
};
</script></body></html>
"""


class HealthHandler(BaseHTTPRequestHandler):
    server: "HealthServer"
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt: str, *args) -> None:  # through logging, not stderr
        log.debug("%s %s", self.address_string(), fmt % args)

    def _send(self, status: int, body: bytes, content_type: str, *, head: bool = False,
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Connection", "close")  # no keep-alive: an idle connection never holds a worker
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802
        self._route(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._route(head=True)

    def _route(self, *, head: bool) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/health":
            report = self.server.checker.check()
            status = HTTPStatus.SERVICE_UNAVAILABLE if report["overall_status"] == "critical" else HTTPStatus.OK
            self._send(status, json.dumps(report).encode(), "application/health+json", head=head)
        elif path == "/health/stream":
            if not self.server.streams.acquire(blocking=False):
                retry = str(max(1, round(self.server.interval)))
                self._send(HTTPStatus.SERVICE_UNAVAILABLE,
                           b'{"error": "too many stream clients at once; retry later"}', "application/json",
                           head=head, headers={"Retry-After": retry})
                return
            try:
                self._stream(head=head)
            finally:
                self.server.streams.release()
        elif path == "/":
            self._send(HTTPStatus.OK, PAGE.encode(), "text/html; charset=utf-8", head=head)
        else:
            self._send(HTTPStatus.NOT_FOUND, b'{"error": "not found"}', "application/json", head=head)

    def _stream(self, *, head: bool) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if head:
            return
        interval = self.server.interval
        keepalive = min(15.0, interval / 2)
        stop = self.server.stopping
        try:
            self.wfile.write(f"retry: {int(interval * 1000)}\n\n".encode())
            while not stop.is_set():
                report = self.server.checker.check()
                self.wfile.write(f"id: {report['timestamp']}\ndata: {json.dumps(report)}\n\n".encode())
                self.wfile.flush()
                waited = 0.0
                while waited < interval and not stop.is_set():
                    step = min(keepalive, interval - waited)
                    if stop.wait(step):
                        break
                    waited += step
                    if waited < interval:
                        self.wfile.write(b": keep-alive\n\n")
                        self.wfile.flush()
        except OSError as exc:  # went away, or stopped reading for longer than the server's request timeout
            log.debug("stream client went away (%s)", type(exc).__name__)
        self.close_connection = True


class HealthServer(BoundedHTTPServer):
    """The dashboard: a worker for each stream client it allows, and SPARE_WORKERS for everything else."""

    SPARE_WORKERS = 4

    def __init__(self, address: tuple[str, int], checker: HealthChecker, interval: float, *, max_streams: int,
                 idle_timeout: float = IDLE_TIMEOUT, request_timeout: float = REQUEST_TIMEOUT,
                 max_connections: int | None = None):
        super().__init__(address, HealthHandler, workers=max_streams + self.SPARE_WORKERS,
                         idle_timeout=idle_timeout, request_timeout=request_timeout,
                         max_connections=max_connections)
        self.checker = checker
        self.interval = interval
        self.max_streams = max_streams
        self.streams = threading.BoundedSemaphore(max_streams)
        self.stopping = threading.Event()

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    def server_close(self) -> None:
        self.stopping.set()  # streams end, so their workers do
        super().server_close()


def make_server(core, host: str = "127.0.0.1", port: int = 8080, interval: float = 30.0, *,
                max_streams: int | None = None, **limits) -> HealthServer:
    """The dashboard of `core` on host:port (port 0: a free one). `max_streams` defaults to
    HEALTH_DASHBOARD_MAX_STREAMS; `limits` are BoundedHTTPServer's idle_timeout, request_timeout and
    max_connections."""
    from qualia_core import config

    if max_streams is None:
        max_streams = config.get("HEALTH_DASHBOARD_MAX_STREAMS")
    return HealthServer((host, port), HealthChecker(core), interval, max_streams=max_streams, **limits)


def main(argv: list[str] | None = None) -> int:
    from qualia_core.config import load_settings
    from qualia_core.errors import SettingsError
    from qualia_core.logs import configure_from_settings

    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"qualia health dashboard: {exc}", file=sys.stderr)
        return 2
    configure_from_settings(settings)
    parser = argparse.ArgumentParser(description="Serve Qualia's health as JSON and Server-Sent Events.")
    parser.add_argument("--host", default=settings["HEALTH_DASHBOARD_HOST"], help="HEALTH_DASHBOARD_HOST")
    parser.add_argument("--port", type=int, default=settings["HEALTH_DASHBOARD_PORT"], help="HEALTH_DASHBOARD_PORT")
    parser.add_argument("--interval", type=float, default=settings["HEALTH_CHECK_INTERVAL"],
                        help="seconds between stream events (HEALTH_CHECK_INTERVAL)")
    args = parser.parse_args(argv)
    try:
        from ops.monitoring.sentry_config import init_sentry
        init_sentry()
    except ImportError:
        pass
    from ops import core_with_breakers

    core = core_with_breakers()
    core.discover_plugins()
    server = make_server(core, args.host, args.port, args.interval,
                         max_streams=settings["HEALTH_DASHBOARD_MAX_STREAMS"])
    log.info("health dashboard on http://%s:%d/ (data dir %s)", args.host, server.server_address[1], core.data_dir)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
