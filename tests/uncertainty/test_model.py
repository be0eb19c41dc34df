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


def test_unknown_references_named_with_their_path() -> None:
    extra = """uncertainty:
  factors:
    - id: f
      name: f
      distribution: {kind: normal, mean: 0, sd: 1}
      shifts: [{party: B, moves: [m], value: 1}, {party: A, categories: [zz], value: 1}]
"""
    (p,) = problems(extra=extra)
    assert "uncertainty.factors[0].shifts[0].party: unknown party 'B'" in p
    assert "uncertainty.factors[0].shifts[1].categories[0]: no move has category 'zz'" in p


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
