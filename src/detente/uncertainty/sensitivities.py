"""Which judgments the recommendation rests on: break-evens, variance-based indices, EVPI, tornado.

For a concept C, p* is the package :func:`detente.analysis.solve.solve` selects at the point values,
and Y(X) = 1{every party accepts p* in draw X}. For every uncertain input X_j (value judgments,
uncertain reservations, factor levels, the discrete-scenario selector):

* **break-even** (value and reservation judgments): the nearest value of X_j, all else at its point,
  at which C selects another package (:mod:`detente.uncertainty.breakeven`);
* **first-order and total Sobol' indices** of X_j on Y, from two independent N × d sample matrices A, B
  and the d matrices A_B^(j) (A with column j from B), f = Y:

      S_j  = (1/N) Σ f(B) (f(A_B^(j)) − f(A)) / V          (Saltelli et al. 2010, eq. (b))
      ST_j = (1/2N) Σ (f(A) − f(A_B^(j)))² / V             (Jansen 1999)

  with V the variance of f over A and B; standard errors are the terms' standard deviation / √N / V;
* **tornado**: P(Y = 1) with X_j held at its low and at its high end (the other inputs drawn), on the
  A matrix;
* **expected value of partial perfect information** on the choice among the options (k packages of
  :func:`detente.analysis.options.options_report`), with value = "every party accepts":

      EVPI     = E[max_k Y_k] − max_k E[Y_k]
      EVPPI_j  = E_{X_j}[max_k E[Y_k | X_j]] − max_k E[Y_k]

  E[Y_k | X_j] is estimated in ``bins`` equal-count bins of X_j (one bin per discrete scenario) on
  the A and B draws; the max over noisy bin means biases EVPPI up by about the bin means' standard
  error, so values below ``evppi_floor`` are reported as 0. The "research first" list ranks inputs by
  EVPPI, then total index: what to find out first to choose better among the options.
"""

from __future__ import annotations

import math
import time
from functools import partial

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray, IntArray
from detente.uncertainty.breakeven import RESOLUTION, NashBreakEvens, break_even, nash_break_evens
from detente.uncertainty.evaluation import evaluator, uncertainty_of
from detente.uncertainty.progress import progress_bar
from detente.uncertainty.results import JudgmentSensitivity, ResearchItem, SensitivityOutput
from detente.uncertainty.runner import map_items
from detente.uncertainty.sampling import sample_inputs, scenario_index

DEFAULT_SOBOL_DRAWS = 8_192
EVPPI_BINS = 16


def input_labels(cs: CompiledScenario) -> list[dict[str, object]]:
    """Description of every uncertain input, in input order: kind, move, option, party, value, low, high."""
    cu = uncertainty_of(cs)
    out: list[dict[str, object]] = []
    for j in range(cu.n_judgments):
        o = int(cu.judgment_option[j])
        k = int(cs.option_move[o])
        out.append(
            {
                "kind": "value",
                "move": cs.move_ids[k],
                "option": cs.option_ids[k][o - int(cs.offsets[k])],
                "party": cs.party_ids[int(cu.judgment_party[j])],
            }
        )
    for r in range(cu.n_reservations):
        out.append({"kind": "reservation", "party": cs.party_ids[int(cu.reservation_party[r])]})
    for f in range(cu.n_factors):
        out.append({"kind": "factor", "factor": cu.factor_ids[f], "name": cu.factor_names[f]})
    for item, c in zip(out, range(cu.n_continuous), strict=False):
        item["value"] = float(cu.point[c])
        item["low"] = float(cu.bounds[c, 0])
        item["high"] = float(cu.bounds[c, 1])
    if cu.n_scenarios:
        out.append({"kind": "scenario", "factor": "scenarios", "name": " / ".join(cu.scenario_names)})
    return out


def label_of(item: dict[str, object]) -> str:
    """A short readable name of an input: ``PARTY on MOVE:OPTION``, ``PARTY reservation``, a factor."""
    if item["kind"] == "value":
        return f"{item['party']} on {item['move']}:{item['option']}"
    if item["kind"] == "reservation":
        return f"{item['party']} reservation"
    if item["kind"] == "factor":
        return f"factor {item['factor']}"
    return "discrete scenario"


def _with_column(x: FloatArray, j: int, col: FloatArray | float) -> FloatArray:
    y = x.copy()
    y[:, j] = col
    return y


