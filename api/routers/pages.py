"""The reviewer's web pages: HTML shells, their scripts and styles, and the form description.

The pages are static files in `api/web/`; everything they show comes from the JSON API, fetched
by the browser with the reviewer's token, so these routes hold no data and need no access rule.
Scripts and styles are files, never inline, so a strict Content-Security-Policy can apply.
"""

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, RedirectResponse

from api.errors import NotFound
from ingest.forms import default_form, form_by_id
from models.contract import ACTION_NAMES, STATUS_NAMES

WEB_DIR = Path(__file__).parents[1] / "web"
PAGES = ("upload", "queue", "review", "document")
ASSET_TYPES = {".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml"}

router = APIRouter(include_in_schema=False)


def _file(path: Path, media_type: str) -> FileResponse:
    # no-cache: the browser revalidates (ETag) so a new release is picked up at once
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": "no-cache"})


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse("/ui/queue")


@router.get("/ui/form.json")
def form_description(
    form: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """A form's section and column labels, layout, taxonomy and reason texts from its template,
    and the names of statuses and reviewer acts, so the pages use the same words as the
    exports instead of a second copy of them; without `form`, the form a document is read as
    when nothing tells."""
    try:
        found = default_form() if form is None else form_by_id(form)
    except KeyError:
        raise NotFound("no_form", f"没有表式 {form}") from None
    keys = {"name", "columns", "sections", "taxonomy", "messages"}
    return {
        **found.template.model_dump(include=keys),
        "id": found.id,
        "statuses": STATUS_NAMES,
        "actions": ACTION_NAMES,
    }


@router.get("/ui/assets/{name}")
def asset(name: str) -> FileResponse:
    """Only files that exist directly in `api/web/` with a known type; nothing else is reachable."""
    media_type = ASSET_TYPES.get(Path(name).suffix)
    path = WEB_DIR / name
    if media_type is None or "/" in name or name.startswith(".") or not path.is_file():
        raise NotFound("no_asset", f"no asset {name}")
    return _file(path, f"{media_type}; charset=utf-8")


@router.get("/ui/{page}")
def page(page: str) -> FileResponse:
    if page not in PAGES:
        raise NotFound("no_page", f"no page {page}")
    return _file(WEB_DIR / f"{page}.html", "text/html; charset=utf-8")
