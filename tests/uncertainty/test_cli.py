"""``detente robustness`` and ``detente sensitivity``: JSON shape, tables in 80 columns, clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detente.cli.app import main
from tests.uncertainty.conftest import FIXTURE

FILE = str(FIXTURE)


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = 0
    try:
        main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_robustness_json_with_a_solve_package(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = cli(capsys, "solve", FILE, "--concept", "ks", "--format", "json")
    assert code == 0
    pkg = tmp_path / "ks.json"
    pkg.write_text(out)
    code, out, err = cli(
        capsys,
        "robustness",
        FILE,
        "--package",
        str(pkg),
        "--draws",
        "5000",
        "--seed",
        "3",
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    (p,) = data["packages"]
    assert set(p["choices"]) == {"freeze", "dismantle", "relief", "exercises", "liaison"}
    assert set(p["acceptable"]) == {"US", "KP", "ROK"}
    assert 0 <= p["acceptable_all"] <= min(p["acceptable"].values())
    assert p["stderr_all"] > 0
    code, again, _ = cli(
        capsys,
        "robustness",
        FILE,
        "--package",
        str(pkg),
        "--draws",
        "5000",
        "--seed",
        "3",
        "--format",
        "json",
    )
    assert json.loads(again)["packages"] == data["packages"]


def test_robustness_table_most_robust_and_chart(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "tradeoff.png"
    code, out, err = cli(
        capsys,
        "robustness",
        FILE,
        "--draws",
        "5000",
        "--most-robust",
        "--saa-draws",
        "80",
        "--chart",
        str(chart),
    )
    assert code == 0, err
    assert "most robust" in out and "Robust–efficient trade-off" in out
    assert max(len(line) for line in out.splitlines()) <= 80
    assert chart.read_bytes().startswith(b"\x89PNG")
    code, _, err = cli(capsys, "robustness", FILE, "--most-robust", "--chart", str(chart))
    assert code == 2 and "--force" in err


def test_sensitivity_json_and_tornado(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    chart = tmp_path / "tornado.png"
    code, out, err = cli(
        capsys,
        "sensitivity",
        FILE,
        "--concept",
        "nash",
        "--draws",
        "2048",
        "--chart",
        str(chart),
        "--format",
        "json",
    )
    assert code == 0, err
    data = json.loads(out)
    j = data["judgments"][0]
    for key in ("move", "option", "party", "value", "low", "high", "break_even", "first_order", "total"):
        assert key in j
    assert data["research_first"]
    assert chart.read_bytes().startswith(b"\x89PNG")


def test_bad_package_file_is_a_clean_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "p.json"
    bad.write_text('{"packages": [{"choices": {"nowhere": "x"}}]}')
    code, out, err = cli(capsys, "robustness", FILE, "--package", str(bad))
    assert code == 2 and "unknown move 'nowhere'" in err and "Traceback" not in err
    code, _, err = cli(capsys, "robustness", FILE, "--scheduler", "carrier-pigeon", "--draws", "10")
    assert code == 2 and "unknown scheduler" in err
