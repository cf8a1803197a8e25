"""Turning what plugins return into JSON-ready dicts the app and notebooks can show.

The core knows no plotting library: a figure is anything with `to_plotly_json`/`to_json`, an image
is bytes with a known signature, a file is a Path.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import math
import mimetypes
from enum import Enum
from pathlib import Path
from typing import Any

import orjson

_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif",
               b"<svg": "image/svg+xml"}


def plain(obj: Any) -> Any:
    """A copy of `obj` made of dicts (str keys), lists, str, int, float, bool and None only."""
    kind = type(obj)
    if obj is None or kind is str or kind is bool or kind is int:
        return obj
    if kind is float:
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(plain(v) for v in obj)
    if isinstance(obj, bool):  # numpy.bool_ is not a bool; a bool subclass is
        return bool(obj)
    if isinstance(obj, str):
        return str(obj)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj) if math.isfinite(obj) else None
    if isinstance(obj, Path):
        return str(obj)
    if isinstance(obj, Enum):
        return plain(obj.value)
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return plain(obj.item())
    if hasattr(obj, "tolist"):  # numpy array
        return plain(obj.tolist())
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return plain(dataclasses.asdict(obj))
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return plain(obj.to_dict())
    raise TypeError(f"cannot turn a {type(obj).__name__} into JSON")


# orjson encodes dicts, lists, str, int, float, bool and None itself; dataclasses, dates, subclasses and
# numpy values are refused (TypeError) so that `plain` converts them and the caller gets the same JSON
# types the cache gives back. (orjson also writes tuples as lists and NaN as null.)
_STRICT = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


def encode_result(result: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
    """(the result as callers get it, its JSON as UTF-8 bytes), encoded once.

    A result of plain JSON data is returned as it is, with no copy; anything else goes through `plain`."""
    try:
        return result, orjson.dumps(result, option=_STRICT)
    except TypeError:
        clean = plain(result)
    try:
        return clean, orjson.dumps(clean)
    except TypeError:  # e.g. an integer beyond 64 bits, which orjson does not write
        return clean, json.dumps(clean, ensure_ascii=False, allow_nan=False).encode("utf-8")


def analysis_result(obj: Any) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise TypeError(f"the plugin returned {type(obj).__name__}; it must return a dict")
    return obj


def visual_result(obj: Any) -> dict[str, Any]:
    """What a visualizer rendered, as {'kind': 'plotly'|'image'|'file'|..., ...}."""
    if hasattr(obj, "to_plotly_json") and hasattr(obj, "to_json"):
        return {"kind": "plotly", "figure": json.loads(obj.to_json())}
    if isinstance(obj, (bytes, bytearray)):
        data = bytes(obj)
        mime = next((m for sig, m in _SIGNATURES.items() if data.startswith(sig)), "application/octet-stream")
        return {"kind": "image" if mime.startswith("image/") else "bytes", "mime": mime,
                "base64": base64.b64encode(data).decode("ascii")}
    if isinstance(obj, (str, Path)) and Path(obj).is_file():
        path = Path(obj)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return {"kind": "file", "path": str(path), "mime": mime, "size": path.stat().st_size}
    if isinstance(obj, dict):
        result = dict(obj)
        result.setdefault("kind", "data")
        return result
    raise TypeError(f"the visualizer returned {type(obj).__name__}; return a plotly figure, image bytes, "
                    "a path to a file it wrote, or a dict")


def decode_image(result: dict[str, Any]) -> bytes:
    """The image bytes of an 'image' result (for notebooks: `Image(decode_image(r))`)."""
    return base64.b64decode(result["base64"])
