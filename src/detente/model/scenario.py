"""The scenario format: pydantic v2 models for a multi-party, multi-issue negotiation.

A scenario file (YAML or JSON, same structure) describes

* **parties** — who negotiates, with a reservation value r_i (the utility of no deal);
* **moves** — the issues on the table. Each move is owned by the party that acts and has two or more
  **options** (a yes/no move has two; a graded move several). Exactly one option of every move is
  chosen in a package; the move's ``status_quo`` option is what happens without agreement.
  Every option states its **value** to each party; utilities are additive:
  ``u_i(p) = Σ_moves value_i(chosen option)``;
* **constraints** — red lines, minimum content per category, and package-level rules;
* **sources** — the citations behind every judgment, referenced by id.

Option references (used by prerequisites, exclusions and constraints) are written ``MOVE`` — the move
is carried out, i.e. any option other than its status quo — or ``MOVE:OPTION`` for one option.

These models only check the shape of each field. Cross-references (unknown ids, duplicates, cycles)
are checked by :func:`detente.io.validate.check_references`, which knows where each field sits in the
file so it can report the line and column.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

Identifier = Annotated[
    str,
    Field(
        min_length=1,
        max_length=80,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="An id: letters, digits, '_', '.', '-'; starts with a letter or digit.",
    ),
]
OptionRef = Annotated[
    str,
    Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*(:[A-Za-z0-9][A-Za-z0-9_.\-]*)?$",
        description="'MOVE' (the move is carried out: any option but its status quo) or 'MOVE:OPTION'.",
    ),
]


class StrictModel(BaseModel):
    """Base for every scenario model: unknown keys are errors (so typos are caught), and every number
    is finite and within the input policy's bounds (:mod:`detente.io.input_policy`: |x| ≤ 10¹², days
    and counts ≤ 10⁶), so no algorithm downstream meets a NaN, an infinity or an overflow."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _bounded_numbers(cls, value: object, info: ValidationInfo) -> object:
        from detente.model.limits import limit_for, number_problem

        limit = limit_for(info.field_name or "")
        numbers = (
            value.values() if isinstance(value, dict) else value if isinstance(value, list) else (value,)
        )
        for x in numbers:
            problem = number_problem(x, limit=limit)
            if problem is not None:
                raise ValueError(problem)
        return value


class Source(StrictModel):
    """A citation. Moves, options, values and constraints refer to sources by ``id``."""

    id: Identifier
    title: str = Field(description="What the source is (headline, document title).")
    url: str | None = Field(default=None, description="Address of the source, if public.")
    publisher: str | None = None
    date: str | None = Field(default=None, description="Publication date, free text (e.g. 2019-02-28).")
    note: str | None = None


class Coalition(StrictModel):
    """A group of parties that coordinate (e.g. an alliance). Used for wedge and overlap analysis."""

    id: Identifier
    name: str
    members: list[Identifier] = Field(min_length=2)
    description: str | None = None


class Party(StrictModel):
    """A negotiating party.

    ``reservation`` is r_i, the utility of no deal (BATNA); a package is acceptable to the party
    when u_i ≥ r_i. ``disagreement`` is the point d_i used by the bargaining solutions; it defaults
    to r_i. ``weight`` is an optional influence weight (e.g. for weighted welfare or forecasting).
    """

    id: Identifier
    name: str
    reservation: float = Field(default=0.0, description="r_i: utility of no agreement.")
    disagreement: float | None = Field(default=None, description="d_i for bargaining solutions; default r_i.")
    weight: float = Field(default=1.0, ge=0, description="Influence weight (default 1).")
    description: str | None = None
    sources: list[Identifier] = Field(default_factory=list)
    reservation_distribution: Distribution | None = Field(
        default=None,
        description="Uncertainty about r_i (uniform/triangular around 'reservation', or normal); "
        "see docs/scenario-format.md, 'Uncertainty'.",
    )

    @model_validator(mode="after")
    def _reservation_in_range(self) -> Party:
        d = self.reservation_distribution
        if (
            d is not None
            and d.kind != "normal"
            and d.low is not None
            and d.high is not None
            and not d.low <= self.reservation <= d.high
        ):
            raise ValueError(
                f"'reservation' ({self.reservation}) is outside its distribution's range "
                f"[{d.low}, {d.high}]: widen the range or move the reservation"
            )
        return self


