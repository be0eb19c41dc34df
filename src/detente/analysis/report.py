"""The combined deal analysis of a scenario (``detente analyze``; consumed by the brief).

:func:`analyze` walks the package space once, in this order, and every step reuses what the earlier
ones found:

1. **frontier** — the Pareto frontier of the acceptable packages
   (:func:`detente.analysis.solve.frontier`; ``auto``, with a point budget of
   :data:`REPORT_FRONTIER_POINTS` on large spaces): its size, whether it is exact, each party's utility
   range on it and a few representative packages (farthest-point sampling, seeded);
2. **solutions** — every bargaining concept (nash, ks, egalitarian, welfare) with its method,
   optimality and gap (:func:`detente.analysis.solve.solve_all`: one enumeration or one frontier for
   all four on small scenarios, one optimizer per concept on large ones); each concept is solved once
   per command and later steps (options, the brief's annex) reuse it
   (:func:`detente.analysis.budget.recall`);
3. **zone of agreement** — read off steps 1–2 (any package they list is acceptable to every party; a
   complete empty frontier proves there is none); only when they do not tell is it checked on its own
   (:func:`detente.analysis.solve.is_zone_of_agreement`). When there is none, the **diagnosis**
   (:func:`detente.analysis.diagnosis.diagnose`) says which red lines / reservation values block a deal;
4. **options** for principals under ``concept`` (:func:`detente.analysis.options.options_report`;
   option 1 is the concept's solution from step 2);
5. **wedges** for every coalition (:func:`detente.analysis.coalitions.wedges`).

A step that cannot run (e.g. no exact frontier method for a very large scenario) is recorded in
``notes`` instead of failing the whole analysis. ``time_limit`` is **one** deterministic work budget for
the whole analysis (:mod:`detente.analysis.budget`), shared among the steps, with one wall-clock
safety stop; the same input and time limit give the same document on an idle and on a busy machine
unless the safety stop fires, and then ``complete`` is False and the notes say so. The JSON document is
:class:`AnalyzeOutput` (``detente schema analyze``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from detente.analysis.coalitions import WedgesOutput
from detente.analysis.options import OptionsOutput
from detente.analysis.results import CONCEPTS, FrontierResult, SolveResult
from detente.errors import DetenteError

if TYPE_CHECKING:
    from detente.analysis.diagnosis import Diagnosis
    from detente.model.compiled import CompiledScenario

#: Steps of :func:`analyze`, in order (for progress displays).
STEPS: tuple[str, ...] = ("frontier", "solutions", "zone of agreement", "options", "wedges")
REPRESENTATIVES = 8
#: Point budget of the frontier search in :func:`analyze` (each party's extreme point comes first, and
#: every solution concept's Pareto-optimal package is added): a deterministic summary, marked incomplete.
REPORT_FRONTIER_POINTS = 16
INCOMPLETE_RANGES = (
    "incomplete frontier: each range runs from the listed points only (every party's extreme point and the "
    "solution concepts' packages are among them); the true minimum on the frontier may be lower"
)


# ----- output models ---------------------------------------------------------------------------------
class PackageOut(BaseModel):
    choices: dict[str, str] = Field(description="Move id → option id.")
    utilities: dict[str, float] = Field(description="Party id → utility.")


class SolveOutput(BaseModel):
    """``detente solve --format json``: the packages one solution concept selects (every tie)."""

    concept: str
    method: str
    optimal: bool = Field(description="True when proven optimal.")
    gap: float | None = Field(description="Bound − objective when not proven optimal (concept units).")
    objective: float | None
    packages: list[PackageOut]
    notes: list[str] = Field(default_factory=list)
    seconds: float


class FrontierOutput(BaseModel):
    """``detente frontier --format json``: the Pareto frontier of the acceptable packages."""

    method: str
    exact: bool = Field(description="True when every frontier point was found.")
    truncated: bool = Field(description="True when a package budget cut the list.")
    count: int = Field(description="Frontier packages listed.")
    n_acceptable: int | None = Field(description="Number of acceptable packages, when counted.")
    ranges: dict[str, list[float]] = Field(description="Party id → [min, max] utility on the frontier.")
    ranges_complete: bool = Field(
        default=True,
        description="False when the frontier is incomplete: the ranges cover the listed points only.",
    )
    packages: list[PackageOut]
    notes: list[str] = Field(default_factory=list)
    seconds: float


class FrontierSummaryOut(BaseModel):
    """The frontier in brief: size, exactness, per-party ranges, representative packages."""

    method: str
    exact: bool
    truncated: bool
    count: int
    n_acceptable: int | None
    ranges: dict[str, list[float]]
    ranges_complete: bool = Field(
        default=True,
        description="False when the frontier is incomplete: the ranges cover the listed points only.",
    )
    representatives: list[PackageOut]
    notes: list[str] = Field(default_factory=list)


class AnalyzeOutput(BaseModel):
    """``detente analyze --format json``: the whole deal analysis of a scenario."""

    title: str
    parties: list[str]
    reservation: dict[str, float]
    zone_of_agreement: bool | None = Field(description="None when it could not be decided in time.")
    diagnosis: dict[str, Any] | None = Field(description="Why no deal exists (only when there is none).")
    frontier: FrontierSummaryOut | None
    solutions: dict[str, SolveOutput]
    options: OptionsOutput | None
    wedges: WedgesOutput | None
    notes: list[str] = Field(default_factory=list)
    complete: bool = Field(
        default=True,
        description="False when the wall-clock safety stop fired: some steps are incomplete or skipped "
        "(their answers say so); otherwise the document depends only on the input and the time limit.",
    )
    seconds: float


# ----- conversions -----------------------------------------------------------------------------------
def solve_output(cs: CompiledScenario, result: SolveResult) -> SolveOutput:
    return SolveOutput.model_validate(result.to_json(cs))


def _ranges(cs: CompiledScenario, u: np.ndarray) -> dict[str, list[float]]:
    if u.shape[0] == 0:
        return {}
    return {p: [float(u[:, i].min()), float(u[:, i].max())] for i, p in enumerate(cs.party_ids)}


def frontier_output(cs: CompiledScenario, fr: FrontierResult) -> FrontierOutput:
    return FrontierOutput(
        method=fr.method,
        exact=fr.exact,
        truncated=fr.truncated,
        count=len(fr.packages),
        n_acceptable=fr.n_acceptable,
        ranges=_ranges(cs, fr.utilities),
        ranges_complete=fr.exact,
        packages=[PackageOut.model_validate(p.to_json(cs)) for p in fr.packages],
        notes=list(fr.notes),
        seconds=fr.seconds,
    )


def frontier_summary(
    cs: CompiledScenario, fr: FrontierResult, k: int = REPRESENTATIVES
) -> FrontierSummaryOut:
    from detente.analysis.pareto import summarize

    u = fr.utilities
    reps = summarize(u, k=k, seed=0).representatives if len(fr.packages) else np.zeros(0, dtype=np.int64)
    return FrontierSummaryOut(
        method=fr.method,
        exact=fr.exact,
        truncated=fr.truncated,
        count=len(fr.packages),
        n_acceptable=fr.n_acceptable,
        ranges=_ranges(cs, u),
        ranges_complete=fr.exact,
        representatives=[PackageOut.model_validate(fr.packages[int(r)].to_json(cs)) for r in reps],
        notes=list(fr.notes),
    )


# ----- the report ------------------------------------------------------------------------------------
@dataclass
class AnalysisReport:
    """Everything :func:`analyze` computed (Python objects; :meth:`to_json` gives the document)."""

    zone_of_agreement: bool | None
    diagnosis: Diagnosis | None
    frontier: FrontierResult | None
    solutions: dict[str, SolveResult]
    options: OptionsOutput | None
    wedges: WedgesOutput | None
    notes: list[str] = field(default_factory=list)
    complete: bool = True
    seconds: float = 0.0

    def output(self, cs: CompiledScenario) -> AnalyzeOutput:
        diag = None if self.diagnosis is None else self.diagnosis.to_json(cs)
        return AnalyzeOutput(
            title=cs.scenario.meta.title,
            parties=list(cs.party_ids),
            reservation={p: float(cs.reservation[i]) for i, p in enumerate(cs.party_ids)},
            zone_of_agreement=self.zone_of_agreement,
            diagnosis=diag,
            frontier=None if self.frontier is None else frontier_summary(cs, self.frontier),
            solutions={c: solve_output(cs, r) for c, r in self.solutions.items()},
            options=self.options,
            wedges=self.wedges,
            notes=list(self.notes),
            complete=self.complete,
            seconds=self.seconds,
        )

    def to_json(self, cs: CompiledScenario) -> dict[str, Any]:
        """The :class:`AnalyzeOutput` document as plain JSON data."""
        return self.output(cs).model_dump(mode="json")


def _with_solution_points(fr: FrontierResult, solutions: dict[str, SolveResult]) -> FrontierResult:
    """Add every solution concept's package to the frontier (those that are Pareto optimal among the
    listed points: welfare, leximin-egalitarian and Nash always are), so the frontier and its ranges
    never omit a point the report also shows; dominated points are dropped."""
    import dataclasses

    from detente.analysis.pareto import pareto_mask

    extra = [p for c in CONCEPTS if c in solutions for p in solutions[c].packages]
    if not extra:
        return fr
    known = {tuple(int(v) for v in p.choices) for p in fr.packages}
    added = [p for p in extra if tuple(int(v) for v in p.choices) not in known]
    if not added:
        return fr
    merged = [*fr.packages, *added]
    keep = pareto_mask(np.round(np.vstack([p.utilities for p in merged]) * 1e9).astype(np.int64))
    kept = [p for p, k in zip(merged, keep, strict=True) if k]
    n_new = len(kept) - int(keep[: len(fr.packages)].sum())
    if n_new == 0 and len(kept) == len(fr.packages):
        return fr
    note = f"{n_new} Pareto-optimal package(s) added from the solution concepts"
    return dataclasses.replace(fr, packages=kept, notes=[*fr.notes, note])


def _zone_from_frontier(fr: FrontierResult | None) -> bool | None:
    """A zone of agreement exists when the frontier lists a package; none exists when a complete
    frontier is empty; None when the frontier does not tell (the zone is then checked on its own)."""
    if fr is None:
        return None
    if fr.packages:
        return True
    return False if fr.exact and not fr.truncated else None


def analyze(
    cs: CompiledScenario,
    *,
    concept: str = "nash",
    k: int = 4,
    near_optimal: float = 0.9,
    time_limit: float = 10.0,
    progress: Callable[[str], None] | None = None,
) -> AnalysisReport:
    """Run the whole deal analysis once (module docstring). ``progress(step)`` is called before each
    step in :data:`STEPS` (the CLI shows a progress display with it).

    ``time_limit`` is **one** work budget for the whole analysis (:mod:`detente.analysis.budget`; the
    running command's when called inside one): each step gets an even share of what is left when it
    starts (unused work passes on), and one wall-clock safety stop covers them all. When it fires, the
    steps not yet started are skipped, the report says so and ``complete`` is False.
    """
    from detente.analysis.budget import SKIPPED_NOTE, WALL_STOP_NOTE, command_budget, step_budget
    from detente.analysis.coalitions import wedges
    from detente.analysis.options import options_report
    from detente.analysis.solve import frontier, is_zone_of_agreement, solve_all

    if concept not in CONCEPTS:
        raise DetenteError(f"unknown concept '{concept}' (choose one of: {', '.join(CONCEPTS)})")
    start = time.perf_counter()
    notes: list[str] = []

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    with command_budget(time_limit) as total:

        def stopped(name: str) -> bool:
            if total.expired and total.wall_stopped:
                notes.append(f"{name}: {SKIPPED_NOTE}")
                return True
            return False

        # frontier and solutions first: any package they find proves a zone of agreement, so the
        # zone needs a solve of its own only when neither finds one (one pass over the package space)
        step(STEPS[0])
        fr = None
        with step_budget(total.share(4)) as part:
            try:
                fr = frontier(cs, time_limit=part.left(), points=REPORT_FRONTIER_POINTS)
            except DetenteError as exc:
                notes.append(f"frontier: {exc}")
        zone = _zone_from_frontier(fr)

        step(STEPS[1])
        solutions: dict[str, SolveResult] = {}
        if zone is not False and not stopped("solutions"):
            with step_budget(total.share(3)) as part:
                try:
                    solutions = solve_all(cs, time_limit=part.left())
                except DetenteError as exc:
                    notes.append(f"solutions: {exc}")
        if zone is None and any(r.packages for r in solutions.values()):
            zone = True

        step(STEPS[2])
        if zone is None and not stopped("zone of agreement"):
            with step_budget(total.share(3)) as part:
                try:
                    zone = is_zone_of_agreement(cs, time_limit=part.left())
                except DetenteError as exc:
                    notes.append(f"zone of agreement: {exc}")
        diagnosis = None
        if zone is False:
            fr, solutions = None, {}
            if not stopped("diagnosis"):
                from detente.analysis.diagnosis import diagnose

                with step_budget(total.share(3)) as part:
                    diagnosis = diagnose(cs, time_limit=part.left())

        if fr is not None and solutions:
            fr = _with_solution_points(fr, solutions)
        if fr is not None and not fr.exact:
            import dataclasses

            fr = dataclasses.replace(fr, notes=[*fr.notes, INCOMPLETE_RANGES])

        step(STEPS[3])
        opts = None
        if zone is not False and not stopped("options"):
            with step_budget(total.share(2)) as part:
                opts = options_report(
                    cs, concept=concept, k=k, near_optimal=near_optimal, time_limit=part.left()
                )
            if total.wall_stopped:
                opts = opts.model_copy(
                    update={"optimal": False, "complete": False, "notes": [*opts.notes, WALL_STOP_NOTE]}
                )

        step(STEPS[4])
        wd = None
        if cs.coalitions and not stopped("wedges"):
            with step_budget(total.share(1)) as part:
                wd = wedges(cs, time_limit=part.left())
            if total.wall_stopped:
                wd = wd.model_copy(update={"notes": [*wd.notes, WALL_STOP_NOTE]})
        complete = not total.wall_stopped
        if not complete:
            notes.append(WALL_STOP_NOTE)
    return AnalysisReport(
        zone_of_agreement=zone,
        diagnosis=diagnosis,
        frontier=fr,
        solutions=solutions,
        options=opts,
        wedges=wd,
        notes=notes,
        complete=complete,
        seconds=time.perf_counter() - start,
    )
