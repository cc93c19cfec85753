"""Reviewer actions: correct a field, confirm the terms of a failed sum check or the fields of a
row in structural doubt as printed, undo a correction, add or delete a row, resolve a document
flag, accept. Each is re-validated, audited and versioned.

`ingest.review` applies the act and re-runs the document's checks, so a fixed total can clear
the flags it caused, or raise others. A field's version is compared and set in the same
transaction (of two reviewers editing the same version, one gets 409); row and flag acts
compare the document's `revision`, which every act moves. Any act on an accepted document
reopens it: acceptance is a person's decision about the table as it then was. Every act takes
the document's lock before reading it, so reviewers acting on different fields at once never
write back a copy that misses the other's.
"""

from typing import Any, Literal

from sqlalchemy.orm import Session

from api.errors import Conflict, Invalid, NotFound
from ingest.forms import form_of
from ingest.review import InvalidCorrection
from models import store
from models.contract import (
    ROW_PATH,
    Acceptance,
    BBox,
    DocumentFlagStatus,
    FieldRecord,
    FieldValue,
    FormDocument,
    ReviewAction,
    ReviewState,
    parse_document,
    row_lists,
    value_paths,
)
from models.db import REVIEWABLE, Correction, Document, FieldRow, ProcessingStatus, utcnow


def _reviewable(session: Session, document_id: str) -> tuple[Document, FormDocument]:
    """The document, locked for this transaction, and its contract as read under the lock:
    two acts on one document are applied one after the other, each to the other's result, on
    every database."""
    doc = store.lock_document(session, document_id)
    if doc is None:
        raise NotFound("no_document", f"没有编号为 {document_id} 的文档")
    if doc.content is None or doc.status not in REVIEWABLE:
        raise Conflict("not_ready", f"文档 {document_id} 当前状态为 {doc.status}，不能复核")
    return doc, parse_document(doc.content)


def _is_row(doc: FormDocument, key: str) -> bool:
    """Whether `key` names a row of `doc` (`indicators[5]`)."""
    row = ROW_PATH.fullmatch(key)
    if row is None or row.group(1) not in row_lists(type(doc)):
        return False
    return int(row.group(2)) < len(getattr(doc, row.group(1)))


def _require_revision(doc: Document, revision: int | None) -> None:
    if revision is not None and revision != doc.revision:
        raise Conflict(
            "stale_revision",
            f"文档已被修改（版本 {doc.revision}，而非 {revision}），请刷新后再操作",
        )


def _entry(doc: Document, action: ReviewAction, path: str, who: str, **values: Any) -> Correction:
    return Correction(document_id=doc.id, action=action.value, path=path, who=who, **values)


def _commit(session: Session, doc: Document, content: FormDocument, who: str) -> None:
    """Store the re-validated document and move its revision; an accepted one is reopened."""
    if doc.status == ProcessingStatus.ACCEPTED:
        after = (content.review_state or content.status).value
        session.add(
            _entry(doc, ReviewAction.REOPEN, "document", who, before="accepted", after=after)
        )
        doc.accepted_by = doc.accepted_at = doc.accept_reason = None
        content = content.model_copy(update={"acceptance": None})
    store.write_content(doc, content)
    doc.revision += 1
    doc.updated_at = utcnow()


def _covered(content: FormDocument) -> dict[str, str]:
    from ingest.review_items import covered_by

    return covered_by(content)


