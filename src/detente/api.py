"""The Python API for notebooks: ``import detente as dt``.

::

    sc = dt.load("scenarios/korea-2019.yaml")
    sol = dt.solve(sc, "nash")               # Solution: .optimal, .method, .gap, .packages
    sol.packages[0].choices                  # {move id: option id}
    sol.packages[0].utilities                # {party id: utility}
    dt.plan_roadmap(sc, sol.packages[0])     # Roadmap with .phases

Every function takes a :class:`~detente.model.scenario.Scenario`, a compiled model
(:class:`~detente.model.compiled.CompiledScenario`) or a path to a scenario file, and returns a typed,
frozen result with ids (never index arrays). Results show as tables in Jupyter (``_repr_html_``) and
turn into pandas DataFrames with ``.to_frame()`` where a table is their natural shape.

This module is a thin layer over :mod:`detente.analysis` and :mod:`detente.roadmap`: each internal
result kind is converted to its public type in exactly one function (``_solution``, ``_frontier``,
``_options``, ``_wedges``, ``_diagnosis``, ``_roadmap``), which reads the internal result by attribute.
A wrong argument raises :class:`TypeError` or :class:`ValueError` naming the argument and what was
expected; problems with the scenario itself raise :class:`~detente.errors.DetenteError` subclasses.
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario

if TYPE_CHECKING:
    import pandas as pd

ScenarioLike = Scenario | CompiledScenario | str | os.PathLike[str]

CONCEPTS = ("nash", "ks", "egalitarian", "welfare")
METHODS = ("auto", "enumeration", "dp", "cp-sat")
OBJECTIVES = ("exposure", "phases", "time")

__all__ = [
    "Analysis",
    "CoalitionWedges",
    "Diagnosis",
    "Frontier",
    "MoveWedge",
    "Option",
    "Options",
    "Package",
    "Phase",
    "Relaxation",
    "Roadmap",
    "Solution",
    "Temptation",
    "Wedges",
    "analyze",
    "diagnose",
    "frontier",
    "load",
    "options",
    "plan_roadmap",
    "solve",
    "wedges",
]


# ----- HTML for Jupyter ------------------------------------------------------------------------------
def _fmt(x: object) -> str:
    if isinstance(x, float):
        return f"{x:.6g}"
    return str(x)


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], caption: str = "") -> str:
    cap = f"<caption style='text-align:left'>{html.escape(caption)}</caption>" if caption else ""
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(_fmt(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table>{cap}<thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns))


# ----- public result types ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Package:
    """One package: the option chosen for every move and each party's utility."""

    choices: dict[str, str]
    utilities: dict[str, float]

    def _repr_html_(self) -> str:
        util = _table(["party", "utility"], list(self.utilities.items()), "Utilities")
        moves = _table(["move", "option"], list(self.choices.items()), "Choices")
        return util + moves


@dataclass(frozen=True)
class Solution:
    """The packages a solution concept selects (every tie), how they were found and how sure that is.

    ``optimal``: proven optimal; ``gap``: bound − objective (concept units) when not proven.
    """

    concept: str
    method: str
    optimal: bool
    gap: float | None
    objective: float | None
    packages: tuple[Package, ...]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per package: each party's utility, then each move's option."""
        return _package_frame(self.packages)

    def _repr_html_(self) -> str:
        status = "proven optimal" if self.optimal else f"not proven optimal (gap {self.gap})"
        cap = f"{self.concept}: {len(self.packages)} package(s); {self.method}, {status}"
        return _packages_html(self.packages, cap)


def _package_frame(packages: Sequence[Package]) -> pd.DataFrame:
    if not packages:
        return _frame([], [])
    rows = [{**p.utilities, **p.choices} for p in packages]
    return _frame(rows, [*packages[0].utilities, *packages[0].choices])


def _packages_html(packages: Sequence[Package], caption: str) -> str:
    if not packages:
        return _table(["no package"], [], caption)
    parties = list(packages[0].utilities)
    rows = [[n, *[p.utilities[q] for q in parties]] for n, p in enumerate(packages)]
    return _table(["#", *parties], rows, caption)


@dataclass(frozen=True)
class Frontier:
    """The Pareto frontier of the acceptable packages. ``exact``: every point found; ``truncated``: a
    budget cut the list."""

    method: str
    exact: bool
    truncated: bool
    packages: tuple[Package, ...]
    n_acceptable: int | None = None
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per frontier package: each party's utility, then each move's option."""
        return _package_frame(self.packages)

    def _repr_html_(self) -> str:
        cap = f"Pareto frontier: {len(self.packages)} package(s); {self.method}" + (
            ", exact" if self.exact else ", not proven complete"
        )
        return _packages_html(self.packages, cap)


