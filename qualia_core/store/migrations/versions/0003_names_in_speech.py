"""Known speaker names replaced inside the speech: documents.names_in_speech (the option) and turns.shown_text
(the text analyses see when the option changes it; NULL otherwise), and the search index over what analyses
see, COALESCE(shown_text, text), so a replaced name is no longer found and its pseudonym is.

SQLite: the FTS5 table reads a view of that text (external content may be a view) and the triggers index it.
PostgreSQL: the GIN index is on the same expression, which the search uses.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SHOWN = "COALESCE({0}.shown_text, {0}.text)"
SQLITE_DROP = ["DROP TRIGGER IF EXISTS turns_fts_update", "DROP TRIGGER IF EXISTS turns_fts_delete",
               "DROP TRIGGER IF EXISTS turns_fts_insert", "DROP TABLE IF EXISTS turns_fts",
               "DROP VIEW IF EXISTS turns_fts_content"]
SQLITE_UP = [
    f"CREATE VIEW turns_fts_content AS SELECT id, {SHOWN.format('turns')} AS text FROM turns",
    "CREATE VIRTUAL TABLE turns_fts USING fts5(text, content='turns_fts_content', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER turns_fts_insert AFTER INSERT ON turns BEGIN "
    f"INSERT INTO turns_fts(rowid, text) VALUES (new.id, {SHOWN.format('new')}); END",
    "CREATE TRIGGER turns_fts_delete AFTER DELETE ON turns BEGIN "
    f"INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, {SHOWN.format('old')}); END",
    "CREATE TRIGGER turns_fts_update AFTER UPDATE OF text, shown_text ON turns BEGIN "
    f"INSERT INTO turns_fts(turns_fts, rowid, text) VALUES ('delete', old.id, {SHOWN.format('old')}); "
    f"INSERT INTO turns_fts(rowid, text) VALUES (new.id, {SHOWN.format('new')}); END",
    "INSERT INTO turns_fts(turns_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [  # migration 0002's index over turns.text
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
POSTGRES_UP = ["DROP INDEX IF EXISTS ix_turns_text_search",
               "CREATE INDEX ix_turns_text_search ON turns "
               f"USING gin (to_tsvector('simple', qualia_unaccent({SHOWN.format('turns')})))"]
POSTGRES_DOWN = ["DROP INDEX IF EXISTS ix_turns_text_search",
                 "CREATE INDEX ix_turns_text_search ON turns USING gin (to_tsvector('simple', qualia_unaccent(text)))"]


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    # plain ALTER TABLE (no batch copy of a table: dropping `documents` would cascade to every turn)
    op.add_column("documents", sa.Column("names_in_speech", sa.Boolean(), nullable=False, server_default=sa.false()))
    if _sqlite():
        for statement in SQLITE_DROP:  # the old triggers name turns.text only; the new ones read shown_text too
            op.execute(statement)
    op.add_column("turns", sa.Column("shown_text", sa.Text(), nullable=True))
    for statement in SQLITE_UP if _sqlite() else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    if _sqlite():
        for statement in SQLITE_DROP:
            op.execute(statement)
    else:
        op.execute("DROP INDEX IF EXISTS ix_turns_text_search")
    op.drop_column("turns", "shown_text")  # SQLite 3.35+ drops a column in place
    op.drop_column("documents", "names_in_speech")
    for statement in SQLITE_DOWN if _sqlite() else POSTGRES_DOWN[1:]:
        op.execute(statement)
