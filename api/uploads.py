"""Uploads over the size limit are refused while they stream in, so a client can't make a worker hold (or
spool) more than QUALIA_MAX_DOCUMENT_MB, the app's own limit, plus room for the multipart envelope.

A declared Content-Length over the limit is refused before a byte is read; a body without one (chunked) is
counted as it arrives and refused the moment it passes the limit. The route then reads at most the limit plus one
byte of the file and hands it to the library, whose size rule (qualia_core.formats) words the 413.
"""

from __future__ import annotations

from fastapi import HTTPException

ENVELOPE = 64 * 1024  # multipart boundaries and headers around the file


def detail(limit: int) -> str:
    return (f"The upload is over the {limit // (1024 * 1024)} MB limit (QUALIA_MAX_DOCUMENT_MB): split the "
            f"transcript into smaller files, or ask the operator to raise the limit.")


class BodyTooLarge(HTTPException):
    """Raised from the request's receive channel: FastAPI passes an HTTPException raised while it parses a body
    on as it is (api/problems.py also unwraps one that an older FastAPI wrapped in its 400)."""

    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(413, detail(limit))


class UploadLimit:
    """ASGI middleware bounding the request body of `paths` (POST: transcripts, .qdpx projects) to `limit` bytes."""

    def __init__(self, app, limit: int, paths: tuple[str, ...] = ("/documents", "/import")):
        self.app, self.limit, self.paths = app, limit, paths

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"].rstrip("/") not in self.paths:
            return await self.app(scope, receive, send)
        limit = self.limit + ENVELOPE
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            from .problems import problem

            response = problem(413, detail(self.limit))
            return await response(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(self.limit)
            return message

        return await self.app(scope, counted, send)
