"""Request dependencies: settings, a session, blobs, lookups shared by routes (access: auth)."""

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

import ingest.forms  # noqa: F401  (every form's contract registered for parsing)
from api.errors import Conflict, NotFound
from api.schemas import MAX_INT
from jixiao.settings import Settings
from models.blobs import BlobStore
from models.contract import FormDocument, parse_document
from models.db import Document, session_factory

# Numbers in a route's path: bounded, so no database is asked about a number it cannot hold.
PageNumber = Annotated[int, Path(ge=1, le=MAX_INT)]
Position = Annotated[int, Path(ge=0, le=MAX_INT)]


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_session(settings: SettingsDep) -> Iterator[Session]:
    """A session per request; routes commit what they change, the rest is rolled back."""
    with session_factory(settings.resolved_database_url)() as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_blobs(settings: SettingsDep) -> BlobStore:
    return BlobStore(settings.data_dir)


BlobsDep = Annotated[BlobStore, Depends(get_blobs)]


def require_document(session: Session, document_id: str) -> Document:
    doc = session.get(Document, document_id)
    if doc is None:
        raise NotFound("no_document", f"没有编号为 {document_id} 的文档")
    return doc


def content_of(doc: Document) -> FormDocument:
    """The stored contract JSON of a processed document."""
    if doc.content is None:
        raise Conflict("not_ready", f"文档 {doc.id} 尚未识别完成（{doc.status}），还不能导出")
    return parse_document(doc.content)


def get_dispatcher() -> Callable[[str], None]:
    """Queues a document for the workers; only its id travels through the broker."""
    from workers.tasks import ingest_document

    return lambda document_id: ingest_document.delay(document_id)


DispatchDep = Annotated[Callable[[str], None], Depends(get_dispatcher)]
