"""The JSON API (``/api``): a thin layer over :mod:`detente.server.service`.

Every route but ``/api/health`` and ``/api/login`` needs ``Authorization: Bearer TOKEN`` (401 without).
Each write is committed before its response is sent, so an acknowledged write is durable.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from detente.server import security, service
from detente.server.models import AuditEntry, User

router = APIRouter(prefix="/api")
#: A database id in a path: positive and within a 32-bit integer, on every backend.
Id = Annotated[int, Path(ge=1, le=2_147_483_647)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Strict):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class TokenOut(BaseModel):
    token: str


class UserIn(Strict):
    username: str = Field(max_length=64)
    password: str = Field(max_length=1024)
    role: str = "user"


class UserOut(BaseModel):
    id: int
    username: str
    role: str


class NegotiationIn(Strict):
    scenario: str = Field(max_length=2_000_000, description="The scenario file's YAML (or JSON) text.")
    mediator: str = Field(max_length=64)


class Created(BaseModel):
    id: int


class MemberIn(Strict):
    username: str = Field(max_length=64)
    role: str
    party: str | None = Field(default=None, max_length=64)


class ValuationIn(Strict):
    values: dict[str, dict[str, float]] = Field(default_factory=dict)
    reservation: float | None = None


class ProposalIn(Strict):
    choices: dict[str, str]


class ResponseIn(Strict):
    accept: bool


class KeyIn(Strict):
    public_key: str = Field(max_length=64, description="Base64 of the party's 32-byte Ed25519 public key.")


class LedgerIn(Strict):
    roadmap: dict[str, Any] = Field(description="The roadmap JSON (`detente roadmap --format json`).")
    start: str | None = Field(default=None, max_length=10, description="Day 0 (YYYY-MM-DD; default today).")


class EntryIn(Strict):
    entry: str = Field(max_length=20_000, description="One ledger line signed by your party's key.")


def get_db(request: Request) -> Iterator[Session]:
    db: Session = request.app.state.sessions()
    try:
        yield db
    finally:
        db.rollback()
        db.close()


async def hold_write_lock(request: Request) -> AsyncIterator[None]:
    """Held by a request that writes, from before its session takes a connection until it ends.

    An ``asyncio.Lock`` awaited on the event loop, so waiting writers hold no worker thread (a thread
    lock here would let 40 waiters starve the holder of a thread to run in). One session per request
    (shared by every dependency), so a request never waits for a second connection while holding it.
    """
    if not request.app.state.serialize_writes:
        yield
        return
    lock = request.app.state.write_lock
    if lock is None:
        lock = request.app.state.write_lock = asyncio.Lock()
    async with lock:
        yield


DB = Annotated[Session, Depends(get_db)]
Writes = Annotated[None, Depends(hold_write_lock)]


def current_user(db: DB, authorization: Annotated[str | None, Header()] = None) -> User:
    if not authorization or not authorization.startswith("Bearer "):
        raise HTTPException(401, "missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    found = security.user_for_token(db, authorization[7:].strip(), "api")
    if found is None:
        raise HTTPException(401, "invalid or expired token", headers={"WWW-Authenticate": "Bearer"})
    return found[0]


Me = Annotated[User, Depends(current_user)]


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


def client_address(request: Request) -> str:
    """The client's address as the server sees it (the key of login throttling)."""
    return request.client.host if request.client is not None else ""


def login_user(db: Session, username: str, password: str, source: str) -> User:
    """The user, or HTTP 401 (wrong name or password) / 429 (too many failures from ``source``)."""
    if security.throttled(db, username, source):
        raise HTTPException(429, "too many failed logins from this address; try again later")
    user = service.user_by_name(db, username)
    if not security.check_password(user, password):
        security.record_failure(db, username, source)
        db.commit()
        raise HTTPException(401, "wrong username or password")
    assert user is not None
    security.clear_failures(db, username, source)
    return user


@router.post("/login", response_model=TokenOut)
def login(_lock: Writes, request: Request, body: LoginIn, db: DB) -> TokenOut:
    user = login_user(db, body.username, body.password, client_address(request))
    token, _ = security.issue_token(db, user, "api")
    service.audit(db, user, "login")
    db.commit()
    return TokenOut(token=token)


@router.post("/users", status_code=201, response_model=UserOut)
def create_user(_lock: Writes, body: UserIn, db: DB, me: Me) -> UserOut:
    user = service.create_user(db, me, body.username, body.password, body.role)
    db.commit()
    return UserOut(id=user.id, username=user.username, role=user.role)


@router.get("/negotiations")
def my_negotiations(db: DB, me: Me) -> list[dict[str, Any]]:
    return [
        {"id": n.id, "title": n.title, "role": m.role, "party": m.party}
        for n, m in service.negotiations_of(db, me)
    ]


