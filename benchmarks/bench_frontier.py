"""Pareto frontier and the four solution concepts: Détente against NegMAS 0.16.

Instances (seeded, :func:`make_values`): Genius-style domains of ``n_issues`` issues with 10 values
each, every party's value of an issue value drawn uniformly, shifted so each issue's worst value is 0
and scaled by a random issue weight (6 decimals). Reservation 0 for everyone, so every package is
acceptable and NegMAS (reserved value 0, minimum utility 0) and Détente use the same disagreement point.

Measured in the same run, each in a fresh subprocess (so timings include no warm caches):

* Détente: ``frontier(cs)`` (method ``auto``, :func:`detente.analysis.dispatch.choose_method`; the row
  names the method chosen) + ``solve_all(cs)`` (Nash, Kalai–Smorodinsky, egalitarian and welfare with
  every tie among all acceptable packages), scenario already compiled; wall-clock and CPU seconds.
* NegMAS: ``pareto_frontier(ufuns, issues=...)`` + ``nash_points``, ``ks_points``, ``kalai_points``
  (egalitarian) and ``max_welfare_points`` on that frontier; ufuns already built. Capped at 300 s.
* Peak memory: enumerating 10^7 packages (streaming frontier), ``ru_maxrss`` of the subprocess.
* The dynamic program alone on 100 and 200 yes/no moves × 3 parties (2^100, 2^200 packages; no baseline can
  enumerate), each capped at :data:`DP_CAP` seconds; frontier packages, distinct frontier vectors and the
  peak RSS of the subprocess. Baseline in the same run: the same program with the NumPy fold step
  (``_fold_step_numpy``: a stable lexicographic sort of the candidates and the NumPy divide and conquer
  ``_nd_sorted_unique``) in place of the compiled fold step of :mod:`detente.analysis._pareto_kernel`
  (merge of the sorted blocks + Fenwick sweep); both rebuild the packages with the compiled backward
  pass. The ratio is old / new, in wall-clock and in CPU seconds (CPU time is the steadier figure on a
  shared machine), and both must return the same packages (a digest of the choice matrix).

Agreement: the utility vectors of the Nash, egalitarian and welfare points and the number of distinct
frontier vectors are compared. NegMAS's ``ks_points`` minimises the spread max−min of the normalised
gains, while Détente maximises their minimum (the Genius definition), so KS is compared but may differ.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import numpy as np

NEGMAS_CAP = 300.0
ROOT = Path(__file__).resolve().parents[1]


def make_values(n_parties: int, n_issues: int, n_values: int = 10, seed: int = 0) -> list[list[list[float]]]:
    """values[k][j][i]: value of issue k's value j to party i (see module docstring)."""
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n_issues):
        v = rng.random((n_values, n_parties))
        v -= v.min(axis=0)
        v *= rng.uniform(0.2, 1.0, n_parties)
        out.append(np.round(v, 6).tolist())
    return out


def scenario_dict(values: list[list[list[float]]]) -> dict:
    n_p = len(values[0][0])
    return {
        "meta": {"title": "benchmark domain"},
        "parties": [{"id": f"p{i}", "name": f"P{i}", "reservation": 0} for i in range(n_p)],
        "moves": [
            {
                "id": f"i{k}",
                "name": f"Issue {k}",
                "owner": "p0",
                "category": "c",
                "options": [
                    {"id": f"v{j}", "values": {f"p{i}": x for i, x in enumerate(row)}}
                    for j, row in enumerate(opts)
                ],
            }
            for k, opts in enumerate(values)
        ],
    }


DETENTE = textwrap.dedent(
    """
    import json, sys, time
    from detente.model.compiled import compile_scenario
    from detente.model.scenario import Scenario
    from detente.analysis.solve import frontier, solve_all
    doc = json.load(open(sys.argv[1]))
    cs = compile_scenario(Scenario.model_validate(doc))
    t, c = time.perf_counter(), time.process_time()
    fr = frontier(cs)
    res = solve_all(cs)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    out = {"seconds": seconds, "cpu": cpu, "frontier": len({tuple(round(x, 6) for x in p.utilities) for p in fr.packages}),
           "method": fr.method + " + " + res["nash"].method}
    for c, r in res.items():
        out[c] = sorted({tuple(round(float(x), 6) for x in p.utilities) for p in r.packages})
    print(json.dumps(out))
    """
)

