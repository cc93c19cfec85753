"""The OpenAPI page at /docs, from the Swagger UI files packaged with `swagger-ui-bundle-v2`
(Swagger UI 5, which reads the OpenAPI 3.1 FastAPI writes): nothing is fetched from outside,
so the page works on a machine with no internet."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from api.errors import NotFound

ASSETS = Path(swagger_ui_path)
SERVED = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}

router = APIRouter(include_in_schema=False)


@router.get("/docs")
def docs() -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="jixiao API",
        swagger_js_url="/docs/assets/swagger-ui-bundle.js",
        swagger_css_url="/docs/assets/swagger-ui.css",
        swagger_favicon_url="/docs/assets/favicon-32x32.png",
    )


@router.get("/docs/assets/{name}")
def asset(name: str) -> FileResponse:
    if name not in SERVED:
        raise NotFound("no_asset", f"没有文件 {name}")
    return FileResponse(ASSETS / name, media_type=SERVED[name])
