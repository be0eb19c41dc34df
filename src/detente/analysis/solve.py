"""The public entry points of deal analysis: acceptable packages, the frontier, bargaining solutions.

A thin layer over the four methods, each a :class:`~detente.analysis.methods.Backend`
(:func:`detente.analysis.methods.backend`); ``method="auto"`` asks
:func:`detente.analysis.dispatch.choose_method`, the one policy (every threshold is defined there):

* ``"enumeration"`` — the semantics of running every concept on **all** acceptable packages, so every
  tie is found (including Kalai–Smorodinsky ties that are weakly dominated). When the exact frontier is
  cheap (dynamic program), welfare, egalitarian and Nash are read off it (their optima are Pareto
  optimal) and one enumeration pass above the KS value's thresholds collects the KS ties; otherwise
  every acceptable package is enumerated and kept (:mod:`detente.analysis.methods.enumeration`).
* ``"dp"`` — the exact frontier by dynamic programming over constraint components
  (:mod:`detente.analysis.methods.dp`); concepts run on the frontier (see
  :mod:`detente.analysis.concepts` for why that is exact for welfare, egalitarian and Nash; KS ties
  that are weakly dominated are not listed, and a note says so). Under ``auto`` it runs with a state
  budget and falls back to the optimizers when the budget would be exceeded.
* ``"milp"`` — HiGHS for welfare, egalitarian (leximin) and KS (:mod:`detente.analysis.methods.milp`), and Nash
  by a certified cutting-plane loop (:mod:`detente.analysis.methods.milp_nash`; CP-SAT when no package gives
  every party a strict gain).
* ``"cp-sat"`` — CP-SAT (:mod:`detente.analysis.methods.cpsat`, :mod:`detente.analysis.methods.cpsat_frontier`).

Every result says its method, whether it is proven optimal and the gap. Exact solvers run on a
deterministic work budget (``time_limit``, in work units; see :mod:`detente.analysis.methods.cpsat_model`).
"""

from __future__ import annotations

from detente.analysis import dispatch as _dispatch
from detente.analysis.dispatch import ENUMERATION_LIMIT, METHODS, choose_method, large_method
from detente.analysis.enumerate import PackageSet, enumerate_packages, iter_packages
from detente.analysis.methods import backend
from detente.analysis.methods.dp import PACKAGE_BUDGET
from detente.analysis.results import CONCEPTS, FrontierResult, SolveResult
from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario


def _check(concept: str | None, method: str) -> None:
    if concept is not None and concept not in CONCEPTS:
        raise DetenteError(f"unknown solution concept '{concept}': choose one of {', '.join(CONCEPTS)}")
    if method not in METHODS:
        raise DetenteError(f"unknown method '{method}': choose one of {', '.join(METHODS)}")


def acceptable_packages(cs: CompiledScenario, limit: int = ENUMERATION_LIMIT) -> PackageSet:
    """Every acceptable package as arrays (``.choices`` (N, M), ``.utilities`` (N, P), ``.packages()``).

    Raises :class:`DetenteError` beyond ``limit`` outcomes.
    """
    return enumerate_packages(cs, acceptable=True, limit=limit)


def is_zone_of_agreement(cs: CompiledScenario, *, time_limit: float = 30.0) -> bool:
    """Whether some package is acceptable to every party (a zone of possible agreement exists).

    Enumeration (stops at the first acceptable package) up to the auto threshold, else CP-SAT
    feasibility, checked again in floating point.
    """
    if cs.n_outcomes <= _dispatch.AUTO_ENUMERATION_OUTCOMES:
        return any(len(chunk) > 0 for chunk in iter_packages(cs))
    from detente.analysis.methods.cpsat import zone_of_agreement

    return zone_of_agreement(cs, time_limit=time_limit)