NEGMAS = textwrap.dedent(
    """
    import json, sys, time
    from negmas.outcomes import make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.ops import pareto_frontier, nash_points, ks_points, kalai_points, max_welfare_points
    values = json.load(open(sys.argv[1]))
    n_p = len(values[0][0])
    issues = [make_issue([f"v{j}" for j in range(len(opts))], f"i{k}") for k, opts in enumerate(values)]
    ufuns = [LinearAdditiveUtilityFunction(
        values=[{f"v{j}": row[i] for j, row in enumerate(opts)} for opts in values],
        weights=[1.0] * len(values), issues=issues, reserved_value=0.0) for i in range(n_p)]
    t, c = time.perf_counter(), time.process_time()
    front, _ = pareto_frontier(ufuns, issues=issues)
    pts = {"nash": nash_points(ufuns, front, issues=issues), "ks": ks_points(ufuns, front, issues=issues),
           "egalitarian": kalai_points(ufuns, front, issues=issues),
           "welfare": max_welfare_points(ufuns, front, issues=issues)}
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    out = {"seconds": seconds, "cpu": cpu, "frontier": len({tuple(round(float(x), 6) for x in u) for u in front})}
    for c, p in pts.items():
        out[c] = sorted({tuple(round(float(x), 6) for x in u) for u, _ in p})
    print(json.dumps(out))
    """
)

MEMORY = textwrap.dedent(
    """
    import json, resource, sys, time
    from detente.model.compiled import compile_scenario
    from detente.model.scenario import Scenario
    from detente.analysis.methods.enumeration import enumerated_frontier
    doc = json.load(open(sys.argv[1]))
    cs = compile_scenario(Scenario.model_validate(doc))
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    choices, ints, n_acc = enumerated_frontier(cs)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "n": n_acc, "frontier": int(choices.shape[0]),
                      "peak_mb": peak / 1024, "base_mb": base / 1024}))
    """
)

DP_SCRIPT = textwrap.dedent(
    """
    import hashlib, json, resource, sys, time
    import numpy as np
    from detente.model.compiled import compile_scenario
    from detente.model.scenario import Scenario
    from detente.analysis.methods import dp as fr
    if sys.argv[2] == "old":  # the NumPy fold step (stable sort + divide-and-conquer filter), same call
        def numpy_fold(states, by_y, v, slack):
            step = fr._fold_step_numpy(states, v, slack)
            return None if step is None else (*step, None)
        fr._fold_step = numpy_fold
    doc = json.load(open(sys.argv[1]))
    # load (or compile) the kernels before the clock starts, as any later call in a process finds them
    warm = dict(doc, moves=doc["moves"][:4])
    fr.dp_frontier(compile_scenario(Scenario.model_validate(warm)))
    cs = compile_scenario(Scenario.model_validate(doc))
    t, c = time.perf_counter(), time.process_time()
    ef = fr.dp_frontier(cs)
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    digest = hashlib.sha256(np.ascontiguousarray(ef.choices).tobytes()).hexdigest()[:16]
    print(json.dumps({"seconds": seconds, "cpu": cpu, "frontier": ef.n_packages, "digest": digest,
                      "vectors": int(np.unique(ef.ints, axis=0).shape[0]), "peak_mb": peak / 1024}))
    """
)


def _run(script: str, payload: object, timeout: float | None = None, *args: str) -> dict | None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "in.json"
        data.write_text(json.dumps(payload), encoding="utf-8")
        try:
            proc = subprocess.run(
                [sys.executable, "-c", script, str(data), *args],
                capture_output=True,
                text=True,
                timeout=timeout,
                cwd=ROOT,
                check=True,
            )
        except subprocess.TimeoutExpired:
            return None
        except subprocess.CalledProcessError as exc:
            raise RuntimeError(f"benchmark subprocess failed:\n{exc.stderr}") from exc
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _agree(ours: dict, theirs: dict) -> str:
    same = [c for c in ("nash", "egalitarian", "welfare") if ours[c] == theirs[c]]
    parts = [f"{', '.join(same) or 'none'} identical"]
    if len(same) < 3:
        parts.append(f"differ: {', '.join(c for c in ('nash', 'egalitarian', 'welfare') if c not in same)}")
    parts.append("KS " + ("identical" if ours["ks"] == theirs["ks"] else "differs (definitions differ)"))
    parts.append(
        f"frontier {ours['frontier']:,} = {theirs['frontier']:,}"
        if ours["frontier"] == theirs["frontier"]
        else f"frontier {ours['frontier']:,} vs {theirs['frontier']:,}"
    )
    return "; ".join(parts)


DP_MOVES = (100, 200)
#: Cap on each dynamic-program run (seconds).
DP_CAP = 600.0


def dp_dict(n_moves: int = DP_MOVES[0], seed: int = 0) -> dict:
    """``n_moves`` yes/no moves, each worth uniform(−1, 1) (2 decimals) to each of 3 parties."""
    rng = np.random.default_rng(seed)
    moves = []
    for k in range(n_moves):
        v = np.round(rng.uniform(-1, 1, 3), 2)
        moves.append(
            {
                "id": f"m{k}",
                "name": f"M{k}",
                "owner": "p0",
                "category": "c",
                "options": [
                    {"id": "no"},
                    {"id": "yes", "values": {f"p{i}": float(x) for i, x in enumerate(v)}},
                ],
            }
        )
    parties = [{"id": f"p{i}", "name": f"P{i}", "reservation": -1000} for i in range(3)]
    return {"meta": {"title": f"{n_moves} yes/no moves"}, "parties": parties, "moves": moves}


