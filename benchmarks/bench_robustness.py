"""Robustness at scale, sensitivity, and Dask (the flagship, scenarios/korea-2019.yaml).

1. ``detente robustness`` with 10^6 draws over the flagship's options, timed as a whole process
   (import, load, options search, sampling, evaluation; target < 20 s on 2 cores).
2. Value evaluations per second: the matrix-product engine (:mod:`detente.uncertainty.evaluation`)
   against a plain NumPy loop over draws (one (O, P) value table per draw, ``table[g].sum``), same
   packages, same run. A "value evaluation" is one option value added into one party's utility of one
   package in one draw, so both sides count N × K × M × P of them.
3. Sensitivity of the Nash package: Sobol' indices and EVPPI for every uncertain input, and the
   break-even values (solver calls) — timed per judgment on a sample of judgments because each
   break-even needs several CP-SAT solves of the flagship.
4. Dask: the same 10^6 draws on a local cluster of 1 and of 2 worker processes (speed-up), and the
   overhead per task (the time per trivial task on a 1-worker cluster).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
FLAGSHIP = ROOT / "scenarios" / "korea-2019.yaml"
DRAWS = 1_000_000
LOOP_DRAWS = 20_000
BREAK_EVEN_SAMPLE = 3


def _noop(seed: object, size: int) -> int:
    return size


def run() -> str:
    import detente as dt
    from detente.uncertainty.evaluation import uncertainty_of, value_tables
    from detente.uncertainty.robust import default_packages, simulate
    from detente.uncertainty.runner import chunks, map_chunks
    from detente.uncertainty.sampling import sample_inputs

    detente_bin = Path(sys.executable).parent / "detente"
    t0 = time.perf_counter()
    proc = subprocess.run(
        [str(detente_bin), "robustness", str(FLAGSHIP), "--draws", str(DRAWS), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    whole = time.perf_counter() - t0
    import json

    first = json.loads(proc.stdout)["packages"][0]

    cs = dt.compile_scenario(dt.load_scenario(FLAGSHIP))
    pk = np.vstack([c for _, c in default_packages(cs, "nash", 4)])
    k, m, p = len(pk), cs.n_moves, cs.n_parties
    t0 = time.perf_counter()
    simulate(cs, pk, draws=DRAWS, seed=0)
    engine = time.perf_counter() - t0
    engine_rate = DRAWS * k * m * p / engine

    cu = uncertainty_of(cs)
    x = sample_inputs(cu, np.random.default_rng(0), LOOP_DRAWS)
    g = cs.global_options(pk)
    t0 = time.perf_counter()
    vals, res = value_tables(cs, x)
    for n in range(LOOP_DRAWS):  # the plain loop: one value table per draw
        u = vals[n][g].sum(axis=1)
        _ = np.all(u >= res[n] - 1e-9, axis=1)
    loop = time.perf_counter() - t0
    loop_rate = LOOP_DRAWS * k * m * p / loop

    from detente.uncertainty.breakeven import break_even
    from detente.uncertainty.sensitivities import sensitivity

    t0 = time.perf_counter()
    sensitivity(cs, concept="nash", break_evens=False)
    sobol_s = time.perf_counter() - t0
    from detente.analysis.solve import solve

    pstar = np.asarray(solve(cs, "nash").packages[0].choices)
    be_times, be_solves = [], []
    pool = [c for c in pk if not np.array_equal(c, pstar)]
    for j in range(BREAK_EVEN_SAMPLE):
        t0 = time.perf_counter()
        be = break_even(cs, "nash", pstar, j, pool=pool)
        be_times.append(time.perf_counter() - t0)
        be_solves.append(be.solves)
    per_be = float(np.mean(be_times))
    est_all = sobol_s + per_be * cu.n_judgments

    from distributed import Client, LocalCluster

    dask_rows = []
    for workers in (1, 2):
        with (
            LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=":0") as cl,
            Client(cl) as client,
        ):
            simulate(cs, pk, draws=65_536, seed=1, client=client)  # warm the workers
            t0 = time.perf_counter()
            simulate(cs, pk, draws=DRAWS, seed=0, client=client)
            dask_rows.append(time.perf_counter() - t0)
            if workers == 1:
                tasks = chunks(400, 0, 1)
                t0 = time.perf_counter()
                map_chunks(_noop, tasks, client=client)
                overhead = (time.perf_counter() - t0) / len(tasks)

    return "\n".join(
        [
            "## Robustness, sensitivity and Dask",
            "",
            f"The flagship (`scenarios/korea-2019.yaml`: {m} moves, {p} parties, {cu.n_inputs} uncertain "
            f"judgments), its {k} Nash options. Monte Carlo over the judgments' ranges; same run, 2 cores "
            "shared with other work.",
            "",
            "| measure | value | target / baseline | ratio |",
            "| --- | ---: | --- | ---: |",
            f"| `detente robustness` with {DRAWS:,} draws, whole process | {whole:.1f} s | < 20 s | "
            f"{'met' if whole < 20 else 'not met'} |",
            f"| value evaluations per second, matrix engine ({DRAWS:,} draws) | {engine_rate:.2e} /s | "
            f"plain NumPy loop over draws: {loop_rate:.2e} /s | {engine_rate / loop_rate:.0f}× |",
            f"| Sobol' indices + EVPPI, all {cu.n_inputs} inputs (2 × 8,192 draws) | {sobol_s:.1f} s | | |",
            f"| break-even per judgment (CP-SAT solves; mean of {BREAK_EVEN_SAMPLE}) | {per_be:.1f} s "
            f"({np.mean(be_solves):.0f} solves) | | |",
            f"| sensitivity with break-evens for all {cu.n_judgments} judgments (estimate) | "
            f"{est_all:.0f} s | < 60 s | {'met' if est_all < 60 else 'not met'} |",
            f"| Dask local cluster, {DRAWS:,} draws: 1 worker / 2 workers | {dask_rows[0]:.2f} s / "
            f"{dask_rows[1]:.2f} s | | {dask_rows[0] / dask_rows[1]:.2f}× speed-up |",
            f"| Dask overhead per task (400 trivial tasks, 1 worker) | {1000 * overhead:.1f} ms | | |",
            "",
            f"P(every party accepts option 1) = {first['acceptable_all']:.3f} ± {first['stderr_all']:.4f} "
            f"({DRAWS:,} draws, seed 0). The engine evaluates N × K × M × P = {DRAWS:,} × {k} × {m} × {p} "
            "value terms by one matrix product per chunk over only the uncertain terms, so its rate counts "
            "the equivalent work of the direct sum. The break-even search calls the CP-SAT Nash solver "
            "several times per judgment (bisection on a 10⁻³ grid, accelerated by a pool of rival packages "
            "that guesses the flip; the solver confirms both sides), which dominates the sensitivity run.",
        ]
    )


if __name__ == "__main__":
    print(run())
