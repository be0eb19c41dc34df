"""The ``detente ledger`` commands end to end in subprocesses: exit codes, messages, JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import FIXTURES

SCENARIO = FIXTURES / "roadmap" / "freeze-for-relief.yaml"
ROADMAP = FIXTURES / "ledger" / "freeze-for-relief.roadmap.json"


def detente(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "80"}
    return subprocess.run(
        [sys.executable, "-m", "detente.cli.app", *args], cwd=cwd, capture_output=True, text=True, env=env
    )


def test_ledger_commands(tmp_path: Path) -> None:
    for party in ("N", "U"):
        assert detente("ledger", "keygen", party, "-o", "keys", cwd=tmp_path).returncode == 0
    again = detente("ledger", "keygen", "N", "-o", "keys", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    init = detente(
        "ledger", "init", "t.ledger", "--scenario", str(SCENARIO), "--roadmap", str(ROADMAP), "--keys", "keys",
        "--start", "2020-01-01", cwd=tmp_path,
    )  # fmt: skip
    assert init.returncode == 0, init.stderr
    done = detente("ledger", "append", "t.ledger", "--key", "keys/N.key", "--event", "done", "--move", "N-freeze",
                   "--time", "2020-02-01", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0 and len(done.stdout.strip()) == 64
    head = detente("ledger", "head", "t.ledger", cwd=tmp_path).stdout.strip()
    assert head == done.stdout.strip()
    wrong = detente("ledger", "append", "t.ledger", "--key", "keys/U.key", "--event", "done", "--move", "N-freeze",
                    cwd=tmp_path)  # fmt: skip
    assert wrong.returncode == 2 and "it is N's move" in wrong.stderr
    ok = detente("ledger", "verify", "t.ledger", "--head", head, cwd=tmp_path)
    assert ok.returncode == 0 and "intact, 2 entries" in ok.stdout
    status = detente(
        "ledger", "status", "t.ledger", "--as-of", "2020-05-01", "--format", "json", cwd=tmp_path
    )
    doc = json.loads(status.stdout)
    assert [p["done"] for p in doc["phases"]] == [1, 0, 0, 0] and doc["head"] == head
    table = detente("ledger", "status", "t.ledger", "--as-of", "2020-05-01", cwd=tmp_path)
    assert table.returncode == 0 and max(len(x) for x in table.stdout.splitlines()) <= 80
    # tamper: change the time of entry 1 -> verify names entry 1 and exits 1
    lines = (tmp_path / "t.ledger").read_text().splitlines()
    lines[1] = lines[1].replace("2020-02-01", "2020-01-15")
    (tmp_path / "t.ledger").write_text("\n".join(lines) + "\n")
    bad = detente("ledger", "verify", "t.ledger", cwd=tmp_path)
    assert bad.returncode == 1 and "t.ledger:2: entry 1 was altered" in bad.stderr.replace("\n", "")