class Distribution(StrictModel):
    """Uncertainty about a value: a uniform or triangular range, or a normal distribution."""

    kind: Literal["uniform", "triangular", "normal"]
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _complete(self) -> Distribution:
        if self.kind in ("uniform", "triangular") and (self.low is None or self.high is None):
            raise ValueError(f"a {self.kind} distribution needs 'low' and 'high'")
        if self.kind == "normal" and (self.mean is None or self.sd is None):
            raise ValueError("a normal distribution needs 'mean' and 'sd'")
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"'low' ({self.low}) is above 'high' ({self.high})")
        return self

    @model_validator(mode="after")
    def _mode_in_range(self) -> Distribution:
        if (
            self.kind == "triangular"
            and self.mode is not None
            and self.low is not None
            and self.high is not None
            and not self.low <= self.mode <= self.high
        ):
            raise ValueError(f"'mode' ({self.mode}) is outside [low, high] = [{self.low}, {self.high}]")
        return self


class Value(StrictModel):
    """An option's value to one party, with its uncertainty and provenance.

    In a file, a bare number is shorthand for ``{value: number}``. ``low``/``high`` give a range
    (read as a uniform distribution unless ``distribution`` says otherwise).
    """

    value: float = Field(description="Point estimate of the utility contribution.")
    low: float | None = None
    high: float | None = None
    distribution: Distribution | None = None
    basis: str | None = Field(default=None, description="Why this value: the judgment in words.")
    sources: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: object) -> object:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return {"value": data}
        return data

    @model_validator(mode="after")
    def _range(self) -> Value:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValueError(f"'low' ({self.low}) is above 'high' ({self.high})")
        if self.low is not None and self.low > self.value:
            raise ValueError(f"'low' ({self.low}) is above 'value' ({self.value})")
        if self.high is not None and self.high < self.value:
            raise ValueError(f"'high' ({self.high}) is below 'value' ({self.value})")
        return self

    @property
    def is_uncertain(self) -> bool:
        return self.low is not None or self.high is not None or self.distribution is not None

    def bounds(self) -> tuple[float, float]:
        """The (low, high) range; the point value where no range is given."""
        lo, hi = self.low, self.high
        d = self.distribution
        if d is not None:
            if d.kind == "normal" and d.mean is not None and d.sd is not None:
                lo = d.mean - 2 * d.sd if lo is None else lo
                hi = d.mean + 2 * d.sd if hi is None else hi
            else:
                lo = d.low if lo is None else lo
                hi = d.high if hi is None else hi
        return (self.value if lo is None else lo, self.value if hi is None else hi)


class Option(StrictModel):
    """One way a move can be settled (e.g. the petroleum cap at 1M barrels a year).

    ``values`` maps party id to its value. Parties not listed value the option at 0. For a move
    with ``weights`` (Genius-style), values are raw evaluations, normalised per party as
    ``weight_i · value_i / max_option value_i``.
    """

    id: Identifier
    label: str | None = None
    description: str | None = None
    values: dict[Identifier, Value] = Field(default_factory=dict)
    sources: list[Identifier] = Field(default_factory=list)


class Reversibility(StrictModel):
    """Whether a move can be undone (e.g. a waiver revoked) and how long reversal takes."""

    reversible: bool
    lead_time_days: float | None = Field(default=None, ge=0, description="Days needed to reverse it.")
    note: str | None = None


class Verification(StrictModel):
    """Whether a move can be verified, by what means and how long verification takes."""

    verifiable: bool
    means: str | None = None
    lead_time_days: float | None = Field(default=None, ge=0, description="Days from action to verified.")


class Timing(StrictModel):
    """Time attributes: how long the move takes, deadlines, and expiry unless renewed."""

    duration_days: float | None = Field(default=None, ge=0, description="Days to carry the move out.")
    deadline_days: float | None = Field(default=None, ge=0, description="Must be complete by this day.")
    expires_after_days: float | None = Field(
        default=None, gt=0, description="Relief lapses after this many days unless renewed."
    )