@dataclass(frozen=True)
class Option:
    """One option for principals: an acceptable near-optimal package, ranked (1 = best)."""

    rank: int
    choices: dict[str, str]
    utilities: dict[str, float]
    margins: dict[str, float]
    score: float
    share_of_optimum: float | None
    carried_out: tuple[str, ...]
    distinctive: tuple[str, ...]


@dataclass(frozen=True)
class Options:
    """Up to ``k`` diverse near-optimal options under ``concept``; ``shortfall`` says why fewer."""

    concept: str
    method: str
    optimal: bool
    gap: float | None
    options: tuple[Option, ...]
    shortfall: str | None = None
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per option: rank, score, share of the optimum, then each party's utility."""
        rows = [
            {"rank": o.rank, "score": o.score, "share_of_optimum": o.share_of_optimum, **o.utilities}
            for o in self.options
        ]
        parties = list(self.options[0].utilities) if self.options else []
        return _frame(rows, ["rank", "score", "share_of_optimum", *parties])

    def _repr_html_(self) -> str:
        parties = list(self.options[0].utilities) if self.options else []
        rows = [[o.rank, o.score, *[o.utilities[p] for p in parties]] for o in self.options]
        return _table(["rank", "score", *parties], rows, f"Options ({self.concept}, {self.method})")


@dataclass(frozen=True)
class MoveWedge:
    """A move option that helps some members of a coalition (``helps``) and hurts others (``hurts``)."""

    move: str
    option: str
    helps: tuple[str, ...]
    hurts: tuple[str, ...]
    magnitude: float
    values: dict[str, float]


@dataclass(frozen=True)
class CoalitionWedges:
    """Wedges of one coalition: its cohesion (1 aligned, ≤ 0 opposed) and the moves that divide it."""

    id: str
    name: str
    members: tuple[str, ...]
    cohesion: float
    move_wedges: tuple[MoveWedge, ...]


