"""The uncertainty fields of the format: validation with located errors, and their compiled form."""

from __future__ import annotations

import numpy as np
import pytest

from detente.io.errors import ScenarioError
from detente.io.loader import parse_scenario
from detente.model.compiled import DIST_KINDS, CompiledScenario

BASE = """
format_version: 1
meta: {title: t}
parties:
  - {id: A, name: A, reservation: 2%s}
moves:
  - id: m
    name: m
    owner: A
    category: c
    options:
      - id: "no"
      - id: "yes"
        values: {A: %s}
%s
"""


def problems(res: str = "", value: str = "1", extra: str = "") -> list[str]:
    with pytest.raises(ScenarioError) as err:
        parse_scenario(BASE % (res, value, extra), "x.yaml")
    return [str(p) for p in err.value.problems]


def test_reservation_outside_its_range_is_located() -> None:
    (p,) = problems(res=", reservation_distribution: {kind: uniform, low: 3, high: 4}")
    assert p.startswith("x.yaml:5:") and "outside its distribution's range" in p


def test_triangular_mode_outside_range_is_located() -> None:
    (p,) = problems(value="{value: 1, distribution: {kind: triangular, low: 0, mode: 3, high: 2}}")
    assert "x.yaml:14:" in p and "'mode' (3.0) is outside" in p


def test_probabilities_above_one_and_empty_shift() -> None:
    extra = """uncertainty:
  scenarios:
    - {id: s1, name: s1, probability: 0.7, shifts: [{party: A, reservation: 1}]}
    - {id: s2, name: s2, probability: 0.6, shifts: [{party: A}]}
"""
    found = problems(extra=extra)
    assert any("x.yaml:18:" in p and "moves nothing" in p for p in found), found


def test_probabilities_sum_checked() -> None:
    extra = """uncertainty:
  scenarios:
    - {id: s1, name: s1, probability: 0.7, shifts: [{party: A, reservation: 1}]}
    - {id: s2, name: s2, probability: 0.6, shifts: [{party: A, reservation: 2}]}
"""
    (p,) = problems(extra=extra)
    assert "sum to 1.3" in p and "x.yaml:15:" in p


def test_unknown_references_are_located_with_a_fix() -> None:
    """Unknown ids in the uncertainty section come from the reference checker: file:line:col, the
    field's path and a fix (a close id, or the known ones)."""
    extra = """uncertainty:
  factors:
    - id: f
      name: f
      distribution: {kind: normal, mean: 0, sd: 1}
      sources: [nowhere]
      shifts:
        - {party: B, moves: [m], value: 1}
        - {party: A, categories: [zz], value: 1}
        - {party: A, moves: [mm, "m:maybe"], value: 1}
  scenarios:
    - {id: f, name: s, probability: 0.2, shifts: [{party: A, reservation: 1}]}
"""
    found = problems(extra=extra)
    expected = [
        (
            "x.yaml:20:17:",
            "uncertainty.factors[0].sources[0]",
            "unknown source 'nowhere'",
            "no sources are defined",
        ),
        ("x.yaml:22:12:", "uncertainty.factors[0].shifts[0].party", "unknown party 'B'", "known: A"),
        (
            "x.yaml:23:35:",
            "uncertainty.factors[0].shifts[1].categories[0]",
            "unknown category 'zz'",
            "known: c",
        ),
        (
            "x.yaml:24:30:",
            "uncertainty.factors[0].shifts[2].moves[0]",
            "unknown move 'mm'",
            "did you mean 'm'?",
        ),
        (
            "x.yaml:24:34:",
            "uncertainty.factors[0].shifts[2].moves[1]",
            "unknown option 'maybe' of move 'm'",
            "",
        ),
        (
            "x.yaml:26:8:",
            "uncertainty.scenarios[0].id",
            "duplicate id 'f' (first used at uncertainty.factors[0])",
            "",
        ),
    ]
    assert len(found) == len(expected), found
    for (where, path, message, fix), got in zip(expected, found, strict=True):
        assert got.startswith(f"{where} {path}: {message}"), got
        assert fix in got, got
        assert "(" in got  # every problem carries a fix


def test_unknown_reference_from_the_cli_exits_nonzero(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from detente.cli.app import main

    extra = """uncertainty:
  scenarios:
    - {id: s, name: s, probability: 0.2, shifts: [{party: Z, reservation: 1}]}
"""
    f = tmp_path / "bad.yaml"
    f.write_text(BASE % ("", "1", extra), encoding="utf-8")
    with pytest.raises(SystemExit) as exc:
        main(["robustness", str(f), "--draws", "10"])
    assert exc.value.code != 0
    out, err = capsys.readouterr()
    text = " ".join((out + err).split())  # the console may wrap long lines
    assert "bad.yaml:17:52:" in text and "unknown party 'Z'" in text and "known: A" in text
    assert "Traceback" not in text


def test_compiled_inputs(relief: CompiledScenario) -> None:
    cu = relief.uncertainty
    assert cu is not None
    assert (cu.n_judgments, cu.n_reservations, cu.n_factors, cu.n_scenarios) == (10, 1, 1, 2)
    assert cu.n_inputs == 13
    kinds = [DIST_KINDS[k] for k in cu.kind]
    assert kinds.count("triangular") == 1 and kinds.count("normal") == 2  # a value and the factor
    # the factor moves US's relief options (partial, full) by −1 per unit and US's reservation by 0.5
    us = relief.party_index("US")
    partial = relief.option_index("relief", "partial")
    full = relief.option_index("relief", "full")
    moved = np.flatnonzero(cu.factor_values[0][:, us])
    assert sorted(moved.tolist()) == sorted([partial, full])
    assert cu.factor_reservation[0, us] == 0.5
    # hawkish Congress: −1.5 on every carried-out option of relief and exercises, for US only
    hawk = cu.scenario_values[0]
    assert hawk[relief.option_index("exercises", "suspend"), us] == -1.5
    assert hawk[:, relief.party_index("KP")].sum() == 0
    assert cu.scenario_probability.tolist() == [0.3, 0.2]


def test_flagship_has_46_uncertain_judgments() -> None:
    from pathlib import Path

    import detente as dt

    root = Path(__file__).resolve().parents[2]
    cs = dt.compile_scenario(dt.load_scenario(root / "scenarios" / "korea-2019.yaml"))
    assert cs.uncertainty is not None and cs.uncertainty.n_judgments == 46
