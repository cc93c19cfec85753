"""Who may call which route: `Authorization: Bearer <token>` with a role, checked per route.

Tokens are issued by `jixiao token create` and verified by `models.tokens` (hashed at rest,
compared in constant time). Nothing here logs or echoes a token. In open access (only the
embedded `jixiao serve` on a loopback address) a request without a token acts as an admin named
by the `X-Reviewer` header (the name the review page asks for once), else `local`; a token that
is sent is still checked, so the pages can log in there too.
"""

from collections.abc import Callable
from typing import Annotated
from urllib.parse import unquote

from fastapi import Depends, Header, Request

from api.deps import SettingsDep
from api.errors import Forbidden, Invalid, Unauthorized
from jixiao.settings import Settings
from models.db import session_factory
from models.tokens import Principal, Role, verify_token

LOCAL = Principal(name="local", role=Role.ADMIN)
MAX_REVIEWER_NAME = 64


def _bearer(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("invalid_token", "send the token as 'Authorization: Bearer <token>'")
    return token.strip()


def authenticate(
    settings: Settings, authorization: str | None, reviewer: str | None = None
) -> Principal:
    """Who sends a request with these `Authorization` and `X-Reviewer` headers;
    `Unauthorized` if nobody known."""
    token = _bearer(authorization)
    if token is None:
        if settings.open_access:
            name = unquote(reviewer or "").strip()
            if len(name) > MAX_REVIEWER_NAME:
                raise Invalid(
                    "invalid_request", f"X-Reviewer: at most {MAX_REVIEWER_NAME} characters"
                )
            return Principal(name=name, role=Role.ADMIN) if name else LOCAL
        raise Unauthorized("auth_required", "this server needs an API token; log in first")
    # a session of its own, closed at once: no transaction stays open while a body streams in
    with session_factory(settings.resolved_database_url)() as session:
        principal = verify_token(session, token)
    if principal is None:
        raise Unauthorized("invalid_token", "the token is unknown or revoked")
    return principal


def current_principal(
    request: Request,
    settings: SettingsDep,
    authorization: Annotated[str | None, Header(max_length=512)] = None,
    x_reviewer: Annotated[str | None, Header()] = None,
) -> Principal:
    """The caller `api.guard` authenticated before the body was read (or, for an app
    without the guard, authenticated now)."""
    principal = getattr(request.state, "principal", None)
    return principal if principal is not None else authenticate(settings, authorization, x_reviewer)


def require(role: Role) -> Callable[[Principal], Principal]:
    """A dependency letting through callers whose role includes `role`; 403 for the others."""

    def check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.role.allows(role):
            raise Forbidden("forbidden", f"this needs the {role.value} role")
        return principal

    return check


Uploader = Annotated[Principal, Depends(require(Role.UPLOADER))]
Reviewer = Annotated[Principal, Depends(require(Role.REVIEWER))]
Admin = Annotated[Principal, Depends(require(Role.ADMIN))]
