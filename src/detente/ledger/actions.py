"""Ledger operations: create (genesis), append a signed entry, repair a torn tail, read a verified ledger.

Appends take an exclusive ``flock`` on the ledger, re-check the whole chain, then write the new line
with a single ``write`` on an ``O_APPEND`` descriptor and ``fsync`` it before the lock is released. A
process killed at any moment therefore leaves either the old ledger or the old ledger plus the new
line; concurrent appenders are serialized and each chains to the entry before it. If a line is ever
torn (power loss, a full disk), verification reports the incomplete tail and only
:func:`repair_ledger` removes it (keeping the removed bytes in ``LEDGER.torn``).
"""

from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path
from typing import Any

from detente.ledger.canonical import ZERO_HASH, sha256_hex
from detente.ledger.entries import EVENTS, FORMAT, Entry, entry_hash
from detente.ledger.keys import (
    load_private_key,
    load_public_key,
    parse_public_key,
    public_key_text,
    sign_hash,
)
from detente.ledger.rules import check_entry
from detente.ledger.store import (
    MAX_NOTE,
    LedgerError,
    check_regular,
    check_time,
    fsync_dir,
    locked,
    read_fd,
    read_raw,
)
from detente.ledger.verify import replay, verify_ledger


def init_ledger(
    path: str | Path,
    *,
    scenario: str | Path,
    roadmap: str | Path,
    keys: str | Path,
    start: str | None = None,
    time: str | None = None,
    force: bool = False,
) -> Entry:
    """Create a ledger whose genesis entry binds the scenario, the roadmap and every party's public key.

    ``start`` is day 0 of the roadmap (an ISO date; default: today, UTC). Refuses to replace an existing
    ledger unless ``force``.
    """
    from detente.io.loader import load_scenario
    from detente.io.writer import atomic_write_text

    target = Path(path)
    if (target.exists() or target.is_symlink()) and not force:
        raise LedgerError(
            f"{target} already exists; a ledger is never replaced silently (pass --force to replace it)"
        )
    scenario_path = Path(scenario)
    sc = load_scenario(scenario_path)
    scenario_bytes = scenario_path.read_bytes()
    roadmap_path = Path(roadmap)
    check_regular(roadmap_path, "roadmap file")
    try:
        rm = json.loads(roadmap_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LedgerError(
            f"{roadmap_path}: not JSON ({exc}); give the file `detente roadmap --format json` prints"
        ) from None
    check_roadmap(rm, roadmap_path, {p.id for p in sc.parties}, {m.id for m in sc.moves})
    folder = Path(keys)
    missing = [p.id for p in sc.parties if not (folder / f"{p.id}.pub").is_file()]
    if missing:
        raise LedgerError(
            f"{folder}: no public key for {', '.join(missing)}; create them with "
            + "; ".join(f"`detente ledger keygen {m} -o {folder}`" for m in missing[:3])
        )
    entry = make_genesis(
        scenario_name=scenario_path.name,
        scenario_bytes=scenario_bytes,
        title=sc.meta.title,
        roadmap=rm,
        keys={p.id: load_public_key(folder / f"{p.id}.pub") for p in sc.parties},
        start=start,
        time=time,
    )
    atomic_write_text(target, entry.line() + "\n", overwrite=True)
    fsync_dir(target.resolve().parent)
    return entry


def make_genesis(
    *,
    scenario_name: str,
    scenario_bytes: bytes,
    title: str,
    roadmap: dict[str, Any],
    keys: dict[str, str],
    start: str | None = None,
    time: str | None = None,
) -> Entry:
    """The genesis entry binding a scenario (by SHA-256), a roadmap, the parties' public keys and day 0."""
    start_day = start or date.today().isoformat()
    if not re.match(r"^\d{4}-\d{2}-\d{2}$", start_day):
        raise LedgerError(f"--start {start_day!r} is not an ISO date (YYYY-MM-DD)")
    check_time(start_day)
    for party, key in keys.items():
        parse_public_key(key, f"the public key of {party}")
    data: dict[str, Any] = {
        "format": FORMAT,
        "scenario": {"file": scenario_name, "sha256": sha256_hex(scenario_bytes), "title": title},
        "roadmap": {k: v for k, v in roadmap.items() if k != "seconds"},  # "seconds" is timing, not plan
        "keys": dict(keys),
        "start": start_day,
    }
    body: dict[str, Any] = {
        "index": 0,
        "time": check_time(time),
        "party": None,
        "event": "genesis",
        "move": None,
        "phase": None,
        "note": None,
        "prev": ZERO_HASH,
        "data": data,
    }
    return Entry(**body, hash=entry_hash(body), sig=None)


def check_roadmap(rm: Any, where: Path | str, parties: set[str], moves: set[str]) -> None:
    if not isinstance(rm, dict) or not isinstance(rm.get("phases"), list) or not rm["phases"]:
        raise LedgerError(f"{where}: no 'phases' list; give the file `detente roadmap --format json` prints")
    for k, phase in enumerate(rm["phases"]):
        if not isinstance(phase, dict) or not isinstance(phase.get("moves"), list):
            raise LedgerError(f"{where}: phases[{k}] has no 'moves' list")
        owners = phase.get("owners", [])
        if not isinstance(owners, list) or len(owners) != len(phase["moves"]):
            raise LedgerError(f"{where}: phases[{k}].owners must list one owner per move")
        for item, owner in zip(phase["moves"], owners, strict=True):
            if str(item).split(":")[0] not in moves:
                raise LedgerError(f"{where}: phases[{k}] names move {item!r}, which is not in the scenario")
            if owner not in parties:
                raise LedgerError(
                    f"{where}: phases[{k}] names owner {owner!r}, which is not a party of the scenario"
                )


def append_entry(
    path: str | Path,
    *,
    key: str | Path,
    event: str,
    move: str | None = None,
    phase: int | None = None,
    note: str | None = None,
    time: str | None = None,
) -> Entry:
    """Append one signed entry; returns it (its ``hash`` is the new head).

    The reporting party is the one whose public key in the genesis entry matches ``key``. The whole chain
    is verified under the lock first: nothing is appended to a ledger that does not verify.
    """
    if event not in EVENTS:
        raise LedgerError(f"unknown event {event!r}; use one of: {', '.join(EVENTS)}")
    if note is not None and len(note) > MAX_NOTE:
        raise LedgerError(f"the note has {len(note)} characters; at most {MAX_NOTE}")
    if phase is not None and not 1 <= phase <= 10_000:
        raise LedgerError(f"--phase {phase} is not a phase number")
    private = load_private_key(key)
    public = public_key_text(private.public_key())
    target = Path(path)
    stamp = check_time(time)
    with locked(target) as fd:
        raw = read_fd(fd, target)
        state, entries, failure = replay(raw)
        if failure is not None or state is None:
            reason = failure.message() if failure else "the ledger is empty"
            raise LedgerError(f"not appending: the ledger does not verify ({reason})")
        if raw.torn is not None:
            raise LedgerError(
                f"not appending: {target} ends in an incomplete line; run `detente ledger repair {target}` first"
            )
        party = next((p for p, k in state.genesis.keys.items() if k == public), None)
        if party is None:
            raise LedgerError(
                f"{key}: this key belongs to no party of the ledger (its public key is not in the genesis entry)"
            )
        why = check_entry(state, party, event, move, phase)
        if why:
            raise LedgerError(why)
        last = entries[-1]
        body: dict[str, Any] = {
            "index": last.index + 1,
            "time": stamp,
            "party": party,
            "event": event,
            "move": move,
            "phase": phase,
            "note": note,
            "prev": last.hash,
            "data": None,
        }
        digest = entry_hash(body)
        entry = Entry(**body, hash=digest, sig=sign_hash(private, digest))
        data = (entry.line() + "\n").encode("utf-8")
        written = os.write(fd, data)
        if written != len(data):  # a full disk: leave the torn tail for `repair`, say so
            raise LedgerError(f"{target}: only {written} of {len(data)} bytes written (disk full?)")
        os.fsync(fd)
    return entry


def repair_ledger(path: str | Path) -> tuple[int, Path | None]:
    """Remove an incomplete last line; its bytes are kept in ``LEDGER.torn`` (or ``.torn.N``).

    Returns (bytes removed, where they were kept). Complete lines are never touched.
    """
    target = Path(path)
    with locked(target) as fd:
        raw = read_fd(fd, target)
        if raw.torn is None:
            return 0, None
        keep = target.with_name(target.name + ".torn")
        n = 1
        while keep.exists():
            keep = target.with_name(f"{target.name}.torn.{n}")
            n += 1
        from detente.io.writer import atomic_write_bytes

        atomic_write_bytes(keep, raw.torn, overwrite=False)
        os.ftruncate(fd, raw.size - len(raw.torn))
        os.fsync(fd)
    return len(raw.torn), keep


def read_ledger(path: str | Path) -> list[Entry]:
    """The entries of a ledger that verifies (raises :class:`LedgerError` naming the first problem)."""
    report = verify_ledger(path)
    if not report.ok:
        raise LedgerError(report.message())
    _, entries, _ = replay(read_raw(path))
    return entries


def head_hash(path: str | Path) -> str:
    return read_ledger(path)[-1].hash
