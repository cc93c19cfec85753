"""API tokens: issue, verify, list and revoke.

A token reads `jx_<id>_<secret>`. The id is public and finds the row; only the SHA-256 of the
secret is stored, and it is compared with `hmac.compare_digest`, so neither the table nor the
time a wrong guess takes gives the secret away. Secrets carry 256 random bits, which is why a
fast hash is enough (there is no password to brute-force).
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.db import ApiToken, utcnow

PREFIX = "jx"
_ID_BYTES = 6
_SECRET_BYTES = 32
_DUMMY_HASH = hashlib.sha256(b"no such token").hexdigest()


class Role(StrEnum):
    """Each role may do what the roles before it may."""

    UPLOADER = "uploader"  # upload, follow status
    REVIEWER = "reviewer"  # + read fields, pages, crops, exports, audit; correct and accept
    ADMIN = "admin"  # + export the corrections of every document as training data

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, needed: "Role") -> bool:
        return self.rank >= needed.rank


@dataclass(frozen=True)
class Principal:
    """Who is calling: the token's name (the audit trail's `who`) and its role."""

    name: str
    role: Role


class TokenError(ValueError):
    pass


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, name: str, role: Role) -> str:
    """Store a new token and return it; this is the only time its secret is seen."""
    name = name.strip()
    if not name or len(name) > 128:
        raise TokenError("a token needs a name of 1 to 128 characters")
    existing = session.scalar(select(ApiToken).where(ApiToken.name == name))
    if existing is not None and existing.revoked_at is None:
        raise TokenError(f"a token named {name!r} exists; revoke it first")
    if existing is not None:  # a revoked token's name may be issued again
        session.delete(existing)
        session.flush()
    token_id = secrets.token_hex(_ID_BYTES)
    secret = secrets.token_urlsafe(_SECRET_BYTES)
    session.add(ApiToken(id=token_id, name=name, role=role.value, secret_sha256=_digest(secret)))
    session.commit()
    return f"{PREFIX}_{token_id}_{secret}"


def verify_token(session: Session, token: str) -> Principal | None:
    """The principal of a valid, unrevoked token, else None."""
    prefix, _, rest = token.partition("_")
    token_id, _, secret = rest.partition("_")
    row = session.get(ApiToken, token_id) if prefix == PREFIX and token_id else None
    expected = row.secret_sha256 if row is not None else _DUMMY_HASH
    matches = hmac.compare_digest(_digest(secret), expected)
    if row is None or not matches or row.revoked_at is not None:
        return None
    return Principal(name=row.name, role=Role(row.role))


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.scalars(select(ApiToken).order_by(ApiToken.created_at)))


def revoke_token(session: Session, name: str) -> bool:
    row = session.scalar(
        select(ApiToken).where(ApiToken.name == name, ApiToken.revoked_at.is_(None))
    )
    if row is None:
        return False
    row.revoked_at = utcnow()
    session.commit()
    return True