def frontier(
    cs: CompiledScenario,
    *,
    method: str = "auto",
    budget: int = PACKAGE_BUDGET,
    time_limit: float = 30.0,
    points: int | None = None,
) -> FrontierResult:
    """The Pareto frontier of the acceptable packages (ties kept), as a :class:`FrontierResult`.

    ``auto`` (:func:`~detente.analysis.dispatch.choose_method`): enumeration on small spaces, the
    budgeted dynamic program with few parties, else the CP-SAT search with a point budget (``points``,
    default :data:`~detente.analysis.dispatch.FRONTIER_POINTS`) and ``time_limit`` work units; an
    incomplete CP-SAT frontier always contains each party's extreme point. ``budget`` caps the
    packages listed (``truncated`` says when it cut the list).
    """
    from detente.analysis.dispatch import FRONTIER_POINTS

    _check(None, method)
    chosen = choose_method(cs, "frontier").method if method == "auto" else method
    n_points = FRONTIER_POINTS if points is None else points
    found = backend(chosen).frontier(
        cs, budget=budget, points=n_points, time_limit=time_limit, budgeted=method == "auto"
    )
    if found is None:  # the budgeted dynamic program gave up: the search with a point budget
        found = backend("cp-sat").frontier(
            cs, budget=budget, points=n_points, time_limit=time_limit, budgeted=True
        )
    assert found is not None, "the CP-SAT search always answers (complete or not, and says which)"
    return found


def solve_all(
    cs: CompiledScenario,
    *,
    method: str = "auto",
    limit: int = ENUMERATION_LIMIT,
    concepts: tuple[str, ...] = CONCEPTS,
    time_limit: float = 30.0,
) -> dict[str, SolveResult]:
    """Several concepts: one enumeration or one frontier for all of them when the space allows it,
    else each concept by its optimizer (:func:`~detente.analysis.dispatch.choose_method`).

    ``time_limit`` is one work budget for all of them (:mod:`detente.analysis.budget`): each concept
    gets an even share of what is left. Inside a command, a concept the command already solved is
    returned as it was (never solved twice)."""
    from detente.analysis.budget import recall, remember

    _check(None, method)
    for c in concepts:
        _check(c, method)
    # inside a command, a concept already solved (same scenario, same method) is not solved again
    known = {c: recall(("solve", c, method), cs) for c in concepts}
    if all(r is not None for r in known.values()):
        return {c: r for c, r in known.items() if r is not None}
    found = _solve_all(cs, method=method, limit=limit, concepts=concepts, time_limit=time_limit)
    for c, r in found.items():
        remember(("solve", c, method), cs, r)
    return found


def _solve_all(
    cs: CompiledScenario, *, method: str, limit: int, concepts: tuple[str, ...], time_limit: float
) -> dict[str, SolveResult]:
    auto = method == "auto"
    family = choose_method(cs, "welfare").method if auto else method
    found = None
    if family in ("enumeration", "dp") or not auto:  # enumeration and dp: one pass answers every concept
        found = backend(family).concepts(cs, concepts, time_limit=time_limit, limit=limit, budgeted=auto)
    if found is not None:
        return found
    # auto, and the space is too large for one pass: each concept by its optimizer, on one work budget
    from detente.analysis.methods import one_at_a_time

    def one(concept: str, left: float) -> SolveResult:
        how = backend(large_method(cs, concept).method)
        answer = how.concepts(cs, (concept,), time_limit=left, limit=limit, budgeted=False)
        assert answer is not None, "an optimizer always answers (within its budget, proven or not)"
        return answer[concept]

    return one_at_a_time(concepts, time_limit, one)


def solve(
    cs: CompiledScenario, concept: str, *, method: str = "auto", time_limit: float = 30.0
) -> SolveResult:
    """The packages a solution concept selects — every tied package (see :mod:`detente.analysis.concepts`).

    ``concept`` ∈ nash, ks, egalitarian, welfare; ``method`` ∈ auto, enumeration, dp, milp, cp-sat
    (``auto``: :func:`~detente.analysis.dispatch.choose_method`). With no acceptable package the result
    has ``packages=[]`` and a note. ``time_limit`` is the optimizers' deterministic work budget.
    """
    _check(concept, method)
    return solve_all(cs, method=method, concepts=(concept,), time_limit=time_limit)[concept]
