"""Exact optimization on large package spaces (CP-SAT): Nash and egalitarian, proven optimal.

Instance: seeded random scenario with yes/no moves, 6 parties and 20 prerequisite/exclusion rules
(see :func:`make_instance`). Measured in the same run: ``solve_cpsat`` for Nash (tangent outer
approximation + exact certification) and egalitarian (leximin), for 50/100/200 moves, against a naive
baseline — CP-SAT ``AddMultiplicationEquality`` on the Nash product with a time cap.
"""

from __future__ import annotations

import time

import numpy as np

from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario


def make_instance(
    n_moves: int = 200, n_parties: int = 6, n_rules: int = 20, seed: int = 0, decimals: int = 1
) -> CompiledScenario:
    """A seeded random scenario of ``n_moves`` yes/no moves.

    Each move is owned by a random party, costs its owner 0.5–5 and benefits one to three other parties by 0.1–6
    (values rounded to ``decimals`` places); ``n_rules`` rules alternate prerequisites (move a requires an earlier move b,
    so no cycles) and exclusions. Reservation values are 0.
    """
    rng = np.random.default_rng(seed)
    parties = [f"P{i}" for i in range(n_parties)]
    moves = []
    for k in range(n_moves):
        owner = int(rng.integers(n_parties))
        gains = {parties[owner]: -round(float(rng.uniform(0.5, 5.0)), decimals)}
        others = [i for i in range(n_parties) if i != owner]
        for i in rng.choice(others, size=int(rng.integers(1, 4)), replace=False):
            gains[parties[int(i)]] = round(float(rng.uniform(0.1, 6.0)), decimals)
        moves.append(
            {
                "id": f"m{k}",
                "name": f"Move {k}",
                "owner": parties[owner],
                "category": f"c{k % 4}",
                "options": [{"id": "no"}, {"id": "yes", "values": gains}],
                "requires": [],
                "excludes": [],
            }
        )
    for r in range(n_rules):
        a, b = sorted(int(v) for v in rng.choice(n_moves, size=2, replace=False))
        if r % 2 == 0:
            moves[b]["requires"].append(f"m{a}")
        else:
            moves[b]["excludes"].append(f"m{a}")
    data = {
        "meta": {"title": f"random {n_moves} moves, seed {seed}"},
        "parties": [{"id": p, "name": f"Party {p}", "reservation": 0} for p in parties],
        "moves": moves,
    }
    return compile_scenario(Scenario.model_validate(data))


def naive_nash(cs: CompiledScenario, time_limit: float) -> tuple[str, float, float | None]:
    """Baseline: CP-SAT on the Nash product itself (``AddMultiplicationEquality``), capped at
    ``time_limit``. Returns (status, seconds, product found)."""
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import new_solver, scaled_model

    sm = scaled_model(cs)
    gains = []
    top = 1
    for i, g in enumerate(sm.gains()):
        hi = int(sm.gain_hi[i])
        v = sm.model.new_int_var(1, max(1, hi), f"g{i}")
        sm.model.add(v == g)
        gains.append(v)
        top *= max(1, hi)
    if top >= 2**62:
        return "product exceeds 64 bits", 0.0, None
    product = sm.model.new_int_var(1, top, "product")
    sm.model.add_multiplication_equality(product, gains)
    sm.model.maximize(product)
    start = time.perf_counter()
    solver = new_solver(time_limit)
    status = solver.solve(sm.model)
    seconds = time.perf_counter() - start
    name = {cp_model.OPTIMAL: "optimal", cp_model.FEASIBLE: "not proven", cp_model.INFEASIBLE: "infeasible"}
    value = (
        solver.objective_value / sm.scale**cs.n_parties
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
        else None
    )
    return name.get(status, "no solution"), seconds, value


def _timed(cs: CompiledScenario, concept: str) -> tuple[float, bool, float | None]:
    from detente.analysis.methods.cpsat import solve_cpsat

    start = time.perf_counter()
    result = solve_cpsat(cs, concept, time_limit=60.0)
    return time.perf_counter() - start, result.optimal, result.objective


def _cell(seconds: float, optimal: bool) -> str:
    return f"{seconds:.2f} s" + ("" if optimal else " (not proven)")


def _baseline_cell(cs: CompiledScenario, nash_seconds: float, nash_objective: float | None) -> str:
    status, seconds, value = naive_nash(cs, BASELINE_CAP)
    if value is None:
        return f"{seconds:.2f} s, {status}"
    same = nash_objective is not None and abs(value - nash_objective) <= 1e-9 * abs(nash_objective)
    at_least = "" if status == "optimal" else "≥ "
    return (
        f"{seconds:.2f} s, {status}, {'same' if same else 'worse'} product "
        f"({at_least}{seconds / nash_seconds:.1f}× Détente's time)"
    )


def run() -> str:
    rows = []
    cases = [(0, n, 0) for n in SIZES] + [(1, n, 0) for n in SIZES] + [(1, SIZES[-1], s) for s in (1, 2)]
    for decimals, n, seed in cases:
        cs = make_instance(n, seed=seed, decimals=decimals)
        eg_s, eg_opt, _ = _timed(cs, "egalitarian")
        na_s, na_opt, na_obj = _timed(cs, "nash")
        ks_s, ks_opt, _ = _timed(cs, "ks")
        base = _baseline_cell(cs, na_s, na_obj) if decimals == 0 else "—"
        values = "integers" if decimals == 0 else "tenths"
        rows.append(
            f"| {n} | {values} | {seed} | {_cell(eg_s, eg_opt)} | {_cell(na_s, na_opt)} | {_cell(ks_s, ks_opt)} "
            f"| {base} |"
        )
    return "\n".join(
        [
            "## Exact optimization",
            "",
            "`solve_cpsat` (`detente.analysis.methods.cpsat`) on seeded random scenarios (`benchmarks/bench_exact.py`,",
            "`make_instance`: yes/no moves, 6 parties, 20 prerequisite/exclusion rules), wall-clock time to a",
            "**proven optimal** answer, including the listing of every tied package. Egalitarian = max-min with",
            "leximin tie-break (sums of the k smallest gains, 6 solves); Nash = tangent outer approximation of the",
            "log with exact",
            "certification; KS = ideal point (6 solves) + exact-ratio max-min. Baseline, same run: CP-SAT",
            "maximising the Nash product directly (`AddMultiplicationEquality`, default solver), capped at",
            f"{BASELINE_CAP:.0f} s (with values in tenths the product of six scaled gains can exceed 64 bits, so the",
            "baseline runs on integer values only). Target: proven-optimal Nash and egalitarian in < 5 s at 200",
            "moves. The machine is shared (2 cores): figures vary by about ±50 % between runs.",
            "",
            "| moves | values | seed | egalitarian (leximin) | Nash | KS | baseline Nash (multiplication) |",
            "| --- | --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )


BASELINE_CAP = 10.0
SIZES = (50, 100, 200)
