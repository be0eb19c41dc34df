"""The ledger's guarantees: chaining, signatures, reporting rules, rollback, torn tails, snapback."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from detente.ledger import LedgerError, generate_key, init_ledger, ledger_status, repair_ledger, verify_ledger
from detente.ledger.canonical import canonical_bytes
from detente.ledger.entries import Entry, entry_hash
from detente.ledger.keys import KeyError_, load_private_key, sign_hash
from tests.ledger.conftest import ROADMAP, SCENARIO, Book


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text().splitlines()]


def _forge(path: Path, body: dict, key_path: Path) -> None:
    """Append an entry with a correct chain and hash, signed with ``key_path`` (bypassing the rules)."""
    last = _lines(path)[-1]
    body = {
        "index": last["index"] + 1,
        "prev": last["hash"],
        "data": None,
        "phase": None,
        "note": None,
        **body,
    }
    digest = entry_hash(body)
    entry = Entry(**body, hash=digest, sig=sign_hash(load_private_key(key_path), digest))
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(entry.line() + "\n")


def test_keygen_owner_only_and_never_overwrites(tmp_path: Path) -> None:
    pair = generate_key("US", tmp_path)
    assert stat.S_IMODE(pair.private_path.stat().st_mode) == 0o600
    assert len(pair.public_key) == 44
    before = pair.private_path.read_bytes()
    with pytest.raises(KeyError_, match="already exists"):
        generate_key("US", tmp_path)
    assert pair.private_path.read_bytes() == before
    again = generate_key("US", tmp_path, force=True)
    assert again.private_path.read_bytes() != before


def test_genesis_binds_scenario_roadmap_and_keys(book: Book) -> None:
    (genesis,) = _lines(book.path)
    assert genesis["event"] == "genesis" and genesis["index"] == 0 and genesis["sig"] is None
    assert set(genesis["data"]["keys"]) == {"N", "U"}
    assert genesis["data"]["roadmap"]["phases"][0]["moves"] == ["N-freeze"]
    assert len(genesis["data"]["scenario"]["sha256"]) == 64
    report = verify_ledger(book.path)
    assert report.ok and report.entries == 1 and report.head == genesis["hash"]


def test_init_refuses_existing_and_missing_keys(book: Book, tmp_path: Path) -> None:
    with pytest.raises(LedgerError, match="already exists"):
        init_ledger(book.path, scenario=SCENARIO, roadmap=ROADMAP, keys=book.keys)
    empty = tmp_path / "nokeys"
    empty.mkdir()
    generate_key("N", empty)
    with pytest.raises(LedgerError, match=r"no public key for U.*ledger keygen U"):
        init_ledger(tmp_path / "x.ledger", scenario=SCENARIO, roadmap=ROADMAP, keys=empty)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"phases": [{"index": 1, "moves": ["nope"], "owners": ["N"]}]}))
    with pytest.raises(LedgerError, match="'nope', which is not in the scenario"):
        init_ledger(tmp_path / "y.ledger", scenario=SCENARIO, roadmap=bad, keys=book.keys)


def test_reporting_rules_on_append(book: Book) -> None:
    with pytest.raises(LedgerError, match="it is N's move"):
        book.append("U", "done", "N-freeze")
    with pytest.raises(LedgerError, match="cannot be verified before it is reported done"):
        book.append("U", "verified", "N-freeze")
    book.append("N", "done", "N-freeze", time="2020-02-01")
    with pytest.raises(LedgerError, match="may not verify its own move"):
        book.append("N", "verified", "N-freeze")
    with pytest.raises(LedgerError, match="already reported done"):
        book.append("N", "done", "N-freeze")
    with pytest.raises(LedgerError, match="violation of its own move"):
        book.append("N", "violation", "N-freeze")
    with pytest.raises(LedgerError, match="phase 1 of the roadmap, not phase 2"):
        book.append("U", "verified", "N-freeze", phase=2)
    with pytest.raises(LedgerError, match="did you mean 'N-freeze'"):
        book.append("U", "verified", "N-freze")
    book.append("U", "verified", "N-freeze", phase=1)
    assert verify_ledger(book.path).entries == 3


def test_key_of_no_party_is_refused(book: Book, tmp_path: Path) -> None:
    stranger = generate_key("N", tmp_path / "other")
    with pytest.raises(LedgerError, match="belongs to no party"):
        append_key = stranger.private_path
        from detente.ledger import append_entry

        append_entry(book.path, key=append_key, event="note", note="hello")


def test_forged_signature_is_detected(book: Book) -> None:
    book.append("N", "done", "N-freeze")
    # an entry claiming to be U's, signed with N's key
    _forge(
        book.path,
        {"time": "2020-03-01", "party": "U", "event": "verified", "move": "N-freeze"},
        book.key("N"),
    )
    report = verify_ledger(book.path)
    assert not report.ok and report.bad_index == 2 and "signature is not U's" in (report.reason or "")


def test_signed_entry_breaking_the_rules_is_detected(book: Book) -> None:
    # U signs, validly, a claim that N's move is done: the signature is U's but the rule forbids it
    _forge(
        book.path, {"time": "2020-03-01", "party": "U", "event": "done", "move": "N-freeze"}, book.key("U")
    )
    report = verify_ledger(book.path)
    assert not report.ok and report.bad_index == 1 and "it is N's move" in (report.reason or "")


def test_every_flipped_byte_is_detected(book: Book) -> None:
    book.append("N", "done", "N-freeze", note="frozen")
    book.append("U", "verified", "N-freeze")
    original = book.path.read_bytes()
    assert verify_ledger(book.path).ok
    step = max(1, len(original) // 600)  # about 600 positions spread over every entry
    for pos in range(0, len(original), step):
        flipped = bytearray(original)
        flipped[pos] ^= 0x01
        book.path.write_bytes(bytes(flipped))
        assert not verify_ledger(book.path).ok, f"a flipped byte at offset {pos} went unnoticed"
    book.path.write_bytes(original)
    assert verify_ledger(book.path).ok


def test_rolled_back_tail_is_detected_with_head(book: Book) -> None:
    book.append("N", "done", "N-freeze")
    keep = book.path.read_bytes()
    book.append("U", "verified", "N-freeze")
    head = book.append("U", "done", "U-waiver")
    assert verify_ledger(book.path, head=head).ok
    book.path.write_bytes(keep)  # cut back to entry 1
    report = verify_ledger(book.path, head=head)
    assert not report.ok and report.head_found is False and "rolled back" in (report.reason or "")
    # a rewritten tail (a different entry 2) is caught the same way, though it verifies on its own
    book.append("N", "note", note="a different history")
    assert verify_ledger(book.path).ok
    assert not verify_ledger(book.path, head=head).ok
    assert verify_ledger(book.path, head=head[:12]).ok is False


def test_torn_last_line_reported_and_repaired_only_explicitly(book: Book) -> None:
    book.append("N", "done", "N-freeze")
    intact = book.path.read_bytes()
    with open(book.path, "ab") as fh:
        fh.write(b'{"index":2,"time":"2020-')
    report = verify_ledger(book.path)
    assert not report.ok and report.torn and report.entries == 2 and "ledger repair" in (report.reason or "")
    with pytest.raises(LedgerError, match="incomplete line"):
        book.append("U", "verified", "N-freeze")
    assert verify_ledger(book.path).torn  # still there: only repair removes it
    removed, kept = repair_ledger(book.path)
    assert removed == 24 and kept is not None and kept.read_bytes() == b'{"index":2,"time":"2020-'
    assert book.path.read_bytes() == intact and verify_ledger(book.path).ok
    assert repair_ledger(book.path) == (0, None)


def test_violation_triggers_snapback_of_done_relief(book: Book) -> None:
    with pytest.raises(LedgerError, match="never reported done"):
        book.append("U", "snapback", "U-waiver")
    book.append("N", "done", "N-freeze", time="2020-02-01")
    book.append("U", "verified", "N-freeze", time="2020-03-01")
    book.append("U", "done", "U-waiver", time="2020-04-01")
    with pytest.raises(LedgerError, match="no violation by N is recorded"):
        book.append("U", "snapback", "U-waiver")
    book.append("U", "violation", "N-freeze", time="2020-06-01", note="seals broken")
    st = ledger_status(book.path, as_of="2020-06-02")
    (snap,) = st.snapbacks
    assert (snap.move, snap.owner, snap.violator, snap.violation_move) == ("U-waiver", "U", "N", "N-freeze")
    assert snap.violation_index == 4 and snap.lead_days == 14 and snap.revert_by == "2020-06-15"
    assert not snap.reverted
    with pytest.raises(LedgerError, match="only its owner U can reverse it"):
        book.append("N", "snapback", "U-waiver")
    book.append("U", "snapback", "U-waiver", time="2020-06-10")
    assert ledger_status(book.path, as_of="2020-06-11").snapbacks[0].reverted
    assert verify_ledger(book.path).ok


def test_status_per_phase_and_party(book: Book) -> None:
    book.append("N", "done", "N-freeze", time="2020-02-01")  # due day 90 = 2020-03-31: on time
    book.append("U", "verified", "N-freeze", time="2020-03-15")
    st = ledger_status(book.path, as_of="2020-05-01")  # phase 2 (U-waiver) was due 2020-04-10
    phase = {p.index: p for p in st.phases}
    assert (phase[1].done, phase[1].verified, phase[1].overdue) == (1, 1, 0)
    assert (phase[2].done, phase[2].overdue) == (0, 1)
    party = {p.party: p for p in st.parties}
    assert party["N"].compliance == 1.0 and party["U"].compliance == 0.0 and party["U"].overdue == 1
    doc = st.to_json()
    assert json.loads(json.dumps(doc))["phases"][1]["overdue"] == 1
    assert canonical_bytes(doc) == canonical_bytes(ledger_status(book.path, as_of="2020-05-01").to_json())


def test_ledger_file_must_be_regular(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(LedgerError, match="not a regular file"):
        verify_ledger(fifo)