@router.post("/negotiations", status_code=201, response_model=Created)
def create_negotiation(_lock: Writes, body: NegotiationIn, db: DB, me: Me) -> Created:
    neg = service.create_negotiation(db, me, body.scenario, body.mediator)
    db.commit()
    return Created(id=neg.id)


@router.post("/negotiations/{nid}/members", status_code=201)
def add_member(_lock: Writes, nid: Id, body: MemberIn, db: DB, me: Me) -> dict[str, Any]:
    row = service.add_member(db, me, nid, body.username, body.role, body.party)
    db.commit()
    return {"username": body.username, "role": row.role, "party": row.party}


@router.get("/negotiations/{nid}")
def get_negotiation(nid: Id, db: DB, me: Me) -> dict[str, Any]:
    neg, member = service.require_member(db, me, nid)
    return {**service.public_view(neg), "my_role": member.role, "my_party": member.party}


@router.get("/negotiations/{nid}/valuations/{party}")
def get_valuations(nid: Id, party: str, db: DB, me: Me) -> dict[str, Any]:
    return service.get_valuation(db, me, nid, party)


@router.put("/negotiations/{nid}/valuations/{party}")
def put_valuations(_lock: Writes, nid: Id, party: str, body: ValuationIn, db: DB, me: Me) -> dict[str, Any]:
    out = service.put_valuation(db, me, nid, party, body.values, body.reservation)
    db.commit()
    return out


@router.get("/negotiations/{nid}/suggestions")
def get_suggestions(
    nid: Id,
    db: DB,
    me: Me,
    concept: Annotated[str, Query(pattern="^(nash|ks|egalitarian|welfare|robust)$")] = "nash",
) -> dict[str, Any]:
    return service.suggestions(db, me, nid, concept)


@router.post("/negotiations/{nid}/proposals", status_code=201, response_model=Created)
def create_proposal(_lock: Writes, nid: Id, body: ProposalIn, db: DB, me: Me) -> Created:
    row = service.create_proposal(db, me, nid, body.choices)
    db.commit()
    return Created(id=row.id)


@router.get("/negotiations/{nid}/proposals")
def list_proposals(nid: Id, db: DB, me: Me) -> list[dict[str, Any]]:
    return service.list_proposals(db, me, nid)


@router.get("/negotiations/{nid}/proposals/{pid}")
def get_proposal(nid: Id, pid: Id, db: DB, me: Me) -> dict[str, Any]:
    return service.get_proposal(db, me, nid, pid)


@router.post("/negotiations/{nid}/proposals/{pid}/response")
def respond(_lock: Writes, nid: Id, pid: Id, body: ResponseIn, db: DB, me: Me) -> dict[str, Any]:
    out = service.respond(db, me, nid, pid, body.accept)
    db.commit()
    return out


@router.get("/negotiations/{nid}/improvements")
def get_improvements(nid: Id, db: DB, me: Me) -> dict[str, Any]:
    return service.improvements(db, me, nid)


@router.get("/audit")
def get_audit(db: DB, me: Me, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
    if me.role != "admin":
        raise HTTPException(403, "only an admin can read the audit log")
    rows = db.query(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    return [
        {
            "at": r.at.isoformat(),
            "user": r.username,
            "action": r.action,
            "negotiation": r.negotiation_id,
            "detail": r.detail,
        }
        for r in rows
    ]


@router.put("/negotiations/{nid}/ledger/keys/{party}")
def register_key(_lock: Writes, nid: Id, party: str, body: KeyIn, db: DB, me: Me) -> dict[str, str]:
    from detente.server import ledger

    out = ledger.register_key(db, me, nid, party, body.public_key)
    db.commit()
    return out


@router.post("/negotiations/{nid}/ledger", status_code=201)
def start_ledger(_lock: Writes, nid: Id, body: LedgerIn, db: DB, me: Me) -> dict[str, Any]:
    from detente.server import ledger

    out = ledger.start_ledger(db, me, nid, body.roadmap, body.start)
    db.commit()
    return out


@router.get("/negotiations/{nid}/ledger", response_class=PlainTextResponse)
def export_ledger(nid: Id, db: DB, me: Me) -> PlainTextResponse:
    """The ledger as JSON Lines: save it and run `detente ledger verify` on it."""
    from detente.server import ledger

    return PlainTextResponse(ledger.ledger_text(db, me, nid), media_type="application/jsonl")


@router.post("/negotiations/{nid}/ledger/entries", status_code=201)
def append_entry(_lock: Writes, nid: Id, body: EntryIn, db: DB, me: Me) -> dict[str, Any]:
    from detente.server import ledger

    out = ledger.append_line(db, me, nid, body.entry)
    db.commit()
    return out


@router.get("/negotiations/{nid}/ledger/status")
def ledger_status(
    nid: Id,
    db: DB,
    me: Me,
    as_of: Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}-\d{2}-\d{2}$")] = None,
) -> dict[str, Any]:
    from detente.server import ledger

    return ledger.ledger_status_doc(db, me, nid, as_of)
