"""Real-valued utilities at scale: the Genius-like instance of issue 8, by decimals, against plain HiGHS.

Instance (:func:`instances.genius_like`, ``percent=True``): 200 yes/no issues × 6 parties, each party's
weights are percentages with ``d`` decimals (d = 0, 2, 4, 6, 12), evaluations in [0, 1] with ``d``
decimals, reservation 55 for everyone. Measured in the same run, single thread:

* Détente ``solve`` (``method="auto"``: MILP for egalitarian and KS, the HiGHS cutting-plane loop for Nash), CPU seconds
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
    """In-process solve CPU seconds (× plain HiGHS), whether proven, the method, and a whole
    ``detente solve`` process (wall / CPU seconds: start-up, loading, compiled kernels included)."""
    import tempfile

    from detente.analysis.solve import solve

    start = time.process_time()
    r = solve(cs, concept, time_limit=WORK)
    seconds = time.process_time() - start
    ratio = f" ×{seconds / base:.2g}" if base > 0.05 else ""
    with tempfile.TemporaryDirectory() as tmp:
        wall, cpu, answer = solve_process(cs, Path(tmp), concept)
    proven = "" if answer.get("optimal") else ", not proven"
    process = f"; process {wall:.1f} / {cpu:.1f} s{proven}"
    return f"{seconds:.1f} s{ratio}" + ("" if r.optimal else " (not proven)") + f" [{r.method}]" + process


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
    table = "\n".join(
        [
            "## Real-valued utilities (Genius-like, 200 issues × 6 parties)",
            "",
            "`benchmarks/bench_realvalued.py`: the same seeded instance with weights of 0–12 decimals",
            "(percentages) and the utilities-in-[0, 1] instance (12 decimals, seeds 0–2),",
            "`detente.analysis.solve` (auto: MILP backend for egalitarian and KS, the HiGHS cutting-plane loop for Nash) against a",
            "plain HiGHS max-min model of the same instance, same run, one thread each, CPU seconds (×: the",
            "ratio to plain HiGHS). Egalitarian includes the leximin tie-break and the tie check; plain",
            f"HiGHS answers the max-min only. Work budget {WORK:g} units per question. `process`: a whole",
            "`detente solve --concept … --format json` process (default budget), wall / CPU seconds, start-up,",
            "loading and the compiled search kernel included.",
            "",
            "| instance | egalitarian (leximin) | KS | Nash | plain HiGHS max-min |",
            "| --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    return table + ("\n\n" + run_nash() if nash else "")


# ----- Nash: the certified HiGHS cutting-plane loop against a plain HiGHS tangent-grid model -----------
NASH_SEEDS = (0, 1, 2)
#: The plain HiGHS Nash baselines: (tangents per party, zero gap): a coarse grid with HiGHS's default
#: settings (relative gap 10⁻⁴), and a fine grid solved to a zero gap (the closest a fixed grid gets to
#: the certified question).
PLAIN_MODELS = ((100, False), (1000, True))


def plain_highs_nash(
    cs: CompiledScenario, tangents: int = 100, zero_gap: bool = False
) -> tuple[float, str, float | None]:
    """(CPU seconds, status, Nash product of its package) of a plain HiGHS Nash model: the same acceptable
    packages, max Σ w_i z_i with z_i under a fixed geometric grid of ``tangents`` tangents of
    ln g_i over [10⁻⁶·h_i, h_i] (h_i the largest gain), default HiGHS settings (``zero_gap``:
    ``mip_rel_gap`` 0), one thread, one solve. Its envelope is not certified: the package is re-scored
    with the true product for the comparison."""
    import highspy

    start = time.process_time()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("time_limit", 600.0)
    if zero_gap:
        h.setOptionValue("mip_rel_gap", 0.0)
    inf = highspy.kHighsInf
    n, P = cs.n_total_options, cs.n_parties
    h.addVars(n, np.zeros(n), np.ones(n))
    h.changeColsIntegrality(
        n, np.arange(n, dtype=np.int32), np.full(n, highspy.HighsVarType.kInteger, dtype=np.uint8)
    )
    for k in range(cs.n_moves):
        idx = np.arange(cs.offsets[k], cs.offsets[k + 1], dtype=np.int32)
        h.addRow(1.0, 1.0, idx.size, idx, np.ones(idx.size))
    hi = (
        sum(cs.values[cs.offsets[k] : cs.offsets[k + 1]].max(axis=0) for k in range(cs.n_moves))
        - cs.disagreement
    )
    if np.any(hi <= 0):  # some party cannot gain: no strictly positive product for this model
        return time.process_time() - start, "not solved", None
    cols = np.arange(n, dtype=np.int32)
    for i in range(P):
        h.addRow(float(cs.reservation[i]), inf, n, cols, cs.values[:, i].astype(np.float64))
        g, z = n + 2 * i, n + 2 * i + 1
        h.addVar(1e-6 * hi[i], hi[i])
        h.addVar(-inf, inf)
        d = float(cs.disagreement[i])
        h.addRow(d, d, n + 1, np.append(cols, g).astype(np.int32), np.append(cs.values[:, i], -1.0))
        for a in np.geomspace(1e-6 * hi[i], hi[i], tangents):
            h.addRow(
                -inf,
                float(np.log(a) - 1.0),
                2,
                np.asarray([z, g], dtype=np.int32),
                np.asarray([1.0, -1.0 / a]),
            )
        h.changeColCost(z, float(cs.weight[i]))
    h.changeObjectiveSense(highspy.ObjSense.kMaximize)
    h.run()
    seconds = time.process_time() - start
    ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
    x = np.asarray(h.getSolution().col_value[:n])
    value = None
    if ok:
        c = np.asarray([int(np.argmax(x[cs.offsets[k] : cs.offsets[k + 1]])) for k in range(cs.n_moves)])
        gains = np.atleast_2d(cs.utilities(c))[0] - cs.disagreement
        value = float(np.prod(gains**cs.weight)) if np.all(gains > 0) else 0.0
    return seconds, "optimal for its grid" if ok else "not solved", value


def solve_process(cs: CompiledScenario, folder: Path, concept: str = "nash") -> tuple[float, float, dict]:
    """(wall s, CPU s, JSON answer) of a whole ``detente solve --concept CONCEPT --format json`` process."""
    import json
    import resource
    import subprocess

    path = folder / "instance.json"
    path.write_text(json.dumps(cs.scenario.model_dump(mode="json", exclude_none=True)))
    exe = Path(sys.executable).with_name("detente")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    out = subprocess.run(
        [str(exe), "solve", str(path), "--concept", concept, "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, json.loads(out.stdout)


def nash_rows() -> list[str]:
    """One row per instance: the whole process, the in-process solve, plain HiGHS, same run."""
    import tempfile

    from detente.analysis.solve import solve

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for percent in (True, False):
            for seed in NASH_SEEDS:
                for d in DECIMALS:
                    cs = genius_like(200, 6, decimals=d, seed=seed, percent=percent)
                    wall, cpu, answer = solve_process(cs, Path(tmp))
                    start = time.process_time()
                    r = solve(cs, "nash", time_limit=WORK)
                    ours = time.process_time() - start
                    cells = []
                    for tangents, zero_gap in PLAIN_MODELS:
                        base_s, _status, base_value = plain_highs_nash(cs, tangents, zero_gap)
                        share = (
                            f"{base_value / r.objective:.6f}"
                            if base_value is not None and r.objective
                            else "—"
                        )
                        cells.append(f"{base_s:.2f} | {ours / base_s:.2f}× | {share}")
                    rows.append(
                        f"| {'percent' if percent else '[0, 1]'} | {seed} | {d} | {wall:.2f} / {cpu:.2f} | "
                        f"{'yes' if answer['optimal'] else 'no'} | {answer['method']} | {ours:.2f} | "
                        + " | ".join(cells)
                        + " |"
                    )
                    print(rows[-1], flush=True)
    return rows


def run_nash() -> str:
    rows = nash_rows()
    return "\n".join(
        [
            "## Nash on real-valued utilities (Genius-like, 200 issues × 6 parties)",
            "",
            "`benchmarks/bench_realvalued.py` (`run_nash`): the weighted Nash solution Π(u_i − d_i)^{w_i} of",
            "the same seeded instances (percent weights and the [0, 1] variant, seeds 0–2, 0–12 decimals).",
            "*Process*: a whole `detente solve --concept nash --format json` process (wall / CPU seconds,",
            "start-up, loading and the tie list included). *Solve CPU*: `detente.analysis.solve.solve` in",
            "process. *Plain HiGHS*: one HiGHS model of the same question, the log under a fixed geometric",
            "grid of tangents per party, one thread, one solve, not certified: 100 tangents with default",
            "settings (relative gap 10⁻⁴), and 1000 tangents solved to a zero gap. For each: its CPU seconds,",
            "our solve CPU over it, and its package's true Nash product over ours (≤ 1: ours is proven).",
            "",
            "| data | seed | decimals | process s (wall / CPU) | proven | method | solve CPU s | "
            "plain-100 CPU s | ours / plain-100 | its product / ours | plain-1000 CPU s | "
            "ours / plain-1000 | its product / ours |",
            "| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(run_nash() if "--nash" in sys.argv else run(nash="--no-nash" not in sys.argv))
