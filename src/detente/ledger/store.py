"""The ledger file at the lowest level: bounded reading, splitting into lines, the append lock.

:func:`read_raw` reads a ledger (a regular file under :data:`MAX_BYTES`) and separates its complete lines
from an incomplete tail; :func:`locked` holds the exclusive ``flock`` appenders and repair take.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from detente.errors import DetenteError
from detente.ledger.entries import Entry

#: The largest ledger (or roadmap file) read; refused before reading above it.
MAX_BYTES = 256 * 1024 * 1024
MAX_NOTE = 4000
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z?)?$")


class LedgerError(DetenteError):
    """A ledger cannot be read, created or appended to as asked."""


@dataclass(frozen=True)
class RawLedger:
    path: Path
    lines: list[tuple[int, str]]  # (1-based line number, text) of every complete line
    torn: bytes | None  # bytes after the last newline, if any
    size: int


def check_regular(path: Path, what: str) -> os.stat_result:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise LedgerError(f"{path}: no such {what}") from None
    except OSError as exc:
        raise LedgerError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise LedgerError(f"{path}: not a regular file; a {what} must be a file")
    if st.st_size > MAX_BYTES:
        raise LedgerError(f"{path}: {st.st_size} bytes, over the {MAX_BYTES}-byte limit for a {what}")
    return st


def _split(path: Path, data: bytes) -> RawLedger:
    body, sep, tail = data.rpartition(b"\n")
    complete = body + sep if sep else b""
    torn = (tail if sep else data) or None
    lines: list[tuple[int, str]] = []
    if complete:
        for k, raw_line in enumerate(complete[:-1].split(b"\n"), start=1):
            lines.append((k, raw_line.decode("utf-8", errors="replace")))
    return RawLedger(path, lines, torn, len(data))


def raw_from_text(text: str, name: str = "<ledger>") -> RawLedger:
    """A ledger held as text (e.g. in the workspace database), split like a file."""
    return _split(Path(name), text.encode("utf-8"))


def read_raw(path: str | Path) -> RawLedger:
    p = Path(path)
    check_regular(p, "ledger")
    with open(p, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    return _split(p, data)


def parse_line(text: str) -> Entry:
    obj = json.loads(text)
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    return Entry.model_validate(obj)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_time(value: str | None) -> str:
    if value is None:
        return _now()
    if not _TIME.match(value):
        raise LedgerError(
            f"time {value!r} is not an ISO date or UTC time (e.g. 2019-02-28 or 2019-02-28T09:30:00Z)"
        )
    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise LedgerError(f"time {value!r} is not a real date") from None
    return value


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(path: Path) -> Iterator[int]:
    check_regular(path, "ledger")
    fd = os.open(path, os.O_RDWR | os.O_APPEND)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # closing releases the lock


def read_fd(fd: int, path: Path) -> RawLedger:
    size = os.fstat(fd).st_size
    if size > MAX_BYTES:
        raise LedgerError(f"{path}: {size} bytes, over the {MAX_BYTES}-byte limit for a ledger")
    chunks, offset = [], 0
    while offset < size:
        chunk = os.pread(fd, min(1 << 20, size - offset), offset)
        if not chunk:
            break
        chunks.append(chunk)
        offset += len(chunk)
    return _split(path, b"".join(chunks))
