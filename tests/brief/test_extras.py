"""Annex sections from elsewhere in Détente: where talks are heading, and the implementation status of a ledger."""

from __future__ import annotations

from pathlib import Path

from detente.brief import BriefOptions, build_brief
from detente.brief.render import render_markdown
from detente.io.loader import load_scenario
from detente.ledger import append_entry, generate_key, init_ledger
from detente.model.compiled import compile_scenario
from tests.conftest import FIXTURES

SCENARIO = FIXTURES / "roadmap" / "freeze-for-relief.yaml"
ROADMAP = FIXTURES / "ledger" / "freeze-for-relief.roadmap.json"


def test_annex_has_forecast_and_ledger_status(tmp_path: Path) -> None:
    keys = tmp_path / "keys"
    for party in ("N", "U"):
        generate_key(party, keys)
    ledger = tmp_path / "talks.ledger"
    init_ledger(ledger, scenario=SCENARIO, roadmap=ROADMAP, keys=keys, start="2020-01-01", time="2020-01-01")
    append_entry(ledger, key=keys / "N.key", event="done", move="N-freeze", time="2020-02-01")
    append_entry(ledger, key=keys / "U.key", event="done", move="U-waiver", time="2020-04-05")
    append_entry(ledger, key=keys / "U.key", event="violation", move="N-freeze", time="2020-05-01")
    cs = compile_scenario(load_scenario(SCENARIO))
    data = build_brief(
        cs, options=BriefOptions(roadmaps=False, ledger=str(ledger), ledger_as_of="2020-06-01")
    )
    keys_in_annex = [s.key for s in data.annex]
    assert keys_in_annex[-2:] == ["forecast", "implementation"]
    text, _ = render_markdown(data)
    assert "Where talks are heading" in text and "Implementation status" in text
    assert "U-waiver (U) reverts by 2020-05-15" in text  # the violation triggers the waiver's snapback
    # due by 2020-06-01: N's freeze (day 90, done on day 31) and U's waiver (day 100, done on day 95)
    assert "| N | 1 | 1 | 0 | 0 | 1 | 100% |" in text and "| U | 1 | 1 | 0 | 0 | 0 | 100% |" in text


def test_annex_played_out(tmp_path: Path) -> None:
    cs = compile_scenario(load_scenario(SCENARIO))
    data = build_brief(cs, options=BriefOptions(roadmaps=False, forecast=False, played_out=True))
    (section,) = [s for s in data.annex if s.key == "played-out"]
    text, _ = render_markdown(data)
    assert "## " in text and "Played out" in text and "Probability the roadmap completes" in text
    assert {p.strategy for p in section.data.roadmaps.plays} == {"big-for-big", "step-by-step", "optimized"}
