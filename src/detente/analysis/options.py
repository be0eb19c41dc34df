"""Options for principals: a short list of acceptable, near-optimal and genuinely different packages.

Definitions (every score is measured as a *gain over the disagreement point* d, so 0 means "no better
than no deal" and ratios between scores are meaningful):

* welfare      W(p) = Σ_i (u_i(p) − d_i)  (same maximizer as :func:`detente.analysis.solve.solve`'s
               Σ_i u_i, shifted so that no deal scores 0)
* egalitarian  E(p) = min_i (u_i(p) − d_i)
* ks           K(p) = min_i (u_i(p) − d_i) / (u*_i − d_i), with u*_i = max u_i over acceptable packages
               (the ideal point; a party with u*_i = d_i is left out of the minimum)
* nash         N(p) = (Π_{i∈S} (u_i(p) − d_i)^{w_i})^(1/Σ_{i∈S} w_i) (w_i = the party's ``weight``) when every party in S gains strictly and no
               party is below d, else 0; S = the parties that can gain (u*_i > d_i), as in
               :mod:`detente.analysis.concepts`. This geometric mean of the gains has the same
               maximizer as the Nash product and, like the other scores, scales linearly with the
               gains, so ``near_optimal`` means the same for every concept (a 10 % cut in every
               party's gain lowers every score by 10 %; on the raw product 90 % would allow only a
               1.7 % cut per party with six parties)

With optimum S* = max over acceptable packages, a package is **near-optimal** when
``S(p) ≥ S* − (1 − near_optimal) · |S*|`` (for S* > 0 this is ``S(p) ≥ near_optimal · S*``).

Options are chosen **greedily and exactly**: option 1 is an optimal package; option j is the best
near-optimal acceptable package that differs from every earlier option in at least ``min_diff_moves``
moves (or, with ``pillar``, in at least that many moves of the named category) — with the solvers,
"best" up to a relative gap of max(1 %, 1 − ``near_optimal``) (any package that close to the best
remaining one will do; the list is ranked by exact scores afterwards). Three engines:

* ``enumeration`` (``auto`` up to :data:`~detente.analysis.dispatch.AUTO_ENUMERATION_OUTCOMES` outcomes): every acceptable package
  (:func:`detente.analysis.enumerate.enumerate_packages`) is scored exactly.
* ``milp`` (``auto`` beyond that): HiGHS on the file's own real values. Welfare, egalitarian and KS are
  linear in the option indicators (:func:`_by_milp`); Nash uses the log-tangent outer approximation of
  :mod:`detente.analysis.methods.milp_nash` with linear near-optimal and diversity rows and exact re-scoring
  (:func:`_by_milp_nash`). Measured on the 200 × 6 instances of benchmarks/bench_options.py it finds ten
  Nash options in a fraction of the CP-SAT engine's time (where CP-SAT found one on the random instance).
* ``cp-sat``: :func:`~detente.analysis.methods.cpsat_model.build_package_model` plus one diversity cut per
  option found. Welfare, egalitarian and KS are linear in CP-SAT (KS in steps of 1/``KS_STEPS``); for
  Nash the loop maximizes Σ_i W_i z_i, z_i the one CP-SAT encoding of C·ln gain_i
  (:func:`detente.analysis.methods.cpsat.log_envelope`: tangents of the log on a geometric grid, an
  upper envelope tight at the tangent points; W_i the integer exponents of the weights) — and every
  candidate is re-scored with the true product and the final list re-ranked by it (the notes say so).
  Because the envelope lies above log, the proxy's bound is a valid upper bound on the true Nash product.
  Option 1 is the concept's proven optimum when the exact solver finds it (for Nash on a large space
  the method :func:`detente.analysis.dispatch.large_method` picks: the HiGHS cutting-plane loop of
  :mod:`detente.analysis.methods.milp_nash`, which proves real-valued data).

Each option is explained per party: what it **gives** (its own moves that are carried out, i.e. not at
their status quo, with their value to it relative to the status quo), what it **gets** (other parties'
carried-out moves it values above their status quo), grouped by pillar; its utility and margin over its
reservation value; the concept score; and how the option differs from every other option.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from detente.analysis.dispatch import AUTO_ENUMERATION_OUTCOMES
from detente.analysis.methods.cpsat import NASH_LOG_SCALE
from detente.analysis.results import CONCEPTS
from detente.errors import DetenteError
from detente.model.compiled import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import PackageModel
    from detente.model.compiled import CompiledScenario

KS_STEPS = 10_000
#: Share of ``time_limit`` for option 1 (the exact solver, :func:`_exact_first`); the other options get
#: the rest. Measured on benchmarks/bench_options.py (15 units): the nine other options cost 0.1–1 s of
#: CPU, so a half for the proof; 2/3 let the egalitarian solve's leximin stages (which the options do
#: not need) run the Genius-like seed-0 instance to 18 s of CPU.
FIRST_SHARE = 0.5
#: A party "can gain" when u*_i − d_i exceeds this.
GAIN_TOL = 1e-9


# ----- output models ---------------------------------------------------------------------------------
class MoveItem(BaseModel):
    """One carried-out move as seen by one party."""

    move: str
    name: str
    owner: str
    pillar: str
    option: str
    label: str
    value: float = Field(description="Value to the party in question, relative to the move's status quo.")


class PartyView(BaseModel):
    """What one party gives and gets in an option, by pillar, and where it stands."""

    party: str
    name: str
    gives: dict[str, list[MoveItem]] = Field(
        description="Pillar → the party's own moves carried out (value = its cost or gain from them)."
    )
    gets: dict[str, list[MoveItem]] = Field(
        description="Pillar → other parties' carried-out moves the party values above their status quo."
    )
    utility: float
    reservation: float
    margin: float = Field(description="utility − reservation (≥ 0 for an acceptable package).")


class OptionForPrincipals(BaseModel):
    """One option: an acceptable, near-optimal package and its explanation."""

    rank: int = Field(description="1 = best under the concept.")
    choices: dict[str, str] = Field(description="Move id → option id.")
    carried_out: list[str] = Field(description="Moves not left at their status quo.")
    utilities: dict[str, float]
    margins: dict[str, float] = Field(description="Party id → utility − reservation.")
    score: float = Field(description="Concept score (gain over the disagreement point; see docs).")
    share_of_optimum: float | None = Field(description="score / best score (None when the best is ≤ 0).")
    parties: list[PartyView]
    differs_from: dict[str, list[str]] = Field(
        description="Rank of every other option → the moves on which this option differs from it."
    )
    distinctive: list[str] = Field(description="Moves settled differently here than in every other option.")

    def array(self, cs: CompiledScenario) -> IntArray:
        """The package as local choices (shape (M,))."""
        return cs.choices_from_ids(self.choices)


class OptionsOutput(BaseModel):
    """``detente options --format json``: the options and how they were found."""

    concept: str
    method: str
    k: int
    found: int
    near_optimal: float
    min_diff_moves: int
    pillar: str | None
    best_score: float | None = Field(description="Best concept score found (the reference for near-optimal).")
    best_bound: float | None = Field(description="Proven upper bound on the concept's optimum.")
    optimal: bool = Field(description="True when the best score is proven optimal.")
    gap: float | None = Field(description="best_bound − best_score when not proven optimal.")
    threshold: float | None = Field(description="Score an option needs to count as near-optimal.")
    complete: bool = Field(description="True when it is proven that no further option exists.")
    shortfall: str | None = Field(description="Why fewer than k options were found (None if k were).")
    options: list[OptionForPrincipals]
    notes: list[str] = Field(default_factory=list)
    seconds: float


# ----- concept scores --------------------------------------------------------------------------------
def concept_scores(
    cs: CompiledScenario,
    utilities: FloatArray,
    concept: str,
    ideal: FloatArray | None = None,
    gainers: BoolArray | None = None,
) -> FloatArray:
    """Score of each package (rows of ``utilities``, shape (N, P)) under ``concept`` (module docstring).

    ``ideal`` (u*, shape (P,)) is needed for ``ks``; for ``nash`` the set S of parties that can gain
    is ``gainers`` if given, else derived from ``ideal``, else every party.
    """
    u = np.atleast_2d(np.asarray(utilities, dtype=np.float64))
    gain = u - cs.disagreement
    if concept == "welfare":
        return np.asarray(gain.sum(axis=1))
    if concept == "egalitarian":
        return np.asarray(gain.min(axis=1))
    if concept == "nash":
        if gainers is None:
            gainers = (
                np.ones(cs.n_parties, dtype=bool) if ideal is None else (ideal - cs.disagreement) > GAIN_TOL
            )
        if not gainers.any():
            return np.zeros(u.shape[0])
        sub = gain[:, gainers]
        w = cs.weight[gainers]
        ok = np.all(sub > 0, axis=1) & np.all(gain >= -GAIN_TOL, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = (np.log(np.where(sub > 0, sub, 1.0)) * w).sum(axis=1) / w.sum()
        return np.asarray(np.where(ok, np.exp(logs), 0.0))
    if concept == "ks":
        if ideal is None:
            raise ValueError("the ks score needs the ideal point")
        span = np.asarray(ideal, dtype=np.float64) - cs.disagreement
        use = span > 1e-12
        if not use.any():
            return np.zeros(u.shape[0])
        return np.asarray((gain[:, use] / span[use]).min(axis=1))
    raise DetenteError(f"unknown concept '{concept}' (choose one of: {', '.join(CONCEPTS)})")


def near_threshold(best: float, near_optimal: float) -> float:
    """``best − (1 − near_optimal)·|best|``: the least score that counts as near-optimal."""
    return best - (1.0 - near_optimal) * abs(best)


# ----- explanation ---------------------------------------------------------------------------------
def _item(cs: CompiledScenario, k: int, choice: int, party: int) -> MoveItem:
    g = int(cs.offsets[k]) + choice
    sq = int(cs.offsets[k]) + int(cs.status_quo[k])
    return MoveItem(
        move=cs.move_ids[k],
        name=cs.move_names[k],
        owner=cs.party_ids[int(cs.owner[k])],
        pillar=cs.category[k],
        option=cs.option_ids[k][choice],
        label=cs.option_labels[k][choice],
        value=float(cs.values[g, party] - cs.values[sq, party]),
    )


def explain(
    cs: CompiledScenario,
    packages: IntArray,
    scores: FloatArray,
    best: float | None,
) -> list[OptionForPrincipals]:
    """Explain packages (rows of ``packages``, already in rank order) as options for principals."""
    packages = np.atleast_2d(packages)
    utils = cs.utilities(packages)
    out: list[OptionForPrincipals] = []
    for r, c in enumerate(packages):
        moved = [k for k in range(cs.n_moves) if int(c[k]) != int(cs.status_quo[k])]
        views = []
        for i, pid in enumerate(cs.party_ids):
            gives: dict[str, list[MoveItem]] = {}
            gets: dict[str, list[MoveItem]] = {}
            for k in moved:
                item = _item(cs, k, int(c[k]), i)
                if int(cs.owner[k]) == i:
                    gives.setdefault(item.pillar, []).append(item)
                elif item.value > 0:
                    gets.setdefault(item.pillar, []).append(item)
            u = float(utils[r, i])
            views.append(
                PartyView(
                    party=pid,
                    name=cs.party_names[i],
                    gives=gives,
                    gets=gets,
                    utility=u,
                    reservation=float(cs.reservation[i]),
                    margin=u - float(cs.reservation[i]),
                )
            )
        differs = {
            str(j + 1): [cs.move_ids[k] for k in np.flatnonzero(packages[j] != c)]
            for j in range(len(packages))
            if j != r
        }
        others = np.delete(packages, r, axis=0)
        distinctive = (
            [cs.move_ids[k] for k in np.flatnonzero(np.all(others != c, axis=0))] if len(others) else []
        )
        score = float(scores[r])
        out.append(
            OptionForPrincipals(
                rank=r + 1,
                choices=cs.choices_to_ids(c),
                carried_out=[cs.move_ids[k] for k in moved],
                utilities={pid: float(utils[r, i]) for i, pid in enumerate(cs.party_ids)},
                margins={pid: float(utils[r, i] - cs.reservation[i]) for i, pid in enumerate(cs.party_ids)},
                score=score,
                share_of_optimum=(score / best) if best is not None and best > 0 else None,
                parties=views,
                differs_from=differs,
                distinctive=distinctive,
            )
        )
    return out


# ----- the search ------------------------------------------------------------------------------------
def _diversity_moves(cs: CompiledScenario, pillar: str | None) -> IntArray:
    if pillar is None:
        return np.arange(cs.n_moves, dtype=np.int64)
    moves = np.asarray([k for k in range(cs.n_moves) if cs.category[k] == pillar], dtype=np.int64)
    if len(moves) == 0:
        from detente.errors import did_you_mean

        guess = did_you_mean(pillar, list(cs.categories))
        raise DetenteError(
            f"no pillar (category) named '{pillar}'"
            + (f"; did you mean '{guess}'?" if guess else "")
            + f" (pillars: {', '.join(cs.categories)})"
        )
    return moves


def default_min_diff(cs: CompiledScenario, pillar: str | None = None) -> int:
    """Default diversity: max(2, M // 8) moves overall (at most M); 1 move within a named pillar."""
    if pillar is not None:
        return 1
    return min(cs.n_moves, max(2, cs.n_moves // 8))


def options_report(
    cs: CompiledScenario,
    *,
    concept: str = "nash",
    k: int = 4,
    min_diff_moves: int | None = None,
    pillar: str | None = None,
    near_optimal: float = 0.9,
    time_limit: float = 30.0,
    method: str = "auto",
) -> OptionsOutput:
    """Find up to ``k`` options for principals and explain them (module docstring); the full story.

    ``method`` is ``auto`` (enumeration when the space has at most
    :data:`~detente.analysis.dispatch.AUTO_ENUMERATION_OUTCOMES` packages, else HiGHS: :func:`_by_milp`
    for welfare, egalitarian and KS, :func:`_by_milp_nash` for Nash), ``enumeration``, ``milp`` or
    ``cp-sat``.
    """
    if concept not in CONCEPTS:
        raise DetenteError(f"unknown concept '{concept}' (choose one of: {', '.join(CONCEPTS)})")
    if k < 1:
        raise DetenteError(f"k (the number of options) must be at least 1, got {k}")
    if not 0.0 <= near_optimal <= 1.0:
        raise DetenteError(f"near_optimal must be between 0 and 1, got {near_optimal}")
    if method not in ("auto", "enumeration", "milp", "cp-sat"):
        raise DetenteError(f"unknown method '{method}' (choose auto, enumeration, milp or cp-sat)")
    moves = _diversity_moves(cs, pillar)
    d = default_min_diff(cs, pillar) if min_diff_moves is None else int(min_diff_moves)
    if not 1 <= d <= len(moves):
        where = f"pillar '{pillar}'" if pillar else "the scenario"
        raise DetenteError(f"min_diff_moves must be between 1 and {len(moves)} (moves in {where}), got {d}")
    from detente.analysis.budget import recall, remember

    key = ("options", concept, k, d, pillar, near_optimal, method)
    known = recall(
        key, cs
    )  # the same options already found by this command (e.g. analyze, then a brief annex)
    if known is not None:
        return known  # type: ignore[no-any-return]
    out = _options_report(cs, concept, k, d, moves, pillar, near_optimal, time_limit, method)
    remember(key, cs, out)
    return out


def _options_report(
    cs: CompiledScenario,
    concept: str,
    k: int,
    d: int,
    moves: IntArray,
    pillar: str | None,
    near_optimal: float,
    time_limit: float,
    method: str,
) -> OptionsOutput:
    start = time.perf_counter()
    use_enum = method == "enumeration" or (method == "auto" and cs.n_outcomes <= AUTO_ENUMERATION_OUTCOMES)
    if use_enum:
        found = _by_enumeration(cs, concept, k, d, moves, near_optimal)
    elif concept == "nash" and method in ("milp", "auto"):
        found = _by_milp_nash(cs, k, d, moves, near_optimal, time_limit)
    elif method in ("milp", "auto"):
        found = _by_milp(cs, concept, k, d, moves, near_optimal, time_limit)
    else:
        found = _by_cpsat(cs, concept, k, d, moves, near_optimal, time_limit)
    packages, scores, info = found
    best = info["best"]
    if best is not None:  # a better package found later raises the bar for the earlier ones
        keep = scores >= near_threshold(best, near_optimal) - 1e-9 * max(1.0, abs(best))
        if not keep.all():
            info.setdefault("notes", []).append(
                f"{int((~keep).sum())} option(s) dropped: below the threshold set by a better package found later"
            )
            info["why"] = info.get("why") or "some options fell below the final near-optimal threshold"
        packages, scores = packages[keep], scores[keep]
        bound = info.get("bound")
        if not info.get("optimal") and bound is not None and best > 0 and bound > best:
            # the threshold is relative to the best score found; the bound says how far that can be
            # from the optimum, so what every option is guaranteed relative to the optimum itself
            info.setdefault("notes", []).append(
                f"option 1 is not proven optimal: its score is ≥ {best / bound:.4%} of the optimum (by the "
                f"bound), so every option is ≥ {near_optimal * best / bound:.2%} of the optimum"
            )
    order = np.argsort(-scores, kind="stable")
    packages, scores = packages[order], scores[order]
    opts = explain(cs, packages, scores, best) if len(packages) else []
    shortfall = None
    if len(opts) < k:
        shortfall = info.get("why") or "the search stopped early"
    return OptionsOutput(
        concept=concept,
        method=info["method"],
        k=k,
        found=len(opts),
        near_optimal=near_optimal,
        min_diff_moves=d,
        pillar=pillar,
        best_score=best,
        best_bound=info.get("bound"),
        optimal=bool(info.get("optimal")),
        gap=info.get("gap"),
        threshold=None if best is None else near_threshold(best, near_optimal),
        complete=bool(info.get("complete")),
        shortfall=shortfall,
        options=opts,
        notes=list(info.get("notes", [])),
        seconds=time.perf_counter() - start,
    )


def options(
    cs: CompiledScenario,
    *,
    concept: str = "nash",
    k: int = 4,
    min_diff_moves: int | None = None,
    pillar: str | None = None,
    near_optimal: float = 0.9,
    time_limit: float = 30.0,
) -> list[OptionForPrincipals]:
    """The top ``k`` options for principals (see :func:`options_report` for method, bounds and why
    fewer than ``k`` were found)."""
    return options_report(
        cs,
        concept=concept,
        k=k,
        min_diff_moves=min_diff_moves,
        pillar=pillar,
        near_optimal=near_optimal,
        time_limit=time_limit,
    ).options


def _why(found: int, d: int, pillar: str | None, near_optimal: float, proven: bool) -> str:
    where = f"moves of pillar '{pillar}'" if pillar else "moves"
    base = (
        f"only {found} acceptable package(s) within {near_optimal:.0%} of the best score differ pairwise "
        f"in at least {d} {where}"
    )
    if proven:
        return base + " (proven: no further package qualifies); lower --near-optimal or --min-diff for more"
    return base + " found before the time limit (more may exist); raise the time limit"


def _significant(x: FloatArray, digits: int = 12) -> FloatArray:
    """``x`` rounded to ``digits`` significant digits of its largest |value| (float-noise-free ranking)."""
    top = float(np.abs(x).max(initial=0.0))
    if top == 0:
        return x
    return np.round(x, digits - 1 - int(np.floor(np.log10(top))))


def _by_enumeration(
    cs: CompiledScenario, concept: str, k: int, d: int, moves: IntArray, near_optimal: float
) -> tuple[IntArray, FloatArray, dict]:
    from detente.analysis.enumerate import enumerate_packages

    ps = enumerate_packages(cs, acceptable=True, limit=max(AUTO_ENUMERATION_OUTCOMES, cs.n_outcomes))
    acc = ps.choices
    info: dict = {"method": "enumeration", "optimal": True, "complete": True, "gap": None}
    if len(acc) == 0:
        info.update(
            best=None, bound=None, why="no package is acceptable to every party (no zone of agreement)"
        )
        return np.zeros((0, cs.n_moves), dtype=np.int64), np.zeros(0), info
    u = ps.utilities
    scores = concept_scores(cs, u, concept, u.max(axis=0))
    best = float(scores.max())
    thr = near_threshold(best, near_optimal)
    keep = scores >= thr - 1e-9 * max(1.0, abs(best))
    cand, cs_scores = acc[keep], scores[keep]
    # scores equal up to float noise (12 significant digits) tie; ties keep package order
    order = np.argsort(-_significant(cs_scores), kind="stable")
    cand, cs_scores = cand[order], cs_scores[order]
    eligible = np.ones(len(cand), dtype=bool)
    chosen: list[int] = []
    sub = cand[:, moves]
    while len(chosen) < k:
        idx = np.flatnonzero(eligible)
        if len(idx) == 0:
            break
        j = int(idx[0])
        chosen.append(j)
        eligible &= (sub != sub[j]).sum(axis=1) >= d
    info.update(best=best, bound=best)
    if len(chosen) < k:
        info["why"] = _why(
            len(chosen), d, None if len(moves) == cs.n_moves else cs.category[moves[0]], near_optimal, True
        )
    return cand[chosen], cs_scores[chosen], info


def _utility_bounds(pm: PackageModel) -> tuple[list[int], list[int]]:
    """Least and greatest scaled utility of each party (constraints ignored)."""
    cs = pm.cs
    lo = [0] * cs.n_parties
    hi = [0] * cs.n_parties
    for k in range(cs.n_moves):
        block = pm.int_values[cs.offsets[k] : cs.offsets[k + 1]]
        for i in range(cs.n_parties):
            lo[i] += int(block[:, i].min())
            hi[i] += int(block[:, i].max())
    return lo, hi


def _add_objective(
    pm: PackageModel, concept: str, ideal: FloatArray | None, gainers: BoolArray | None = None
) -> tuple[Any, float]:
    """Add the concept's (proxy) objective to ``pm``; return (objective expression, units per score unit).

    For welfare and egalitarian the objective is in scaled utility units (``pm.scale`` per unit of
    score, offset by the disagreement point); for ks in 1/KS_STEPS; for nash it is C · Σ W_i log
    (gain in scaled units), an upper envelope (see module docstring; ``pm`` must then come from
    ``scaled_model(cs, magnitude=NASH_MAGNITUDE)``).
    """
    cs = pm.cs
    m = pm.model
    s = pm.scale
    dis = [int(round(float(x) * s)) for x in cs.disagreement]
    lo, hi = _utility_bounds(pm)
    if concept == "welfare":
        return sum(pm.u) - sum(dis), float(s)
    if concept == "egalitarian":
        t = m.new_int_var(
            min(lo[i] - dis[i] for i in range(cs.n_parties)),
            max(hi[i] - dis[i] for i in range(cs.n_parties)),
            "egal",
        )
        for i in range(cs.n_parties):
            m.add(t <= pm.u[i] - dis[i])
        return t, float(s)
    if concept == "ks":
        assert ideal is not None
        t = m.new_int_var(-KS_STEPS * 1000, KS_STEPS, "ks")
        for i in range(cs.n_parties):
            span = int(round(float(ideal[i]) * s)) - dis[i]
            if span <= 0:
                continue
            m.add(KS_STEPS * (pm.u[i] - dis[i]) >= t * span)
        return t, float(KS_STEPS)
    # nash: Σ W_i z_i, z_i ≈ C·ln g_i (the one encoding, methods.cpsat.log_envelope), with g_i ≥ 1 for
    # the parties that can gain (``gainers``, default all) and g_i ≥ 0 for the others
    from detente.analysis.methods.cpsat import log_envelope, nash_exponents

    W = nash_exponents(cs)[0]
    terms = []
    for i in range(cs.n_parties):
        if gainers is not None and not gainers[i]:
            m.add(pm.u[i] - dis[i] >= 0)
            continue
        z = log_envelope(m, pm.u[i] - dis[i], lo[i] - dis[i], hi[i] - dis[i], f"logu[{cs.party_ids[i]}]")
        terms.append(int(W[i]) * z)
    return sum(terms), float(NASH_LOG_SCALE)


def _ideal_cpsat(cs: CompiledScenario, time_limit: float) -> tuple[FloatArray | None, bool]:
    """u*_i = max u_i over acceptable packages by :func:`detente.analysis.methods.cpsat.ideal_point`
    (the CP-SAT backend's one definition), in utility units; None when nothing is acceptable."""
    from detente.analysis.budget import Budget
    from detente.analysis.methods.cpsat import ideal_point

    ints, proven, sm = ideal_point(cs, Budget.of(time_limit))
    if ints is None:
        return None, proven
    return np.asarray(ints, dtype=np.float64) / sm.pm.scale, proven


def _gainers_cpsat(cs: CompiledScenario, time_limit: float) -> BoolArray:
    """Which parties can gain over d_i in some acceptable package (one CP-SAT feasibility solve each)."""
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat_model import build_package_model

    out = np.zeros(cs.n_parties, dtype=bool)
    for i in range(cs.n_parties):
        pm = build_package_model(cs)
        pm.model.add(pm.u[i] >= int(round(float(cs.disagreement[i]) * pm.scale)) + 1)
        solver = _solver(max(0.2, time_limit / cs.n_parties), "welfare", first=True)
        out[i] = solver.solve(pm.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)
    return out


def _solver(time_limit: float, concept: str, *, first: bool, parties: int = 1) -> cp_model.CpSolver:
    """CP-SAT with LP-based workers (their bounds prove these models fast) and a small gap tolerance:
    1e-4 relative on the first solve (the reference optimum, gap reported), 1e-2 on later ones (the
    next option is within 1 % of the best remaining package); for nash the same on the geometric mean."""
    from detente.analysis.methods.cpsat_model import new_solver

    solver = new_solver(time_limit)
    if concept == "nash":
        solver.parameters.absolute_gap_limit = NASH_LOG_SCALE * parties * math.log(1.0001 if first else 1.01)
    else:
        solver.parameters.relative_gap_limit = 1e-4 if first else 1e-2
    return solver


def _exact_first(
    cs: CompiledScenario,
    concept: str,
    ideal: FloatArray | None,
    gainers: BoolArray,
    time_limit: float,
    *,
    unproven: bool = False,
) -> tuple[IntArray, float, bool, float | None] | None:
    """(package, score, proven optimal, bound on the optimum's score) of the concept's optimum: the
    command's own solution when it has one (``analyze`` solved it already), else by the method the
    dispatcher picks for large spaces (the HiGHS MILP for welfare, egalitarian and KS; the HiGHS
    cutting-plane loop for Nash, CP-SAT when it hands over). For egalitarian and KS a zero gap counts as
    proven: the options' score is the max-min value, not the solver's leximin tie-break or tie list.
    None when it is not proven, unless ``unproven``: then the solver's best package when its budget
    ran out, with its bound (None if the solver gave none)."""
    from detente.analysis.budget import recall
    from detente.analysis.dispatch import large_method
    from detente.analysis.methods.cpsat import solve_cpsat
    from detente.errors import DetenteError

    res = recall(("solve", concept, "auto"), cs)  # already solved by this command (e.g. ``analyze``)
    try:
        if res is None and large_method(cs, concept).method == "milp":
            if concept == "nash":
                from detente.analysis.methods.milp_nash import solve_nash_milp

                res = solve_nash_milp(cs, time_limit=max(0.1, time_limit), tie_limit=1)
            else:
                from detente.analysis.methods.milp import solve_milp

                res = solve_milp(cs, concept, time_limit=max(0.1, time_limit))
        if res is None:
            res = solve_cpsat(cs, concept, time_limit=max(0.1, time_limit), tie_limit=1)  # type: ignore[arg-type]
    except DetenteError:
        return None
    if not res.packages or not (res.optimal or unproven):
        return None
    c = np.asarray(res.packages[0].choices, dtype=np.int64)
    true = float(concept_scores(cs, cs.utilities(c), concept, ideal, gainers)[0])
    if not (true > 0 or concept in ("welfare", "egalitarian")):
        return None
    if res.optimal or (res.gap == 0.0 and concept in ("egalitarian", "ks")):
        # a zero gap without ``optimal``: the max-min value (the options' score) is proven, only the
        # solver's tie-break (leximin) or its list of tied packages is not
        return c, true, True, true
    # the solver's gap is in its objective's units: Σ u (welfare) and min gain or ratio (egalitarian,
    # KS) differ from the score by a constant; milp_nash's objective is the product Π g^w = N^W
    bound = None
    if res.gap is not None and concept != "nash":
        bound = true + float(res.gap)
    elif res.gap is not None and res.objective is not None and res.method == "milp+log-tangents":
        bound = (float(res.objective) + float(res.gap)) ** (1.0 / float(cs.weight[gainers].sum()))
    return c, true, False, None if bound is None else max(true, bound)


def _by_milp(
    cs: CompiledScenario,
    concept: str,
    k: int,
    d: int,
    moves: IntArray,
    near_optimal: float,
    time_limit: float,
) -> tuple[IntArray, FloatArray, dict]:
    """Options for the linear concepts by HiGHS (:class:`detente.analysis.methods.milp.PackageMip`).

    Scores are linear in the option indicators x (with an auxiliary t where the concept is a minimum):
    welfare Σ_i (u_i − d_i); egalitarian t ≤ u_i − d_i ∀i; KS t·(u*_i − d_i) ≤ u_i − d_i for every
    party with u*_i > d_i (u* the ideal point). Option 1 is the concept's optimum by the exact solver
    (:func:`_exact_first`, :data:`FIRST_SHARE` of the work); when that share runs out before the proof,
    option 1 is its best package, not proven, with the gap to its bound (solving the same question
    again here would repeat that work). Every next option
    maximizes the score subject to score ≥ the near-optimal threshold and to differing from each earlier option c in at least ``d`` of the diversity moves,
    Σ_{k∈moves} x[k, c_k] ≤ |moves| − d, solved to a relative gap of max(1 %, 1 − near_optimal): any
    package within the near-optimal band of the best remaining one will do, so HiGHS need not prove
    which is best (the options are ranked by their exact scores afterwards). Infeasible means no
    further option exists (complete); a spent budget says so.
    """
    from detente.analysis.budget import Budget
    from detente.analysis.methods.milp import NODES_PER_UNIT, PackageMip, Run, ideal_point

    notes: list[str] = []
    info: dict = {"method": "milp", "notes": notes}
    pillar = None if len(moves) == cs.n_moves else cs.category[int(moves[0])]
    empty = np.zeros((0, cs.n_moves), dtype=np.int64), np.zeros(0)
    # FIRST_SHARE of the work for the first option (_exact_first), the rest for the ideal point and
    # the other options, so the whole search stays within time_limit
    budget = Budget.of(time_limit - FIRST_SHARE * time_limit)
    run = Run(
        nodes=max(1, math.floor(NODES_PER_UNIT * budget.left())), deadline=budget.deadline, budget=budget
    )
    ideal = None
    if concept == "ks":
        exact_ideal, proven = ideal_point(cs, run)
        if exact_ideal is None:
            no_zone = "no package is acceptable to every party (no zone of agreement)"
            info.update(best=None, bound=None, complete=proven, optimal=False, gap=None, why=no_zone)
            return *empty, info
        ideal = np.asarray([float(v) for v in exact_ideal])
        if not proven:
            notes.append("the KS ideal point is a bound (its solves hit the work limit)")
    gainers = np.ones(cs.n_parties, dtype=bool)
    mip = PackageMip(cs, run)
    dis = np.asarray(cs.disagreement, dtype=np.float64)
    t = None
    t_hi = mip.inf
    if concept == "welfare":
        mip.objective_x(cs.values.sum(axis=1))
        offset = -float(dis.sum())
    else:
        span = np.ones(cs.n_parties) if ideal is None else ideal - dis
        rows = [i for i in range(cs.n_parties) if concept == "egalitarian" or span[i] > 1e-12]
        # KS ratios are at most 1 (the ideal is each party's best); with no party able to gain every
        # package scores 0, as in concept_scores
        t_hi = mip.inf if concept == "egalitarian" else (1.0 if rows else 0.0)
        t = mip.add_col(-mip.inf, t_hi)
        for i in rows:
            mip.gain_row(i, 0.0, {t: -float(span[i])})
        mip.objective({t: 1.0})
        offset = 0.0
    packages: list[IntArray] = []
    scores: list[float] = []
    best: float | None = None
    bound: float | None = None
    optimal = False
    complete = False
    rejected = 0
    why: str | None = None

    def score(c: IntArray) -> float:
        return float(concept_scores(cs, cs.utilities(c), concept, ideal, gainers)[0])

    def raise_floor() -> None:
        assert best is not None
        thr = near_threshold(best, near_optimal)
        if t is None:
            mip.add_row(cs.values.sum(axis=1), thr - offset - 1e-9 * max(1.0, abs(thr)), mip.inf)
        else:
            mip.h.changeColBounds(t, min(t_hi, thr - 1e-9 * max(1.0, abs(thr))), t_hi)

    def accept(c: IntArray, true: float) -> None:
        packages.append(c)
        scores.append(true)
        coef = np.zeros(cs.n_total_options)
        coef[cs.offsets[moves] + c[moves]] = 1.0
        mip.add_row(coef, -mip.inf, float(len(moves) - d))

    exact = _exact_first(cs, concept, ideal, gainers, FIRST_SHARE * time_limit, unproven=True)
    if exact is not None:
        c0, best, optimal, bound = exact
        if optimal:
            notes.append("option 1 is the proven optimum from the exact solver (detente solve)")
        else:
            notes.append(
                "option 1 is the exact solver's best package when its share of the budget ran out (not "
                "proven optimal; the gap is the distance to its bound)"
            )
        raise_floor()
        accept(c0, best)
    while len(packages) < k:
        if budget.left() <= 0 or run.nodes <= 0:
            why = _why(len(packages), d, pillar, near_optimal, False)
            break
        mip.h.setOptionValue("mip_rel_gap", 0.0 if best is None else max(0.01, 1.0 - near_optimal))
        status, c, obj, dual = mip.solve()
        if status == "infeasible":
            complete = True
            if best is None:
                why = "no package is acceptable to every party (no zone of agreement)"
            else:
                why = _why(len(packages), d, pillar, near_optimal, True)
            break
        if c is None:
            why = _why(len(packages), d, pillar, near_optimal, False)
            break
        true = score(c)
        if best is None:
            best = true
            bound = true if dual is None else max(true, dual + offset)
            optimal = status == "optimal"
            raise_floor()
        if true < near_threshold(best, near_optimal) - 1e-9 * max(1.0, abs(best)):
            mip.forbid(c)  # below the threshold once re-evaluated: exclude it and go on
            rejected += 1
            if rejected > 4 * k:
                why = _why(len(packages), d, pillar, near_optimal, False)
                break
            continue
        best = max(best, true)
        accept(c, true)
    if rejected:
        notes.append(
            f"{rejected} candidate(s) below the near-optimal threshold once re-evaluated were skipped"
        )
    gap = None if optimal or best is None or bound is None else max(0.0, bound - best)
    info.update(best=best, bound=bound, optimal=optimal, complete=complete, gap=gap, why=why)
    if not packages:
        return *empty, info
    return np.vstack(packages), np.asarray(scores), info


def _by_milp_nash(
    cs: CompiledScenario,
    k: int,
    d: int,
    moves: IntArray,
    near_optimal: float,
    time_limit: float,
) -> tuple[IntArray, FloatArray, dict]:
    """Nash options by HiGHS: the log-tangent outer approximation of :mod:`detente.analysis.methods.milp_nash`
    (its :class:`~detente.analysis.methods.milp_nash._NashMip`, the one encoding) plus the near-optimal and
    diversity rows, which are linear there.

    With F(p) = Σ_i w_i ln g_i(p) and W = Σ_i w_i the score is N = exp(F / W), so N ≥ θ (θ the
    near-optimal threshold) is F ≥ W ln θ. The model maximizes Σ_i w_i z_i with z_i ≤ ln a − 1 + g_i/a
    at every tangent point a (z_i ≥ ln g_i is always reachable, so the model over-estimates F: its bound
    is valid and the row Σ w_i z_i ≥ W ln θ cuts off no qualifying package). A qualifying package has
    g_i ≥ δ_i = exp((W ln θ − Σ_{j≠i} w_j ln h_j) / w_i) (h_j the largest conceivable gain), the valid
    floor of each gain, so the tangent grid runs over [max(δ_i, τ·U_i), h_i] only. Option 1 is the
    optimum of :func:`detente.analysis.methods.milp_nash.solve_nash_milp` (:func:`_exact_first`); each
    next option adds Σ_{k∈moves} x[k, c_k] ≤ |moves| − d for every earlier option c and is solved to an
    absolute gap on F of γ = −W ln(1 − max(1 %, 1 − near_optimal)) (N within that relative gap of the
    best remaining package, as for the linear concepts). Every candidate is re-scored exactly (exact
    acceptability, the true product) and tangents are added at its gains, which make the model exact
    there (Kelley): it is accepted when its true F is ≥ W ln θ and within γ of the model's bound, else
    the model is solved again (below the threshold it is also cut off by a no-good). Infeasible means no
    further option exists (complete).

    When the exact solver's share (:data:`FIRST_SHARE` of the work) runs out before its proof, its best package is
    option 1, not proven, with the gap to its bound; θ is then set by the best package found so far
    (a floor from a lower θ is still valid). Falls back to :func:`_by_cpsat` when the exact solver finds
    no package, when some party cannot gain strictly (the product then runs over a subset of parties),
    or when θ ≤ 0.
    """
    from detente.analysis.budget import Budget
    from detente.analysis.methods.milp import NODES_PER_UNIT, ExactValues, Run
    from detente.analysis.methods.milp_nash import _NashMip, _party_ranges

    eps, hi = _party_ranges(cs)
    gainers = np.ones(cs.n_parties, dtype=bool)
    # FIRST_SHARE of the work for the first option, the rest for the other options (as _by_milp)
    exact = (
        None
        if np.any(hi <= eps)
        else _exact_first(cs, "nash", None, gainers, FIRST_SHARE * time_limit, unproven=True)
    )
    if exact is not None:
        gains0 = cs.utilities(exact[0]) - cs.disagreement
        if np.any(gains0 <= eps) or near_threshold(exact[1], near_optimal) <= 0:
            exact = None
    if exact is None:
        return _by_cpsat(cs, "nash", k, d, moves, near_optimal, time_limit)
    c0, best, optimal, bound = exact
    notes: list[str] = [
        "option 1 is the proven optimum from the exact solver (detente solve)"
        if optimal
        else "option 1 is the exact solver's best package when its share of the budget ran out (not "
        "proven optimal; the gap is the distance to its bound)"
    ]
    info: dict = {"method": "milp+log-tangents", "notes": notes}
    pillar = None if len(moves) == cs.n_moves else cs.category[int(moves[0])]
    budget = Budget.of(time_limit - FIRST_SHARE * time_limit)
    run = Run(
        nodes=max(1, math.floor(NODES_PER_UNIT * budget.left())), deadline=budget.deadline, budget=budget
    )
    w = np.asarray(cs.weight, dtype=np.float64)
    W = float(w.sum())
    ln_hi = np.log(hi)
    thr = near_threshold(best, near_optimal)
    f_thr = W * math.log(thr)
    slack = 1e-9 * max(1.0, abs(f_thr))
    floor = np.empty(cs.n_parties)
    for i in range(cs.n_parties):
        rest = float(np.dot(w, ln_hi) - w[i] * ln_hi[i])
        delta = math.exp(min(700.0, (f_thr - slack - rest) / w[i])) * (1 - 1e-12) if w[i] > 0 else 0.0
        floor[i] = max(float(eps[i]), min(delta, float(hi[i])))
    nm = _NashMip(cs, run, floor, hi)
    # _NashMip keeps one option of each group of interchangeable options (same utilities); options for
    # principals must tell them apart (they differ in moves), so every option stays in the model
    for kk, groups in nm.twins.items():
        for group in groups:
            for j in group[1:]:
                nm.mip.h.changeColBounds(int(cs.offsets[kk]) + j, 0.0, 1.0)
    nm.twins = {}
    nm.cutoff(f_thr - slack)
    ex = ExactValues(cs)
    gap_f = -W * math.log(1.0 - max(0.01, 1.0 - near_optimal))
    packages: list[IntArray] = []
    scores: list[float] = []
    complete = False
    rejected = 0
    refined = 0
    why: str | None = None

    def accept(c: IntArray, true: float) -> None:
        packages.append(c)
        scores.append(true)
        coef = np.zeros(cs.n_total_options)
        coef[cs.offsets[moves] + c[moves]] = 1.0
        nm.mip.add_row(coef, -nm.mip.inf, float(len(moves) - d))

    accept(c0, best)
    for i, g in enumerate(gains0):
        nm.tangent(i, float(g))
    while len(packages) < k:
        if budget.left() <= 0 or run.nodes <= 0 or rejected + refined > 4 * k:
            why = _why(len(packages), d, pillar, near_optimal, False)
            break
        nodes = run.nodes
        status, c, model_ub = nm.solve(abs_gap=gap_f)
        budget.spend((nodes - run.nodes) / NODES_PER_UNIT)
        if status == "infeasible":
            complete = True
            why = _why(len(packages), d, pillar, near_optimal, True)
            break
        if c is None:
            why = _why(len(packages), d, pillar, near_optimal, False)
            break
        if not ex.acceptable(c):
            nm.mip.forbid(c)  # admitted only by HiGHS's feasibility tolerance
            rejected += 1
            continue
        gains = np.asarray([float(g) for g in ex.gains(c)])
        if np.any(gains <= eps):
            nm.mip.forbid(c)
            rejected += 1
            continue
        for i, g in enumerate(gains):
            nm.tangent(i, float(g))  # the model is now exact at c
        true = float(concept_scores(cs, cs.utilities(c), "nash", None, gainers)[0])
        f_true = W * math.log(true)
        if f_true < f_thr - slack:
            nm.mip.forbid(c)  # below the threshold once re-scored (also cut off by its new tangents)
            rejected += 1
            continue
        if status == "optimal" and model_ub is not None and f_true < model_ub - gap_f - slack:
            refined += 1  # the model over-estimated c by more than the gap: solve again, tighter at c
            continue
        if true > best:  # option 1 was not proven: a better package raises the threshold
            best = true
            f_thr = W * math.log(near_threshold(best, near_optimal))
            nm.cutoff(f_thr - slack)
        accept(c, true)
    if rejected:
        notes.append(
            f"{rejected} candidate(s) below the near-optimal threshold once re-evaluated were skipped"
        )
    notes.append(
        "Nash: HiGHS maximized the tangent outer approximation of Σ w·log(gain) (milp_nash's encoding) "
        "with the near-optimal and diversity rows; every candidate was re-scored with the true Nash product"
    )
    if bound is not None:
        bound = max(bound, best)
    gap = None if optimal or bound is None else bound - best
    info.update(best=best, bound=bound, optimal=optimal, complete=complete, gap=gap, why=why)
    return np.vstack(packages), np.asarray(scores), info


def _by_cpsat(
    cs: CompiledScenario,
    concept: str,
    k: int,
    d: int,
    moves: IntArray,
    near_optimal: float,
    time_limit: float,
) -> tuple[IntArray, FloatArray, dict]:
    from ortools.sat.python import cp_model

    from detente.analysis.methods.cpsat import NASH_MAGNITUDE, nash_exponents
    from detente.analysis.methods.cpsat_model import build_package_model, scaled_model

    spent = 0.0  # deterministic work units used so far (never the clock: see cpsat_model.new_solver)
    pillar = None if len(moves) == cs.n_moves else cs.category[int(moves[0])]
    notes: list[str] = []
    info: dict = {"method": "cp-sat", "notes": notes}
    empty = np.zeros((0, cs.n_moves), dtype=np.int64), np.zeros(0)
    ideal = None
    if concept == "ks":
        ideal, exact_ideal = _ideal_cpsat(cs, time_limit / 4)
        if ideal is None:
            info.update(
                best=None,
                bound=None,
                complete=exact_ideal,
                optimal=False,
                gap=None,
                why="no package is acceptable to every party (no zone of agreement)",
            )
            return *empty, info
        if not exact_ideal:
            notes.append("the KS ideal point is a bound (its solves hit the time limit)")
    gainers = np.ones(cs.n_parties, dtype=bool)

    def build() -> tuple[PackageModel, Any, float]:
        pm = scaled_model(cs, magnitude=NASH_MAGNITUDE).pm if concept == "nash" else build_package_model(cs)
        obj, unit = _add_objective(pm, concept, ideal, gainers)
        pm.model.maximize(obj)
        return pm, obj, unit

    pm, obj, unit = build()
    exps = nash_exponents(cs)[0] if concept == "nash" else np.ones(cs.n_parties, dtype=np.int64)
    n_log = int(exps.sum())  # Σ W_i over the parties inside the Nash log-sum
    if concept == "nash":
        info["method"] = "cp-sat+log-tangents"
        notes.append(
            "Nash: CP-SAT maximized the tangent envelope of Σ w·log(gain); every candidate was "
            "re-scored with the true Nash product and the options re-ranked by it"
        )
    if concept == "ks":
        notes.append(f"KS optimized in steps of 1/{KS_STEPS}")
    if float(pm.rounding_error.max()) > 0:
        notes.append(f"values rounded to 1/{pm.scale} for CP-SAT (utilities re-evaluated exactly)")
    packages: list[IntArray] = []
    scores: list[float] = []
    best: float | None = None
    bound: float | None = None
    optimal = False
    complete = False
    rejected = 0
    why = None

    def require_near(pm: PackageModel, obj: Any, unit: float, n_log: int) -> None:
        """Keep later solves at or above the near-optimal threshold of the best score."""
        assert best is not None
        thr = near_threshold(best, near_optimal)
        if concept == "nash":
            if thr > 0:
                log_thr = n_log * (math.log(thr) + math.log(pm.scale))
                pm.model.add(obj >= math.floor(NASH_LOG_SCALE * log_thr - n_log))
        elif concept == "ks":
            pm.model.add(obj >= math.floor(thr * unit) - 1)
        else:
            pm.model.add(obj >= math.floor(thr * unit - 1e-6))

    def accept(c: IntArray, true: float) -> None:
        packages.append(c)
        scores.append(true)
        same = [pm.x[int(kk)][int(c[kk])] for kk in moves]
        pm.model.add(sum(same) <= len(same) - d)
        pm.model.clear_hints()
        for kk in range(cs.n_moves):
            for j, v in enumerate(pm.x[kk]):
                pm.model.add_hint(v, j == int(c[kk]))

    # Option 1 is the concept's proven optimum when the exact solver finds it in its share of the budget.
    exact = _exact_first(cs, concept, ideal, gainers, FIRST_SHARE * time_limit)
    spent += FIRST_SHARE * time_limit + (time_limit / 4 if concept == "ks" else 0.0)
    if exact is not None:
        c0, true0 = exact[0], exact[1]
        best = bound = true0
        optimal = True
        notes.append("option 1 is the proven optimum from the exact solver (detente solve)")
        require_near(pm, obj, unit, n_log)
        accept(c0, true0)
    while len(packages) < k:
        remaining = time_limit - spent
        if remaining <= 0.05:
            why = _why(len(packages), d, pillar, near_optimal, False)
            break
        # the reference solve gets a fifth of the budget (its gap is reported if it is not proven),
        # each later option an even share of what is left
        share = (
            remaining / max(1, k - len(packages))
            if best is not None
            else min(remaining, max(1.0, time_limit / 5))
        )
        solver = _solver(max(0.05, share), concept, first=best is None, parties=n_log)
        status = solver.solve(pm.model)
        spent += solver.response_proto.deterministic_time
        if status == cp_model.INFEASIBLE and concept == "nash" and best is None and gainers.all():
            # maybe some party cannot gain at all: leave it out of the product (as solve does) and retry
            gainers = _gainers_cpsat(cs, remaining / 2)
            if gainers.any() and not gainers.all():
                left_out = [cs.party_ids[i] for i in np.flatnonzero(~gainers)]
                notes.append(
                    f"{', '.join(left_out)} cannot gain over the disagreement point: left out of the product"
                )
                pm, obj, unit = build()
                n_log = int(exps[gainers].sum())
                continue
        if status == cp_model.INFEASIBLE:
            complete = True
            if not packages and best is None:
                why = "no package is acceptable to every party (no zone of agreement)"
                if concept == "nash":
                    why = (
                        "no acceptable package gives every party that can gain a strict gain over its "
                        "disagreement point, so the Nash product is 0 everywhere; try --concept welfare"
                    )
            else:
                why = _why(len(packages), d, pillar, near_optimal, True)
            break
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            why = _why(len(packages), d, pillar, near_optimal, False)
            break
        c = pm.choices(solver)
        true = float(concept_scores(cs, cs.utilities(c), concept, ideal, gainers)[0])
        if best is None:
            best = true
            raw_bound = solver.best_objective_bound
            if concept == "nash":
                # Σ W_i z_i ≥ C·Σ W_i ln g_i − Σ W_i at every package (z_i ≥ ⌊C ln g_i⌋ is reachable)
                bound = math.exp((raw_bound + n_log) / NASH_LOG_SCALE / n_log) / pm.scale
                bound = max(bound, true)
            else:
                bound = raw_bound / unit
            optimal = concept != "nash" and raw_bound <= solver.objective_value + 1e-9
            if concept == "ks":
                bound = max(bound, best)
            require_near(pm, obj, unit, n_log)
        thr = near_threshold(best, near_optimal)
        if true < thr - 1e-9 * max(1.0, abs(best)):
            pm.forbid(c)  # a proxy or rounding artefact below the threshold: exclude it and go on
            rejected += 1
            if rejected > 4 * k:
                why = _why(len(packages), d, pillar, near_optimal, False)
                break
            continue
        if true > best:
            best = true
        accept(c, true)
    if rejected:
        notes.append(f"{rejected} proxy candidate(s) below the near-optimal threshold were skipped")
    gap = None if optimal or best is None or bound is None else max(0.0, bound - best)
    info.update(best=best, bound=bound, optimal=optimal, complete=complete, gap=gap, why=why)
    if not packages:
        return *empty, info
    return np.vstack(packages), np.asarray(scores), info
