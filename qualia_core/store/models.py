"""The study database's tables, in one place (as Taguette keeps its models). Every change to them is an Alembic
migration in `migrations/versions/`; a test checks the two agree on SQLite and PostgreSQL.

    documents     one transcript: its name, file, format, language, counts and when it was added
    turns         its speaker turns as parsed: index, original speaker label, start, end, text, and the text
                  analyses see when it differs (known speaker names replaced: qualia_core.speech_names)
    speakers      each document's speakers in order of appearance, with the name shown (a rename or pseudonym)
                  and the study participant they are (the same person across interviews), when set
    participants  the people of the study, named by the researcher
    users         the accounts that may use the study: name, argon2 password hash, role, failed sign-ins
    sessions      signed-in sessions: the sha256 of each session token (the token itself is only in the cookie)
    api_tokens    the REST API's tokens: whose, a label, the sha256 of the secret, last use, when revoked
    api_jobs      the REST API's corpus analyses: owner, state, progress, request, result or error, heartbeat
    api_rate      requests per client and minute (the REST API's rate limit, shared by every worker)

The original files stay files, content-addressed under the data dir (`files/<sha256><ext>`).

The tables are SQLAlchemy Core `Table`s, read and written with Core statements (as datasette does with plain
SQL): the ORM's mappers would add about 10 MB to every app process for rows the library turns into its own
records anyway.
"""

from __future__ import annotations

from sqlalchemy import (Boolean, Column, DateTime, Float, ForeignKey, Integer, MetaData, String, Table, Text,
                        UniqueConstraint, false)

NAMING = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
          "ck": "ck_%(table_name)s_%(constraint_name)s",
          "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s", "pk": "pk_%(table_name)s"}

metadata = MetaData(naming_convention=NAMING)

documents = Table(
    "documents", metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("source", String(255), nullable=False),  # the file name as it was uploaded
    Column("format", String(16), nullable=False),
    Column("encoding", String(32)),
    Column("language", String(16)),
    Column("size_bytes", Integer, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("turn_count", Integer, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("added_at", DateTime(timezone=True), nullable=False),
    # bumped by every change a reader must see (a rename, speaker names): processes compare it to their copy
    Column("revision", Integer, nullable=False, default=0),
    # replace the renamed speakers' names inside the speech too (turns.shown_text)
    Column("names_in_speech", Boolean, nullable=False, default=False, server_default=false()),
)

turns = Table(
    "turns", metadata,
    # a stable integer key (SQLite's rowid alias, which VACUUM keeps): the full-text index refers to it
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("idx", Integer, nullable=False),
    Column("speaker", String(200)),  # the label in the file
    Column("start", Float),
    Column("end", Float),
    Column("text", Text, nullable=False),
    Column("shown_text", Text),  # the text with known names replaced, when the option changes it; else NULL
    UniqueConstraint("document_id", "idx"),
)

participants = Table(
    "participants", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False, unique=True),
)

speakers = Table(
    "speakers", metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("original", String(200), primary_key=True),
    Column("position", Integer, nullable=False),  # order of first appearance in the document
    Column("shown", String(200)),  # a rename or pseudonym; None shows the original
    Column("participant_id", ForeignKey("participants.id", ondelete="SET NULL"), index=True),
)

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("password_hash", String(255), nullable=False),
    Column("role", String(16), nullable=False),  # viewer, researcher or admin (qualia_core.accounts.ROLES)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("failed_signins", Integer, nullable=False, default=0),  # in a row; a success resets it
    Column("locked_until", DateTime(timezone=True)),  # sign-in refused until then (throttling)
)

sessions = Table(
    "sessions", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)


api_tokens = Table(
    "api_tokens", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("label", String(100), nullable=False, default=""),
    Column("token_hash", String(64), nullable=False, unique=True),  # sha256 of the secret (qualia_core.tokens)
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_used_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)

api_jobs = Table(
    "api_jobs", metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(64), nullable=False),  # the account name that asked (or the local researcher)
    Column("state", String(16), nullable=False),  # queued, running, done, failed
    Column("done", Integer, nullable=False, default=0),
    Column("total", Integer, nullable=False, default=0),
    Column("request", Text, nullable=False),  # JSON: plugin_id, config, document_ids
    Column("result", Text),  # JSON, when done
    Column("error", Text),  # a message saying what to do, when failed
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),  # the heartbeat of the worker running it
    Column("finished_at", DateTime(timezone=True)),
)

api_rate = Table(
    "api_rate", metadata,
    Column("client", String(64), primary_key=True),  # sha256 of the token, or of the client's address
    Column("minute", Integer, primary_key=True),  # minutes since the epoch (a fixed one-minute window)
    Column("count", Integer, nullable=False),
)


def outside_the_models(name: str | None, type_: str, parent_names: dict) -> bool:
    """False for the search index the migrations build beside the tables (FTS5 tables and the view they read
    on SQLite, a GIN index on PostgreSQL): Alembic's comparison leaves them alone (`include_name`)."""
    return not (name or "").startswith(("turns_fts", "ix_turns_text_search"))


__all__ = ["metadata", "documents", "turns", "participants", "speakers", "users", "sessions", "api_tokens",
           "api_jobs", "api_rate", "outside_the_models"]
