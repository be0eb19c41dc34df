"""Real-valued utilities at scale: the Genius-like instance of issue 8, by decimals, against plain HiGHS.

Instance (:func:`instances.genius_like`, ``percent=True``): 200 yes/no issues × 6 parties, each party's
weights are percentages with ``d`` decimals (d = 0, 2, 4, 6, 12), evaluations in [0, 1] with ``d``
decimals, reservation 55 for everyone. Measured in the same run, single thread:

* Détente ``solve`` (``method="auto"``: MILP for egalitarian and KS, CP-SAT for Nash), CPU seconds
  to an answer and whether it is proven optimal (leximin tie-break and tie listing included);
* plain HiGHS: one max-min model of the same instance (``max t, u_i − d_i ≥ t``, no leximin, no tie
  check), the baseline the issue names.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from detente.model.compiled import CompiledScenario  # noqa: E402
from instances import genius_like  # noqa: E402

DECIMALS = (0, 2, 4, 6, 12)
WORK = 120.0  # work units per question (deterministic budget)


def plain_highs_maxmin(cs: CompiledScenario) -> tuple[float, str, float]:
    """(CPU seconds, status, objective) of a plain HiGHS max-min model (one thread)."""
    import highspy

    start = time.process_time()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("time_limit", 600.0)
    inf = highspy.kHighsInf
    n = cs.n_total_options
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8)
    )
    h.addVar(-inf, inf)
    for k in range(cs.n_moves):
        idx = np.arange(cs.offsets[k], cs.offsets[k + 1], dtype=np.int32)
        h.addRow(1.0, 1.0, idx.size, idx, np.ones(idx.size))
    cols = np.arange(n + 1, dtype=np.int32)
    for i in range(cs.n_parties):
        h.addRow(float(cs.reservation[i]), inf, n, cols[:n], cs.values[:, i].astype(np.float64))
        h.addRow(float(cs.disagreement[i]), inf, n + 1, cols, np.concatenate([cs.values[:, i], [-1.0]]))
    h.changeColCost(n, 1.0)
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    return (
        time.process_time() - start,
        "optimal" if ok else "not proven",
        h.getInfo().objective_function_value,
    )


def _cell(cs: CompiledScenario, concept: str, base: float) -> str:
    from detente.analysis.solve import solve

    start = time.process_time()
    r = solve(cs, concept, time_limit=WORK)
    seconds = time.process_time() - start
    ratio = f" ×{seconds / base:.2g}" if base > 0.05 else ""
    return f"{seconds:.1f} s{ratio}" + ("" if r.optimal else " (not proven)") + f" [{r.method}]"


def instances() -> list[tuple[str, CompiledScenario]]:
    """The percent instance (seed 0) with 0–12 decimals, then the [0, 1] instance with 12 decimals,
    seeds 0–2."""
    out = [(f"% {d} dec.", genius_like(200, 6, decimals=d, seed=0, percent=True)) for d in DECIMALS]
    out += [(f"[0,1] seed {s}", genius_like(200, 6, decimals=12, seed=s)) for s in (0, 1, 2)]
    return out


def run(nash: bool = True) -> str:
    rows = []
    for label, cs in instances():
        base_s, base_status, _ = plain_highs_maxmin(cs)
        egal = _cell(cs, "egalitarian", base_s)
        ks = _cell(cs, "ks", base_s)
        nash_cell = _cell(cs, "nash", base_s) if nash else "—"
        rows.append(f"| {label} | {egal} | {ks} | {nash_cell} | {base_s:.1f} s ({base_status}) |")
        print(rows[-1], flush=True)
    return "\n".join(
        [
            "## Real-valued utilities (Genius-like, 200 issues × 6 parties)",
            "",
            "`benchmarks/bench_realvalued.py`: the same seeded instance with weights of 0–12 decimals",
            "(percentages) and the utilities-in-[0, 1] instance (12 decimals, seeds 0–2),",
            "`detente.analysis.solve` (auto: MILP backend for egalitarian and KS, CP-SAT for Nash) against a",
            "plain HiGHS max-min model of the same instance, same run, one thread each, CPU seconds (×: the",
            "ratio to plain HiGHS). Egalitarian includes the leximin tie-break and the tie check; plain",
            f"HiGHS answers the max-min only. Work budget {WORK:g} units per question.",
            "",
            "| instance | egalitarian (leximin) | KS | Nash | plain HiGHS max-min |",
            "| --- | --- | --- | --- | --- |",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(run(nash="--no-nash" not in sys.argv))
