"""The workspace's rules, shared by the JSON API and the browser pages (both are thin layers over it).

Who may do what (every other case is refused; what a user may not even know exists is "not found"):

=========================  =====================================================================
admin                      create users and negotiations; add members to any negotiation
mediator (of a negotiation) add members; suggestions on everyone's private valuations; proposals
delegate (of a party)       read and write that party's valuations; respond to proposals for it
observer                    read the negotiation and its proposals
=========================  =====================================================================

A party's valuations (its value of every option and its reservation value) are read and written by
that party's delegates only — not the mediator, not an admin. Suggestions and post-settlement
improvements are computed on every party's private valuations and return packages only.
"""

from __future__ import annotations

import dataclasses
import json
import math
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from detente.model.compiled import CompiledScenario
from detente.server.models import AuditEntry, Member, Negotiation, Proposal, Response, User, Valuation
from detente.server.security import hash_password, now

CONCEPTS = ("nash", "ks", "egalitarian", "welfare", "robust")
MAX_VALUE = 1e12
ROLES = ("delegate", "observer")


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status = 404


class Forbidden(ServiceError):
    status = 403


class Invalid(ServiceError):
    status = 422


class Conflict(ServiceError):
    status = 409


# ----- audit ------------------------------------------------------------------------------------
def audit(
    db: Session, actor: User | None, action: str, negotiation: int | None = None, detail: str = ""
) -> None:
    """Record a write: who, when, what (never a secret or a valuation)."""
    db.add(
        AuditEntry(
            at=now(), username=actor.username if actor else None, action=action, negotiation_id=negotiation,
            detail=detail[:500] or None,
        )
    )  # fmt: skip


# ----- users ------------------------------------------------------------------------------------
def create_user(db: Session, actor: User | None, username: str, password: str, role: str = "user") -> User:
    if actor is not None and actor.role != "admin":
        raise Forbidden("only an admin can create users")
    if (
        not (1 <= len(username) <= 64)
        or not username.replace("-", "").replace("_", "").replace(".", "").isalnum()
    ):
        raise Invalid("username: 1–64 letters, digits, '-', '_' or '.'")
    if len(password) < 8 or len(password) > 1024:
        raise Invalid("password: 8 to 1024 characters")
    if role not in ("admin", "user"):
        raise Invalid("role: admin or user")
    if db.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} exists already")
    user = User(username=username, password_hash=hash_password(password), role=role, created_at=now())
    db.add(user)
    db.flush()
    audit(db, actor, "create-user", None, f"user={username} role={role}")
    return user


def user_by_name(db: Session, username: str) -> User | None:
    return db.scalar(select(User).where(User.username == username))


# ----- negotiations -----------------------------------------------------------------------------
@lru_cache(maxsize=64)
def _compiled(scenario_yaml: str) -> CompiledScenario:
    from detente.io.loader import parse_scenario
    from detente.model.compiled import compile_scenario

    return compile_scenario(parse_scenario(scenario_yaml, "scenario"))


def compiled(neg: Negotiation) -> CompiledScenario:
    return _compiled(neg.scenario_yaml)


def create_negotiation(db: Session, actor: User, scenario_yaml: str, mediator: str) -> Negotiation:
    from detente.errors import DetenteError

    if actor.role != "admin":
        raise Forbidden("only an admin can create negotiations")
    if len(scenario_yaml) > 2_000_000:
        raise Invalid("scenario: over 2,000,000 characters")
    med = user_by_name(db, mediator)
    if med is None:
        raise Invalid(f"mediator: no user {mediator!r}")
    try:
        cs = _compiled(scenario_yaml)
    except DetenteError as exc:
        raise Invalid(f"scenario: {exc}") from None
    neg = Negotiation(
        title=cs.scenario.meta.title, scenario_yaml=scenario_yaml, mediator_id=med.id, created_at=now()
    )
    db.add(neg)
    db.flush()
    db.add(Member(negotiation_id=neg.id, user_id=med.id, role="mediator", party=None))
    for i, party in enumerate(cs.party_ids):
        values = {
            cs.move_ids[k]: {
                cs.option_ids[k][j]: float(cs.values[cs.offsets[k] + j, i])
                for j in range(int(cs.n_options[k]))
            }
            for k in range(cs.n_moves)
        }
        db.add(
            Valuation(
                negotiation_id=neg.id, party=party, values_json=json.dumps(values), reservation=float(cs.reservation[i]),
                updated_at=now(),
            )
        )  # fmt: skip
    audit(db, actor, "create-negotiation", neg.id, f"title={neg.title[:200]} mediator={mediator}")
    return neg