def dp_rows() -> list[str]:
    """Table rows of the dynamic program alone, compiled fold against the NumPy fold (module docstring)."""
    rows: list[str] = []
    for n_moves in DP_MOVES:
        label = f"{n_moves} yes/no moves × 3 parties (2^{n_moves} packages): exact DP frontier"
        dp = _run(DP_SCRIPT, dp_dict(n_moves), DP_CAP, "new")
        old = _run(DP_SCRIPT, dp_dict(n_moves), DP_CAP, "old")
        if dp is None:
            rows.append(f"| {label} | did not finish in {DP_CAP:.0f} s | — | — | |")
            continue
        if old is None:
            versus, ratio = f"NumPy fold: did not finish in {DP_CAP:.0f} s", "—"
        else:
            assert old["digest"] == dp["digest"], "the compiled fold must give the same frontier"
            versus = f"{old['seconds']:.1f} s ({old['cpu']:.1f} s CPU)"
            ratio = f"{old['seconds'] / dp['seconds']:.1f}× ({old['cpu'] / dp['cpu']:.1f}× CPU)"
        rows.append(
            f"| {label} | {dp['seconds']:.1f} s ({dp['cpu']:.1f} s CPU) | {versus} | {ratio} | "
            f"{dp['frontier']:,} frontier packages ({dp['vectors']:,} distinct utility vectors), identical "
            f"with both fold steps; peak RSS {dp['peak_mb']:,.0f} MB |"
        )
    return rows


def negmas_rows() -> list[str]:
    """Table rows of Détente against NegMAS on the same seeded domains (module docstring)."""
    rows: list[str] = []
    for n_p, n_issues, label in ((3, 6, "3 parties × 10^6 outcomes"), (5, 6, "5 parties × 10^6 outcomes")):
        values = make_values(n_p, n_issues, seed=n_p)
        ours = _run(DETENTE, scenario_dict(values))
        assert ours is not None
        theirs = _run(NEGMAS, values, timeout=NEGMAS_CAP)
        mine = f"{ours['seconds']:.2f} s ({ours['cpu']:.2f} s CPU)"
        if theirs is None:
            rows.append(
                f"| {label} | {mine} | did not finish in {NEGMAS_CAP:.0f} s | "
                f"> {NEGMAS_CAP / ours['seconds']:.0f}× | frontier {ours['frontier']:,} ({ours['method']}) |"
            )
        else:
            rows.append(
                f"| {label} | {mine} | {theirs['seconds']:.1f} s ({theirs['cpu']:.1f} s CPU) | "
                f"{theirs['seconds'] / ours['seconds']:.0f}× ({theirs['cpu'] / ours['cpu']:.0f}× CPU) | "
                f"{_agree(ours, theirs)}; Détente method: {ours['method']} |"
            )
    return rows


def run() -> str:
    rows = negmas_rows()
    notes = []
    mem_values = make_values(3, 7, seed=7)
    mem = _run(MEMORY, scenario_dict(mem_values))
    assert mem is not None
    rows.append(
        f"| 3 parties × 10^7 outcomes: enumerate + streaming frontier | {mem['seconds']:.1f} s | — | — | "
        f"peak RSS {mem['peak_mb']:.0f} MB (interpreter + imports {mem['base_mb']:.0f} MB); "
        f"{mem['n']:,} packages, frontier {mem['frontier']:,} |"
    )
    rows += dp_rows()
    notes.append(
        "Détente: `frontier` (method `auto`; the row names the method it chose) + `solve_all` (every tie among all acceptable "
        "packages: welfare, egalitarian and Nash read off the exact frontier, KS ties by one thresholded "
        "enumeration pass); "
        "NegMAS 0.16: `pareto_frontier` + `nash_points`, `ks_points`, `kalai_points`, `max_welfare_points`. "
        "Each side runs in its own subprocess on the same seeded domain (issues of 10 values). "
        "Baseline: NegMAS for the first two rows; for the DP rows, the same dynamic program with the "
        "NumPy fold step (stable sort + divide and conquer) instead of the compiled one."
    )
    head = (
        "## Frontier and solution concepts\n\n"
        "| case | Détente | baseline | ratio | agreement / notes |\n| --- | --- | --- | --- | --- |\n"
    )
    return head + "\n".join(rows) + "\n\n" + " ".join(notes) + "\n"


if __name__ == "__main__":
    start = time.perf_counter()
    if sys.argv[1:] == ["dp"]:
        print("\n".join(dp_rows()))
    elif sys.argv[1:] == ["negmas"]:
        print("\n".join(negmas_rows()))
    else:
        print(run())
    print(f"({time.perf_counter() - start:.1f} s)")
