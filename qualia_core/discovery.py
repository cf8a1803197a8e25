"""Finding plugins: one folder each under the plugins dir, plus installed packages.

A plugin that fails to import or declares bad metadata is reported with its reason and never stops
the others from loading (as pluggy validates at registration, not at call time).
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import logging
import sys
import threading
import traceback
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from .contract import IMPLEMENTATION, PLUGIN_BASES, PluginMetadata, metadata_of

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "qualia.plugins"
MODULE_PREFIX = "qualia_plugins"


@dataclass
class LoadedPlugin:
    instance: Any
    metadata: PluginMetadata
    origin: str  # folder path or "entry point NAME"


@dataclass
class LoadFailure:
    name: str  # plugin id when known, else the folder or entry point
    origin: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "origin": self.origin, "reason": self.reason}


@dataclass
class Discovery:
    plugins: dict[str, LoadedPlugin] = field(default_factory=dict)
    failures: list[LoadFailure] = field(default_factory=list)


def _short_trace(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


_IMPORT_LOCK = threading.RLock()
_IMPORTED: dict[tuple[str, str], str] = {}  # (folder, digest of its .py files) -> module name
_NAMES: dict[str, tuple[str, str]] = {}  # module name -> (folder, digest) it was imported from


def _digest(folder: Path) -> str:
    """What the plugin's Python source is now: its .py files' paths and bytes."""
    h = hashlib.sha256()
    for path in sorted(folder.rglob("*.py")):
        if "__pycache__" not in path.parts:
            h.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _import_folder(folder: Path) -> ModuleType:
    """Import plugins/<folder>/__init__.py as package `qualia_plugins.<folder>` (relative imports work).

    A folder whose source is unchanged is imported once per process: rediscovery reuses the module. An
    edited plugin (or another folder of the same name) is imported under a new name (`…_2`), and modules
    already imported are never taken out of sys.modules, so a plugin running now, or importing its heavy
    submodules on first use in another thread, never finds its package gone."""
    key = (str(folder.resolve()), _digest(folder))
    with _IMPORT_LOCK:
        known = _IMPORTED.get(key)
        if known is not None and known in sys.modules:
            return sys.modules[known]
        if MODULE_PREFIX not in sys.modules:
            pkg = ModuleType(MODULE_PREFIX)
            pkg.__path__ = []  # a namespace for plugin packages
            sys.modules[MODULE_PREFIX] = pkg
        base = name = f"{MODULE_PREFIX}.{folder.name}"
        n = 1
        while name in sys.modules or name in _NAMES:
            n += 1
            name = f"{base}_{n}"
        spec = importlib.util.spec_from_file_location(
            name, folder / "__init__.py", submodule_search_locations=[str(folder)]
        )
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:  # nobody uses a package that failed to import: forget it and its submodules
            for stale in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
                del sys.modules[stale]
            raise
        _IMPORTED[key], _NAMES[name] = name, key
        return module


def plugin_classes(module: ModuleType) -> list[type]:
    """Classes in `module` that derive from a plugin base and are defined in it (not imported)."""
    found = []
    for obj in vars(module).values():
        if (inspect.isclass(obj) and issubclass(obj, PLUGIN_BASES) and obj not in PLUGIN_BASES
                and not inspect.isabstract(obj)
                and (obj.__module__ == module.__name__ or obj.__module__.startswith(module.__name__ + "."))):
            found.append(obj)
    return found


def instantiate(cls: type) -> tuple[Any, PluginMetadata]:
    """Create the plugin and check what it declares, without running it; raises ValueError/TypeError with
    the reason: metadata that is not PluginMetadata or is invalid (bad id, version, parameter spec…), a type
    that does not match the base class, or a missing implementation method."""
    method = IMPLEMENTATION[cls.plugin_type]
    base = next(b for b in PLUGIN_BASES if issubclass(cls, b))
    if getattr(cls, method) is getattr(base, method):
        raise TypeError(f"{cls.__name__} derives from {base.__name__} but does not implement {method}()")
    instance = cls()
    meta = metadata_of(instance)  # read once, here; the core never calls meta() again
    if not isinstance(meta, PluginMetadata):
        raise TypeError(f"meta() must return PluginMetadata, not {type(meta).__name__}")
    if meta.type is not cls.plugin_type:
        raise ValueError(f"meta().type is {meta.type.value!r} but {cls.__name__} derives from the "
                         f"{cls.plugin_type.value} base")
    return instance, meta


def _register(result: Discovery, cls: type, origin: str) -> None:
    try:
        instance, meta = instantiate(cls)
    except Exception as exc:  # a plugin's own bug: report it, keep going
        result.failures.append(LoadFailure(cls.__name__, origin, f"invalid plugin: {_short_trace(exc)}"))
        return
    if meta.id in result.plugins:
        first = result.plugins[meta.id].origin
        result.failures.append(LoadFailure(meta.id, origin, f"duplicate plugin id (already loaded from {first})"))
        return
    result.plugins[meta.id] = LoadedPlugin(instance, meta, origin)


def discover_folder(plugins_dir: Path, result: Discovery) -> None:
    if not plugins_dir.is_dir():
        log.warning("plugins folder %s does not exist; no folder plugins loaded", plugins_dir)
        return
    for folder in sorted(plugins_dir.iterdir()):
        if not folder.is_dir() or folder.name.startswith(("_", ".")) or not (folder / "__init__.py").exists():
            continue
        try:
            module = _import_folder(folder)
        except BaseException as exc:  # SyntaxError, ImportError, SystemExit… in a plugin
            if isinstance(exc, KeyboardInterrupt):
                raise
            result.failures.append(LoadFailure(folder.name, str(folder), f"import failed: {_short_trace(exc)}"))
            continue
        classes = plugin_classes(module)
        if not classes:
            result.failures.append(LoadFailure(
                folder.name, str(folder),
                "no plugin class found (derive from BaseAnalyzerPlugin, BaseVisualizerPlugin or BaseDocumentPlugin)"))
        for cls in classes:
            _register(result, cls, str(folder))


def discover_entry_points(result: Discovery, group: str = ENTRY_POINT_GROUP) -> None:
    for ep in entry_points(group=group):
        origin = f"entry point {ep.name} ({ep.value})"
        try:
            obj = ep.load()
        except Exception as exc:
            result.failures.append(LoadFailure(ep.name, origin, f"import failed: {_short_trace(exc)}"))
            continue
        classes = plugin_classes(obj) if isinstance(obj, ModuleType) else [obj]
        for cls in classes:
            if not (inspect.isclass(cls) and issubclass(cls, PLUGIN_BASES)):
                result.failures.append(LoadFailure(ep.name, origin, "entry point is not a plugin class or module"))
                continue
            _register(result, cls, origin)


def discover(plugins_dir: Path, *, include_entry_points: bool = True) -> Discovery:
    result = Discovery()
    discover_folder(plugins_dir, result)
    if include_entry_points:
        discover_entry_points(result)
    for failure in result.failures:
        log.warning("plugin %s not loaded from %s: %s", failure.name, failure.origin, failure.reason)
    log.info("loaded %d plugins (%d failed)", len(result.plugins), len(result.failures))
    return result
