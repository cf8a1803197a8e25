"""The study database's tables, in one place (as Taguette keeps its models). Every change to them is an Alembic
migration in `migrations/versions/`; a test checks the two agree on SQLite and PostgreSQL.

    documents     one transcript: its name, file, format, language, counts and when it was added
    turns         its speaker turns as parsed: index, original speaker label, start, end, text
    speakers      each document's speakers in order of appearance, with the name shown (a rename or pseudonym)
                  and the study participant they are (the same person across interviews), when set
    participants  the people of the study, named by the researcher

The original files stay files, content-addressed under the data dir (`files/<sha256><ext>`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Integer, MetaData, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(255))  # the file name as it was uploaded
    format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str | None] = mapped_column(String(16))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    turn_count: Mapped[int] = mapped_column(Integer)
    word_count: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # bumped by every change a reader must see (a rename, speaker names): processes compare it to their copy
    revision: Mapped[int] = mapped_column(Integer, default=0)


class Turn(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("document_id", "idx"),)

    # a stable integer key (SQLite's rowid alias, which VACUUM keeps): the full-text index refers to it
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(200))  # the label in the file
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Speaker(Base):
    __tablename__ = "speakers"

    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    original: Mapped[str] = mapped_column(String(200), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)  # order of first appearance in the document
    shown: Mapped[str | None] = mapped_column(String(200))  # a rename or pseudonym; None shows the original
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participants.id", ondelete="SET NULL"),
                                                       index=True)


def outside_the_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """False for the search index the migrations build beside the tables (FTS5 tables on SQLite, a GIN index
    on PostgreSQL): Alembic's comparison leaves them alone (`include_name`)."""
    return not (name or "").startswith(("turns_fts", "ix_turns_text_search"))


__all__ = ["Base", "Document", "Turn", "Participant", "Speaker", "outside_the_models"]
