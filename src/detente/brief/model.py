"""The content of a brief, as plain data: :class:`BriefData` and its parts.

A brief is built once (:func:`detente.brief.build.build_brief`) by calling the analysis and roadmap
APIs, then rendered by templates into HTML, Markdown or PDF. Nothing here computes: these are the
records the templates read. Numbers are kept as floats; templates format them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class PartyInfo:
    """A party and the range its utility can take.

    ``best``/``worst`` are Σ_k max/min over move k's options of the party's value (constraints ignored).
    """

    id: str
    name: str
    reservation: float
    best: float
    worst: float
    description: str | None = None


@dataclass
class PillarItems:
    """Moves of one pillar (category), as readable ``"Move name — option"`` lines."""

    pillar: str
    items: list[str]


@dataclass
class PillarCount:
    """How many moves of one pillar a party gives in an option."""

    pillar: str
    count: int


@dataclass
class PartyStake:
    """What one party gives and gets in a package, and its utility u_i against its reservation r_i.

    *Gives*: the moves the party owns that the package carries out (option ≠ status quo).
    *Gets*: moves other parties carry out whose value to this party is positive; ``gets_top`` are the
    three it values most.
    ``surplus`` = u_i − r_i (negative: the party would rather have no deal).
    """

    party_id: str
    party_name: str
    gives: list[PillarItems]
    gets: list[PillarItems]
    utility: float
    reservation: float
    gets_top: list[str] = field(default_factory=list)

    @property
    def surplus(self) -> float:
        return self.utility - self.reservation

    @property
    def acceptable(self) -> bool:
        return self.surplus >= -1e-9

    @property
    def n_gets(self) -> int:
        return sum(len(p.items) for p in self.gets)

    @property
    def n_gives(self) -> int:
        return sum(len(p.items) for p in self.gives)

    @property
    def gives_by_pillar(self) -> list[PillarCount]:
        return [PillarCount(p.pillar, len(p.items)) for p in self.gives]

    @property
    def gives_items(self) -> list[str]:
        """Every move the party carries out, in pillar order."""
        return [item for p in self.gives for item in p.items]


@dataclass
class RoadmapPhase:
    """One phase of a roadmap: the moves done in it, its gate, and each party's exposure after it."""

    name: str
    start_day: float
    end_day: float
    moves: list[str]
    gate: str | None = None
    exposure: dict[str, float] = field(default_factory=dict)


@dataclass
class RoadmapInfo:
    """The sequencing of one option: length in days, phases, worst exposure (party, value)."""

    method: str
    optimal: bool
    gap: float | None
    length_days: float | None
    phases: list[RoadmapPhase]
    worst_exposure_party: str | None = None
    worst_exposure: float | None = None
    snapbacks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class OptionCard:
    """One of the 3–5 options put before principals.

    ``apart``: what sets this option apart from the others (moves settled differently from the option
    most options choose); ``carried_out``: its moves carried out, by owner (``"Owner: pillar"``).
    """

    key: str
    title: str
    rationale: str
    choices: dict[str, str]
    stakes: list[PartyStake]
    acceptable: bool
    concepts: list[str] = field(default_factory=list)
    roadmap: RoadmapInfo | None = None
    roadmap_error: str | None = None
    main_risk: str = ""
    needs: str | None = None
    robustness: float | None = None
    robustness_note: str | None = None
    method: str = ""
    apart: list[str] = field(default_factory=list)
    carried_out: list[PillarItems] = field(default_factory=list)
    #: the judgments its robustness rests on, in words (most important first)
    rests_on: list[str] = field(default_factory=list)
    #: its risks, most important first (``main_risk`` is the first); short titles
    risks: list[str] = field(default_factory=list)

    @property
    def n_moves_done(self) -> int:
        return sum(len(p.items) for s in self.stakes for p in s.gives)


@dataclass
class ConceptRow:
    """A bargaining solution concept's package (the first of any tied packages)."""

    concept: str
    label: str
    method: str
    optimal: bool
    gap: float | None
    choices: dict[str, str]
    utilities: dict[str, float]
    n_tied: int = 1
    notes: list[str] = field(default_factory=list)


@dataclass
class Risk:
    """A risk for principals: ``kind`` is ``sequencing``, ``robustness``, ``temptation``, ``wedge`` or
    ``single-source``. ``subject`` names what the risk is about (a party, a move) so the same risk in
    several options can be grouped into one line."""

    kind: str
    title: str
    detail: str
    option: str | None = None
    severity: float = 0.0
    also: list[str] = field(default_factory=list)
    subject: str = ""

    def concerns(self, title: str) -> bool:
        """Whether this risk concerns the option titled ``title``."""
        return self.option == title or title in self.also


