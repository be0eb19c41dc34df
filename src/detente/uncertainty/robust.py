"""How robust each package is to the judgments: Monte Carlo over the scenario's uncertainty.

For a package p and N independent draws X_1..X_N of the uncertain inputs
(:mod:`detente.uncertainty.sampling`), with A_ni = 1{u_i(p, X_n) ≥ r_i(X_n)} (and p meets the rules):

* P(party i accepts)  ≈ p̂_i = (1/N) Σ_n A_ni,        standard error √(p̂_i (1 − p̂_i) / N)
* P(all accept)       ≈ p̂   = (1/N) Σ_n Π_i A_ni,    standard error √(p̂ (1 − p̂) / N)
* E[u_i]              ≈ (1/N) Σ_n u_i(p, X_n)
* 5th percentile of u_i, from the first :data:`QUANTILE_DRAWS` draws (spread evenly over the chunks)
  so that memory stays bounded.

Draws come in seeded chunks (:mod:`detente.uncertainty.runner`), so a run is reproducible by
``seed`` and gives identical numbers in-process and on a Dask cluster.
"""

from __future__ import annotations

import json
import math
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario, FloatArray, IntArray
from detente.uncertainty.evaluation import Evaluator, evaluator, uncertainty_of
from detente.uncertainty.progress import progress_bar
from detente.uncertainty.results import MostRobust, PackageRobustness, RobustnessOutput
from detente.uncertainty.runner import CHUNK_SIZE, chunks, map_chunks
from detente.uncertainty.sampling import sample_raw

#: Draws kept (at most) for the percentiles.
QUANTILE_DRAWS = 262_144
#: Default number of draws.
DEFAULT_DRAWS = 100_000


# ----- chunk statistics ------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChunkStats:
    """Sufficient statistics of one chunk of draws (integers and sums; merged in chunk order)."""

    n: int
    accept: IntArray  # (K, P)
    accept_all: IntArray  # (K,)
    u_sum: FloatArray  # (K, P)
    u_kept: FloatArray  # (q, K, P) the first q draws, for percentiles


def chunk_stats(ev: Evaluator, keep: int, seed: np.random.SeedSequence, size: int) -> ChunkStats:
    """Sample ``size`` draws from ``seed`` and summarize the packages' acceptance."""
    u, z, sel = sample_raw(ev.uncertainty, np.random.default_rng(seed), size)
    accept, accept_all, u_sum, kept = ev.stats(u, z, sel, keep)
    return ChunkStats(n=size, accept=accept, accept_all=accept_all, u_sum=u_sum, u_kept=kept)


def simulate(
    cs: CompiledScenario,
    packages: IntArray,
    *,
    draws: int,
    seed: int,
    scheduler: str | None = None,
    progress: bool = False,
    chunk_size: int = CHUNK_SIZE,
    client: Any = None,
) -> list[ChunkStats]:
    """Per-chunk statistics for (K, M) packages (module docstring)."""
    ev = evaluator(cs, packages)
    work = chunks(draws, seed, chunk_size)
    keep = max(1, math.ceil(QUANTILE_DRAWS / len(work)))
    fn = partial(chunk_stats, ev, keep)
    with progress_bar(len(work), f"{draws:,} draws", show=progress) as bar:
        return map_chunks(fn, work, scheduler=scheduler, progress=bar, client=client)


def summarize(
    cs: CompiledScenario, packages: IntArray, labels: list[str], stats: list[ChunkStats]
) -> list[PackageRobustness]:
    """Merge chunk statistics (in chunk order) into one :class:`PackageRobustness` per package."""
    n = sum(s.n for s in stats)
    acc = np.sum([s.accept for s in stats], axis=0)
    acc_all = np.sum([s.accept_all for s in stats], axis=0)
    u_sum = np.zeros_like(stats[0].u_sum)
    for s in stats:  # fixed order: the same floating-point sum wherever the chunks ran
        u_sum += s.u_sum
    kept = np.concatenate([s.u_kept for s in stats], axis=0)
    p5 = np.percentile(kept, 5, axis=0)
    p_i = acc / n
    p_all = acc_all / n
    point_ok = cs.acceptable(packages)
    out = []
    for k in range(len(packages)):
        out.append(
            PackageRobustness(
                label=labels[k],
                choices=cs.choices_to_ids(packages[k]),
                feasible=bool(cs.feasible(packages[k : k + 1])[0]),
                acceptable={pid: float(p_i[k, i]) for i, pid in enumerate(cs.party_ids)},
                stderr={
                    pid: math.sqrt(p_i[k, i] * (1 - p_i[k, i]) / n) for i, pid in enumerate(cs.party_ids)
                },
                acceptable_all=float(p_all[k]),
                stderr_all=math.sqrt(p_all[k] * (1 - p_all[k]) / n),
                expected_utility={pid: float(u_sum[k, i] / n) for i, pid in enumerate(cs.party_ids)},
                p5_utility={pid: float(p5[k, i]) for i, pid in enumerate(cs.party_ids)},
                point_acceptable=bool(point_ok[k]),
            )
        )
    return out


