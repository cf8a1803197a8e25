"""Coding: the codebook (codes), coded passages (passages, passage_codes) and memos.

A passage names its turn by (document_id, idx) and goes with its document or turn (ON DELETE CASCADE); its
offsets count characters in the turn's stored text (turns.text), which never changes, so a passage stays on
the same words after speaker renames, pseudonyms and names replaced in the speech.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "codes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guid", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["parent_id"], ["codes.id"], name=op.f("fk_codes_parent_id_codes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_codes")),
        sa.UniqueConstraint("guid", name=op.f("uq_codes_guid")),
        sa.UniqueConstraint("parent_id", "name", name=op.f("uq_codes_parent_id")),
    )
    op.create_index(op.f("ix_codes_parent_id"), "codes", ["parent_id"])
    op.create_table(
        "passages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guid", sa.String(64), nullable=False),
        sa.Column("document_id", sa.String(64), nullable=False),
        sa.Column("turn", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("coder", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["document_id", "turn"], ["turns.document_id", "turns.idx"],
                                name="fk_passages_turn_turns", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], name="fk_passages_document_id_documents",
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_passages")),
        sa.UniqueConstraint("guid", name=op.f("uq_passages_guid")),
    )
    op.create_index("ix_passages_document_turn", "passages", ["document_id", "turn"])
    op.create_index("ix_passages_coder", "passages", ["coder"])
    op.create_table(
        "passage_codes",
        sa.Column("passage_id", sa.Integer(), nullable=False),
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["passage_id"], ["passages.id"], name=op.f("fk_passage_codes_passage_id_passages"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["code_id"], ["codes.id"], name=op.f("fk_passage_codes_code_id_codes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("passage_id", "code_id", name=op.f("pk_passage_codes")),
    )
    op.create_index(op.f("ix_passage_codes_code_id"), "passage_codes", ["code_id"])
    op.create_table(
        "memos",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("guid", sa.String(64), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("target_id", sa.String(64), nullable=True),
        sa.Column("author", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memos")),
        sa.UniqueConstraint("guid", name=op.f("uq_memos_guid")),
    )
    op.create_index("ix_memos_target", "memos", ["target_kind", "target_id"])


def downgrade() -> None:
    op.drop_index("ix_memos_target", table_name="memos")
    op.drop_table("memos")
    op.drop_index(op.f("ix_passage_codes_code_id"), table_name="passage_codes")
    op.drop_table("passage_codes")
    op.drop_index("ix_passages_coder", table_name="passages")
    op.drop_index("ix_passages_document_turn", table_name="passages")
    op.drop_table("passages")
    op.drop_index(op.f("ix_codes_parent_id"), table_name="codes")
    op.drop_table("codes")