def _apply(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except InvalidCorrection as exc:
        raise Invalid("invalid_value", str(exc)) from exc


def correct_field(
    session: Session,
    document_id: str,
    path: str,
    *,
    value: FieldValue,
    version: int,
    comment: str | None,
    who: str,
) -> tuple[FieldRow, list[FieldRow], Document]:
    """Apply one correction; returns the field, the others whose status moved, the document.

    A merged 一级/二级 cell is one correction: the value goes to every row the cell spans."""
    from ingest.merged import merged_spans
    from ingest.review import revalidate

    doc, current = _reviewable(session, document_id)
    template = form_of(current).template
    row = store.get_field(session, document_id, path)
    if row is None:
        raise NotFound("no_field", f"没有字段 {path}")
    if row.version != version:
        raise Conflict("stale_version", f"{path} 已被修改（版本 {row.version}，而非 {version}）")
    span = merged_spans(current).get(path, (path,))
    # earlier corrections are already in `current`, marked corrected
    checked = _apply(revalidate, current, dict.fromkeys(span, value), template)
    after = dict(value_paths(checked))[path]
    before = {r.path: r.status for r in store.fields_of(session, document_id)}
    olds = [f.model_dump(mode="json") for f in current.fields if f.path in span]
    if not store.claim_field_version(session, row.id, version):
        raise Conflict("stale_version", f"{path} 已被他人修改")
    for other in span:
        if other != path and (covered := store.get_field(session, document_id, other)):
            covered.version += 1
    session.add(
        _entry(
            doc,
            ReviewAction.CORRECT,
            path,
            who,
            field_id=row.id,
            before=row.value,
            after=after,
            comment=comment,
            record=olds,
        )
    )
    rows = store.sync_fields(session, document_id, checked, covered=_covered(checked))
    _commit(session, doc, checked, who)
    changed = [r for r in rows if r.path not in span and before.get(r.path) != r.status]
    session.commit()
    return row, changed, doc


def confirm_group(
    session: Session,
    document_id: str,
    kind: Literal["sum", "row"],
    key: str,
    *,
    versions: dict[str, int],
    comment: str | None,
    who: str,
) -> tuple[list[FieldRow], list[FieldRow], Document]:
    """Confirm every field of a review group as printed, in one act: the flagged terms of the
    failed sum check `key`, or the structure-flagged fields of the row `key`. Each is audited
    as its own confirmation (the same value before and after) and versioned, and the checks
    run again. `versions` names the fields the reviewer saw, each at the version seen; a group
    that has changed since (a field corrected, confirmed or newly flagged) or a field edited
    meanwhile answers 409. Returns the fields, the other fields whose status moved, the
    document."""
    from ingest.review import revalidate
    from ingest.review_items import review_groups

    doc, current = _reviewable(session, document_id)
    template = form_of(current).template
    if kind == "sum" and key not in {spec.id for spec in template.checks}:
        raise NotFound("no_check", f"没有名为 {key} 的合计校验")
    if kind == "row" and not _is_row(current, key):
        raise NotFound("no_row", f"没有第 {key} 行")
    named = (g for g in review_groups(current) if g.kind == kind)
    group = next((g for g in named if key in (g.checks if kind == "sum" else (g.key,))), None)
    if group is None or set(group.paths) != set(versions):
        what = "这组合计校验" if kind == "sum" else "这一行"
        raise Conflict("stale_group", f"{what}的待核对项已有变动，请刷新后再核对")
    rows = []
    for path in group.paths:
        row = store.get_field(session, document_id, path)
        if row is None:
            raise NotFound("no_field", f"没有字段 {path}")
        if row.version != versions[path]:
            raise Conflict(
                "stale_version", f"{path} 已被修改（版本 {row.version}，而非 {versions[path]}）"
            )
        rows.append(row)
    values = dict(value_paths(current))
    checked = _apply(revalidate, current, {p: values[p] for p in group.paths}, template)
    after = dict(value_paths(checked))
    before = {r.path: r.status for r in store.fields_of(session, document_id)}
    olds = {f.path: f.model_dump(mode="json") for f in current.fields}
    for row in rows:
        if not store.claim_field_version(session, row.id, row.version):
            raise Conflict("stale_version", f"{row.path} 已被他人修改")
        session.add(
            _entry(
                doc,
                ReviewAction.CORRECT,
                row.path,
                who,
                field_id=row.id,
                before=row.value,
                after=after[row.path],
                comment=comment,
                record=[olds[row.path]],
            )
        )
    synced = store.sync_fields(session, document_id, checked, covered=_covered(checked))
    _commit(session, doc, checked, who)
    by_path = {r.path: r for r in synced}
    changed = [r for r in synced if r.path not in versions and before.get(r.path) != r.status]
    session.commit()
    return [by_path[p] for p in group.paths], changed, doc


def undo_last(
    session: Session, document_id: str, *, who: str, comment: str | None
) -> tuple[FieldRow, Document]:
    """Take back the newest correction not yet undone: the field's record as it was before
    (every row's, for a merged cell)."""
    from ingest.review import restore_records

    doc, current = _reviewable(session, document_id)
    template = form_of(current).template
    last = store.last_undoable(session, document_id)
    row = session.get(FieldRow, last.field_id) if last and last.field_id else None
    if last is None or row is None or not last.record:
        raise Conflict("nothing_to_undo", "没有可以撤销的更正")
    shift = _row_shift(last.path, row.path)  # rows added or deleted since moved the field
    records = [FieldRecord.model_validate({**r, "path": shift(r["path"])}) for r in last.record]
    restored = _apply(restore_records, current, records, template)
    record = next(r for r in records if r.path == row.path)
    session.add(
        _entry(
            doc,
            ReviewAction.UNDO,
            row.path,
            who,
            field_id=row.id,
            before=row.value,
            after=record.value,
            comment=comment,
            reverts=last.id,
        )
    )
    for moved in records:
        if field := store.get_field(session, document_id, moved.path):
            field.version += 1
    store.sync_fields(session, document_id, restored, covered=_covered(restored))
    _commit(session, doc, restored, who)
    session.commit()
    return row, doc


def _row_shift(then: str, now: str) -> Any:
    """Paths of the corrected rows as they were -> as they are now, after rows were added or
    deleted above them (the field's own move tells by how many)."""
    was, moved = ROW_PATH.match(then), ROW_PATH.match(now)
    if not was or not moved or was[1] != moved[1]:
        return lambda path: path
    list_name, delta = was[1], int(moved[2]) - int(was[2])

    def shift(path: str) -> str:
        row = ROW_PATH.match(path)
        if not row or row[1] != list_name:
            return path
        return f"{list_name}[{int(row[2]) + delta}]" + path[row.end() :]

    return shift


def add_row(
    session: Session,
    document_id: str,
    *,
    list_name: str,
    index: int,
    values: dict[str, FieldValue],
    revision: int,
    from_flag: int | None,
    page: int | None,
    bbox: BBox | None,
    comment: str | None,
    who: str,
) -> Document:
    """A row the reading lost, typed by the reviewer (from an `unassigned_text` flag, which is
    then resolved, or from a region of a page)."""
    from ingest.review import insert_row, resolve_flag, unassigned_text

    doc, current = _reviewable(session, document_id)
    template = form_of(current).template
    _require_revision(doc, revision)
    if from_flag is not None:
        page, bbox, _text = _apply(unassigned_text, current, from_flag)
    grown, renames = _apply(
        insert_row, current, list_name, index, values, template, page=page, bbox=bbox
    )
    path = f"{list_name}[{index}]"
    added = grown.model_dump()[list_name][index]
    session.add(_entry(doc, ReviewAction.ADD_ROW, path, who, after=added, comment=comment))
    if from_flag is not None:
        grown = _apply(resolve_flag, grown, from_flag, template)
        note = f"已补录为{path}"
        session.add(_flag_entry(doc, current, from_flag, who, note))
    new_version = doc.revision + 1
    store.rename_fields(session, document_id, renames, new_version)
    store.sync_fields(session, document_id, grown, new_version=new_version, covered=_covered(grown))
    _commit(session, doc, grown, who)
    session.commit()
    return doc


def remove_row(
    session: Session,
    document_id: str,
    *,
    list_name: str,
    index: int,
    revision: int,
    comment: str | None,
    who: str,
) -> Document:
    """Delete a row that is not on the paper (read twice, or made of stray text)."""
    from ingest.review import delete_row

    doc, current = _reviewable(session, document_id)
    template = form_of(current).template
    _require_revision(doc, revision)
    shrunk, renames, removed = _apply(delete_row, current, list_name, index, template)
    row_before = current.model_dump()[list_name][index]
    session.add(
        _entry(
            doc,
            ReviewAction.DELETE_ROW,
            f"{list_name}[{index}]",
            who,
            before=row_before,
            comment=comment,
            record=[r.model_dump(mode="json") for r in removed],
        )
    )
    store.drop_fields(session, document_id, [r.path for r in removed])
    new_version = doc.revision + 1
    store.rename_fields(session, document_id, renames, new_version)
    store.sync_fields(
        session, document_id, shrunk, new_version=new_version, covered=_covered(shrunk)
    )
    _commit(session, doc, shrunk, who)
    session.commit()
    return doc


def _flag_entry(
    doc: Document, content: FormDocument, index: int, who: str, comment: str
) -> Correction:
    flag = content.document_flags[index]
    return _entry(
        doc,
        ReviewAction.RESOLVE_FLAG,
        f"document_flags[{index}]",
        who,
        before=flag.model_dump(mode="json"),
        after=DocumentFlagStatus.RESOLVED.value,
        comment=comment,
    )


def resolve_document_flag(
    session: Session,
    document_id: str,
    index: int,
    *,
    revision: int,
    comment: str,
    who: str,
) -> Document:
    """A reviewer has checked what a document flag points at; the comment says what they found."""
    from ingest.review import resolve_flag

    if not comment.strip():
        raise Invalid("comment_required", "请说明核对结果（例如：该页为空白页 / 该行已补录）")
    doc, current = _reviewable(session, document_id)
    template = form_of(current).template
    _require_revision(doc, revision)
    resolved = _apply(resolve_flag, current, index, template)
    session.add(_flag_entry(doc, current, index, who, comment.strip()))
    _commit(session, doc, resolved, who)
    session.commit()
    return doc


def accept(
    session: Session,
    document_id: str,
    *,
    force: bool,
    reason: str | None,
    revision: int | None,
    who: str,
) -> Document:
    """A reviewer's decision that the table is right. With fields flagged, only when forced
    and with a reason; never while a document flag is open (a page or rows may be missing)."""
    doc, current = _reviewable(session, document_id)
    _require_revision(doc, revision)
    if doc.status == ProcessingStatus.ACCEPTED:
        return doc
    if doc.open_flags:
        raise Conflict("open_document_flags", f"还有 {doc.open_flags} 条文档标记未处理，不能接受")
    flagged = store.flagged_count(session, document_id)
    if flagged and not force:
        raise Conflict("unresolved_flags", f"还有 {flagged} 项待复核")
    if flagged and not (reason and reason.strip()):
        raise Invalid("reason_required", "仍有待复核项时接受，须填写理由")
    now = utcnow()
    acceptance = Acceptance(by=who, at=now, reason=reason)
    accepted = current.model_copy(update={"acceptance": acceptance})
    accepted = accepted.in_state(ReviewState.ACCEPTED)
    session.add(
        _entry(doc, ReviewAction.ACCEPT, "document", who, before=doc.status, after="accepted",
               comment=reason)
    )  # fmt: skip
    store.write_content(doc, accepted)
    doc.accepted_by, doc.accepted_at, doc.accept_reason = who, now, reason
    doc.revision += 1
    doc.updated_at = now
    session.commit()
    return doc
