"""The forms the service reads, and the JSON Schema of each one's export contract."""

from typing import Any

from fastapi import APIRouter

from api.auth import Uploader
from api.errors import NotFound
from api.schemas import FormOut
from ingest.forms import form_by_id, forms
from models.schema import export_schema

router = APIRouter(prefix="/api/v1", tags=["forms"])


@router.get("/forms", response_model=list[FormOut])
def list_forms(_: Uploader) -> list[FormOut]:
    return [FormOut(id=f.id, name=f.name, schema=f.schema_id) for f in forms()]


@router.get("/forms/{form_id}/schema")
def form_schema(form_id: str, _: Uploader) -> dict[str, Any]:
    """The JSON Schema of the documents of this form, as exported."""
    try:
        form = form_by_id(form_id)
    except KeyError:
        raise NotFound("no_form", f"没有表式 {form_id}") from None
    return export_schema(form.contract)
