"""Random small scenarios for the analysis property tests, and an independent brute force.

The brute force uses only ``itertools.product`` and the compiled model's own ``cs.acceptable``
(no code from detente.analysis), so the enumeration, frontier and concept code is checked against an
independent computation.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
from hypothesis import strategies as st

from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario


def build(
    values: list[list[list[float]]],
    reservation: list[float],
    *,
    requires: dict[int, list[str]] | None = None,
    red_lines: list[dict[str, Any]] | None = None,
    disagreement: list[float | None] | None = None,
) -> CompiledScenario:
    """values[k][j][i]: value of option j of move k to party i (moves m0.., options o0.., parties p0..)."""
    n_p = len(reservation)
    parties = [
        {"id": f"p{i}", "name": f"P{i}", "reservation": reservation[i]}
        | ({"disagreement": disagreement[i]} if disagreement and disagreement[i] is not None else {})
        for i in range(n_p)
    ]
    moves = []
    for k, opts in enumerate(values):
        moves.append(
            {
                "id": f"m{k}",
                "name": f"M{k}",
                "owner": "p0",
                "category": "c",
                "options": [
                    {"id": f"o{j}", "values": {f"p{i}": v for i, v in enumerate(row)}}
                    for j, row in enumerate(opts)
                ],
                "requires": (requires or {}).get(k, []),
            }
        )
    doc = {"meta": {"title": "random"}, "parties": parties, "moves": moves, "constraints": red_lines or []}
    return compile_scenario(Scenario.model_validate(doc))


@st.composite
def instances(
    draw: st.DrawFn, *, max_parties: int = 4, max_moves: int = 7, constraints: bool = True
) -> CompiledScenario:
    """2–max_parties parties, 2–max_moves moves with 2–4 options, small integer values (many ties),
    reservations, and (optionally) acyclic prerequisites and red lines."""
    n_p = draw(st.integers(2, max_parties))
    n_m = draw(st.integers(2, max_moves))
    sizes = [draw(st.integers(2, 4)) for _ in range(n_m)]
    val = st.integers(-3, 5).map(float)
    values = [[[draw(val) for _ in range(n_p)] for _ in range(n)] for n in sizes]
    reservation = [float(draw(st.integers(-2, 6))) for _ in range(n_p)]
    requires: dict[int, list[str]] = {}
    red: list[dict[str, Any]] = []
    if constraints:
        for k in range(1, n_m):
            if draw(st.integers(0, 3)) == 0:
                req = draw(st.integers(0, k - 1))  # earlier move only: no cycles
                opt = draw(st.integers(-1, sizes[req] - 1))
                requires[k] = [f"m{req}" if opt < 0 else f"m{req}:o{opt}"]
        for _ in range(draw(st.integers(0, 2))):
            k = draw(st.integers(0, n_m - 1))
            j = draw(st.integers(0, sizes[k] - 1))
            side = draw(st.sampled_from(["requires", "refuses"]))
            red.append(
                {"type": "red_line", "party": f"p{draw(st.integers(0, n_p - 1))}", side: [f"m{k}:o{j}"]}
            )
    return build(values, reservation, requires=requires, red_lines=red)


# ----- brute force ---------------------------------------------------------------------------------
def brute_acceptable(cs: CompiledScenario) -> tuple[list[tuple[int, ...]], np.ndarray]:
    """Every acceptable package (itertools.product order) and its utilities, in exact rationals-free floats."""
    pkgs = [p for p in itertools.product(*[range(int(n)) for n in cs.n_options])]
    arr = np.asarray(pkgs, dtype=np.int64)
    ok = cs.acceptable(arr)
    keep = [p for p, good in zip(pkgs, ok, strict=True) if good]
    return keep, (cs.utilities(np.asarray(keep)) if keep else np.zeros((0, cs.n_parties)))


def rounded(u: np.ndarray) -> list[tuple[float, ...]]:
    return [tuple(round(float(x), 9) for x in row) for row in u]


def brute_frontier(cs: CompiledScenario) -> set[tuple[int, ...]]:
    pkgs, u = brute_acceptable(cs)
    r = rounded(u)
    out = set()
    for a, ua in zip(pkgs, r, strict=True):
        dominated = any(all(x >= y for x, y in zip(ub, ua, strict=True)) and ub != ua for ub in r)
        if not dominated:
            out.add(a)
    return out


def brute_concept(cs: CompiledScenario, concept: str) -> set[tuple[int, ...]]:
    """Tied optima by the textbook definitions (values here are small integers, so exact ties)."""
    pkgs, u = brute_acceptable(cs)
    if not pkgs:
        return set()
    r = rounded(u)
    d = [float(x) for x in cs.disagreement]
    n_p = cs.n_parties
    ideal = [max(row[i] for row in r) for i in range(n_p)]
    can = [i for i in range(n_p) if ideal[i] - d[i] > 1e-9]
    if concept == "welfare":
        key = [round(sum(row), 6) for row in r]
    elif concept == "egalitarian":
        key = [tuple(sorted(round(row[i] - d[i], 6) for i in range(n_p))) for row in r]
    elif concept == "ks":
        key = [round(min((row[i] - d[i]) / (ideal[i] - d[i]) for i in can), 9) if can else 1.0 for row in r]
    elif concept == "nash":
        cand = [
            all(row[i] - d[i] >= 0 for i in range(n_p)) and all(row[i] - d[i] > 0 for i in can) for row in r
        ]
        if not any(cand):
            return set()
        key = [
            round(math.prod(row[i] - d[i] for i in can), 6) if c else -math.inf
            for row, c in zip(r, cand, strict=True)
        ]
    else:
        raise ValueError(concept)
    best = max(key)
    return {p for p, k in zip(pkgs, key, strict=True) if k == best}