class Move(StrictModel):
    """An issue on the table: a concession or action by ``owner``, settled by choosing one option.

    ``status_quo`` names the option that holds without agreement (default: the first option).
    ``requires`` lists option references that must also be in any package containing this move
    (and, in a roadmap, must be done before it); ``excludes`` lists references that cannot be in
    the same package.
    """

    id: Identifier
    name: str
    owner: Identifier
    category: Identifier = Field(description="Pillar or category (user-defined), e.g. 'sanctions-relief'.")
    description: str | None = None
    options: list[Option] = Field(min_length=2)
    status_quo: Identifier | None = None
    weights: dict[Identifier, float] | None = Field(
        default=None, description="Genius-style per-party issue weights; see Option.values."
    )
    reversibility: Reversibility | None = None
    verification: Verification | None = None
    timing: Timing | None = None
    requires: list[OptionRef] = Field(default_factory=list)
    excludes: list[OptionRef] = Field(default_factory=list)
    sources: list[Identifier] = Field(default_factory=list)
    notes: str | None = None

    @property
    def status_quo_id(self) -> str:
        return self.status_quo if self.status_quo is not None else self.options[0].id


class RedLine(StrictModel):
    """A party's red line: every package must contain (``requires``) or avoid (``refuses``) options.

    ``requires: [A, B]`` means at least one of A, B must be in the package; ``refuses: [A, B]``
    means none of them may be.
    """

    type: Literal["red_line"]
    id: Identifier | None = None
    party: Identifier
    requires: list[OptionRef] = Field(default_factory=list)
    refuses: list[OptionRef] = Field(default_factory=list)
    reason: str | None = None
    sources: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_side(self) -> RedLine:
        if bool(self.requires) == bool(self.refuses):
            raise ValueError("a red line needs exactly one of 'requires' or 'refuses' (a non-empty list)")
        return self


class MinContent(StrictModel):
    """Minimum content per category: at least ``at_least`` moves of ``category`` are carried out."""

    type: Literal["min_content"]
    id: Identifier | None = None
    category: Identifier
    at_least: int = Field(ge=1)
    reason: str | None = None
    sources: list[Identifier] = Field(default_factory=list)


class CountRule(StrictModel):
    """Package-level rule: between ``min`` and ``max`` of the listed references are in the package."""

    type: Literal["count"]
    id: Identifier | None = None
    refs: list[OptionRef] = Field(min_length=1)
    min: int | None = Field(default=None, ge=0)
    max: int | None = Field(default=None, ge=0)
    reason: str | None = None
    sources: list[Identifier] = Field(default_factory=list)

    @model_validator(mode="after")
    def _bounds(self) -> CountRule:
        if self.min is None and self.max is None:
            raise ValueError("a count rule needs 'min' or 'max'")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"'min' ({self.min}) is above 'max' ({self.max})")
        return self


class Implies(StrictModel):
    """Package-level rule: if ``if`` is in the package, at least one of ``then`` is too."""

    type: Literal["implies"]
    id: Identifier | None = None
    if_: OptionRef = Field(alias="if")
    then: list[OptionRef] = Field(min_length=1)
    reason: str | None = None
    sources: list[Identifier] = Field(default_factory=list)


Constraint = Annotated[RedLine | MinContent | CountRule | Implies, Field(discriminator="type")]


