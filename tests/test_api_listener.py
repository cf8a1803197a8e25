"""The API's workers answer keep-alive requests without Nagle's delay: the shared listening socket uvicorn binds
(proto 0, Kludex/uvicorn#3149) is re-wrapped as TCP, so asyncio sets TCP_NODELAY on every accepted connection."""

from __future__ import annotations

import asyncio
import socket

import uvicorn

from api.server import tcp_listener


def nodelay_of_an_accepted_connection(listener: socket.socket) -> int:
    """Serve `listener` with asyncio (as a uvicorn worker does), connect once, and read TCP_NODELAY as the
    server's side of the connection has it."""
    seen: list[int] = []

    class Report(asyncio.Protocol):
        def connection_made(self, transport):
            seen.append(transport.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    async def main():
        server = await asyncio.get_running_loop().create_server(Report, sock=listener)
        port = listener.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.01)
        writer.close()
        server.close()

    asyncio.run(main())
    return seen[0]


def test_uvicorns_shared_socket_loses_tcp_nodelay_and_ours_keeps_it():
    bound = uvicorn.Config("api.app:create_app", factory=True, host="127.0.0.1", port=0).bind_socket()
    if bound.proto == 0:  # uvicorn's own listener, as the workers got it before (until uvicorn fixes #3149)
        assert nodelay_of_an_accepted_connection(bound) == 0
    else:
        bound.close()
    ours = uvicorn.Config("api.app:create_app", factory=True, host="127.0.0.1", port=0).bind_socket()
    wrapped = tcp_listener(ours)
    assert wrapped.proto == socket.IPPROTO_TCP
    assert nodelay_of_an_accepted_connection(wrapped) != 0
