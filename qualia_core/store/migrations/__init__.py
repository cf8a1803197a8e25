"""Alembic migrations of the study database (run by qualia_core.store.Store.upgrade)."""
