"""Terminal output budgets on the flagship scenario at 80 columns (issue: terminal walls).

Each command runs as a user runs it (a subprocess with COLUMNS=80) and must: stay within its line
budget, keep every line within 80 columns, never cut an id (no "…", no id split across lines) and
show the ids it is about whole.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from detente.io.loader import load_scenario
from detente.model.compiled import CompiledScenario, compile_scenario
from tests.conftest import ROOT, SCENARIOS, shipped_scenarios

FLAGSHIP = SCENARIOS / "korea-2019.yaml"
WIDTH = 80

#: command arguments → most lines allowed
BUDGETS: dict[tuple[str, ...], int] = {
    ("show",): 250,
    ("analyze",): 150,
    ("options", "--top", "4"): 150,
    ("solve",): 80,
    ("wedges",): 120,
    ("frontier", "--time-limit", "5"): 60,
    ("roadmap",): 120,
    ("compare-strategies",): 30,
    ("diagnose",): 60,
}


@cache
def flagship() -> CompiledScenario:
    return compile_scenario(load_scenario(FLAGSHIP))


def run80(*args: str, width: int = WIDTH) -> str:
    env = {**os.environ, "COLUMNS": str(width), "LINES": "50", "TERM": "dumb"}
    env.pop("FORCE_COLOR", None)
    r = subprocess.run(
        [sys.executable, "-m", "detente.cli.app", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


def cut_ids(text: str, ids: set[str]) -> list[str]:
    """Tokens that are a strict prefix of an id without being an id themselves: an id cut in two."""
    found = []
    for token in re.findall(r"[A-Za-z0-9][A-Za-z0-9_.:-]*", text):
        for part in token.rstrip(".:").split(":"):
            if len(part) >= 4 and "-" in part and part not in ids and any(i.startswith(part) for i in ids):
                found.append(part)
    return found


def all_ids(cs: CompiledScenario) -> set[str]:
    ids = {*cs.move_ids, *cs.party_ids, *(o for opts in cs.option_ids for o in opts)}
    return ids | {c.id for c in cs.scenario.coalitions}


def test_cut_id_detector() -> None:
    ids = {"dprk-yongbyon-freeze", "us-end-of-war"}
    assert cut_ids("dprk-yongbyon-fr\neeze", ids) == ["dprk-yongbyon-fr"]
    assert cut_ids("dprk-yongbyon-freeze, us-end-of-war:declare.", ids) == []


@pytest.mark.slow
@pytest.mark.parametrize("args", list(BUDGETS), ids=lambda a: " ".join(a))
def test_flagship_fits_80_columns(args: tuple[str, ...]) -> None:
    out = run80(args[0], str(FLAGSHIP.relative_to(ROOT)), *args[1:])
    lines = out.splitlines()
    assert 0 < len(lines) <= BUDGETS[args], f"{len(lines)} lines"
    wide = [line for line in lines if len(line) > WIDTH]
    assert not wide, wide[:3]
    assert "…" not in out
    cs = flagship()
    assert cut_ids(out, all_ids(cs)) == []
    if args[0] == "show":
        words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.-]*", out))
        assert set(cs.move_ids) <= words and set(cs.party_ids) <= words


@pytest.mark.slow
def test_options_show_what_differs_not_four_tables() -> None:
    out = run80("options", str(FLAGSHIP.relative_to(ROOT)), "--top", "4")
    for words in ("Utility to each party, by option", "In every option", "What differs"):
        assert words in out
    assert all(f"#{k}" in out for k in range(1, 5))


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_show_every_shipped_scenario_fits(path: Path) -> None:
    out = run80("show", str(path.relative_to(ROOT)))
    assert all(len(line) <= WIDTH for line in out.splitlines())
    assert "…" not in out
    cs = compile_scenario(load_scenario(path))
    assert cut_ids(out, all_ids(cs)) == []
    words = set(re.findall(r"[A-Za-z0-9][A-Za-z0-9_.-]*", out))
    assert set(cs.move_ids) <= words


@pytest.mark.parametrize("width", [100, 160])
def test_show_keeps_ids_whole_when_wider(width: int) -> None:
    """The old grid still cut ids at 160 columns ("dprk-yongbyo…")."""
    out = run80("show", str(FLAGSHIP.relative_to(ROOT)), width=width)
    assert all(len(line) <= width for line in out.splitlines())
    assert "…" not in out and cut_ids(out, all_ids(flagship())) == []
