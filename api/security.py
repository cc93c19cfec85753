"""Browser-facing protections: security headers on every response, CORS closed by default.

The review pages load only their own scripts and styles, so the policy allows `'self'` and
nothing inline; page images shown from fetched blobs need `blob:`. The OpenAPI page (/docs)
runs packaged Swagger UI files with an inline bootstrap, so it gets a policy of its own, still
with nothing from outside. API answers hold finance data and are never cached.
"""

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.middleware.cors import CORSMiddleware

from jixiao.settings import Settings

PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs",)
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def install(app: FastAPI, settings: Settings) -> None:
    """Add the header middleware, and CORS only for the origins the settings list."""

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        path = request.url.path
        docs = path.startswith(DOCS_PATHS)
        response.headers["Content-Security-Policy"] = DOCS_POLICY if docs else PAGE_POLICY
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if path.startswith("/api/"):
            response.headers["Cache-Control"] = "no-store"
        return response

    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PATCH", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Reviewer"],
        )