@dataclass(frozen=True)
class Wedges:
    """Offers that would split each coalition of the scenario."""

    method: str
    coalitions: tuple[CoalitionWedges, ...]
    notes: tuple[str, ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One row per (coalition, move wedge)."""
        rows = [
            {
                "coalition": c.id,
                "move": w.move,
                "option": w.option,
                "helps": ", ".join(w.helps),
                "hurts": ", ".join(w.hurts),
                "magnitude": w.magnitude,
            }
            for c in self.coalitions
            for w in c.move_wedges
        ]
        return _frame(rows, ["coalition", "move", "option", "helps", "hurts", "magnitude"])

    def _repr_html_(self) -> str:
        rows = [
            [c.id, w.move, w.option, ", ".join(w.helps), ", ".join(w.hurts), w.magnitude]
            for c in self.coalitions
            for w in c.move_wedges
        ]
        return _table(["coalition", "move", "option", "helps", "hurts", "magnitude"], rows, "Wedges")


@dataclass(frozen=True)
class Relaxation:
    """A smallest set of red lines / reservation values to relax, and the package it then opens."""

    items: tuple[str, ...]
    package: Package


@dataclass(frozen=True)
class Diagnosis:
    """Whether any package is acceptable; if not, the smallest relaxations that would open a deal."""

    feasible: bool | None
    method: str
    optimal: bool
    minimum_size: int | None
    relaxations: tuple[Relaxation, ...]
    summary: tuple[str, ...]

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape("\n".join(self.summary)) + "</pre>"


@dataclass(frozen=True)
class Phase:
    """A roadmap phase: the steps carried out in it (labels) and the verified steps it waits for."""

    index: int
    start_day: int
    end_day: int
    steps: tuple[str, ...]
    gates: tuple[str, ...]
    exposure: dict[str, float]


@dataclass(frozen=True)
class Temptation:
    """``party`` gains ``margin`` by stopping before phase ``phase`` (1-based): its utility is ``stop``
    if it stops and ``finish`` if it goes on (backward induction)."""

    party: str
    phase: int
    margin: float
    stop: float
    finish: float


@dataclass(frozen=True)
class Roadmap:
    """A package sequenced into verified phases; ``self_enforcing`` when no party is tempted to stop."""

    method: str
    optimal: bool
    gap: float | None
    objective: str | None
    days: int
    phases: tuple[Phase, ...]
    max_exposure: dict[str, float]
    temptations: tuple[Temptation, ...]
    notes: tuple[str, ...] = ()

    @property
    def self_enforcing(self) -> bool:
        return not self.temptations

    def to_frame(self) -> pd.DataFrame:
        """One row per phase: index, days, steps, gates."""
        rows = [
            {
                "phase": p.index,
                "start_day": p.start_day,
                "end_day": p.end_day,
                "steps": "; ".join(p.steps),
                "gates": "; ".join(p.gates),
            }
            for p in self.phases
        ]
        return _frame(rows, ["phase", "start_day", "end_day", "steps", "gates"])

    def _repr_html_(self) -> str:
        rows = [[p.index, f"{p.start_day}–{p.end_day}", "; ".join(p.steps)] for p in self.phases]
        status = "proven optimal" if self.optimal else "not proven optimal"
        cap = f"Roadmap: {len(self.phases)} phase(s), {self.days} days ({self.method}, {status})"
        return _table(["phase", "days", "steps"], rows, cap)


@dataclass(frozen=True)
class Analysis:
    """The whole deal analysis: zone of agreement (or diagnosis), frontier, concepts, options, wedges."""

    zone_of_agreement: bool | None
    diagnosis: Diagnosis | None
    frontier: Frontier | None
    solutions: dict[str, Solution]
    options: Options | None
    wedges: Wedges | None
    notes: tuple[str, ...] = field(default_factory=tuple)
    #: False when the call's wall-clock safety stop fired (the notes say which steps were cut).
    complete: bool = True

    def _repr_html_(self) -> str:
        zone = {True: "a zone of agreement exists", False: "no zone of agreement", None: "undecided"}
        rows = [
            [c, s.method, s.optimal, *(s.packages[0].utilities.values() if s.packages else [])]
            for c, s in self.solutions.items()
        ]
        parties = next((list(s.packages[0].utilities) for s in self.solutions.values() if s.packages), [])
        return _table(["concept", "method", "optimal", *parties], rows, zone[self.zone_of_agreement])


# ----- argument checks -------------------------------------------------------------------------------
def load(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file (YAML or JSON); errors name the file, line and field."""
    from detente.io.loader import load_scenario

    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path: expected a file path (str or pathlib.Path), got {type(path).__name__}")
    return load_scenario(Path(path))


def _compiled(scenario: object, name: str = "scenario") -> CompiledScenario:
    """The compiled model of a Scenario, a CompiledScenario or a path; a clear TypeError otherwise."""
    if isinstance(scenario, CompiledScenario):
        return scenario
    from detente.analysis.budget import charge_compiled

    if isinstance(scenario, Scenario):
        cs = compile_scenario(scenario)
        charge_compiled(cs)  # to the call's budget
        return cs
    if isinstance(scenario, str | os.PathLike):
        cs = compile_scenario(load(scenario))
        charge_compiled(cs)
        return cs
    raise TypeError(
        f"{name}: expected a Scenario (dt.load(path)), a CompiledScenario or a path to a scenario file, "
        f"got {type(scenario).__name__}"
    )


def _choice(value: str, allowed: Sequence[str], name: str) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"{name}: expected one of {', '.join(allowed)} (a string), got {type(value).__name__}"
        )
    if value not in allowed:
        raise ValueError(f"{name}: unknown value '{value}'; choose one of {', '.join(allowed)}")
    return value


def _positive(value: object, name: str, *, integer: bool = False) -> Any:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        what = "an integer" if integer else "a number"
        raise TypeError(f"{name}: expected {what}, got {type(value).__name__}")
    if value <= 0:
        raise ValueError(f"{name}: must be positive, got {value}")
    return value


def _choices_array(cs: CompiledScenario, choices: object) -> Any:
    """``{move id: option id}`` (moves not named stay at their status quo) or a Package, as local choices."""
    if isinstance(choices, Package | Option):
        choices = choices.choices
    if not isinstance(choices, Mapping):
        raise TypeError(
            "choices: expected a dict {move id: option id} or a Package (e.g. dt.solve(sc).packages[0]), "
            f"got {type(choices).__name__}"
        )
    moves = set(cs.move_ids)
    for move, option in choices.items():
        if move not in moves:
            raise ValueError(
                f"choices: unknown move id '{move}'; the scenario's moves are {', '.join(cs.move_ids)}"
            )
        allowed = cs.option_ids[cs.move_index(move)]
        if option not in allowed:
            raise ValueError(
                f"choices: move '{move}' has no option '{option}'; its options are {', '.join(allowed)}"
            )
    return cs.choices_from_ids(dict(choices))


