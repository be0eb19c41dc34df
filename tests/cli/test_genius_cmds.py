"""The import-genius, export-genius and adjusted-winner commands: output, JSON schema, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from detente.io.genius import scenario_to_genius
from detente.io.genius_import import import_genius
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from detente.outputs import json_schema
from tests.conftest import FIXTURES, shipped_scenarios

AW = FIXTURES / "aw"
GENIUS = FIXTURES / "genius"


class Result:
    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run ``detente ARGS`` in this process (fast); output with Rich's line wrapping undone."""
    from detente.cli.app import main

    def _run(*args: str) -> Result:
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return Result(code, out.out, out.err.replace("\n", " "))

    return _run


def test_clean_error_in_a_real_process() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "detente.cli.app", "adjusted-winner", str(AW / "negative.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "negative" in r.stderr and "negative.csv:3" in r.stderr.replace("\n", "")


def test_adjusted_winner_table_and_json(run) -> None:
    r = run("adjusted-winner", str(AW / "bob-carol.csv"))
    assert r.returncode == 0, r.stderr
    assert "5/6" in r.stdout and "170/3" in r.stdout and "Retirement" in r.stdout
    r = run("adjusted-winner", str(AW / "bob-carol.csv"), "--format", "json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["totals"] == {"Carol": "170/3", "Bob": "170/3"} and doc["split_issue"] == "Retirement Account"
    assert set(doc) <= set(json_schema("adjusted-winner")["properties"])
    assert {row["issue"]: row["share"]["Bob"] for row in doc["issues"]}["Investments"] == "1"


def test_adjusted_winner_bad_csv_is_a_clean_error(run) -> None:
    r = run("adjusted-winner", str(AW / "bad-number.csv"))
    assert r.returncode == 2
    assert (
        f"{AW / 'bad-number.csv'}:3:" in r.stderr.replace(" ", "")
        or f"{AW / 'bad-number.csv'}:3:" in r.stderr
    )
    assert "write a number" in r.stderr and "Traceback" not in r.stderr


def test_import_then_export_then_import(run, tmp_path: Path) -> None:
    out = tmp_path / "tiny.yaml"
    r = run("import-genius", str(GENIUS / "tiny"), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "2 parties, 2 moves, 6 possible packages" in r.stdout
    cs = compile_scenario(load_scenario(out))
    assert np.allclose(cs.utilities([0, 1]), [1.0, 0.45])
    # never silently overwrite
    r = run("import-genius", str(GENIUS / "tiny"), "-o", str(out))
    assert r.returncode == 2 and "--force" in r.stderr
    assert run("import-genius", str(GENIUS / "tiny"), "-o", str(out), "--force").returncode == 0
    # export, refuse to overwrite, re-import gives the same values
    r = run("export-genius", str(out), "-o", str(tmp_path / "g"))
    assert r.returncode == 0, r.stderr
    assert run("export-genius", str(out), "-o", str(tmp_path / "g")).returncode == 2
    back = compile_scenario(import_genius(tmp_path / "g"))
    assert np.array_equal(back.values, cs.values) and np.array_equal(back.reservation, cs.reservation)


def test_import_to_stdout_and_bad_folder(run) -> None:
    r = run("import-genius", str(GENIUS / "geniusweb-tiny"))
    assert r.returncode == 0, r.stderr
    assert "trip1" in r.stdout
    r = run("import-genius", str(GENIUS / "integer-issue"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "discrete issues only" in r.stderr


@pytest.mark.parametrize("path", shipped_scenarios(), ids=lambda p: p.stem)
def test_export_every_shipped_scenario_keeps_every_preference(run, tmp_path: Path, path: Path) -> None:
    """Every shipped scenario has negative values: export-genius shifts each party's values by a constant
    (printed per party), warns that the rules are left out, and the re-imported domain orders every
    sampled pair of packages the same way for every party, with the same acceptable packages."""
    r = run("export-genius", str(path), "-o", str(tmp_path / "g"))
    assert r.returncode == 0, r.stderr
    scenario = load_scenario(path)
    export = scenario_to_genius(scenario)
    assert any(export.shift.values()) and export.warnings
    assert "warning: the scenario's rules (" in r.stderr and "cannot be expressed in Genius XML" in r.stderr
    assert "keeps every comparison" in r.stderr
    for pid, c in export.shift.items():
        assert f"{pid} +{c:g}" in r.stderr
    cs = compile_scenario(scenario)
    back = compile_scenario(import_genius(tmp_path / "g"))
    assert back.move_names == cs.move_names and back.n_options.tolist() == cs.n_options.tolist()
    # Genius lists parties by profile file name (the party names, or the ids when a name cannot be a
    # file name): map each party to its column
    col = [back.party_names.index(p.name if p.name in back.party_names else p.id) for p in scenario.parties]
    shift = np.asarray([export.shift[p.id] for p in scenario.parties])
    rng = np.random.default_rng(7)
    a, b = (rng.integers(0, cs.n_options, size=(400, cs.n_moves)) for _ in range(2))
    ua, ub = cs.utilities(a), cs.utilities(b)
    va, vb = back.utilities(a)[:, col], back.utilities(b)[:, col]
    assert np.allclose(va, ua + shift, atol=1e-9)  # the affine shift, party by party
    assert np.array_equal(np.sign(np.round(ua - ub, 9)), np.sign(np.round(va - vb, 9)))  # same order
    assert np.allclose(back.reservation[col], cs.reservation + shift)
    assert np.array_equal(ua >= cs.reservation - 1e-9, va >= back.reservation[col] - 1e-9)
