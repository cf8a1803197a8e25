"""Words: the study's settings (one stoplist per study: stopwords, fillers and their options, as JSON values by
key) and the cleaned version of a document (turns.clean_text: each turn as teams_cleaner cleaned it, '' for a
turn it dropped; documents.cleaned: the sha256 of the cleaned version analyses use, NULL for the original).

The search index needs no change: it reads COALESCE(shown_text, text), and shown_text carries the cleaned
text (qualia_core.speech_names.refresh_turns), so the index follows by its triggers.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "study_settings",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_study_settings")),
    )
    # plain ALTER TABLE (no batch copy of a table: dropping `documents` would cascade to every turn)
    op.add_column("documents", sa.Column("cleaned", sa.String(64), nullable=True))
    op.add_column("turns", sa.Column("clean_text", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("turns", "clean_text")  # SQLite 3.35+ drops a column in place
    op.drop_column("documents", "cleaned")
    op.drop_table("study_settings")
