"""Implementation status from a verified ledger: per phase, per party, and the snapbacks a violation owes.

Day *d* of the roadmap is ``start + d`` days (``start`` is bound in the genesis entry). An item is *due*
on the last day of its phase; it is *overdue* when it is not reported done and the status date
(``as_of``) is past that day. A party's *compliance* is ``on-time done / due`` over the items due by
``as_of`` (None when nothing is due yet).

Snapback: a ``violation`` of an item owned by party *V* triggers every reversible relief of the roadmap
whose trigger list contains *V*. Relief already reported done **snaps back** (it is listed under
``snapbacks`` with the violation that triggered it and the reversal lead time, so ``revert_by`` =
violation day + lead time); relief not yet delivered is **withheld**.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from detente.ledger.actions import read_ledger
from detente.ledger.entries import Entry, Genesis
from detente.ledger.rules import LedgerState
from detente.ledger.store import LedgerError


@dataclass(frozen=True)
class ItemStatus:
    id: str
    owner: str
    phase: int
    label: str
    due: str
    done: str | None
    verified: str | None
    late: bool
    overdue: bool
    violations: int
    snapped_back: bool


@dataclass(frozen=True)
class PhaseStatus:
    index: int
    due: str
    items: tuple[ItemStatus, ...]

    @property
    def done(self) -> int:
        return sum(i.done is not None for i in self.items)

    @property
    def verified(self) -> int:
        return sum(i.verified is not None for i in self.items)

    @property
    def overdue(self) -> int:
        return sum(i.overdue for i in self.items)

    @property
    def violations(self) -> int:
        return sum(i.violations for i in self.items)


@dataclass(frozen=True)
class PartyStatus:
    party: str
    due: int
    done_on_time: int
    done_late: int
    overdue: int
    violations: int  # violations reported against this party's moves
    compliance: float | None


@dataclass(frozen=True)
class Snapback:
    move: str
    owner: str
    violation_index: int
    violation_move: str
    violator: str
    reported_by: str
    lead_days: float | None
    revert_by: str | None
    reverted: bool


@dataclass(frozen=True)
class LedgerStatus:
    path: str
    title: str
    start: str
    as_of: str
    head: str
    entries: int
    phases: tuple[PhaseStatus, ...]
    parties: tuple[PartyStatus, ...]
    snapbacks: tuple[Snapback, ...]
    withheld: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "ledger": self.path,
            "title": self.title,
            "start": self.start,
            "as_of": self.as_of,
            "head": self.head,
            "entries": self.entries,
            "phases": [
                {
                    "phase": p.index,
                    "due": p.due,
                    "moves": len(p.items),
                    "done": p.done,
                    "verified": p.verified,
                    "overdue": p.overdue,
                    "violations": p.violations,
                    "items": [i.__dict__ for i in p.items],
                }
                for p in self.phases
            ],
            "parties": [p.__dict__ for p in self.parties],
            "snapbacks": [s.__dict__ for s in self.snapbacks],
            "withheld": list(self.withheld),
        }


def _day(value: str) -> date:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).date()


def ledger_status(path: str | Path, *, as_of: str | None = None) -> LedgerStatus:
    """The status of the ledger at ``path`` on ``as_of`` (ISO date; default today, UTC)."""
    return status_of(read_ledger(path), str(path), as_of=as_of)


def status_of(entries: list[Entry], path: str, *, as_of: str | None = None) -> LedgerStatus:
    """The status of verified ``entries`` (genesis first) on ``as_of``."""
    genesis = Genesis.from_entry(entries[0])
    state = LedgerState.start(genesis)
    for e in entries[1:]:
        state.apply(e)
    try:
        today = _day(as_of) if as_of else datetime.now(UTC).date()
    except ValueError:
        raise LedgerError(f"--as-of {as_of!r} is not an ISO date (YYYY-MM-DD)") from None
    start = _day(genesis.start)

    violated: dict[str, int] = {}
    for v in state.violations:
        if v.move:
            violated[v.move] = violated.get(v.move, 0) + 1

    items_by_phase: dict[int, list[ItemStatus]] = {}
    party_rows: dict[str, list[ItemStatus]] = {p: [] for p in genesis.keys}
    for item in state.items.values():
        due = start + timedelta(days=math.ceil(item.end_day))
        done = state.done.get(item.id)
        ver = state.verified.get(item.id)
        late = done is not None and _day(done.time) > due
        row = ItemStatus(
            id=item.id,
            owner=item.owner,
            phase=item.phase,
            label=item.label,
            due=due.isoformat(),
            done=done.time if done else None,
            verified=ver.time if ver else None,
            late=late,
            overdue=done is None and today > due,
            violations=violated.get(item.id, 0),
            snapped_back=item.id in state.snapped,
        )
        items_by_phase.setdefault(item.phase, []).append(row)
        party_rows.setdefault(item.owner, []).append(row)

    phases = tuple(
        PhaseStatus(k, max(r.due for r in rows), tuple(rows)) for k, rows in sorted(items_by_phase.items())
    )
    parties = []
    for party, rows in party_rows.items():
        due_rows = [r for r in rows if _day(r.due) < today or r.done is not None]
        on_time = sum(r.done is not None and not r.late for r in due_rows)
        parties.append(
            PartyStatus(
                party=party,
                due=len(due_rows),
                done_on_time=on_time,
                done_late=sum(r.late for r in due_rows),
                overdue=sum(r.overdue for r in rows),
                violations=sum(r.violations for r in rows),
                compliance=(on_time / len(due_rows)) if due_rows else None,
            )
        )

    snapbacks, withheld = _snapbacks(state)
    return LedgerStatus(
        path=path,
        title=genesis.title,
        start=genesis.start,
        as_of=today.isoformat(),
        head=entries[-1].hash,
        entries=len(entries),
        phases=phases,
        parties=tuple(parties),
        snapbacks=tuple(snapbacks),
        withheld=tuple(withheld),
    )


def _snapbacks(state: LedgerState) -> tuple[list[Snapback], list[str]]:
    out: list[Snapback] = []
    withheld: list[str] = []
    seen: set[str] = set()
    for v in state.violations:
        if not v.move or v.move not in state.items:
            continue
        violator = state.items[v.move].owner
        for rule in state.snapback_rules.values():
            if violator not in rule.triggers or rule.move in seen or rule.move not in state.items:
                continue
            seen.add(rule.move)
            if rule.move not in state.done:
                withheld.append(rule.move)
                continue
            out.append(
                _snapback(rule.move, rule.owner, rule.lead_days, v, violator, state.snapped.get(rule.move))
            )
    return out, withheld


def _snapback(
    move: str, owner: str, lead: float | None, v: Entry, violator: str, done: Entry | None
) -> Snapback:
    revert_by = None
    if lead is not None and math.isfinite(lead):
        revert_by = (_day(v.time) + timedelta(days=math.ceil(lead))).isoformat()
    return Snapback(
        move=move,
        owner=owner,
        violation_index=v.index,
        violation_move=v.move or "",
        violator=violator,
        reported_by=v.party or "",
        lead_days=lead,
        revert_by=revert_by,
        reverted=done is not None,
    )
