"""A small ledger over the hand-solved freeze-for-relief game (tests/fixtures/roadmap)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from detente.ledger import append_entry, generate_key, init_ledger
from tests.conftest import FIXTURES

SCENARIO = FIXTURES / "roadmap" / "freeze-for-relief.yaml"
ROADMAP = FIXTURES / "ledger" / "freeze-for-relief.roadmap.json"


@dataclass
class Book:
    path: Path
    keys: Path

    def key(self, party: str) -> Path:
        return self.keys / f"{party}.key"

    def append(self, party: str, event: str, move: str | None = None, **kw: object) -> str:
        return append_entry(self.path, key=self.key(party), event=event, move=move, **kw).hash  # type: ignore[arg-type]


@pytest.fixture
def book(tmp_path: Path) -> Book:
    keys = tmp_path / "keys"
    for party in ("N", "U"):
        generate_key(party, keys)
    path = tmp_path / "talks.ledger"
    init_ledger(path, scenario=SCENARIO, roadmap=ROADMAP, keys=keys, start="2020-01-01", time="2020-01-01")
    return Book(path, keys)
