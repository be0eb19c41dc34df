"""The import-genius, export-genius and adjusted-winner commands: output, JSON schema, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from detente.io.genius_import import import_genius
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from detente.outputs import json_schema
from tests.conftest import FIXTURES

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


def test_export_negative_values_is_a_clean_error(run, tmp_path: Path) -> None:
    r = run("export-genius", str(FIXTURES / "scenarios" / "minimal.yaml"), "-o", str(tmp_path / "g"))
    assert r.returncode == 2 and "negative value" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "g").exists()
