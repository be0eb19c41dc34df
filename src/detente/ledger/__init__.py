"""The implementation ledger: a signed, tamper-evident record of who did what under a roadmap.

An append-only JSON Lines file. Entry *k* carries ``prev`` = the SHA-256 hash of entry *k − 1* and
``hash`` = SHA-256 of its own canonical JSON body, and is signed (Ed25519) by the party that reports
it. The genesis entry (index 0) binds the scenario file (its SHA-256), the roadmap (the JSON that
``detente roadmap --format json`` prints) and every party's public key. See ``docs/ledger.md`` for the
format and the threat model.

Public API: :func:`generate_key`, :func:`init_ledger`, :func:`append_entry`, :func:`verify_ledger`,
:func:`ledger_status`, :func:`repair_ledger`, :func:`read_ledger`.
"""

from detente.ledger.actions import append_entry, init_ledger, read_ledger, repair_ledger
from detente.ledger.entries import EVENTS, Entry, Genesis
from detente.ledger.keys import KeyPair, generate_key, load_private_key
from detente.ledger.status import LedgerStatus, ledger_status
from detente.ledger.store import LedgerError
from detente.ledger.verify import VerifyReport, verify_ledger

__all__ = [
    "EVENTS",
    "Entry",
    "Genesis",
    "KeyPair",
    "LedgerError",
    "LedgerStatus",
    "VerifyReport",
    "append_entry",
    "generate_key",
    "init_ledger",
    "ledger_status",
    "load_private_key",
    "read_ledger",
    "repair_ledger",
    "verify_ledger",
]
