"""Reviewer actions: correct a field (with re-validation and the audit trail) and accept.

`ingest.review.revalidate` checks the value's kind (an amount must read as one), applies it and
re-runs the document's checks, so a fixed total can clear the flags it caused, or raise others.
The field's version is compared and set in the same transaction: of two reviewers editing the
same version, one gets 409. Every change takes the document's lock before reading it, so
reviewers editing different fields at once never write back a copy that misses the other's.
"""

from sqlalchemy.orm import Session

from api.errors import Conflict, Invalid, NotFound
from ingest.template import Template
from models import store
from models.contract import DocumentStatus, FieldValue, PerformanceTargets, value_paths
from models.db import Correction, Document, FieldRow, ProcessingStatus, utcnow


def _reviewable(session: Session, document_id: str) -> tuple[Document, PerformanceTargets]:
    """The document, locked for this transaction, and its contract as read under the lock:
    two corrections of one document are applied one after the other, each to the other's
    result, on every database."""
    doc = store.lock_document(session, document_id)
    if doc is None:
        raise NotFound("no_document", f"no document {document_id}")
    if doc.content is None or doc.status not in (
        ProcessingStatus.NEEDS_REVIEW,
        ProcessingStatus.ACCEPTED,
    ):
        raise Conflict("not_ready", f"document {document_id} is {doc.status}, not reviewable")
    return doc, PerformanceTargets.model_validate(doc.content)


def correct_field(
    session: Session,
    document_id: str,
    path: str,
    *,
    value: FieldValue,
    version: int,
    comment: str | None,
    who: str,
    template: Template,
) -> tuple[FieldRow, list[FieldRow], Document]:
    """Apply one correction; returns the field, the others whose status moved, the document."""
    from ingest.review import InvalidCorrection, revalidate

    doc, current = _reviewable(session, document_id)
    row = store.get_field(session, document_id, path)
    if row is None:
        raise NotFound("no_field", f"no field {path}")
    if row.version != version:
        raise Conflict("stale_version", f"{path} is at version {row.version}, not {version}")
    try:  # earlier corrections are already in `current`, marked corrected
        checked = revalidate(current, {path: value}, template)
    except InvalidCorrection as exc:
        raise Invalid("invalid_value", str(exc)) from exc
    after = dict(value_paths(checked))[path]
    before = {r.path: r.status for r in store.fields_of(session, document_id)}
    if not store.claim_field_version(session, row.id, version):
        raise Conflict("stale_version", f"{path} was changed by someone else")
    session.add(
        Correction(
            field_id=row.id,
            document_id=document_id,
            path=path,
            before=row.value,
            after=after,
            who=who,
            comment=comment,
        )
    )
    rows = store.sync_fields(session, document_id, checked)
    doc.content = checked.to_json_dict()
    doc.status = checked.status.value
    # an acceptance vouched for the values as they were; after a change it vouches for nothing
    doc.accepted_by = doc.accept_reason = None
    changed = [r for r in rows if r.path != path and before.get(r.path) != r.status]
    session.commit()
    return row, changed, doc


def accept(
    session: Session, document_id: str, *, force: bool, reason: str | None, who: str
) -> Document:
    """Mark reviewed. With flags left, only when forced, and then a reason is required."""
    doc, current = _reviewable(session, document_id)
    flagged = store.flagged_count(session, document_id)
    if flagged and not force:
        raise Conflict("unresolved_flags", f"{flagged} fields are still flagged")
    if flagged and not (reason and reason.strip()):
        raise Invalid("reason_required", "accepting with flags left needs a reason")
    accepted = current.model_copy(update={"status": DocumentStatus.ACCEPTED})
    doc.content = accepted.to_json_dict()
    doc.status = ProcessingStatus.ACCEPTED
    doc.accepted_by, doc.accept_reason, doc.updated_at = who, reason, utcnow()
    session.commit()
    return doc