# ----- converters (one per internal result kind) -----------------------------------------------------
def _package(cs: CompiledScenario, p: Any) -> Package:
    return Package(
        choices=cs.choices_to_ids(p.choices),
        utilities={pid: float(p.utilities[i]) for i, pid in enumerate(cs.party_ids)},
    )


def _solution(cs: CompiledScenario, r: Any) -> Solution:
    return Solution(
        concept=r.concept,
        method=r.method,
        optimal=bool(r.optimal),
        gap=None if r.gap is None else float(r.gap),
        objective=None if r.objective is None else float(r.objective),
        packages=tuple(_package(cs, p) for p in r.packages),
        notes=tuple(r.notes),
    )


def _frontier(cs: CompiledScenario, r: Any) -> Frontier:
    return Frontier(
        method=r.method,
        exact=bool(r.exact),
        truncated=bool(r.truncated),
        packages=tuple(_package(cs, p) for p in r.packages),
        n_acceptable=r.n_acceptable,
        notes=tuple(r.notes),
    )


def _options(r: Any) -> Options:
    return Options(
        concept=r.concept,
        method=r.method,
        optimal=bool(r.optimal),
        gap=r.gap,
        options=tuple(
            Option(
                rank=o.rank,
                choices=dict(o.choices),
                utilities=dict(o.utilities),
                margins=dict(o.margins),
                score=float(o.score),
                share_of_optimum=o.share_of_optimum,
                carried_out=tuple(o.carried_out),
                distinctive=tuple(o.distinctive),
            )
            for o in r.options
        ),
        shortfall=r.shortfall,
        notes=tuple(r.notes),
    )


def _wedges(r: Any) -> Wedges:
    return Wedges(
        method=r.method,
        coalitions=tuple(
            CoalitionWedges(
                id=c.id,
                name=c.name,
                members=tuple(c.members),
                cohesion=float(c.cohesion),
                move_wedges=tuple(
                    MoveWedge(
                        move=w.move,
                        option=w.option,
                        helps=tuple(w.helps),
                        hurts=tuple(w.hurts),
                        magnitude=float(w.magnitude),
                        values=dict(w.values),
                    )
                    for w in c.move_wedges
                ),
            )
            for c in r.coalitions
        ),
        notes=tuple(r.notes),
    )


def _diagnosis(cs: CompiledScenario, r: Any) -> Diagnosis:
    return Diagnosis(
        feasible=r.feasible,
        method=r.method,
        optimal=bool(r.optimal),
        minimum_size=r.minimum_size,
        relaxations=tuple(
            Relaxation(items=tuple(i.words() for i in x.items), package=_package(cs, x.package))
            for x in r.relaxations
        ),
        summary=tuple(r.summary(cs)),
    )


def _roadmap(cs: CompiledScenario, rm: Any) -> Roadmap:
    items = rm.items.items
    exposure = rm.exposure
    return Roadmap(
        method=rm.method,
        optimal=bool(rm.optimal),
        gap=rm.gap,
        objective=rm.objective,
        days=int(rm.completion_days),
        phases=tuple(
            Phase(
                index=int(ph.index),
                start_day=int(ph.start),
                end_day=int(ph.end),
                steps=tuple(items[n].label for n in ph.items),
                gates=tuple(items[g].label for g in ph.gates),
                exposure={p: float(exposure[i, t]) for i, p in enumerate(cs.party_ids)}
                if exposure.size
                else {},
            )
            for t, ph in enumerate(rm.phases)
        ),
        max_exposure={p: float(x) for p, x in zip(cs.party_ids, rm.max_exposure, strict=True)},
        temptations=tuple(
            Temptation(
                party=cs.party_ids[int(t.party)],
                phase=int(t.phase) + 1,
                margin=float(t.margin),
                stop=float(t.stop),
                finish=float(t.finish),
            )
            for t in rm.temptations
        ),
        notes=tuple(rm.notes),
    )


# ----- the functions ---------------------------------------------------------------------------------
def _budget(time_limit: object) -> AbstractContextManager[object]:
    """The one work budget of a call (``time_limit`` work units, one wall-clock safety stop), checked
    first and opened before the scenario is compiled (:mod:`detente.analysis.budget`)."""
    from detente.analysis.budget import command_budget

    _positive(time_limit, "time_limit")
    return command_budget(float(time_limit))  # type: ignore[arg-type]


