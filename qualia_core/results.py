"""Turning what plugins return into JSON-ready dicts the app and notebooks can show.

The core knows no plotting library: a figure is anything with `to_plotly_json`/`to_json`, an image
is bytes with a known signature, a file is a Path.
"""

from __future__ import annotations

import base64
import json
import math
import mimetypes
from pathlib import Path
from typing import Any

_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif",
               b"<svg": "image/svg+xml"}


def plain(obj: Any) -> Any:
    """A copy of `obj` made of dicts, lists, str, int, float, bool and None only."""
    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [plain(v) for v in obj]
    if isinstance(obj, (set, frozenset)):
        return sorted(plain(v) for v in obj)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalar
        return plain(obj.item())
    if hasattr(obj, "tolist"):  # numpy array
        return plain(obj.tolist())
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return plain(obj.to_dict())
    raise TypeError(f"cannot turn a {type(obj).__name__} into JSON")


def to_json_text(result: dict[str, Any]) -> str:
    """The result as JSON text. The C encoder handles plain results at once; anything else (numpy
    numbers, sets, NaN…) goes through `plain` first."""
    try:
        return json.dumps(result, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return json.dumps(plain(result), ensure_ascii=False, allow_nan=False)


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
