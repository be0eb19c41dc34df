"""Verify a ledger: every line parses, chains to the one before, hashes to itself, carries a valid
signature of a key bound in the genesis entry, and obeys the reporting rules (:mod:`.rules`).

With ``head``, the ledger must still contain the entry of that hash: a ledger cut back to an earlier
entry ("rolled back"), or rewritten from some point on, no longer contains a head a party recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from detente.ledger.canonical import ZERO_HASH
from detente.ledger.entries import FORMAT, Entry, Genesis
from detente.ledger.keys import signature_valid
from detente.ledger.rules import LedgerState, check_entry
from detente.ledger.store import RawLedger, parse_line, read_raw


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of :func:`verify_ledger`. ``ok`` is True only when every check passed."""

    path: str
    ok: bool
    entries: int  # entries that passed every check
    head: str | None  # hash of the last entry that passed
    bad_index: int | None  # index (= line number − 1) of the first bad entry
    bad_line: int | None
    reason: str | None
    torn: bool  # the file ends in an incomplete line (an interrupted write)
    head_found: bool | None  # with ``head``: whether that hash is in the ledger

    def message(self) -> str:
        if self.ok:
            return f"{self.path}: intact, {self.entries} entries, head {self.head}"
        where = f"{self.path}:{self.bad_line}" if self.bad_line else self.path
        return f"{where}: {self.reason}"


def _fail(
    raw: RawLedger, n_ok: int, head: str | None, line: int | None, reason: str, **kw: object
) -> VerifyReport:
    return VerifyReport(
        path=str(raw.path),
        ok=False,
        entries=n_ok,
        head=head,
        bad_index=None if line is None else line - 1,
        bad_line=line,
        reason=reason,
        torn=bool(kw.get("torn", False)),
        head_found=kw.get("head_found"),  # type: ignore[arg-type]
    )


def _problem(entry: Entry, k: int, prev: str, state: LedgerState | None) -> str | None:
    """Why entry ``k`` (already parsed) does not belong after ``prev`` in a ledger in ``state``."""
    if entry.index != k:
        return f"entry {k} says index {entry.index} (entries missing, repeated or reordered)"
    if entry.prev != prev:
        return f"entry {k} does not chain to entry {k - 1} (prev hash differs: history was altered)"
    if entry.computed_hash() != entry.hash:
        return f"entry {k} was altered after it was written (its hash does not match its content)"
    if k == 0:
        if entry.event != "genesis" or (entry.data or {}).get("format") != FORMAT:
            return f"entry 0 is not a {FORMAT} genesis entry"
        return None
    assert state is not None
    if entry.party is None or entry.sig is None:
        return f"entry {k} is not signed"
    key = state.genesis.keys.get(entry.party)
    if key is None:
        return f"entry {k} names {entry.party!r}, which has no key in the genesis entry"
    if not signature_valid(key, entry.hash, entry.sig):
        return f"entry {k}: the signature is not {entry.party}'s (forged or altered)"
    why = check_entry(state, entry.party, entry.event, entry.move, entry.phase)
    return f"entry {k} breaks the rules: {why}" if why else None


def replay(raw: RawLedger) -> tuple[LedgerState | None, list[Entry], VerifyReport | None]:
    """Check every complete line; the state after the valid prefix, its entries, and the first failure."""
    entries: list[Entry] = []
    state: LedgerState | None = None
    prev = ZERO_HASH
    for line_no, text in raw.lines:
        k = line_no - 1
        try:
            entry = parse_line(text)
        except (ValueError, ValidationError) as exc:
            reason: str | None = f"entry {k} is not a valid entry ({_short(exc)})"
        else:
            reason = _problem(entry, k, prev, state)
        if reason is not None:
            head = entries[-1].hash if entries else None
            return state, entries, _fail(raw, len(entries), head, line_no, reason)
        if k == 0:
            state = LedgerState.start(Genesis.from_entry(entry))
        else:
            assert state is not None
            state.apply(entry)
        entries.append(entry)
        prev = entry.hash
    return state, entries, None


def verify_ledger(path: str | Path, *, head: str | None = None) -> VerifyReport:
    """Check the whole ledger at ``path`` (and, with ``head``, that it still contains that entry)."""
    raw = read_raw(path)
    state, entries, failure = replay(raw)
    last = entries[-1].hash if entries else None
    if failure is not None:
        return failure
    if not entries:
        return _fail(raw, 0, None, None, "the ledger is empty (create it with `detente ledger init`)")
    if raw.torn is not None:
        line = len(raw.lines) + 1
        return _fail(
            raw,
            len(entries),
            last,
            line,
            f"the last line is incomplete ({len(raw.torn)} bytes, an interrupted write); `detente ledger repair` removes it",
            torn=True,
        )
    found: bool | None = None
    if head is not None:
        wanted = head.strip().lower()
        if len(wanted) < 8:
            return _fail(raw, len(entries), last, None, "--head needs at least 8 hex digits of the hash")
        found = any(e.hash.startswith(wanted) for e in entries)
        if not found:
            return _fail(
                raw,
                len(entries),
                last,
                None,
                f"head {wanted} is not in the ledger: it was rolled back or rewritten (the ledger now ends at entry {len(entries) - 1}, {last})",
                head_found=False,
            )
    return VerifyReport(str(raw.path), True, len(entries), last, None, None, None, False, found)


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__