def solve(
    scenario: ScenarioLike, concept: str = "nash", *, method: str = "auto", time_limit: float = 30.0
) -> Solution:
    """The packages solution ``concept`` (nash, ks, egalitarian, welfare) selects, every tie included."""
    from detente.analysis.solve import solve as _solve

    with _budget(time_limit):
        cs = _compiled(scenario)
        _choice(concept, CONCEPTS, "concept")
        _choice(method, METHODS, "method")
        return _solution(cs, _solve(cs, concept, method=method, time_limit=time_limit))


def frontier(scenario: ScenarioLike, *, method: str = "auto", time_limit: float = 30.0) -> Frontier:
    """The Pareto frontier of the acceptable packages."""
    from detente.analysis.solve import frontier as _frontier_fn

    with _budget(time_limit):
        cs = _compiled(scenario)
        _choice(method, METHODS, "method")
        return _frontier(cs, _frontier_fn(cs, method=method, time_limit=time_limit))


def options(
    scenario: ScenarioLike,
    k: int = 3,
    *,
    concept: str = "nash",
    near_optimal: float = 0.9,
    time_limit: float = 30.0,
) -> Options:
    """Up to ``k`` diverse options within ``near_optimal`` of the best under ``concept``."""
    from detente.analysis.options import options_report

    with _budget(time_limit):
        cs = _compiled(scenario)
        _positive(k, "k", integer=True)
        _choice(concept, CONCEPTS, "concept")
        if isinstance(near_optimal, bool) or not isinstance(near_optimal, int | float):
            raise TypeError(
                f"near_optimal: expected a number between 0 and 1, got {type(near_optimal).__name__}"
            )
        if not 0 <= near_optimal <= 1:
            raise ValueError(f"near_optimal: must be between 0 and 1, got {near_optimal}")
        return _options(
            options_report(cs, concept=concept, k=k, near_optimal=near_optimal, time_limit=time_limit)
        )


def wedges(scenario: ScenarioLike, *, time_limit: float = 30.0) -> Wedges:
    """Offers that would split each coalition the scenario defines (none defined: no coalitions)."""
    from detente.analysis.coalitions import wedges as _wedges_fn

    with _budget(time_limit):
        cs = _compiled(scenario)
        return _wedges(_wedges_fn(cs, time_limit=time_limit))


def diagnose(scenario: ScenarioLike, *, time_limit: float = 30.0) -> Diagnosis:
    """Whether a deal exists; if not, the smallest relaxations of red lines or reservations that open one."""
    from detente.analysis.diagnosis import diagnose as _diagnose

    with _budget(time_limit):
        cs = _compiled(scenario)
        return _diagnosis(cs, _diagnose(cs, time_limit=time_limit))


def analyze(
    scenario: ScenarioLike, *, concept: str = "nash", k: int = 4, time_limit: float = 10.0
) -> Analysis:
    """The whole deal analysis at once (what ``detente analyze`` prints)."""
    from detente.analysis.report import analyze as _analyze

    with _budget(time_limit):
        cs = _compiled(scenario)
        _choice(concept, CONCEPTS, "concept")
        _positive(k, "k", integer=True)
        r = _analyze(cs, concept=concept, k=k, time_limit=time_limit)
        return Analysis(
            zone_of_agreement=r.zone_of_agreement,
            diagnosis=None if r.diagnosis is None else _diagnosis(cs, r.diagnosis),
            frontier=None if r.frontier is None else _frontier(cs, r.frontier),
            solutions={c: _solution(cs, s) for c, s in r.solutions.items()},
            options=None if r.options is None else _options(r.options),
            wedges=None if r.wedges is None else _wedges(r.wedges),
            notes=tuple(r.notes),
            complete=r.complete,
        )


def plan_roadmap(
    scenario: ScenarioLike,
    choices: Mapping[str, str] | Package | Option,
    *,
    objective: str = "exposure",
    max_phases: int = 12,
    time_limit: float = 10.0,
) -> Roadmap:
    """Sequence a package into verified phases. ``choices`` is ``{move id: option id}`` (moves not named
    stay at their status quo) or a :class:`Package` / :class:`Option` from another result."""
    from detente.roadmap import plan_roadmap as _plan

    with _budget(time_limit):
        cs = _compiled(scenario)
        c = _choices_array(cs, choices)
        _choice(objective, OBJECTIVES, "objective")
        _positive(max_phases, "max_phases", integer=True)
        return _roadmap(cs, _plan(cs, c, objective=objective, max_phases=max_phases, time_limit=time_limit))
