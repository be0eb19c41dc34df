"""Passwords, tokens, login throttling and CSRF.

* Passwords: Argon2id (``argon2-cffi``'s defaults), never stored or logged in clear.
* Tokens: 256-bit random, opaque; only ``SHA-256(token)`` is stored, with an expiry. ``api`` tokens are
  sent as ``Authorization: Bearer``; ``session`` tokens live in an HttpOnly, SameSite=Strict cookie and
  carry a CSRF token that every state-changing form or HTMX request must echo.
* Login throttling, keyed by the client's address so that nobody can lock a user out from elsewhere:
  after :data:`MAX_FAILURES` failed logins for one username from one address within
  :data:`FAILURE_WINDOW`, or :data:`MAX_SOURCE_FAILURES` from one address for any usernames, further
  attempts from that address get 429 until the window has passed. The same user logging in from
  another address is not affected (a per-username lock would let anyone lock out anyone). Behind a
  reverse proxy, uvicorn takes the address from ``X-Forwarded-For`` when the proxy is on 127.0.0.1
  (``FORWARDED_ALLOW_IPS`` for another); otherwise every client would share the proxy's address.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from detente.server.models import LoginFailure, Token, User

TOKEN_TTL = timedelta(hours=12)
MAX_FAILURES = 5
MAX_SOURCE_FAILURES = 20
FAILURE_WINDOW = timedelta(minutes=15)
_hasher = PasswordHasher()
# a real hash to spend the same time on unknown usernames (no user enumeration by timing)
_DUMMY = _hasher.hash("detente-dummy-password")


def now() -> datetime:
    return datetime.now(UTC)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _DUMMY, password) and user is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(db: Session, user: User, kind: str) -> tuple[str, str | None]:
    """A new token (and CSRF token for sessions); only their hash is stored."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "session" else None
    db.add(
        Token(
            token_hash=token_digest(token),
            user_id=user.id,
            kind=kind,
            csrf=csrf,
            expires_at=now() + TOKEN_TTL,
        )
    )
    return token, csrf


def user_for_token(db: Session, token: str, kind: str) -> tuple[User, Token] | None:
    row = db.scalar(select(Token).where(Token.token_hash == token_digest(token), Token.kind == kind))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
    if expires <= now():
        return None
    user = db.get(User, row.user_id)
    return (user, row) if user else None


def revoke(db: Session, token: str) -> None:
    db.execute(delete(Token).where(Token.token_hash == token_digest(token)))


def throttled(db: Session, username: str, source: str) -> bool:
    """True when ``source`` has failed too often, for ``username`` or for any username."""
    since = now() - FAILURE_WINDOW
    recent = select(func.count()).select_from(LoginFailure).where(LoginFailure.source == source[:64])
    recent = recent.where(LoginFailure.at > since)
    mine = db.scalar(recent.where(LoginFailure.username == username[:64]))
    if int(mine or 0) >= MAX_FAILURES:
        return True
    return int(db.scalar(recent) or 0) >= MAX_SOURCE_FAILURES


def record_failure(db: Session, username: str, source: str) -> None:
    db.add(LoginFailure(username=username[:64], source=source[:64], at=now()))


def clear_failures(db: Session, username: str, source: str) -> None:
    db.execute(
        delete(LoginFailure).where(LoginFailure.username == username[:64], LoginFailure.source == source[:64])
    )


def csrf_ok(expected: str | None, given: str | None) -> bool:
    return bool(expected and given and hmac.compare_digest(expected, given))
