"""Library-wide search over the turns' text: case- and accent-insensitive, phrases and prefixes.

SQLite: an FTS5 index (tokenizer unicode61, remove_diacritics 2) over turns.text, external content keyed by
turns.id and kept in step by triggers. PostgreSQL: the unaccent extension, an immutable wrapper
`qualia_unaccent(text)` (unaccent itself is only stable) and a GIN index on
to_tsvector('simple', qualia_unaccent(text)). Creating the extension needs a role allowed to (a superuser, or
an operator who ran `CREATE EXTENSION unaccent` beforehand).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_UP = [
    "CREATE VIRTUAL TABLE turns_fts USING fts5(text, content='turns', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN "
    "INSERT INTO turns_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN "
    "INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER turns_fts_update AFTER UPDATE OF text ON turns BEGIN "
    "INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO turns_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS turns_fts_update", "DROP TRIGGER IF EXISTS turns_fts_delete",
               "DROP TRIGGER IF EXISTS turns_fts_insert", "DROP TABLE IF EXISTS turns_fts"]
POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE OR REPLACE FUNCTION qualia_unaccent(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT "
    "AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$",
    "CREATE INDEX ix_turns_text_search ON turns USING gin (to_tsvector('simple', qualia_unaccent(text)))",
]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_turns_text_search", "DROP FUNCTION IF EXISTS qualia_unaccent(text)"]


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    _run(SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP)


def downgrade() -> None:
    _run(SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN)
