"""What a request must show before any of its body is read (an ASGI middleware).

- Open access (embedded `serve` on loopback) answers only to loopback Host names: a page on
  another site that rebinds its own name to 127.0.0.1 reaches nothing.
- In open access a state-changing request without a token must carry `X-Jixiao-Client`: a
  custom header cannot be sent cross-site without a CORS preflight, which is refused, so a
  plain form post from another site can neither upload nor change anything.
- `/api/` requests are authenticated here, from the headers, before the body: a request with
  no valid token costs a header's worth of memory, however large the body it announces.
- Each route's body is limited before it is read: a larger `Content-Length` is refused at
  once, and a body streamed without one is cut off when it passes the limit.
"""

import ipaddress
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.responses import JSONResponse

from api.auth import authenticate
from api.errors import ApiError
from jixiao.settings import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

CLIENT_HEADER = "x-jixiao-client"
JSON_BODY_LIMIT = 128 * 1024  # a correction (10,000 characters at most, escaped) or acceptance
# An upload's files are limited while they stream (`api.uploads`, with its own answer, at the
# limit plus 64 KiB of part headers); this backstop lies more than one received chunk beyond.
UPLOAD_BACKSTOP = 8 * 1024 * 1024
UPLOAD_ROUTE = ("POST", "/api/v1/documents")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class _BodyTooLarge(BaseException):
    """Raised from `receive` past the limit; a BaseException so that no route or framework
    handler in between turns it into another answer."""


def _refusal(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)


def is_loopback(name: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1)."""
    if name.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def is_loopback_host(host: str) -> bool:
    """Whether a Host header (`name`, `name:port`, `[v6]:port`) names this machine."""
    if host.startswith("["):
        name = host[1 : host.find("]")] if "]" in host else ""
    else:
        name = host.rsplit(":", 1)[0] if host.count(":") == 1 else host
    return is_loopback(name)


class RequestGuard:
    def __init__(self, app: App, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    def body_limit(self, method: str, path: str) -> int:
        if (method, path.rstrip("/")) == UPLOAD_ROUTE:
            return self.settings.max_upload_bytes + UPLOAD_BACKSTOP
        return JSON_BODY_LIMIT

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = await self._refusal(scope)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit = self.body_limit(scope["method"], scope["path"])
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            await _too_large(limit)(scope, receive, send)

    async def _refusal(self, scope: Scope) -> JSONResponse | None:
        """The answer to a request refused on its headers alone, or None to let it in."""
        headers = Headers(scope=scope)
        method, path = scope["method"], scope["path"]
        if self.settings.open_access and not is_loopback_host(headers.get("host", "")):
            return _refusal(400, "bad_host", "this server answers only to localhost")
        if path.startswith("/api/") and method != "OPTIONS":
            refused = await self._authenticate(scope, headers)
            if refused is not None:
                return refused
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.body_limit(method, path):
            return _too_large(self.body_limit(method, path))
        return None

    async def _authenticate(self, scope: Scope, headers: Headers) -> JSONResponse | None:
        """Resolve the caller for the routes (`request.state.principal`), or refuse."""
        authorization = headers.get("authorization")
        try:
            principal = await run_in_threadpool(
                authenticate, self.settings, authorization, headers.get("x-reviewer")
            )
        except ApiError as exc:
            return _refusal(exc.status, exc.code, exc.message, **exc.headers)
        scope.setdefault("state", {})["principal"] = principal
        changes = scope["method"] not in SAFE_METHODS
        if authorization is None and changes and not headers.get(CLIENT_HEADER):
            return _refusal(
                403,
                "client_header_required",
                "without a token, send the X-Jixiao-Client header with every change "
                "(the review page and the jixiao command do)",
            )
        return None


def _too_large(limit: int) -> JSONResponse:
    return _refusal(413, "body_too_large", f"the request body exceeds the limit of {limit} bytes")