def membership(db: Session, user: User, nid: int) -> tuple[Negotiation, Member | None]:
    neg = db.get(Negotiation, nid)
    if neg is None:
        raise NotFound("no such negotiation")
    member = db.scalar(select(Member).where(Member.negotiation_id == nid, Member.user_id == user.id))
    return neg, member


def require_member(db: Session, user: User, nid: int) -> tuple[Negotiation, Member]:
    neg, member = membership(db, user, nid)
    if member is None:
        raise NotFound("no such negotiation")  # non-members do not learn that it exists
    return neg, member


def negotiations_of(db: Session, user: User) -> list[tuple[Negotiation, Member]]:
    rows = db.execute(
        select(Negotiation, Member)
        .join(Member, Member.negotiation_id == Negotiation.id)
        .where(Member.user_id == user.id)
    ).all()
    return [(n, m) for n, m in sorted(rows, key=lambda r: r[0].id)]


def add_member(db: Session, actor: User, nid: int, username: str, role: str, party: str | None) -> Member:
    neg, member = membership(db, actor, nid)
    is_mediator = member is not None and member.role == "mediator"
    if actor.role != "admin" and not is_mediator:
        if member is None:
            raise NotFound("no such negotiation")
        raise Forbidden("only an admin or the negotiation's mediator can add members")
    if role not in ROLES:
        raise Invalid("role: delegate or observer")
    user = user_by_name(db, username)
    if user is None:
        raise Invalid(f"username: no user {username!r}")
    cs = compiled(neg)
    if role == "delegate":
        if party not in cs.party_ids:
            raise Invalid(f"party: one of {', '.join(cs.party_ids)}")
    elif party is not None:
        raise Invalid("party: only a delegate represents a party")
    if db.scalar(select(Member).where(Member.negotiation_id == nid, Member.user_id == user.id)) is not None:
        raise Conflict(f"{username} is already a member")
    row = Member(negotiation_id=nid, user_id=user.id, role=role, party=party)
    db.add(row)
    db.flush()
    audit(db, actor, "add-member", nid, f"user={username} role={role} party={party or '-'}")
    return row


def public_view(neg: Negotiation) -> dict[str, Any]:
    """Parties, moves, options and rules — never a value or a reservation."""
    cs = compiled(neg)
    sc = cs.scenario
    return {
        "id": neg.id,
        "title": neg.title,
        "parties": [{"id": p.id, "name": p.name} for p in sc.parties],
        "moves": [
            {
                "id": m.id,
                "name": m.name,
                "owner": m.owner,
                "category": m.category,
                "status_quo": m.status_quo_id,
                "options": [{"id": o.id, "label": o.label} for o in m.options],
                "requires": list(m.requires),
                "excludes": list(m.excludes),
            }
            for m in sc.moves
        ],
        "rules": [c.model_dump(mode="json", exclude_none=True) for c in sc.constraints],
    }


# ----- valuations -------------------------------------------------------------------------------
def _require_delegate(db: Session, actor: User, nid: int, party: str) -> tuple[Negotiation, Member]:
    neg, member = require_member(db, actor, nid)
    if party not in compiled(neg).party_ids:
        raise NotFound("no such party")
    if member.role != "delegate" or member.party != party:
        raise Forbidden(f"only {party}'s delegates can see or change its valuations")
    return neg, member


def _valuation(db: Session, nid: int, party: str) -> Valuation:
    row = db.scalar(select(Valuation).where(Valuation.negotiation_id == nid, Valuation.party == party))
    assert row is not None
    return row


def get_valuation(db: Session, actor: User, nid: int, party: str) -> dict[str, Any]:
    _require_delegate(db, actor, nid, party)
    row = _valuation(db, nid, party)
    return {"party": party, "values": json.loads(row.values_json), "reservation": row.reservation}


