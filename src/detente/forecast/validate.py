"""Validation on real outcomes: every model and baseline on every issue of a DEU-style file.

Scores on the 0–100 scale: MAE = mean |forecast − outcome|, the median error, and hits = the share of
issues forecast within 10 points. Baselines (no fitted parameter): ``compromise`` (capability ×
salience weighted mean with the file's row-2 capabilities; the unweighted mean when no actor has
salience), ``weighted-median``, ``mean`` (unweighted), ``reference-point`` and ``commission`` (where
given). Models: ``bdm`` and ``smp`` (no fitted parameter, row-2 capabilities) and two models whose
parameters are fitted by **group k-fold cross-validation over proposals** (every issue of a proposal
in the same fold; folds from a seeded permutation of the proposal ids; in each fold the grid point
with the lowest training MAE — first in grid order on ties — forecasts the held-out fold):

* ``compromise-fitted``: weighted mean with w = c^β · s^γ, β ∈ {0, ¼, ½, ¾, 1, 1½}, γ ∈ {0, ½, 1, 2, 3};
* ``procedural``: weighted mean with Council QMV weights and fitted Commission / Parliament shares
  (:mod:`detente.forecast.capabilities`), each share in {0, 0.1, …, 0.6}.

Their reported errors are cross-validated: each issue is forecast by parameters fitted without its
proposal.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from detente.errors import DetenteError
from detente.forecast.bdm import bdm
from detente.forecast.capabilities import procedural_weights
from detente.forecast.deu import ValidationSet, read_validation
from detente.forecast.results import ModelScore, ValidationResult
from detente.forecast.smp import smp
from detente.forecast.stats import weighted_median
from detente.model.compiled import FloatArray

HIT_POINTS = 10.0
BETAS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
GAMMAS = (0.0, 0.5, 1.0, 2.0, 3.0)
SHARES = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
DESCRIPTIONS = {
    "compromise": "capability × salience weighted mean (row-2 capabilities)",
    "weighted-median": "capability × salience weighted median",
    "mean": "unweighted mean of the positions",
    "reference-point": "the reference point (status quo), where given",
    "commission": "the Commission's position, where given",
    "bdm": "expected-utility model (Scholz et al. 2011 reconstruction), median voter after bargaining",
    "smp": "probabilistic-Condorcet bargaining after KTAB SMP, PCE expectation",
    "compromise-fitted": "weighted mean, w = c^β s^γ, (β, γ) fitted by group k-fold CV",
    "procedural": "weighted mean, Council QMV weights + Commission/Parliament shares fitted by CV",
}
BASELINES = ("compromise", "weighted-median", "mean", "reference-point", "commission")

Progress = Callable[[int, int], None]


def _weighted_means(x: FloatArray, w: FloatArray) -> FloatArray:
    """Row-wise Σ w x / Σ w over held positions (NaN = not held); unweighted where Σ w = 0."""
    held = ~np.isnan(x)
    xz = np.nan_to_num(x)
    w = np.where(held, w, 0.0)
    w = np.where(w.sum(axis=1, keepdims=True) > 0, w, held.astype(float))
    return (w * xz).sum(axis=1) / w.sum(axis=1)


def group_folds(proposal: tuple[str, ...], k: int, seed: int) -> np.ndarray:
    """Fold index per issue: proposals (sorted, then permuted by the seed) dealt round-robin into k folds."""
    ids = sorted(set(proposal))
    if k < 2 or k > len(ids):
        raise DetenteError(
            f"cross-validation needs 2 ≤ folds ≤ {len(ids)} (the number of proposals), not {k}"
        )
    order = np.random.default_rng(seed).permutation(len(ids))
    fold_of = {ids[j]: n % k for n, j in enumerate(order)}
    return np.asarray([fold_of[p] for p in proposal])


def cross_validate(
    candidates: Sequence[tuple[tuple[float, ...], FloatArray]], outcome: FloatArray, folds: np.ndarray
) -> tuple[FloatArray, tuple[str, ...]]:
    """Held-out predictions: per fold, the candidate with the lowest training MAE; and the choices."""
    errors = np.vstack([np.abs(pred - outcome) for _, pred in candidates])
    out = np.empty_like(outcome)
    chosen = []
    for f in range(int(folds.max()) + 1):
        test = folds == f
        best = int(np.argmin(errors[:, ~test].mean(axis=1)))
        out[test] = candidates[best][1][test]
        chosen.append(f"fold {f}: " + ", ".join(f"{v:g}" for v in candidates[best][0]))
    return out, tuple(chosen)


def _score(name: str, pred: FloatArray, outcome: FloatArray, cv: bool = False) -> ModelScore:
    ok = ~np.isnan(pred)
    err = np.abs(pred[ok] - outcome[ok])
    return ModelScore(
        model=name,
        baseline=name in BASELINES,
        n=int(ok.sum()),
        mae=float(err.mean()) if err.size else float("nan"),
        median_error=float(np.median(err)) if err.size else float("nan"),
        hits=float((err <= HIT_POINTS).mean()) if err.size else float("nan"),
        cross_validated=cv,
        description=DESCRIPTIONS[name],
    )


def validate_set(
    vs: ValidationSet, *, folds: int = 5, seed: int = 0, progress: Progress | None = None
) -> ValidationResult:
    """Score every model and baseline on a parsed validation set (see the module docstring)."""
    start = time.perf_counter()
    x, s, y = vs.positions, vs.saliences, vs.outcome
    held = ~np.isnan(x)
    gdp = vs.capability[None, :] * s
    preds: dict[str, FloatArray] = {
        "compromise": _weighted_means(x, gdp),
        "weighted-median": np.asarray(
            [weighted_median(x[q][held[q]], gdp[q][held[q]]) for q in range(vs.n_issues)]
        ),
        "mean": np.nanmean(x, axis=1),
        "reference-point": vs.reference.copy(),
        "commission": x[:, vs.actors.index("com")].copy()
        if "com" in vs.actors
        else np.full(vs.n_issues, np.nan),
    }
    bdm_pred = np.empty(vs.n_issues)
    smp_pred = np.empty(vs.n_issues)
    for q, issue in enumerate(vs.issues):
        bdm_pred[q] = bdm(issue).forecast
        smp_pred[q] = smp(issue).forecast
        if progress is not None:
            progress(q + 1, vs.n_issues)
    preds["bdm"] = bdm_pred
    preds["smp"] = smp_pred
    fold = group_folds(vs.proposal, folds, seed)
    sal = np.where(s > 0, s, 0.0)
    fitted_grid = [
        ((b, g), _weighted_means(x, vs.capability[None, :] ** b * sal**g)) for b in BETAS for g in GAMMAS
    ]
    proc_grid = [
        (p, _weighted_means(x, procedural_weights(vs, *p))) for p in itertools.product(SHARES, repeat=3)
    ]
    preds["compromise-fitted"], chosen_fitted = cross_validate(fitted_grid, y, fold)
    preds["procedural"], chosen_proc = cross_validate(proc_grid, y, fold)
    scores = tuple(_score(m, p, y, cv=m in ("compromise-fitted", "procedural")) for m, p in preds.items())
    return ValidationResult(
        path=vs.path,
        issues=tuple(i.name for i in vs.issues),
        proposals=vs.proposal,
        outcome=y,
        predictions=preds,
        scores=scores,
        folds=folds,
        seed=seed,
        skipped=vs.skipped,
        fitted={
            "compromise-fitted": tuple(c.replace(": ", ": β, γ = ") for c in chosen_fitted),
            "procedural": tuple(c.replace(": ", ": a_com, a_ep(COD), a_ep(other) = ") for c in chosen_proc),
        },
        seconds=time.perf_counter() - start,
    )


def validate_forecasts(
    path: str | Path, *, folds: int = 5, seed: int = 0, progress: Progress | None = None
) -> ValidationResult:
    """Read a DEU-style TSV and score every model and baseline on it (see the module docstring)."""
    return validate_set(read_validation(path), folds=folds, seed=seed, progress=progress)