class Shift(StrictModel):
    """How a factor or a discrete scenario moves one party's judgments.

    ``value`` is added to the party's value of every selected option: ``moves`` lists option
    references (``MOVE`` = every option but the status quo, ``MOVE:OPTION`` = that option) and
    ``categories`` selects every carried-out option of the moves in those categories.
    ``reservation`` is added to the party's reservation value. For a factor both are per unit of
    the factor's level z (the shift is z·value); for a discrete scenario they apply when it holds.
    """

    party: Identifier
    moves: list[OptionRef] = Field(default_factory=list)
    categories: list[Identifier] = Field(default_factory=list)
    value: float = Field(default=0.0, description="Added to each selected option's value to the party.")
    reservation: float = Field(default=0.0, description="Added to the party's reservation value.")

    @model_validator(mode="after")
    def _moves_something(self) -> Shift:
        targets = bool(self.moves or self.categories)
        if self.value != 0 and not targets:
            raise ValueError("a 'value' shift needs 'moves' or 'categories' to say which options it moves")
        if targets and self.value == 0:
            raise ValueError("'moves'/'categories' are given but 'value' is 0 (or missing): give the shift")
        if self.value == 0 and self.reservation == 0:
            raise ValueError(
                "this shift moves nothing: give 'value' (with 'moves'/'categories') or 'reservation'"
            )
        return self


class Factor(StrictModel):
    """A correlated judgment: one uncertain level z that moves several values together.

    Example: "US domestic politics hardens" with z ~ normal(0, 1) and a shift of −2 per unit on every
    US value of the relief moves. Each draw samples z once and applies ``z · shift`` to every target.
    """

    id: Identifier
    name: str
    description: str | None = None
    distribution: Distribution = Field(description="Distribution of the factor's level z.")
    shifts: list[Shift] = Field(min_length=1)
    sources: list[Identifier] = Field(default_factory=list)


class DiscreteScenario(StrictModel):
    """A discrete state of the world with a probability (e.g. "hawkish Congress", 0.3).

    Scenarios are mutually exclusive; their probabilities sum to at most 1 and the rest is the
    baseline (no shift). In each draw at most one scenario holds, and its shifts apply in full.
    """

    id: Identifier
    name: str
    probability: float = Field(gt=0, le=1)
    description: str | None = None
    shifts: list[Shift] = Field(min_length=1)
    sources: list[Identifier] = Field(default_factory=list)


class Uncertainty(StrictModel):
    """Uncertainty beyond each value's own range: correlated factors and discrete scenarios."""

    factors: list[Factor] = Field(default_factory=list)
    scenarios: list[DiscreteScenario] = Field(default_factory=list)

    @model_validator(mode="after")
    def _probabilities(self) -> Uncertainty:
        total = sum(s.probability for s in self.scenarios)
        if total > 1 + 1e-9:
            raise ValueError(
                f"the scenarios' probabilities sum to {total:g}, above 1: they are mutually exclusive, "
                "so lower them (the rest up to 1 is the baseline)"
            )
        return self


class HistoricalPhase(StrictModel):
    """A phase actually agreed in a historical case, kept as the record to compare against."""

    name: str
    date: str | None = None
    moves: list[OptionRef] = Field(default_factory=list)
    description: str | None = None
    sources: list[Identifier] = Field(default_factory=list)


class History(StrictModel):
    """What was actually agreed and what happened, for comparison with Détente's output."""

    agreement: str
    date: str | None = None
    phases: list[HistoricalPhase] = Field(default_factory=list)
    outcome: str | None = None
    sources: list[Identifier] = Field(default_factory=list)


class Meta(StrictModel):
    """Title, description and the provenance of the values as a whole."""

    title: str
    description: str | None = None
    date: str | None = None
    authors: list[str] = Field(default_factory=list)
    values_note: str | None = Field(
        default=None, description="Where the values come from; remind users to put in their own."
    )


class Scenario(StrictModel):
    """A negotiation scenario: parties, moves with options and values, constraints, sources."""

    format_version: Literal[1] = 1
    meta: Meta
    parties: list[Party] = Field(min_length=1)
    coalitions: list[Coalition] = Field(default_factory=list)
    categories: dict[Identifier, str] = Field(
        default_factory=dict, description="Optional display names for categories (pillars)."
    )
    moves: list[Move] = Field(min_length=1)
    constraints: list[Constraint] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    history: History | None = None
    uncertainty: Uncertainty | None = Field(
        default=None, description="Correlated factors and discrete scenarios (docs/scenario-format.md)."
    )

    def party(self, party_id: str) -> Party:
        return next(p for p in self.parties if p.id == party_id)

    def move(self, move_id: str) -> Move:
        return next(m for m in self.moves if m.id == move_id)
