"""Atomic file writes: a reader sees the old file or the new one, never half of either."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Iterable


def atomic_write_bytes(path: str | Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename.

    `durable` also fsyncs the data before the rename (skip it for caches that can be rebuilt). The temporary
    name holds the process and thread, so concurrent writers never share one; os calls on str paths keep it
    cheap enough for the result cache's hot path."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(folder, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_chunks(path: str | Path, chunks: Iterable[str], *, durable: bool = True) -> None:
    """Write text produced a piece at a time (a result too large to hold as one string) the same way: the file
    appears whole, or not at all when writing fails or is interrupted."""
    path = os.fspath(path)
    folder, name = os.path.split(path)
    os.makedirs(folder or ".", exist_ok=True)
    tmp = os.path.join(folder, f".{name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(chunk)
            if durable:
                handle.flush()
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: str | Path, text: str, *, durable: bool = True) -> None:
    atomic_write_bytes(path, text.encode("utf-8"), durable=durable)


def atomic_write_json(path: str | Path, obj: Any, *, durable: bool = True) -> None:
    atomic_write_text(path, json.dumps(obj, ensure_ascii=False, sort_keys=True), durable=durable)
