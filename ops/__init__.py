"""Operations around Qualia: circuit breakers, health, backups. The core works without this package.

Whoever builds a core passes the breakers in; for notebooks and scripts that is one line:

    from ops import core_with_breakers
    core = core_with_breakers()          # QualiaCore(...) with this data dir's circuit breakers
"""

from __future__ import annotations

from typing import Any


def core_with_breakers(*args: Any, **kwargs: Any):
    """A QualiaCore (same arguments) whose plugin calls go through the circuit breakers of its data dir,
    shared with every other core of this process on that data dir (the app, the dashboard)."""
    from qualia_core import QualiaCore

    from .monitoring.breaker_registry import registry_for

    core = QualiaCore(*args, **kwargs)
    core.guard = registry_for(core.data_dir)
    return core


__all__ = ["core_with_breakers"]
