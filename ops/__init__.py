"""Operations around Qualia: circuit breakers, health, backups. The core works without this package.

Whoever builds a core passes the breakers in; for notebooks and scripts that is one line:

    from ops import core_with_breakers
    core = core_with_breakers()          # QualiaCore(...) with this data dir's circuit breakers

Every door that starts on a data dir (the app, the health dashboard, the backup command line, this function)
first calls `recover_interrupted_restore`: a restore killed half-way is finished or rolled back before
anything reads the data (ops/backup/journal.py).
"""

from __future__ import annotations

from typing import Any


def core_with_breakers(*args: Any, **kwargs: Any):
    """A QualiaCore (same arguments) whose plugin calls go through the circuit breakers of its data dir,
    shared with every other core of this process on that data dir (the app, the dashboard)."""
    from qualia_core import QualiaCore

    from .monitoring.breaker_registry import registry_for

    core = QualiaCore(*args, **kwargs)
    recover_interrupted_restore(core.data_dir, core.plugins_dir)
    core.guard = registry_for(core.data_dir)
    return core


def recover_interrupted_restore(data_dir: Any, plugins_dir: Any = None) -> list[str]:
    """Finish or roll back a restore of the data dir (and of the plugins dir) that was killed half-way, and
    remove what restores left behind; returns what was done, as sentences (also logged as warnings). Raises
    ops.backup.BackupError, saying what to do, when that cannot be done automatically."""
    from .backup.journal import recover

    notes = recover(data_dir)
    if plugins_dir is not None:
        notes += recover(plugins_dir)
    return notes


__all__ = ["core_with_breakers", "recover_interrupted_restore"]
