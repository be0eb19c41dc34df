"""Simulated negotiations: speed and outcomes against NegMAS 0.16 on three ANAC domains, and a tournament.

Measured in the same run:

* **Negotiations per second** with the time-based strategies (Boulware, Linear, Conceder; every ordered
  pair, 100 rounds) on ANAC Car (2012, A), Travel (2010) and Laptop (2011): Détente's stacked
  alternating offers (:func:`detente.simulate.run.play`) against NegMAS's ``SAOMechanism`` with its
  ``BoulwareTBNegotiator`` / ``LinearTBNegotiator`` / ``ConcederTBNegotiator`` (``n_steps=100``). NegMAS gets
  exactly Détente's utilities (a ``LinearAdditiveUtilityFunction`` per party built from the compiled
  values and reservation values), so both negotiate the same problem. Speed is CPU time of this process
  (the machine is shared; wall time is shown too). Détente's figure includes building its CP-SAT offer
  engines (cold start) and then replays the pairs ``REPEATS`` times with its per-level offer cache warm.
* **Agreement rates and mean utilities** of matching strategies side by side, with the differences explained.
* **A tournament** of the six default strategies on the same 3 domains × 3 repetitions (``detente
  tournament``), in a fresh process: in process and on a local Dask cluster of 2 worker processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ANAC = HERE.parent.parent / "shared" / "reference" / "genius" / "anac"
DOMAINS = ("y2012/CarA", "y2010/Travel", "y2011/Laptop")
STRATS = ("boulware", "linear", "conceder")
ROUNDS = 100
REPEATS = 20
NEGMAS_REPEATS = 2


def _negmas_setup(cs):  # type: ignore[no-untyped-def]
    from negmas import make_issue, make_os
    from negmas.preferences import LinearAdditiveUtilityFunction

    issues = [make_issue(values=list(cs.option_ids[k]), name=cs.move_ids[k]) for k in range(cs.n_moves)]
    space = make_os(issues)
    ufuns = []
    for i in range(cs.n_parties):
        vals = [
            {o: float(cs.values[cs.offsets[k] + j, i]) for j, o in enumerate(cs.option_ids[k])}
            for k in range(cs.n_moves)
        ]
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=vals, outcome_space=space, reserved_value=float(cs.reservation[i])
            )
        )
    return space, ufuns


def _negmas_run(space, ufuns, a: str, b: str):  # type: ignore[no-untyped-def]
    from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator, SAOMechanism

    cls = {"boulware": BoulwareTBNegotiator, "linear": LinearTBNegotiator, "conceder": ConcederTBNegotiator}
    m = SAOMechanism(outcome_space=space, n_steps=ROUNDS)
    m.add(cls[a](name="a"), ufun=ufuns[0])
    m.add(cls[b](name="b"), ufun=ufuns[1])
    st = m.run()
    if st.agreement is None:
        return False, ROUNDS, [float(u.reserved_value) for u in ufuns]
    return True, int(st.step), [float(u(st.agreement)) for u in ufuns]


def _fmt_u(u: list[float]) -> str:
    return "/".join(f"{x:.2f}" for x in u)


def _tournament_seconds(files: list[str], scheduler: str | None) -> float:
    cmd = [
        sys.executable,
        "-m",
        "detente.cli.app",
        "tournament",
        *files,
        "--repetitions",
        "3",
        "--format",
        "json",
    ]
    if scheduler:
        cmd += ["--scheduler", scheduler]
    start = time.perf_counter()
    subprocess.run(cmd, check=True, capture_output=True, env={**os.environ, "COLUMNS": "80"})
    return time.perf_counter() - start


def run() -> str:
    warnings.filterwarnings("ignore")
    from detente.io.genius_import import import_genius
    from detente.model.compiled import compile_scenario
    from detente.simulate.game import Rules
    from detente.simulate.run import play

    css = [compile_scenario(import_genius(ANAC / d)) for d in DOMAINS]
    pairs = [(a, b) for a in STRATS for b in STRATS]
    rules = Rules(rounds=ROUNDS)

    # --- Détente -------------------------------------------------------------------------------------
    det: dict[tuple[int, str, str], tuple[bool, int, list[float]]] = {}
    c0, w0 = time.process_time(), time.perf_counter()
    for n, cs in enumerate(css):
        for a, b in pairs:
            o, _ = play(cs, [a, b], rules, 0)
            det[n, a, b] = (
                o.agreement,
                o.rounds,
                list(o.utilities if o.utilities is not None else cs.reservation),
            )
    cold_cpu, cold_wall = time.process_time() - c0, time.perf_counter() - w0
    for rep in range(1, REPEATS):
        for cs in css:
            for a, b in pairs:
                play(cs, [a, b], rules, rep)
    det_cpu, det_wall = time.process_time() - c0, time.perf_counter() - w0
    det_n = REPEATS * len(css) * len(pairs)

    # --- NegMAS --------------------------------------------------------------------------------------
    setups = [_negmas_setup(cs) for cs in css]
    neg: dict[tuple[int, str, str], tuple[bool, int, list[float]]] = {}
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(NEGMAS_REPEATS):
        for n, (space, ufuns) in enumerate(setups):
            for a, b in pairs:
                neg[n, a, b] = _negmas_run(space, ufuns, a, b)
    neg_cpu, neg_wall = time.process_time() - c0, time.perf_counter() - w0
    neg_n = NEGMAS_REPEATS * len(css) * len(pairs)

    det_rate, neg_rate = det_n / det_cpu, neg_n / neg_cpu
    cold_rate = len(css) * len(pairs) / cold_cpu
    lines = [
        "## Simulated negotiations vs NegMAS 0.16 (`bench_simulate.py`)",
        "",
        f"Time-based strategies, every ordered pair, {ROUNDS} rounds, on ANAC "
        + ", ".join(cs.scenario.meta.title for cs in css)
        + f" ({len(pairs)} pairs × {len(css)} domains). Speed in negotiations per CPU second of this process "
        "(wall seconds beside it: the machine is shared by other jobs).",
        "",
        "| engine | negotiations | neg/s (CPU) | wall s | ratio |",
        "|---|---:|---:|---:|---:|",
        f"| NegMAS `SAOMechanism` + `*TBNegotiator` | {neg_n} | {neg_rate:.1f} | {neg_wall:.1f} | 1× |",
        f"| Détente, cold (engines built, first {len(css) * len(pairs)}) | {len(css) * len(pairs)} | "
        f"{cold_rate:.1f} | {cold_wall:.1f} | {cold_rate / neg_rate:.1f}× |",
        f"| Détente, {REPEATS} repetitions (cache warm after the first) | {det_n} | {det_rate:.1f} | "
        f"{det_wall:.1f} | **{det_rate / neg_rate:.1f}×** |",
        "",
        "Goal: ≥ 20× NegMAS. Outcomes side by side (agreement round, utilities first/second party; "
        "no deal = reservation values):",
        "",
        "| domain | first | second | Détente round | Détente u | NegMAS round | NegMAS u |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for n, cs in enumerate(css):
        for a, b in pairs:
            d, g = det[n, a, b], neg[n, a, b]
            lines.append(
                f"| {cs.scenario.meta.title} | {a} | {b} | {d[1] if d[0] else '—'} | {_fmt_u(d[2])} | "
                f"{g[1] if g[0] else '—'} | {_fmt_u(g[2])} |"
            )
    lines += [
        "",
        "| strategy | Détente agreement | Détente mean u | NegMAS agreement | NegMAS mean u |",
        "|---|---:|---:|---:|---:|",
    ]
    for s in STRATS:
        du, da, gu, ga = [], [], [], []
        for (n, a, b), d in det.items():
            g = neg[n, a, b]
            for pos, name in enumerate((a, b)):
                if name == s:
                    du.append(d[2][pos])
                    da.append(d[0])
                    gu.append(g[2][pos])
                    ga.append(g[0])
        lines.append(
            f"| {s} | {np.mean(da):.0%} | {np.mean(du):.3f} | {np.mean(ga):.0%} | {np.mean(gu):.3f} |"
        )

    lines += [
        "",
        "Why the outcomes differ. Both sides use the same curve 1 − t^e (e = 4, 1, 0.25) between the "
        "same floor, max(reservation, worst utility), and the best utility, and both offer a package "
        "just above the target. (1) Which package: among the packages near the target — worth the same "
        "to the proposer but not to the other side — Détente takes CP-SAT's answer within half a grid "
        "step above the target, NegMAS its presorted worst-in-range outcome; the other side's curve then "
        "meets these offers at different times. This is the main effect: e.g. Car boulware–linear agrees "
        "in round 58 with Détente and 41 with NegMAS, and Travel boulware–boulware gives 0.86/0.75 "
        "against 0.64/0.67. (2) Acceptance: Détente accepts an offer worth at least what it would demand "
        "next (Genius's AC_next), NegMAS what lies within its current range (so NegMAS's conceders "
        "accept the very first offer on Car, round 1 against 4). (3) Détente rounds targets up to a grid "
        "of 100 levels (offers are cached per level); NegMAS uses the exact target with a small "
        "tolerance. (4) NegMAS counts relative time from its step counter, Détente uses t = round / "
        "rounds. Agreement rates are equal (100 % in both); mean utilities per strategy differ by at "
        "most 0.02; single pairs differ by up to 17 rounds.",
        "",
        "Where the speed comes from: the cold row is mostly CP-SAT building each party's offers once per "
        "level (≈ 100 small solves per party and domain); after that an offer is a cache lookup and a "
        "negotiation is a NumPy loop, while NegMAS re-runs its Python mechanism, negotiator and inverter "
        "machinery every step. Offers are cached per scenario fingerprint in the process, so a tournament "
        "pays the cold cost once per domain and worker.",
    ]
    files = [str(ANAC / d) for d in DOMAINS]
    t_in = _tournament_seconds(files, None)
    t_dask = _tournament_seconds(files, "local:2")
    lines += [
        "",
        "Tournament of the six default strategies (boulware, linear, conceder, tit-for-tat, hardliner, learner) "
        f"on the 3 domains × 3 repetitions ({6 * 6 * 3 * 3} negotiations), fresh process, wall time:",
        "",
        "| run | seconds | goal |",
        "|---|---:|---:|",
        f"| in process (1 core) | {t_in:.1f} | < 120 |",
        f"| Dask `local:2` (2 worker processes, incl. cluster start) | {t_dask:.1f} | < 120 |",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
