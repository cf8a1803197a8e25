"""The study database (SQLAlchemy 2, Alembic): documents, turns, speakers and participants of a study.

Importing this package stays light: SQLAlchemy loads only when a store is opened (`Store`, from
`database.py`), so `import qualia_core` and plugin discovery never pay for it. See `models.py` for the tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATABASE_FILE = "qualia.db"


def default_url(data_dir: str | Path) -> str:
    """The embedded database: an SQLite file in the data dir."""
    return f"sqlite:///{Path(data_dir).resolve() / DATABASE_FILE}"


def __getattr__(name: str) -> Any:
    if name == "Store":
        from .database import Store

        return Store
    raise AttributeError(f"module 'qualia_core.store' has no attribute {name!r}")


__all__ = ["Store", "default_url", "DATABASE_FILE"]
