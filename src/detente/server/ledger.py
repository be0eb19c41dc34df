"""The implementation ledger of an agreed negotiation, kept by the workspace (see docs/ledger.md).

Delegations register their Ed25519 *public* keys; once a proposal is accepted by every party, the
mediator starts the ledger with the roadmap (the JSON ``detente roadmap --format json`` prints). Entries
are signed outside the server — export the ledger, ``detente ledger append`` to the copy with the party's
key, and submit the new last line — and the server appends a line only if the whole chain, with it,
verifies. Members read the ledger (an export verifies with ``detente ledger verify``) and its status.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from detente.errors import DetenteError
from detente.ledger.actions import check_roadmap, make_genesis
from detente.ledger.keys import parse_public_key
from detente.ledger.status import status_of
from detente.ledger.store import parse_line, raw_from_text
from detente.ledger.verify import replay
from detente.server.models import LedgerLine, PartyKey, Proposal, User
from detente.server.service import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    audit,
    compiled,
    require_member,
    responses_of,
)


def register_key(db: Session, actor: User, nid: int, party: str, public_key: str) -> dict[str, str]:
    neg, member = require_member(db, actor, nid)
    if party not in compiled(neg).party_ids:
        raise NotFound("no such party")
    if member.role != "delegate" or member.party != party:
        raise Forbidden(f"only {party}'s delegates can register its ledger key")
    try:
        parse_public_key(public_key, "public_key")
    except DetenteError as exc:
        raise Invalid(str(exc)) from None
    if _lines(db, nid):
        raise Conflict("the ledger has started; its keys are fixed in its genesis entry")
    row = db.scalar(select(PartyKey).where(PartyKey.negotiation_id == nid, PartyKey.party == party))
    if row is None:
        db.add(PartyKey(negotiation_id=nid, party=party, public_key=public_key.strip()))
    else:
        row.public_key = public_key.strip()
    audit(db, actor, "register-key", nid, f"party={party}")
    return {"party": party, "public_key": public_key.strip()}


def _lines(db: Session, nid: int) -> list[str]:
    return list(
        db.scalars(select(LedgerLine.line).where(LedgerLine.negotiation_id == nid).order_by(LedgerLine.idx))
    )


def start_ledger(db: Session, actor: User, nid: int, roadmap: Any, start: str | None) -> dict[str, Any]:
    neg, member = require_member(db, actor, nid)
    if member.role != "mediator":
        raise Forbidden("only the negotiation's mediator can start its ledger")
    if _lines(db, nid):
        raise Conflict("the ledger has started already")
    cs = compiled(neg)
    accepted = [
        p
        for p in db.scalars(select(Proposal).where(Proposal.negotiation_id == nid))
        if len(rs := responses_of(db, p.id)) == cs.n_parties and all(r.accept for r in rs)
    ]
    if not accepted:
        raise Conflict("no proposal has been accepted by every party yet")
    keys = {k.party: k.public_key for k in db.scalars(select(PartyKey).where(PartyKey.negotiation_id == nid))}
    missing = [p for p in cs.party_ids if p not in keys]
    if missing:
        raise Conflict(f"no ledger key registered yet for {', '.join(missing)}")
    try:
        check_roadmap(roadmap, "roadmap", set(cs.party_ids), set(cs.move_ids))
        genesis = make_genesis(
            scenario_name=f"negotiation-{nid}.yaml",
            scenario_bytes=neg.scenario_yaml.encode("utf-8"),
            title=neg.title,
            roadmap=roadmap,
            keys={p: keys[p] for p in cs.party_ids},
            start=start,
        )
    except DetenteError as exc:
        raise Invalid(str(exc)) from None
    db.add(LedgerLine(negotiation_id=nid, idx=0, line=genesis.line()))
    audit(db, actor, "start-ledger", nid, f"head={genesis.hash}")
    return {"head": genesis.hash, "entries": 1}


def ledger_text(db: Session, actor: User, nid: int) -> str:
    require_member(db, actor, nid)
    lines = _lines(db, nid)
    if not lines:
        raise NotFound("this negotiation has no ledger yet")
    return "".join(line + "\n" for line in lines)


def append_line(db: Session, actor: User, nid: int, line: str) -> dict[str, Any]:
    """Append one entry signed outside the server, if the chain with it verifies."""
    _, member = require_member(db, actor, nid)
    if member.role != "delegate" or not member.party:
        raise Forbidden("only a party's delegate can submit ledger entries")
    lines = _lines(db, nid)
    if not lines:
        raise NotFound("this negotiation has no ledger yet")
    text = line.strip()
    try:
        entry = parse_line(text)
    except ValueError as exc:
        raise Invalid(f"entry: not a ledger entry ({str(exc).splitlines()[0][:200]})") from None
    if entry.party != member.party:
        raise Forbidden(f"you submit entries for {member.party}, not {entry.party}")
    head = parse_line(lines[-1]).hash
    if entry.index != len(lines) or entry.prev != head:
        raise Conflict(f"the entry extends entry {entry.index - 1}, but the ledger is at entry {len(lines) - 1} "
                       f"(head {head}); export the ledger again and re-sign")  # fmt: skip
    _, entries, failure = replay(
        raw_from_text("".join(x + "\n" for x in [*lines, text]), f"negotiation {nid}")
    )
    if failure is not None:
        raise Invalid(f"entry refused: {failure.reason}")
    db.add(LedgerLine(negotiation_id=nid, idx=entry.index, line=entry.line()))
    try:
        db.flush()
    except IntegrityError:
        raise Conflict("another entry was appended first; export the ledger again and re-sign") from None
    audit(db, actor, "ledger-append", nid, f"index={entry.index} event={entry.event}")
    return {"head": entries[-1].hash, "entries": len(entries)}


def ledger_status_doc(db: Session, actor: User, nid: int, as_of: str | None) -> dict[str, Any]:
    text = ledger_text(db, actor, nid)
    _, entries, failure = replay(raw_from_text(text, f"negotiation {nid}"))
    if failure is not None:  # cannot happen: every line was verified on append
        raise Invalid(f"the stored ledger does not verify: {failure.reason}")
    try:
        return status_of(entries, f"negotiation {nid}", as_of=as_of).to_json()
    except DetenteError as exc:
        raise Invalid(str(exc)) from None
