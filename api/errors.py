"""Every failure the API reports, mapped to an HTTP status in this one place.

Routes raise these (or let `InputRejected` and database outages through); clients get
`{"error": code, "message": text}` with a stable `code`, for every 4xx: a request the framework
refuses itself (an unknown route, a malformed body or parameter) gets the same shape, naming the
parameter but never echoing what was sent (a header can hold a token).
"""

import errno

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from ingest.errors import InputRejected


class ApiError(Exception):
    status = 400

    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers or {}


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    """The request is valid but the resource is not in a state that allows it (409)."""

    status = 409


class Invalid(ApiError):
    status = 422


class Unauthorized(ApiError):
    """No valid token; the client should log in (401 with `WWW-Authenticate: Bearer`)."""

    status = 401

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, {"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403


class Busy(ApiError):
    """Too much work is waiting; come back after `Retry-After` seconds (429)."""

    status = 429


class Unavailable(ApiError):
    """A service the request needs is down; retrying later will work (503)."""

    status = 503


class InsufficientStorage(ApiError):
    """The data folder's disk is (nearly) full: nothing is accepted until room returns (507)."""

    status = 507

    def __init__(self) -> None:
        super().__init__(
            "insufficient_storage",
            "the server's disk is full; nothing was kept, retry once room is made",
            {"Retry-After": "60"},
        )


# InputRejected codes with a status more specific than 422.
REJECTION_STATUS: dict[str, int] = {
    "file_too_large": 413,
    "too_many_files": 413,
    "unsupported_type": 415,
    "bad_request": 400,
    "no_files": 400,
}


def _body(code: str, message: str, status: int) -> JSONResponse:
    return JSONResponse({"error": code, "message": message}, status_code=status)


HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "body_too_large",
    415: "unsupported_type",
}


def _invalid_request(exc: RequestValidationError) -> JSONResponse:
    problems = []
    for error in exc.errors()[:5]:
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body") or "body"
        problems.append(f"{where}: {error.get('msg', 'invalid')}")
    return _body("invalid_request", "; ".join(problems) or "the request is malformed", 422)


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _invalid_request(exc)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        response = _body(code, str(exc.detail), exc.status_code)
        response.headers.update(exc.headers or {})
        return response

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        response = _body(exc.code, exc.message, exc.status)
        response.headers.update(exc.headers)
        return response

    @app.exception_handler(InputRejected)
    async def rejected(_: Request, exc: InputRejected) -> JSONResponse:
        return _body(exc.code, exc.message, REJECTION_STATUS.get(exc.code, 422))

    @app.exception_handler(OperationalError)
    async def database_down(request: Request, exc: OperationalError) -> JSONResponse:
        if disk_full(exc):
            return await api_error(request, InsufficientStorage())
        response = _body("unavailable", "the database is not reachable; retry shortly", 503)
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(OSError)
    async def storage_fault(request: Request, exc: OSError) -> JSONResponse:
        if disk_full(exc):
            return await api_error(request, InsufficientStorage())
        raise exc


def disk_full(exc: BaseException) -> bool:
    """Whether a failure is the disk running out (a write, or SQLite's own report of it)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return "database or disk is full" in str(exc)
