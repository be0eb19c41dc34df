"""Canonical JSON and hashing: the bytes every hash and signature is computed over.

Canonical form: ``json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``
encoded as UTF-8, with non-finite numbers refused. For the values a ledger holds (strings, integers,
booleans, null and the finite floats of a roadmap) this is a deterministic serialisation; it agrees
with RFC 8785 (JCS) except for the spelling of some floats, which never matters here because hashes
are always recomputed by this same function.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: Hash of "nothing": the ``prev`` field of the genesis entry.
ZERO_HASH = "0" * 64


def canonical_bytes(obj: Any) -> bytes:
    """The canonical UTF-8 JSON encoding of ``obj``."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
