"""Ledger entries, the genesis record, and the roadmap facts the rules need.

Every line of a ledger is one :class:`Entry` in canonical JSON. Its ``hash`` is
``SHA-256(canonical(body))`` where ``body`` is every field except ``hash`` and ``sig``; ``prev`` is the
previous entry's hash (64 zeros for the genesis entry). ``sig`` is the reporting party's Ed25519
signature of the hash (none for the genesis entry, which carries the keys themselves).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from detente.ledger.canonical import canonical_bytes, sha256_hex

FORMAT = "detente-ledger/1"
Event = Literal["genesis", "done", "verified", "violation", "snapback", "note"]
#: The events a party may report (the genesis entry is written by ``ledger init`` only).
EVENTS: tuple[str, ...] = ("done", "verified", "violation", "snapback", "note")


class Entry(BaseModel):
    """One ledger line."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    index: int = Field(ge=0)
    time: str
    party: str | None
    event: Event
    move: str | None = None
    phase: int | None = None
    note: str | None = None
    prev: str
    data: dict[str, Any] | None = None
    hash: str
    sig: str | None = None

    def body(self) -> dict[str, Any]:
        return self.model_dump(exclude={"hash", "sig"})

    def computed_hash(self) -> str:
        return entry_hash(self.body())

    def line(self) -> str:
        return canonical_bytes(self.model_dump()).decode("utf-8")


def entry_hash(body: dict[str, Any]) -> str:
    return sha256_hex(canonical_bytes(body))


@dataclass(frozen=True)
class Item:
    """One roadmap item (a move, or one stage of a graded move) as the ledger sees it."""

    id: str
    owner: str
    phase: int
    start_day: float
    end_day: float
    label: str


@dataclass(frozen=True)
class SnapbackRule:
    """Reversible relief ``move`` owned by ``owner`` that reverts when one of ``triggers`` violates."""

    move: str
    owner: str
    triggers: tuple[str, ...]
    lead_days: float | None


@dataclass(frozen=True)
class Genesis:
    """What the genesis entry binds: scenario, roadmap, keys and the start date."""

    scenario_file: str
    scenario_sha256: str
    title: str
    start: str  # ISO date: day 0 of the roadmap
    keys: dict[str, str]  # party id -> base64 public key
    roadmap: dict[str, Any]

    @classmethod
    def from_entry(cls, entry: Entry) -> Genesis:
        d = entry.data or {}
        scenario = d.get("scenario", {})
        return cls(
            scenario_file=str(scenario.get("file", "")),
            scenario_sha256=str(scenario.get("sha256", "")),
            title=str(scenario.get("title", "")),
            start=str(d.get("start", "")),
            keys=dict(d.get("keys", {})),
            roadmap=dict(d.get("roadmap", {})),
        )

    def items(self) -> dict[str, Item]:
        """Every roadmap item by id, in roadmap order."""
        out: dict[str, Item] = {}
        for phase in self.roadmap.get("phases", []):
            moves, owners = phase.get("moves", []), phase.get("owners", [])
            labels = phase.get("labels", [""] * len(moves))
            for k, move in enumerate(moves):
                out[move] = Item(
                    id=move,
                    owner=owners[k],
                    phase=int(phase["index"]),
                    start_day=float(phase.get("start", 0)),
                    end_day=float(phase.get("end", 0)),
                    label=labels[k] if k < len(labels) else "",
                )
        return out

    def snapback_rules(self) -> dict[str, SnapbackRule]:
        out: dict[str, SnapbackRule] = {}
        for s in self.roadmap.get("snapbacks", []):
            if s.get("kind", "snapback") != "snapback":
                continue
            lead = s.get("lead_days")
            out[s["move"]] = SnapbackRule(
                move=s["move"],
                owner=s["owner"],
                triggers=tuple(s.get("triggers", [])),
                lead_days=None if lead is None else float(lead),
            )
        return out
