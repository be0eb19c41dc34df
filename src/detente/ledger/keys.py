"""Ed25519 key pairs for the parties (``cryptography``): generate, store, load, sign, verify.

A private key is stored as unencrypted PKCS#8 PEM in ``DIR/PARTY.key`` with mode 0600 (readable by its
owner only); the public key as base64 of its 32 raw bytes in ``DIR/PARTY.pub``. Signatures are over
``b"detente-ledger-v1:" + hash`` (the entry's hex hash), so a ledger signature cannot be replayed as a
signature of anything else.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from detente.errors import DetenteError

SIGNING_CONTEXT = b"detente-ledger-v1:"
_PARTY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


class KeyError_(DetenteError):
    """A key file is missing, unreadable or malformed."""


@dataclass(frozen=True)
class KeyPair:
    """Where a party's keys were written."""

    party: str
    private_path: Path
    public_path: Path
    public_key: str  # base64 of the raw 32 bytes


def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def parse_public_key(text: str, where: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise KeyError_(f"{where}: not an Ed25519 public key (base64 of 32 bytes): {exc}") from None


def _write_exclusive(path: Path, data: bytes, mode: int, force: bool) -> None:
    if path.exists() or path.is_symlink():
        if not force:
            raise KeyError_(
                f"{path} already exists; a key is never replaced silently (pass --force to replace it)"
            )
        if not path.is_file() or path.is_symlink():
            raise KeyError_(f"{path} is not a regular file; refusing to write a key there")
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def generate_key(party: str, directory: str | Path, *, force: bool = False) -> KeyPair:
    """Create ``DIR/PARTY.key`` (0600) and ``DIR/PARTY.pub``; refuse to replace them without ``force``."""
    if not _PARTY_ID.match(party):
        raise KeyError_(f"party id {party!r} is not a valid id (letters, digits, '-', '_', '.')")
    folder = Path(directory)
    if folder.exists() and not folder.is_dir():
        raise KeyError_(f"{folder} is not a folder")
    folder.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public = public_key_text(key.public_key())
    private_path, public_path = folder / f"{party}.key", folder / f"{party}.pub"
    for path in (private_path, public_path):  # check both before writing either
        if (path.exists() or path.is_symlink()) and not force:
            raise KeyError_(
                f"{path} already exists; a key is never replaced silently (pass --force to replace it)"
            )
    _write_exclusive(private_path, pem, 0o600, force)
    _write_exclusive(public_path, (public + "\n").encode("ascii"), 0o644, force)
    return KeyPair(party, private_path, public_path, public)


def load_private_key(path: str | Path) -> Ed25519PrivateKey:
    """Read a private key written by :func:`generate_key`."""
    p = Path(path)
    if not p.is_file():
        raise KeyError_(f"{p}: no such key file (create one with `detente ledger keygen PARTY -o DIR`)")
    try:
        key = serialization.load_pem_private_key(p.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyError_(f"{p}: not a PEM private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyError_(f"{p}: not an Ed25519 key")
    return key


def load_public_key(path: str | Path) -> str:
    """The base64 public key in ``path`` (validated)."""
    p = Path(path)
    if not p.is_file():
        raise KeyError_(f"{p}: no such public key file")
    text = p.read_text(encoding="ascii", errors="replace").strip()
    parse_public_key(text, str(p))
    return text


def sign_hash(key: Ed25519PrivateKey, entry_hash: str) -> str:
    return base64.b64encode(key.sign(SIGNING_CONTEXT + entry_hash.encode("ascii"))).decode("ascii")


def signature_valid(public_key: str, entry_hash: str, signature: str) -> bool:
    try:
        key = parse_public_key(public_key, "public key")
        key.verify(base64.b64decode(signature, validate=True), SIGNING_CONTEXT + entry_hash.encode("ascii"))
    except (InvalidSignature, binascii.Error, ValueError, KeyError_):
        return False
    return True
