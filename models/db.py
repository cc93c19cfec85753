"""Persistence: the SQLAlchemy 2 tables of the service and how to reach the database.

SQLite is the embedded default (WAL, a busy timeout, so the API and a worker process can share
it); PostgreSQL is reached through `DATABASE_URL` with psycopg 3. The schema itself is owned by
the Alembic migrations in `models/migrations/`; `upgrade_database` brings any database to head.
"""

import uuid
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    create_engine,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


class UtcDateTime(TypeDecorator[datetime]):
    """A moment, stored in UTC and always read back with its offset: SQLite keeps no offset,
    and a naive time reached clients as local time (8 hours off in UTC+8)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class ProcessingStatus(StrEnum):
    """A document's life in the service; the last four are the contract's statuses (their
    Chinese names and meaning: docs/REVIEW_UI.md, "Statuses")."""

    QUEUED = "queued"
    PROCESSING = "processing"
    NEEDS_REVIEW = "needs_review"
    READY = "ready"
    ACCEPTED = "accepted"
    FAILED = "failed"


REVIEWABLE = (ProcessingStatus.NEEDS_REVIEW, ProcessingStatus.READY, ProcessingStatus.ACCEPTED)


class Base(DeclarativeBase):
    pass


class Batch(Base):
    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_id)
    batch_id: Mapped[str | None] = mapped_column(ForeignKey("batches.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    media_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ProcessingStatus.QUEUED, index=True)
    stage: Mapped[str] = mapped_column(String(16), default="queued")
    pages_done: Mapped[int] = mapped_column(Integer, default=0)
    pages_total: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    accepted_by: Mapped[str | None] = mapped_column(String(128))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accept_reason: Mapped[str | None] = mapped_column(Text)
    revision: Mapped[int] = mapped_column(Integer, default=1)  # grows with every reviewer act
    open_flags: Mapped[int] = mapped_column(Integer, default=0)  # open document flags
    content: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # contract JSON
    form: Mapped[str | None] = mapped_column(String(64), index=True)  # the form it was read as
    # the ingest run (its task id) that owns the processing; tasks of any other run do nothing
    run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)


class Page(Base):
    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("document_id", "n"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    n: Mapped[int] = mapped_column(Integer)  # 1-based, as in the contract
    dpi: Mapped[int] = mapped_column(Integer)
    image_path: Mapped[str] = mapped_column(String(512))  # relative to the data folder
    clean_image_path: Mapped[str | None] = mapped_column(String(512))
    table: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # PageTable JSON
    error: Mapped[str | None] = mapped_column(Text)
    # When the page was read and how long its reading took: the pace behind a queue's ETA.
    read_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    read_s: Mapped[float | None] = mapped_column(Float)


class StageError(Base):
    """A fault recorded per stage (and page), so a status can say what went wrong where."""

    __tablename__ = "stage_errors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    stage: Mapped[str] = mapped_column(String(16))
    page: Mapped[int | None] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class FieldRow(Base):
    """One value of a document; `version` grows with every correction (optimistic locking)."""

    __tablename__ = "fields"
    __table_args__ = (UniqueConstraint("document_id", "path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    ordinal: Mapped[int] = mapped_column(Integer)  # reading order
    path: Mapped[str] = mapped_column(String(128))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    ocr_text: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16))
    reasons: Mapped[list[Any]] = mapped_column(JSON, default=list)
    suggestion: Mapped[Any] = mapped_column(JSON, nullable=True)
    page: Mapped[int | None] = mapped_column(Integer)
    bbox: Mapped[list[Any] | None] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the path of the field that stands for this one in review, which shows and counts them
    # once: the first row of the merged 一级/二级 cell this field's row is under (a correction
    # applies to every row it covers), or the first term of the review group it is a term of
    # (a failed sum check, a row in structural doubt)
    covered_by: Mapped[str | None] = mapped_column(String(128))
    evidence: Mapped[str | None] = mapped_column(String(16))  # `inferred`: not read


class Correction(Base):
    """The audit trail: every reviewer act, never updated or deleted.

    `action` says what was done (`models.contract.ReviewAction`); `path` is the field, row
    (`indicators[3]`) or document flag (`document_flags[0]`) as it was named at that moment,
    and `field_id` follows a field whose row later moved (None for acts on no field, and for
    a field whose row was deleted). `record` keeps what an undo needs: the field's record
    before a correction, the row's records before a deletion."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("fields.id", ondelete="CASCADE"))
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    path: Mapped[str] = mapped_column(String(128))
    before: Mapped[Any] = mapped_column(JSON, nullable=True)
    after: Mapped[Any] = mapped_column(JSON, nullable=True)
    who: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(16), default="correct")
    record: Mapped[Any] = mapped_column(JSON, nullable=True)
    reverts: Mapped[int | None] = mapped_column(Integer)  # the entry an undo took back


class ApiToken(Base):
    """An API token: only the SHA-256 of its secret is kept, so the table leaks no credential."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)  # public part of the token
    name: Mapped[str] = mapped_column(String(128), unique=True)  # who, in the audit trail
    role: Mapped[str] = mapped_column(String(16))
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


@lru_cache(maxsize=4)
def get_engine(url: str) -> Engine:
    """One engine per URL and process; workers dispose it after fork."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=4)
def session_factory(url: str) -> sessionmaker:
    return sessionmaker(get_engine(url), expire_on_commit=False)


def upgrade_database(url: str) -> None:
    """Bring the database to the newest migration; safe when several processes start at once."""
    from alembic import command
    from alembic.config import Config

    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = get_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(734061)"))
        config.attributes["connection"] = conn
        command.upgrade(config, "head")


def database_reachable(url: str) -> bool:
    try:
        with get_engine(url).connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return False
    return True