def sobol_indices(
    f_a: FloatArray, f_b: FloatArray, f_ab: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(S, S_se, ST, ST_se) from f(A), f(B) (N,) and f(A_B^(j)) (d, N) — estimators of the module docstring."""
    n = len(f_a)
    var = float(np.var(np.concatenate([f_a, f_b])))
    d = f_ab.shape[0]
    if var <= 0:
        z = np.zeros(d)
        return z, z, z, z
    first_terms = f_b[None, :] * (f_ab - f_a[None, :])
    total_terms = 0.5 * (f_a[None, :] - f_ab) ** 2
    s = first_terms.mean(axis=1) / var
    s_se = first_terms.std(axis=1) / math.sqrt(n) / var
    st = total_terms.mean(axis=1) / var
    st_se = total_terms.std(axis=1) / math.sqrt(n) / var
    return s, s_se, st, st_se


def evppi(
    cs: CompiledScenario, x: FloatArray, y: npt.NDArray[np.bool_], *, bins: int = EVPPI_BINS
) -> tuple[float, FloatArray, float]:
    """(EVPI, EVPPI per input (d,), floor) for acceptance indicators ``y`` (n, K) of K options on inputs
    ``x`` (n, d); ``floor`` is the noise level below which an EVPPI is reported as 0."""
    cu = uncertainty_of(cs)
    yf = y.astype(np.float64)
    n, k = yf.shape
    base = float(yf.mean(axis=0).max()) if k else 0.0
    evpi = float(yf.max(axis=1).mean()) - base if k else 0.0
    out = np.zeros(x.shape[1])
    for j in range(x.shape[1]):
        if cu.n_scenarios and j == cu.n_continuous:
            g = scenario_index(cu, x[:, j])
            nb = cu.n_scenarios + 1
        else:
            order = np.argsort(x[:, j], kind="stable")
            g = np.empty(n, dtype=np.int64)
            g[order] = np.arange(n) * bins // n
            nb = bins
        counts = np.bincount(g, minlength=nb).astype(np.float64)
        sums = np.zeros((nb, k))
        np.add.at(sums, g, yf)
        use = counts > 0
        means = sums[use] / counts[use, None]
        out[j] = float((counts[use] / n * means.max(axis=1)).sum()) - base
    floor = math.sqrt(0.25 * bins / n)
    return evpi, np.where(out > floor, out, 0.0), floor


def _break_even_item(
    cs: CompiledScenario,
    concept: str,
    package: IntArray,
    resolution: float,
    pool: list[IntArray],
    nash: NashBreakEvens | None,
    index: int,
) -> tuple[float | None, dict[str, str] | None, int]:
    be = break_even(cs, concept, package, index, resolution=resolution, pool=pool, nash=nash)
    return be.value, be.new_package, be.solves


def sensitivity(
    cs: CompiledScenario,
    *,
    concept: str = "nash",
    draws: int = DEFAULT_SOBOL_DRAWS,
    seed: int = 0,
    k: int = 4,
    break_evens: bool = True,
    resolution: float = RESOLUTION,
    scheduler: str | None = None,
    progress: bool = False,
) -> SensitivityOutput:
    """Sensitivity of the concept's package to every uncertain input (module docstring)."""
    from detente.analysis.solve import solve
    from detente.uncertainty.robust import default_packages

    start = time.perf_counter()
    cu = uncertainty_of(cs)
    if draws < 2:
        raise DetenteError(f"--draws must be at least 2, got {draws}")
    res = solve(cs, concept)
    if not res.packages:
        raise DetenteError(
            f"no acceptable package under {concept} at the point values: there is no recommendation "
            "whose sensitivity could be measured (see 'detente diagnose')"
        )
    pstar = np.asarray(res.packages[0].choices, dtype=np.int64)
    items = input_labels(cs)
    d = cu.n_inputs
    notes: list[str] = []
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    a = sample_inputs(cu, rng, draws)
    b = sample_inputs(cu, rng, draws)
    ev = evaluator(cs, pstar[None, :])

    def f(x: FloatArray) -> FloatArray:
        ok, _ = ev.accepts(x)
        return np.asarray(ok[:, 0, :].all(axis=1), dtype=np.float64)

    f_a, f_b = f(a), f(b)
    f_ab = np.vstack([f(_with_column(a, j, b[:, j])) for j in range(d)]) if d else np.zeros((0, draws))
    s1, s1_se, st, st_se = sobol_indices(f_a, f_b, f_ab)
    p_low = np.full(d, math.nan)
    p_high = np.full(d, math.nan)
    for j in range(cu.n_continuous):
        p_low[j] = float(f(_with_column(a, j, float(cu.bounds[j, 0]))).mean())
        p_high[j] = float(f(_with_column(a, j, float(cu.bounds[j, 1]))).mean())
    options = default_packages(cs, concept, k)
    if options:
        ev_opts = evaluator(cs, np.vstack([c for _, c in options]))
        ab = np.concatenate([a, b])
        y = np.asarray(ev_opts.accepts(ab)[0].all(axis=2), dtype=bool)
        evpi, evppi_j, floor = evppi(cs, ab, y)
    else:
        evpi, evppi_j, floor = 0.0, np.zeros(d), 0.0
        notes.append("no options to choose among: EVPI is 0")
    be_index = list(range(cu.n_judgments + cu.n_reservations))
    be_results: list[tuple[float | None, dict[str, str] | None, int]] = []
    if break_evens and be_index:
        # the rival pool is shared across judgments in-process (each Dask task starts from the options)
        pool = [c for _, c in options if not np.array_equal(c, pstar)]
        # Nash: one exact-crossing search (a reusable CP-SAT model) shared by every judgment in-process;
        # each Dask task builds its own (a CP-SAT model does not travel)
        nash = (
            nash_break_evens(cs, pstar, resolution=resolution, pool=pool)
            if concept == "nash" and scheduler is None
            else None
        )
        fn = partial(_break_even_item, cs, concept, pstar, resolution, pool, nash)
        with progress_bar(len(be_index), "break-even values", show=progress) as bar:
            be_results = map_items(fn, be_index, scheduler=scheduler, progress=bar)
    elif not break_evens:
        notes.append("break-even values not computed (--no-break-even)")
    be_method = (
        "by exact crossings of the Nash product, proven by CP-SAT"
        if concept == "nash"
        else "by bisection with the solver"
    )
    judgments: list[JudgmentSensitivity] = []
    for j, item in enumerate(items):
        be = be_results[j] if j < len(be_results) else (None, None, 0)
        judgments.append(
            JudgmentSensitivity(
                label=label_of(item),
                kind=str(item["kind"]),
                move=item.get("move"),  # type: ignore[arg-type]
                option=item.get("option"),  # type: ignore[arg-type]
                party=item.get("party"),  # type: ignore[arg-type]
                factor=item.get("factor"),  # type: ignore[arg-type]
                value=item.get("value"),  # type: ignore[arg-type]
                low=item.get("low"),  # type: ignore[arg-type]
                high=item.get("high"),  # type: ignore[arg-type]
                break_even=be[0],
                changes_to=be[1],
                first_order=float(s1[j]),
                first_order_se=float(s1_se[j]),
                total=float(st[j]),
                total_se=float(st_se[j]),
                acceptable_at_low=None if math.isnan(p_low[j]) else float(p_low[j]),
                acceptable_at_high=None if math.isnan(p_high[j]) else float(p_high[j]),
                evppi=float(evppi_j[j]),
            )
        )
    order = sorted(range(d), key=lambda j: (-judgments[j].total, -judgments[j].first_order, j))
    ranked = [judgments[j] for j in order]
    research = sorted((j for j in ranked if j.evppi > 0), key=lambda j: (-j.evppi, -j.total, j.label)) or [
        j for j in ranked[:5] if j.total > 0
    ]
    return SensitivityOutput(
        scenario=cs.scenario.meta.title,
        concept=concept,
        package=cs.choices_to_ids(pstar),
        acceptable_all=float(np.concatenate([f_a, f_b]).mean()) if d else float(f_a.mean()),
        method=(
            f"{concept} package by detente.analysis.solve; Sobol' indices (Saltelli 2010 first-order, "
            f"Jansen total) on 'every party accepts' from 2 × {draws:,} draws (seed {seed}); break-evens "
            f"{be_method} on a {resolution:g} grid; EVPPI over {len(options)} options in "
            f"{EVPPI_BINS} bins"
        ),
        draws=draws,
        seed=seed,
        break_evens=bool(break_evens),
        solves=sum(r[2] for r in be_results),
        evpi=evpi,
        evppi_floor=floor,
        options=[lab for lab, _ in options],
        judgments=ranked,
        research_first=[
            ResearchItem(label=j.label, evppi=j.evppi, total=j.total, break_even=j.break_even)
            for j in research
        ],
        notes=notes,
        seconds=time.perf_counter() - start,
    )
