"""An HTTP server whose threads and sockets stay bounded whatever its clients do (standard library only).

http.server's ThreadingHTTPServer starts a thread per connection and never times a read out: 390 idle
connections held 393 threads. BoundedHTTPServer instead:
- lets a new connection wait for its first byte in one selector thread (the waiting room), holding no thread
  of its own; a connection that sends nothing for `idle_timeout` seconds is closed;
- serves a connection that has sent something on a fixed pool of `workers` threads, with a socket timeout of
  `request_timeout` seconds on every read and write: half a request line, or a client that stops reading a
  stream, is dropped after that;
- keeps at most `max_connections` open (waiting or served); one more is closed as soon as it is accepted;
- leaves keep-alive to the handler: the health dashboard closes every connection after its response, so an
  idle connection never holds a worker.

Threads: the accept loop (serve_forever), the waiting room, and at most `workers`.
"""

from __future__ import annotations

import logging
import selectors
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import HTTPServer

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 5.0  # seconds a connection may wait before sending its first byte
REQUEST_TIMEOUT = 5.0  # seconds any one read or write of a served connection may block


def default_max_connections() -> int:
    """Half the process's file descriptor limit, between 16 and 1024 (256 where the limit is unknown): the
    accept loop must never run out of descriptors, or it would spin on a listening socket it cannot drain."""
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    except (ImportError, OSError, ValueError):  # pragma: no cover - Windows
        return 256
    if soft == resource.RLIM_INFINITY:
        soft = 4096
    return max(16, min(1024, soft // 2))


class BoundedHTTPServer(HTTPServer):
    request_queue_size = 128  # connections the kernel holds before accept (socketserver's default is 5)

    def __init__(self, address: tuple[str, int], handler, *, workers: int, idle_timeout: float = IDLE_TIMEOUT,
                 request_timeout: float = REQUEST_TIMEOUT, max_connections: int | None = None):
        super().__init__(address, handler)
        self.idle_timeout, self.request_timeout = float(idle_timeout), float(request_timeout)
        self.max_connections = int(max_connections or default_max_connections())
        self._open = 0  # connections accepted and not closed yet
        self._open_lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=int(workers), thread_name_prefix="qualia-dashboard")
        self._selector = selectors.DefaultSelector()
        self._wake_r, self._wake_w = socket.socketpair()
        for s in (self._wake_r, self._wake_w):
            s.setblocking(False)
        self._selector.register(self._wake_r, selectors.EVENT_READ)
        self._arrivals: list[tuple[socket.socket, object]] = []  # handed over by the accept loop
        self._arrivals_lock = threading.Lock()
        self._closing = threading.Event()
        self._room = threading.Thread(target=self._waiting_room, name="qualia-dashboard-waiting", daemon=True)
        self._room.start()

    @property
    def open_connections(self) -> int:
        return self._open

    # -- the accept loop (serve_forever's thread) --
    def process_request(self, request: socket.socket, client_address) -> None:
        with self._open_lock:
            full = self._open >= self.max_connections
            if not full:
                self._open += 1
        if full:
            log.warning("health dashboard: %d connections open, closing a new one from %s",
                        self.max_connections, client_address[0])
            self.shutdown_request(request)
            return
        with self._arrivals_lock:
            self._arrivals.append((request, client_address))
        self._wake()

    def _wake(self) -> None:
        try:
            self._wake_w.send(b"\0")
        except (BlockingIOError, OSError):  # already awake (the pair's buffer is full), or closing
            pass

    # -- the waiting room: one thread watching every connection that has not sent anything yet --
    def _waiting_room(self) -> None:
        waiting: dict[socket.socket, tuple[object, float]] = {}  # in arrival order, so deadlines are sorted
        try:
            while not self._closing.is_set():
                timeout = None
                if waiting:
                    first_deadline = next(iter(waiting.values()))[1]
                    timeout = max(0.0, first_deadline - time.monotonic())
                for key, _ in self._selector.select(timeout):
                    if key.fileobj is self._wake_r:
                        self._drain_wake()
                        continue
                    sock = key.fileobj
                    self._selector.unregister(sock)
                    address, _ = waiting.pop(sock)
                    self._dispatch(sock, address)
                with self._arrivals_lock:
                    arrivals, self._arrivals = self._arrivals, []
                deadline = time.monotonic() + self.idle_timeout
                for sock, address in arrivals:
                    self._selector.register(sock, selectors.EVENT_READ)
                    waiting[sock] = (address, deadline)
                now = time.monotonic()
                for sock, (address, deadline) in list(waiting.items()):
                    if deadline > now:
                        break
                    self._selector.unregister(sock)
                    del waiting[sock]
                    log.debug("health dashboard: %s sent nothing for %.0f s; closed", address, self.idle_timeout)
                    self._close(sock)
        finally:
            for sock in list(waiting):
                self._close(sock)

    def _drain_wake(self) -> None:
        try:
            while self._wake_r.recv(4096):
                pass
        except (BlockingIOError, OSError):
            pass

    def _dispatch(self, sock: socket.socket, address) -> None:
        sock.settimeout(self.request_timeout)
        try:
            self._pool.submit(self._serve, sock, address)
        except RuntimeError:  # the pool is shut down: the server is closing
            self._close(sock)

    # -- a worker --
    def _serve(self, sock: socket.socket, address) -> None:
        try:
            self.finish_request(sock, address)
        except Exception:
            self.handle_error(sock, address)
        finally:
            self._close(sock)

    def _close(self, sock: socket.socket) -> None:
        self.shutdown_request(sock)
        with self._open_lock:
            self._open -= 1

    def handle_error(self, request, client_address) -> None:
        """A client that went away or timed out is routine; anything else is logged with its traceback."""
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            log.debug("health dashboard: connection from %s ended: %s", client_address[0], sys.exc_info()[1])
        else:
            log.exception("health dashboard: error serving %s", client_address[0])

    def server_close(self) -> None:
        self._closing.set()
        self._wake()
        self._room.join(5)
        with self._arrivals_lock:
            arrivals, self._arrivals = self._arrivals, []
        for sock, _ in arrivals:
            self._close(sock)
        self._pool.shutdown(wait=False)
        super().server_close()
        self._selector.close()
        for s in (self._wake_r, self._wake_w):
            s.close()