# ----- packages to assess -----------------------------------------------------------------------------
def read_package(cs: CompiledScenario, path: str | Path) -> list[tuple[str, IntArray]]:
    """Packages from a JSON file: ``detente solve --format json`` (its ``packages``), ``detente options
    --format json`` (its ``options``), or one ``{"choices": {move: option}}``."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise DetenteError(
            f"{p}: no such file (give the JSON that 'detente solve --format json' prints)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DetenteError(f"{p}: not a JSON package file: {exc}") from None
    items: list[Any]
    if isinstance(data, dict) and isinstance(data.get("packages"), list):
        items, key = data["packages"], "packages"
    elif isinstance(data, dict) and isinstance(data.get("options"), list):
        items, key = data["options"], "options"
    elif isinstance(data, dict) and "choices" in data:
        items, key = [data], ""
    else:
        raise DetenteError(
            f"{p}: expected the JSON of 'detente solve --format json' (a 'packages' list) "
            "or an object with 'choices' (move id → option id)"
        )
    if not items:
        raise DetenteError(f"{p}: the '{key}' list is empty: there is no package to assess")
    out = []
    for n, item in enumerate(items):
        where = f"{p}: {key}[{n}].choices" if key else f"{p}: choices"
        choices = item.get("choices") if isinstance(item, dict) else None
        if not isinstance(choices, dict):
            raise DetenteError(f"{where}: missing or not an object of move id → option id")
        for move, option in choices.items():
            if move not in cs.move_ids:
                raise DetenteError(f"{where}: unknown move '{move}' (is this package from another scenario?)")
            k = cs.move_index(move)
            if option not in cs.option_ids[k]:
                raise DetenteError(
                    f"{where}.{move}: unknown option '{option}' (options: {', '.join(cs.option_ids[k])})"
                )
        label = f"{p.name}" + (f" #{n + 1}" if len(items) > 1 else "")
        out.append((label, cs.choices_from_ids(choices)))
    return out


def default_packages(cs: CompiledScenario, concept: str, k: int) -> list[tuple[str, IntArray]]:
    """The options for principals (:func:`detente.analysis.options.options_report`)."""
    from detente.analysis.options import options_report

    rep = options_report(cs, concept=concept, k=k)
    return [(f"option {o.rank} ({concept})", cs.choices_from_ids(o.choices)) for o in rep.options]


# ----- the function ----------------------------------------------------------------------------------
def robustness(
    cs: CompiledScenario,
    *,
    packages: list[tuple[str, IntArray]] | None = None,
    concept: str = "nash",
    k: int = 4,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    most_robust: bool = False,
    saa_draws: int | None = None,
    node_limit: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    chunk_size: int = CHUNK_SIZE,
) -> RobustnessOutput:
    """Robustness of ``packages`` (default: the ``k`` options under ``concept``); see the module
    docstring. With ``most_robust`` also find the package that maximizes P(all accept)
    (:mod:`detente.uncertainty.most_robust`) and set it beside the Nash, KS and egalitarian packages."""
    start = time.perf_counter()
    cu = uncertainty_of(cs)
    notes: list[str] = []
    if packages is None:
        packages = default_packages(cs, concept, k)
        if not packages:
            notes.append(f"no acceptable package under {concept}: there are no options to assess")
    labels = [lab for lab, _ in packages]
    arrays = [np.asarray(c, dtype=np.int64) for _, c in packages]
    mr: MostRobust | None = None
    if most_robust:
        from detente.uncertainty.most_robust import DEFAULT_SAA_DRAWS, find_most_robust, tradeoff_packages

        extra = tradeoff_packages(cs)
        found = find_most_robust(
            cs,
            saa_draws=DEFAULT_SAA_DRAWS if saa_draws is None else saa_draws,
            seed=seed,
            node_limit=node_limit,
            starts=arrays + [c for _, c in extra],
            progress=progress,
        )
        labels_mr = ["most robust"] + [lab for lab, _ in extra]
        arrays_mr = [found.choices] + [c for _, c in extra]
        n_main = len(arrays)
        all_arrays = arrays + arrays_mr
        all_labels = labels + labels_mr
    else:
        n_main = len(arrays)
        all_arrays, all_labels = arrays, labels
    if cu.is_certain:
        notes.append("the scenario has no uncertain input: every probability is 0 or 1")
    results: list[PackageRobustness] = []
    if all_arrays:
        pk = np.vstack(all_arrays)
        stats = simulate(
            cs, pk, draws=draws, seed=seed, scheduler=scheduler, progress=progress, chunk_size=chunk_size
        )
        results = summarize(cs, pk, all_labels, stats)
    if most_robust:
        from detente.uncertainty.most_robust import to_output

        mr = to_output(cs, found, results[n_main], results[n_main + 1 :])
    return RobustnessOutput(
        scenario=cs.scenario.meta.title,
        method=(
            f"Monte Carlo: {draws:,} independent draws of {cu.n_inputs} uncertain input(s), "
            f"seed {seed}, chunks of {chunk_size:,} seeded by SeedSequence.spawn"
        ),
        draws=draws,
        seed=seed,
        chunk_size=chunk_size,
        inputs={
            "judgments": cu.n_judgments,
            "reservations": cu.n_reservations,
            "factors": cu.n_factors,
            "scenarios": cu.n_scenarios,
        },
        packages=results[:n_main],
        most_robust=mr,
        notes=notes,
        seconds=time.perf_counter() - start,
    )