@dataclass
class RiskLine:
    """One grouped risk: the same risk (kind and subject) in every option it concerns."""

    title: str
    detail: str
    options: list[str]
    severity: float


@dataclass
class RiskGroup:
    """The risks of one kind, most severe first."""

    kind: str
    title: str
    intro: str
    lines: list[RiskLine]


@dataclass
class Recommendation:
    """Page 1: the recommended option in words, how robust it is, its roadmap in one line, its risks."""

    option: OptionCard
    why: str
    robustness: str | None
    roadmap: str | None
    risks: list[str]


@dataclass
class AnnexSection:
    """One section of the annex: a template partial (``annex/<template>.html.j2`` and ``.md.j2``) and
    the data it reads (as ``data`` in the partial; the whole brief is ``b``).

    To add a section (e.g. a tornado chart), append one to :attr:`BriefData.annex` and ship the two
    partials; the annex's contents list and numbering follow.
    """

    key: str
    title: str
    template: str
    data: Any = None


@dataclass
class ValueRow:
    """One value's provenance: what an option is worth to a party, its range, basis and sources."""

    move: str
    option: str
    party: str
    value: float
    low: float
    high: float
    basis: str | None
    sources: list[str]
    inherited: bool = False


@dataclass
class SourceRow:
    id: str
    title: str
    publisher: str | None
    date: str | None
    url: str | None
    note: str | None
    cited: int


@dataclass
class MoveOptionRow:
    option_id: str
    label: str
    status_quo: bool
    values: list[float]
    ranges: list[tuple[float, float] | None]


@dataclass
class MoveRow:
    id: str
    name: str
    owner: str
    pillar: str
    reversible: str
    verifiable: str
    requires: list[str]
    sources: list[str]
    options: list[MoveOptionRow]
    status_quo_id: str = ""

    def label_of(self, option_id: str) -> str:
        return next((o.label for o in self.options if o.option_id == option_id), option_id)


@dataclass
class Chart:
    """A rendered chart: SVG text plus the alt text and caption every reader gets."""

    key: str
    title: str
    alt: str
    caption: str
    svg: str
    section: str
    #: a tall chart (e.g. one row per move) may take a whole printed page
    tall: bool = False


@dataclass
class ZoneInfo:
    """Whether a zone of possible agreement exists; when it does not, why and what would open one."""

    exists: bool
    n_acceptable: int | None
    summary: str
    blockers: list[str] = field(default_factory=list)
    openings: list[str] = field(default_factory=list)
    #: for each opening: (what to relax, in words; the package it makes acceptable as {move: option})
    opening_packages: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@dataclass
class MethodNote:
    """How one result was computed: its method, whether proven optimal, and the gap if not."""

    what: str
    method: str
    optimal: bool
    gap: float | None = None
    note: str | None = None


@dataclass
class BriefData:
    """Everything a brief shows. Built by :func:`~detente.brief.build.build_brief`."""

    title: str
    question: str
    description: str | None
    context: str | None
    date: str | None
    authors: list[str]
    values_note: str | None
    core: list[PillarItems]
    parties: list[PartyInfo]
    pillars: dict[str, str]
    zone: ZoneInfo
    bottom_line: list[str]
    options: list[OptionCard]
    concepts: list[ConceptRow]
    frontier: list[dict[str, float]]
    frontier_count: int
    frontier_method: MethodNote | None
    charts: list[Chart]
    risks: list[Risk]
    values: list[ValueRow]
    sources: list[SourceRow]
    moves: list[MoveRow]
    constraints: list[str]
    methods: list[MethodNote]
    unavailable: list[str] = field(default_factory=list)
    coalitions: list[tuple[str, list[str]]] = field(default_factory=list)
    recommendation: Recommendation | None = None
    risk_groups: list[RiskGroup] = field(default_factory=list)
    annex: list[AnnexSection] = field(default_factory=list)

    def values_by_move(self) -> list[tuple[str, list[ValueRow]]]:
        """The value rows grouped by move, in file order."""
        groups: dict[str, list[ValueRow]] = {}
        for v in self.values:
            groups.setdefault(v.move, []).append(v)
        return list(groups.items())

    def charts_in(self, section: str) -> list[Chart]:
        return [c for c in self.charts if c.section == section]
