"""Reviewer corrections as OCR training data, in PaddleOCR's recognition format.

    crops/<document>_<field>.png    the field's box on its cleaned page
    rec_gt.txt                      "crops/<file>\t<corrected text>" per line

Only single-line values are written (the recogniser reads one line at a time); the latest
correction of a field wins, and a field whose latest correction was undone is left out.
"""

import io
import zipfile

from sqlalchemy.orm import Session

from models import store
from models.blobs import BlobStore
from models.db import FieldRow


def _label(value: object) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text if text and "\n" not in text and "\t" not in text else None


def paddleocr_zip(session: Session, blobs: BlobStore) -> bytes:
    latest = {
        c.field_id: c
        for c in store.corrections_of(session)
        if c.field_id is not None and c.action in ("correct", "undo")
    }
    lines: list[str] = []
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for field_id, correction in sorted(latest.items()):
            label = _label(correction.after) if correction.action == "correct" else None
            row = session.get(FieldRow, field_id)
            if label is None or row is None or row.page is None or not row.bbox:
                continue
            page = store.get_page(session, correction.document_id, row.page)
            if page is None:
                continue
            name = f"crops/{correction.document_id}_{field_id}.png"
            zf.writestr(name, blobs.crop_png(page.clean_image_path or page.image_path, row.bbox))
            lines.append(f"{name}\t{label}")
        zf.writestr("rec_gt.txt", "".join(f"{line}\n" for line in lines))
    return buf.getvalue()
