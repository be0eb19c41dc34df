"""How robust an option is to the value judgments: the brief's one call, :func:`assess`.

Every value written with a range is a judgment. A **draw** samples every uncertain value at once
(seeded), honouring the shape the scenario gives it:

* ``low``/``high`` (or ``distribution: uniform``) — uniform on [low, high];
* ``distribution: triangular`` — triangular on [low, high] with its ``mode`` (the point value when
  no mode is given);
* ``distribution: normal`` — normal with its ``mean`` and ``sd`` (not truncated).

A package's **robustness** is the share of draws in which it stays acceptable to every party:
``mean_s 1[u_i(s) ≥ r_i for every i]`` with ``u_i(s) = Σ_k values_s[g_k, i]``.

The **judgments it rests on** are the uncertain values of the package's own options ranked by
``|P(all accept | value above its median) − P(all accept | value below its median)|``: how much the
verdict moves when that one judgment is high rather than low. It is a quick screening measure; the
full sensitivity analysis (variance-based indices, break-even values) is ``detente sensitivity``
(:mod:`detente.uncertainty`), whose sampler the draws here come from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.brief.facts import item_text
from detente.model.compiled import CompiledScenario

#: Judgments whose screening importance is below this are not named as ones the verdict rests on.
MIN_IMPORTANCE = 0.02


@dataclass(frozen=True)
class Judgment:
    """One uncertain value: what ``party`` gets from ``move`` — ``option``, its point value and range."""

    party: str
    move: str
    option: str
    value: float
    low: float
    high: float
    importance: float
    #: the move and option in words ("Move — option", or just the move for a yes/no move)
    item: str = ""

    def words(self) -> str:
        return f"what {self.item or self.move} is worth to {self.party} ({_n(self.low)} to {_n(self.high)})"


@dataclass(frozen=True)
class Robustness:
    """A package's robustness: ``share`` of ``draws`` acceptable to all, and the judgments it rests on."""

    share: float
    draws: int
    seed: int
    judgments: tuple[Judgment, ...]
    method: str

    @property
    def percent(self) -> int:
        return int(round(100 * self.share))


def _n(x: float) -> str:
    return (str(int(round(x))) if abs(x - round(x)) < 1e-9 else f"{x:.3g}").replace("-", "−")


Draws = tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]


def draws_for(cs: CompiledScenario, seed: int, samples: int) -> Draws | None:
    """(samples, O, P) value tables and (samples, P) reservations, drawn by the uncertainty engine
    (:mod:`detente.uncertainty`: every value's shape, uncertain reservations, correlated factors and
    discrete scenarios); None when nothing is uncertain."""
    from detente.uncertainty.evaluation import uncertainty_of, value_tables
    from detente.uncertainty.sampling import sample_inputs

    cu = uncertainty_of(cs)
    if cu.n_inputs == 0:
        return None
    return value_tables(cs, sample_inputs(cu, np.random.default_rng(seed), samples))


def accepted(cs: CompiledScenario, choices: npt.ArrayLike, draws: Draws) -> npt.NDArray[np.bool_]:
    """(samples,) whether package ``choices`` is acceptable to every party in each draw."""
    values, reservation = draws
    g = cs.global_options(choices)
    u = values[:, g, :].sum(axis=1)
    return np.all(u >= reservation - 1e-9, axis=1)


def rests_on(
    cs: CompiledScenario, choices: npt.ArrayLike, draws: Draws, top: int = 3
) -> tuple[Judgment, ...]:
    """The ``top`` judgments the verdict on ``choices`` rests on (screening measure, module docstring)."""
    ok = accepted(cs, choices, draws).astype(np.float64)
    found: list[Judgment] = []
    c = np.asarray(choices, dtype=np.int64)
    for k in range(cs.n_moves):
        g = int(cs.offsets[k] + c[k])
        for i in range(cs.n_parties):
            if cs.values_low[g, i] == cs.values_high[g, i]:
                continue
            x = draws[0][:, g, i]
            high = x > np.median(x)
            if high.all() or not high.any():
                continue
            imp = abs(float(ok[high].mean() - ok[~high].mean()))
            found.append(
                Judgment(
                    party=cs.party_names[i],
                    move=cs.move_names[k],
                    option=cs.option_labels[k][int(c[k])],
                    value=float(cs.values[g, i]),
                    low=float(cs.values_low[g, i]),
                    high=float(cs.values_high[g, i]),
                    importance=imp,
                    item=item_text(cs.move_names[k], cs.option_labels[k][int(c[k])], int(cs.n_options[k])),
                )
            )
    found.sort(key=lambda j: (-j.importance, j.party, j.move))
    return tuple(j for j in found[:top] if j.importance >= MIN_IMPORTANCE)


def assess(
    cs: CompiledScenario, packages: Sequence[npt.ArrayLike], *, seed: int = 0, samples: int = 2000
) -> list[Robustness] | None:
    """Robustness of each package on one shared, seeded set of draws; None when no value is uncertain.

    This is the brief's only robustness call: point it at :mod:`detente.uncertainty` when that engine
    is merged (same inputs, same :class:`Robustness` records).
    """
    draws = draws_for(cs, seed, samples)
    if draws is None:
        return None
    method = (
        f"Monte Carlo, {samples:,} joint draws of the uncertain judgments (seed {seed}): each value on its "
        "stated shape (uniform, triangular or normal), with uncertain reservations, correlated factors "
        "and discrete scenarios where the scenario gives them"
    )
    return [
        Robustness(
            share=float(accepted(cs, c, draws).mean()),
            draws=samples,
            seed=seed,
            judgments=rests_on(cs, c, draws),
            method=method,
        )
        for c in packages
    ]
