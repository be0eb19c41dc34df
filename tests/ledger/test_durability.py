"""Concurrent appenders and kill -9 during appends leave a ledger that verifies, losing no acknowledged entry."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from multiprocessing import get_context

import pytest

from detente.ledger import append_entry, verify_ledger
from tests.ledger.conftest import Book


def _append_notes(args: tuple[str, str, str, int]) -> list[str]:
    path, key, tag, n = args
    return [append_entry(path, key=key, event="note", note=f"{tag}-{k}").hash for k in range(n)]


def test_concurrent_appends_are_serialized(book: Book) -> None:
    jobs = [(str(book.path), str(book.key(p)), f"{p}{w}", 8) for w in range(2) for p in ("N", "U")]
    with get_context("spawn").Pool(4) as pool:
        acked = [h for hashes in pool.map(_append_notes, jobs) for h in hashes]
    report = verify_ledger(book.path)
    assert report.ok, report.message()
    assert report.entries == 1 + len(jobs) * 8
    lines = [json.loads(x) for x in book.path.read_text().splitlines()]
    assert {x["hash"] for x in lines[1:]} == set(acked)
    assert sorted(x["note"] for x in lines[1:]) == sorted(f"{j[2]}-{k}" for j in jobs for k in range(8))


_WRITER = """
import sys
from detente.ledger import append_entry
path, key = sys.argv[1], sys.argv[2]
k = 0
while True:
    h = append_entry(path, key=key, event="note", note="x" * 3000 + str(k)).hash
    print(h, flush=True)
    k += 1
"""


@pytest.mark.slow
def test_kill_9_during_appends_loses_no_acknowledged_entry(book: Book) -> None:
    for round_ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(book.path), str(book.key("N" if round_ % 2 else "U"))],
            stdout=subprocess.PIPE,
            text=True,
        )
        acked: list[str] = []
        assert proc.stdout is not None
        deadline = time.monotonic() + 30
        while len(acked) < 3 + round_ and time.monotonic() < deadline:  # kill at a varying point
            acked.append(proc.stdout.readline().strip())
        time.sleep(0.003 * round_)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        report = verify_ledger(book.path)
        assert report.ok, report.message()
        hashes = {json.loads(x)["hash"] for x in book.path.read_text().splitlines()}
        assert set(acked) <= hashes  # every acknowledged append is in the ledger
