"""Who may report what: the rules every appended entry must satisfy, checked on append and on verify.

* ``done`` — only the owner of the roadmap item, once per item.
* ``verified`` — an item already reported done, by a party other than its owner (no self-verification).
* ``violation`` — of an item owned by *another* party (a party cannot accuse itself).
* ``snapback`` — the owner reverses its own reversible relief (an item of the roadmap's snapback list),
  only after a violation by one of that relief's triggering parties, and only if the relief was done.
* ``note`` — any party; a move, if named, must be a roadmap item.

A ``phase``, if given, must be the item's phase in the roadmap.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from detente.errors import did_you_mean
from detente.ledger.entries import Entry, Genesis, Item, SnapbackRule


@dataclass
class LedgerState:
    """What the entries so far establish (built entry by entry)."""

    genesis: Genesis
    items: dict[str, Item]
    snapback_rules: dict[str, SnapbackRule]
    done: dict[str, Entry] = field(default_factory=dict)
    verified: dict[str, Entry] = field(default_factory=dict)
    violations: list[Entry] = field(default_factory=list)
    snapped: dict[str, Entry] = field(default_factory=dict)
    notes: list[Entry] = field(default_factory=list)

    @classmethod
    def start(cls, genesis: Genesis) -> LedgerState:
        return cls(genesis, genesis.items(), genesis.snapback_rules())

    def violators(self) -> set[str]:
        return {self.items[v.move].owner for v in self.violations if v.move in self.items}

    def apply(self, entry: Entry) -> None:
        if entry.event == "done" and entry.move:
            self.done[entry.move] = entry
        elif entry.event == "verified" and entry.move:
            self.verified.setdefault(entry.move, entry)
        elif entry.event == "violation":
            self.violations.append(entry)
        elif entry.event == "snapback" and entry.move:
            self.snapped[entry.move] = entry
        elif entry.event == "note":
            self.notes.append(entry)


def check_entry(
    state: LedgerState, party: str, event: str, move: str | None, phase: int | None
) -> str | None:
    """Why ``party`` may not report ``event`` on ``move`` now, or None when it may."""
    if party not in state.genesis.keys:
        return f"{party!r} is not a party of this ledger (parties: {', '.join(state.genesis.keys)})"
    if event == "genesis":
        return "only the first entry may be a genesis entry"
    if move is None:
        return None if event == "note" else f"a {event!r} entry must name a move (--move)"
    item = state.items.get(move)
    if item is None:
        hint = did_you_mean(move, state.items)
        extra = f"; did you mean {hint!r}?" if hint else " (see the roadmap's phases for the item ids)"
        return f"{move!r} is not an item of the roadmap{extra}"
    if phase is not None and phase != item.phase:
        return f"{move!r} is in phase {item.phase} of the roadmap, not phase {phase}"
    if event == "done":
        if party != item.owner:
            return f"{party} may not report {move!r} done: it is {item.owner}'s move"
        if move in state.done:
            return f"{move!r} was already reported done (entry {state.done[move].index})"
    elif event == "verified":
        if move not in state.done:
            return f"{move!r} cannot be verified before it is reported done"
        if party == item.owner:
            return f"{party} may not verify its own move {move!r}"
    elif event == "violation":
        if party == item.owner:
            return f"{party} may not report a violation of its own move {move!r}"
    elif event == "snapback":
        rule = state.snapback_rules.get(move)
        if rule is None:
            return f"{move!r} is not reversible relief in the roadmap (no snapback is defined for it)"
        if party != item.owner:
            return f"{party} may not snap back {move!r}: only its owner {item.owner} can reverse it"
        if move not in state.done:
            return f"{move!r} was never reported done, so there is nothing to snap back"
        if move in state.snapped:
            return f"{move!r} was already snapped back (entry {state.snapped[move].index})"
        if not set(rule.triggers) & state.violators():
            return f"no violation by {', '.join(rule.triggers)} is recorded that would trigger snapback of {move!r}"
    return None
