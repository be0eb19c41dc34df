"""The one brute-force oracle of the analysis tests: small random scenarios and each concept computed
from first principles.

Every package (itertools.product), utilities and acceptability from the compiled model, and each
concept's definition in exact integer / fraction arithmetic (values are multiples of 1/10, so
utilities ×10 are integers). Nothing from detente.analysis is used.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario


@st.composite
def scenarios(draw: Any, max_parties: int = 3, max_moves: int = 4) -> CompiledScenario:
    """A small random scenario: values and reservations in tenths, random red lines and rules."""
    n_parties = draw(st.integers(1, max_parties))
    n_moves = draw(st.integers(1, max_moves))
    tenths = st.integers(-50, 50).map(lambda v: v / 10)
    parties = [f"p{i}" for i in range(n_parties)]
    moves = []
    for k in range(n_moves):
        n_opt = draw(st.integers(2, 3))
        options = [
            {"id": f"o{j}", "values": {p: draw(tenths) for p in parties if draw(st.booleans())}}
            for j in range(n_opt)
        ]
        moves.append(
            {
                "id": f"m{k}",
                "name": f"Move {k}",
                "owner": draw(st.sampled_from(parties)),
                "category": draw(st.sampled_from(["a", "b"])),
                "options": options,
                "requires": [],
                "excludes": [],
            }
        )
    refs = [f"m{k}" for k in range(n_moves)] + [f"m{k}:o{j}" for k in range(n_moves) for j in range(1, 2)]
    constraints: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["requires", "refuses", "count", "prereq", "excludes"]))
        if kind in ("requires", "refuses"):
            chosen = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=2, unique=True))
            constraints.append({"type": "red_line", "party": draw(st.sampled_from(parties)), kind: chosen})
        elif kind == "count":
            chosen = draw(st.lists(st.sampled_from(refs), min_size=1, max_size=3, unique=True))
            constraints.append({"type": "count", "refs": chosen, "max": draw(st.integers(0, 2))})
        elif n_moves >= 2:
            a, b = sorted(draw(st.lists(st.integers(0, n_moves - 1), min_size=2, max_size=2, unique=True)))
            moves[b]["requires" if kind == "prereq" else "excludes"].append(f"m{a}")
    data = {
        "meta": {"title": "random"},
        "parties": [
            {
                "id": p,
                "name": p.upper(),
                "reservation": draw(st.integers(-40, 20)) / 10,
                **({"disagreement": draw(st.integers(-40, 20)) / 10} if draw(st.booleans()) else {}),
            }
            for p in parties
        ],
        "moves": moves,
        "constraints": constraints,
    }
    return compile_scenario(Scenario.model_validate(data))


def acceptable_packages(cs: CompiledScenario) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every acceptable package, its integer utilities ×10 and integer disagreement points ×10."""
    every = np.asarray(list(itertools.product(*(range(int(n)) for n in cs.n_options))), dtype=np.int64)
    ok = cs.acceptable(every)
    pk = every[ok]
    u10 = np.rint(cs.utilities(pk) * 10).astype(np.int64) if len(pk) else np.zeros((0, cs.n_parties), int)
    return pk, u10, np.rint(cs.disagreement * 10).astype(np.int64)


def brute_force(cs: CompiledScenario, concept: str) -> tuple[float | None, set[tuple[int, ...]]]:
    """(optimal objective, set of tied packages) by definition (as in detente.analysis.concepts), in
    exact arithmetic. S = the parties that can gain (ideal_i > d_i); Nash multiplies the gains of S over
    packages with g_i > 0 on S and g_i ≥ 0 for all; with S empty every package ties at 1 (KS, Nash)."""
    pk, u, d = acceptable_packages(cs)
    if len(pk) == 0:
        return None, set()
    g = u - d
    S = [i for i in range(cs.n_parties) if u[:, i].max() - d[i] > 0]
    if concept == "nash":
        keep = np.all(g >= 0, axis=1) & np.all(g[:, S] > 0, axis=1)
        pk, g = pk[keep], g[keep]
        if len(pk) == 0:
            return None, set()
    every = {tuple(int(v) for v in row) for row in pk}
    if concept in ("nash", "ks") and not S:
        return 1.0, every
    if concept == "welfare":
        score: list[Any] = [int(v) for v in u.sum(axis=1)]
    elif concept == "egalitarian":
        score = [tuple(sorted(int(v) for v in row)) for row in g]  # leximin: compare sorted vectors
    elif concept == "nash":
        score = [math.prod(int(row[i]) for i in S) for row in g]
    else:
        span = u.max(axis=0) - d
        score = [min(Fraction(int(row[i]), int(span[i])) for i in S) for row in g]
    best = max(score)
    ties = {tuple(int(v) for v in pk[n]) for n, sc in enumerate(score) if sc == best}
    objective = {
        "welfare": lambda: best / 10,
        "egalitarian": lambda: best[0] / 10,
        "nash": lambda: best / 10 ** len(S),
        "ks": lambda: float(best),
    }[concept]()
    return objective, ties
