"""Alembic's environment: always given a connection by qualia_core.store (never reads alembic.ini or a URL)."""

from __future__ import annotations

from alembic import context

from qualia_core.store.models import metadata, outside_the_models

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True,
                  compare_type=True, include_name=outside_the_models)
with context.begin_transaction():
    context.run_migrations()
