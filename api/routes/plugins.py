"""GET /plugins, GET /plugins/{plugin_id} (parameters as JSON Schema), GET /config/consolidated."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Path, Request

from qualia_core.params import config_schema, normalize_parameters

from ..auth import require
from ..problems import RESPONSES

router = APIRouter(tags=["plugins"], responses=RESPONSES)


def describe(meta, full: bool = False) -> dict[str, Any]:
    out = {"id": meta.id, "name": meta.name, "type": meta.type.value, "version": meta.version,
           "description": meta.description}
    if full:
        out.update(provides=list(meta.provides), requires=list(meta.requires), author=meta.author,
                   parameters=config_schema(meta.id, normalize_parameters(meta.parameters)))
    return out


@router.get("/plugins", summary="Every loaded plugin")
def list_plugins(request: Request, _who=Depends(require("read"))) -> list[dict[str, Any]]:
    return [describe(m) for m in request.app.state.core.plugin_metadata().values()]


@router.get("/plugins/{plugin_id}", summary="One plugin, with its parameters as JSON Schema")
def get_plugin(request: Request, plugin_id: str = Path(max_length=100), _who=Depends(require("read"))) -> dict[str, Any]:
    return describe(request.app.state.core.get_plugin(plugin_id).metadata, full=True)


@router.get("/config/consolidated", summary="Every plugin's parameters as JSON Schema, by plugin id")
def consolidated(request: Request, _who=Depends(require("read"))) -> dict[str, Any]:
    return {pid: describe(m, full=True)["parameters"] for pid, m in request.app.state.core.plugin_metadata().items()}
