"""The flagship's and the 2007 case's roadmaps recorded end to end: every item done, verified, on time."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from detente.ledger import append_entry, generate_key, init_ledger, ledger_status, verify_ledger
from detente.ledger.entries import Genesis
from detente.ledger.store import parse_line, read_raw
from detente.model.scenario import Scenario
from tests.conftest import SCENARIOS


def _roadmap(scenario: Path, out: Path) -> Path:
    doc = subprocess.run(
        [sys.executable, "-m", "detente.cli.app", "roadmap", str(scenario), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    out.write_text(doc)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", ["six-party-2007.yaml", "korea-2019.yaml"])
def test_record_a_whole_roadmap(name: str, tmp_path: Path) -> None:
    from detente.io.loader import load_scenario

    scenario_path = SCENARIOS / name
    sc: Scenario = load_scenario(scenario_path)
    keys = tmp_path / "keys"
    for p in sc.parties:
        generate_key(p.id, keys)
    ledger = tmp_path / "case.ledger"
    roadmap = _roadmap(scenario_path, tmp_path / "roadmap.json")
    init_ledger(
        ledger, scenario=scenario_path, roadmap=roadmap, keys=keys, start="2019-03-01", time="2019-03-01"
    )
    genesis = Genesis.from_entry(parse_line(read_raw(ledger).lines[0][1]))
    start = date(2019, 3, 1)
    parties = [p.id for p in sc.parties]
    for item in genesis.items().values():
        when = (start + timedelta(days=int(item.start_day))).isoformat()
        append_entry(
            ledger, key=keys / f"{item.owner}.key", event="done", move=item.id, phase=item.phase, time=when
        )
        checker = next(p for p in parties if p != item.owner)
        append_entry(ledger, key=keys / f"{checker}.key", event="verified", move=item.id, time=when)
    report = verify_ledger(ledger)
    assert report.ok, report.message()
    n_items = len(genesis.items())
    assert n_items == sum(len(p["moves"]) for p in json.loads(roadmap.read_text())["phases"])
    assert report.entries == 1 + 2 * n_items
    st = ledger_status(ledger, as_of="2030-01-01")
    assert all(p.done == len(p.items) == p.verified and p.overdue == 0 for p in st.phases)
    assert all(q.compliance in (None, 1.0) for q in st.parties)
    assert not st.snapbacks and not st.withheld
