"""The study database (SQLAlchemy 2, Alembic): documents, turns, speakers and participants of a study.

Imported only where a study is read or written: `import qualia_core` and plugin discovery stay free of
SQLAlchemy. See `database.py` for opening one and `models.py` for the tables.
"""

from .database import DATABASE_FILE, Store, default_url

__all__ = ["Store", "default_url", "DATABASE_FILE"]
