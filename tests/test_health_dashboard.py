"""The health dashboard under hostile or careless clients, over real loopback sockets (issue 13, item 9):
idle and half-sent connections hold no thread for long, stream clients are capped, HEAD works everywhere."""

from __future__ import annotations

import http.client
import socket
import threading
import time

import pytest

from ops.monitoring.health_dashboard import HealthServer, make_server
from qualia_core import QualiaCore

CALM = {"cpu_percent": 12.0, "memory_percent": 40.0, "disk_percent": 30.0, "process_memory_mb": 150.0}
MAX_STREAMS = 2
WAIT = 15.0  # the longest any test waits for the server to do something (never asserted on)


@pytest.fixture
def core(tmp_path) -> QualiaCore:
    (tmp_path / "data").mkdir()  # a data dir that is missing is critical (an interrupted restore)
    core = QualiaCore(data_dir=tmp_path / "data", entry_points=False)
    core.discover_plugins()
    return core


def start(core, **limits) -> HealthServer:
    server = make_server(core, "127.0.0.1", 0, interval=0.4, max_streams=MAX_STREAMS, **limits)
    server.checker.readings = lambda data_dir: dict(CALM)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def dashboard(core):
    server = start(core, idle_timeout=1.0, request_timeout=1.0)
    yield server
    server.shutdown()
    server.server_close()


def connect(server) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=WAIT)
    return sock


def raw(server, request: bytes) -> bytes:
    """Send `request` and read everything until the server closes the connection."""
    with connect(server) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def get(server, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=WAIT)
    conn.request("GET", path)
    return conn.getresponse()


def eventually(condition) -> bool:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_idle_connections_hold_no_thread_and_are_closed_after_the_idle_timeout(dashboard):
    before = threading.active_count()
    idle = [connect(dashboard) for _ in range(300)]
    try:
        # accepted in order: once a later request is answered, every idle connection has been accepted
        assert get(dashboard, "/health").status == 200
        assert threading.active_count() - before <= MAX_STREAMS + HealthServer.SPARE_WORKERS
        for sock in idle:
            assert sock.recv(1) == b""  # closed by the server (recv would time out after WAIT otherwise)
    finally:
        for sock in idle:
            sock.close()
    assert eventually(lambda: dashboard.open_connections == 0)
    assert get(dashboard, "/health").status == 200


def test_half_a_request_line_is_dropped_and_frees_its_worker(dashboard):
    stalled = []
    for _ in range(MAX_STREAMS + HealthServer.SPARE_WORKERS + 2):  # more than there are workers
        sock = connect(dashboard)
        sock.sendall(b"GET /hea")
        stalled.append(sock)
    try:
        for sock in stalled:
            assert sock.recv(65536) == b""  # dropped without an answer
    finally:
        for sock in stalled:
            sock.close()
    assert eventually(lambda: dashboard.open_connections == 0)
    assert get(dashboard, "/health").status == 200


def read_first_event(response: http.client.HTTPResponse) -> None:
    while not response.fp.readline().startswith(b"data: "):
        pass


def test_stream_clients_beyond_the_cap_get_503_with_retry_after_and_a_freed_slot_is_reused(dashboard):
    streams = [get(dashboard, "/health/stream") for _ in range(MAX_STREAMS)]
    for response in streams:
        assert response.status == 200
        read_first_event(response)
    refused = get(dashboard, "/health/stream")
    assert refused.status == 503
    assert int(refused.getheader("Retry-After")) >= 1
    assert b"too many stream clients" in refused.read()
    assert raw(dashboard, b"HEAD /health/stream HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 503")
    assert get(dashboard, "/health").status == 200  # the cap is on streams only
    streams.pop().close()

    def a_stream_is_served() -> bool:
        response = get(dashboard, "/health/stream")
        if response.status != 200:
            response.close()
            return False
        streams.append(response)
        return True

    try:
        assert eventually(a_stream_is_served)  # the server noticed the closed stream and freed its slot
    finally:
        for response in streams:
            response.close()


@pytest.mark.parametrize("path, status, content_type", [
    ("/health", 200, "application/health+json"),
    ("/", 200, "text/html; charset=utf-8"),
    ("/health/stream", 200, "text/event-stream"),
    ("/nowhere", 404, "application/json"),
])
def test_head_answers_every_get_route_with_its_headers_and_no_body(dashboard, path, status, content_type):
    answer = raw(dashboard, f"HEAD {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    assert lines[0].startswith(f"HTTP/1.1 {status}")
    assert headers["content-type"] == content_type
    assert body == b""
    if path != "/health/stream":
        assert int(headers["content-length"]) == len(get(dashboard, path).read())


def test_connections_beyond_the_limit_are_closed_at_once(core):
    server = start(core, idle_timeout=30.0, request_timeout=30.0, max_connections=5)
    held = [connect(server) for _ in range(5)]
    try:
        assert eventually(lambda: server.open_connections == 5)
        with connect(server) as extra:
            try:
                assert extra.recv(1) == b""  # closed at once, though the idle timeout is 30 s
            except ConnectionResetError:
                pass
        assert server.open_connections == 5
    finally:
        for sock in held:
            sock.close()
        server.shutdown()
        server.server_close()