def _finite(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or abs(x) > MAX_VALUE:
        raise Invalid(f"{where}: a finite number with |x| ≤ {MAX_VALUE:g}")
    return float(x)


def put_valuation(
    db: Session, actor: User, nid: int, party: str, values: dict[str, dict[str, Any]], reservation: Any
) -> dict[str, Any]:
    """Replace the named entries of ``party``'s valuations (entries not named keep their value)."""
    _require_delegate(db, actor, nid, party)
    row = _valuation(db, nid, party)
    current: dict[str, dict[str, float]] = json.loads(row.values_json)
    for move, options in values.items():
        if move not in current:
            raise Invalid(f"values.{move}: no such move")
        if not isinstance(options, dict):
            raise Invalid(f"values.{move}: an object option id → number")
        for option, value in options.items():
            if option not in current[move]:
                raise Invalid(f"values.{move}.{option}: no such option (options: {', '.join(current[move])})")
            current[move][option] = _finite(value, f"values.{move}.{option}")
    row.values_json = json.dumps(current)
    if reservation is not None:
        row.reservation = _finite(reservation, "reservation")
    row.updated_at = now()
    audit(db, actor, "put-valuations", nid, f"party={party}")  # never the values themselves
    return {"party": party, "values": current, "reservation": row.reservation}


def private_model(db: Session, neg: Negotiation) -> CompiledScenario:
    """The compiled scenario with every party's private valuations in place of the file's values."""
    cs = compiled(neg)
    values = np.zeros_like(cs.values)
    reservation = cs.reservation.copy()
    rows = {v.party: v for v in db.scalars(select(Valuation).where(Valuation.negotiation_id == neg.id))}
    for i, party in enumerate(cs.party_ids):
        row = rows[party]
        table = json.loads(row.values_json)
        for k, move in enumerate(cs.move_ids):
            for j, option in enumerate(cs.option_ids[k]):
                values[cs.offsets[k] + j, i] = table[move][option]
        reservation[i] = row.reservation
    disagreement = np.where(np.isclose(cs.disagreement, cs.reservation), reservation, cs.disagreement)
    return dataclasses.replace(
        cs,
        values=values,
        values_low=values,
        values_high=values,
        reservation=reservation,
        disagreement=disagreement,
    )


# ----- suggestions, proposals, responses ---------------------------------------------------------
def _require_mediator(db: Session, actor: User, nid: int) -> Negotiation:
    neg, member = require_member(db, actor, nid)
    if member.role != "mediator":
        raise Forbidden("only the negotiation's mediator can do this")
    return neg


def _packages(cs: CompiledScenario, results: Iterable[Any]) -> list[dict[str, Any]]:
    seen: list[dict[str, str]] = []
    for package in results:
        ids = cs.choices_to_ids(package.choices)
        if ids not in seen:
            seen.append(ids)
    return [{"choices": c} for c in seen]


def suggestions(db: Session, actor: User, nid: int, concept: str) -> dict[str, Any]:
    from detente.analysis.solve import solve

    neg = _require_mediator(db, actor, nid)
    if concept not in CONCEPTS:
        raise Invalid(f"concept: one of {', '.join(CONCEPTS)}")
    cs = private_model(db, neg)
    if concept == "robust":
        return _robust_suggestion(cs)
    result = solve(cs, concept)
    return {
        "concept": concept,
        "method": result.method,
        "optimal": result.optimal,
        "packages": _packages(cs, result.packages),
    }


def _robust_suggestion(cs: CompiledScenario) -> dict[str, Any]:
    """The package most likely to be acceptable to every party when each private value carries the
    scenario file's uncertainty around it (sample-average MILP, :mod:`detente.uncertainty.most_robust`)."""
    from detente.uncertainty.evaluation import uncertainty_of
    from detente.uncertainty.most_robust import find_most_robust

    if uncertainty_of(cs).n_inputs == 0:
        raise Invalid(
            "concept robust: the scenario states no uncertain judgment, so every package is as robust"
        )
    found = find_most_robust(cs, seed=0)
    return {
        "concept": "robust",
        "method": f"sample-average MILP (HiGHS, {found.saa_draws} draws)",
        "optimal": found.optimal,
        "packages": [{"choices": cs.choices_to_ids(found.choices)}],
    }


def _choices(cs: CompiledScenario, choices: Any) -> dict[str, str]:
    if not isinstance(choices, dict):
        raise Invalid("choices: an object move id → option id")
    for move, option in choices.items():
        if move not in cs.move_ids:
            raise Invalid(f"choices.{move}: no such move")
        k = cs.move_ids.index(move)
        if option not in cs.option_ids[k]:
            raise Invalid(f"choices.{move}: no option {option!r} (options: {', '.join(cs.option_ids[k])})")
    return cs.choices_to_ids(cs.choices_from_ids(choices))


def create_proposal(db: Session, actor: User, nid: int, choices: Any) -> Proposal:
    neg = _require_mediator(db, actor, nid)
    full = _choices(compiled(neg), choices)
    row = Proposal(negotiation_id=nid, choices_json=json.dumps(full), created_by=actor.id, created_at=now())
    db.add(row)
    db.flush()
    audit(db, actor, "create-proposal", nid, f"proposal={row.id}")
    return row


def responses_of(db: Session, pid: int) -> list[Response]:
    return list(db.scalars(select(Response).where(Response.proposal_id == pid).order_by(Response.party)))


def proposal_views(
    db: Session, neg: Negotiation, member: Member, props: list[Proposal]
) -> list[dict[str, Any]]:
    """What ``member`` may see of each proposal: the choices; its own party's utility and margin (a
    delegate); the responses only once every party has responded. One pass: the private model and the
    responses are read once for the whole list."""
    cs = compiled(neg)
    ids = [p.id for p in props]
    by_proposal: dict[int, list[Response]] = {pid: [] for pid in ids}
    if ids:
        for r in db.scalars(select(Response).where(Response.proposal_id.in_(ids)).order_by(Response.party)):
            by_proposal[r.proposal_id].append(r)
    priv = private_model(db, neg) if member.role == "delegate" and member.party else None
    out: list[dict[str, Any]] = []
    for prop in props:
        choices = json.loads(prop.choices_json)
        view: dict[str, Any] = {"id": prop.id, "choices": choices}
        responses = by_proposal[prop.id]
        if priv is not None and member.party:
            i = cs.party_ids.index(member.party)
            u = float(priv.utilities(priv.choices_from_ids(choices))[i])
            view["party"] = member.party
            view["utility"] = u
            view["margin"] = u - float(priv.reservation[i])
            mine = next((r for r in responses if r.party == member.party), None)
            view["my_response"] = None if mine is None else mine.accept
        complete = len(responses) == cs.n_parties
        view["responded"] = len(responses)
        view["responses"] = {r.party: r.accept for r in responses} if complete else None
        view["accepted_by_all"] = complete and all(r.accept for r in responses)
        out.append(view)
    return out


def list_proposals(db: Session, actor: User, nid: int) -> list[dict[str, Any]]:
    neg, member = require_member(db, actor, nid)
    props = list(db.scalars(select(Proposal).where(Proposal.negotiation_id == nid).order_by(Proposal.id)))
    return proposal_views(db, neg, member, props)


def get_proposal(db: Session, actor: User, nid: int, pid: int) -> dict[str, Any]:
    neg, member = require_member(db, actor, nid)
    prop = db.get(Proposal, pid)
    if prop is None or prop.negotiation_id != nid:
        raise NotFound("no such proposal")
    return proposal_views(db, neg, member, [prop])[0]


def respond(db: Session, actor: User, nid: int, pid: int, accept: Any) -> dict[str, Any]:
    neg, member = require_member(db, actor, nid)
    prop = db.get(Proposal, pid)
    if prop is None or prop.negotiation_id != nid:
        raise NotFound("no such proposal")
    if member.role != "delegate" or not member.party:
        raise Forbidden("only a party's delegate can respond")
    if not isinstance(accept, bool):
        raise Invalid("accept: true or false")
    cs = compiled(neg)
    if len(responses_of(db, pid)) == cs.n_parties:
        raise Conflict("every party has responded; the responses are final")
    row = db.scalar(select(Response).where(Response.proposal_id == pid, Response.party == member.party))
    if row is None:
        db.add(Response(proposal_id=pid, party=member.party, accept=accept, user_id=actor.id, at=now()))
    else:
        row.accept, row.user_id, row.at = accept, actor.id, now()
    db.flush()
    audit(db, actor, "respond", nid, f"proposal={pid} party={member.party}")
    return proposal_views(db, neg, member, [prop])[0]


def improvements(db: Session, actor: User, nid: int) -> dict[str, Any]:
    """Post-settlement improvements (Raiffa): once a proposal is accepted by every party, packages that
    make some party better off and none worse, computed on the private valuations; packages only."""
    from detente.analysis.solve import solve

    neg, _ = require_member(db, actor, nid)
    cs = compiled(neg)
    accepted = None
    for prop in db.scalars(
        select(Proposal).where(Proposal.negotiation_id == nid).order_by(Proposal.id.desc())
    ):
        rs = responses_of(db, prop.id)
        if len(rs) == cs.n_parties and all(r.accept for r in rs):
            accepted = prop
            break
    if accepted is None:
        return {"settlement": None, "packages": []}
    priv = private_model(db, neg)
    base = priv.utilities(priv.choices_from_ids(json.loads(accepted.choices_json)))
    floor = dataclasses.replace(priv, reservation=base.copy(), disagreement=base.copy())
    found: list[Any] = []
    for concept in ("nash", "welfare", "egalitarian"):
        for p in solve(floor, concept).packages:
            u = priv.utilities(p.choices)
            if np.all(u >= base - 1e-9) and np.any(u > base + 1e-9) and bool(priv.feasible(p.choices)[0]):
                found.append(p)
    return {"settlement": accepted.id, "packages": _packages(priv, found)}
