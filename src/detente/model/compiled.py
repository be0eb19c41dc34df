"""The compiled numeric model of a scenario: the one structure every algorithm consumes.

:func:`compile_scenario` turns a validated :class:`~detente.model.scenario.Scenario` into flat NumPy
arrays, built once. Notation used throughout the package:

* P parties, M moves (issues), O options in all; move k has ``n_options[k]`` options stored at global
  option indices ``offsets[k] .. offsets[k+1]-1``.
* A **package** picks one option per move: an int array ``choices`` of shape (M,) (or (N, M) for N
  packages) holding *local* option indices. Global index = ``offsets[:-1] + choices``.
* ``values[o, i]`` is option o's contribution to party i's utility, so
  ``u_i(p) = Σ_k values[offsets[k] + p_k, i]`` (additive utility). For Genius-style moves with
  ``weights``, ``values[o, i] = w_ki · e_i(o) / max_o' e_i(o')``.
* ``values_low`` / ``values_high`` hold each value's uncertainty range (equal to ``values`` when certain).
* Every rule — red lines, prerequisites, exclusions, minimum content, count and implication rules —
  becomes one :class:`LinearConstraint` over option indicators x_o ∈ {0, 1}:
  ``lo ≤ Σ coef_j · x_{options_j} ≤ hi``. One representation serves NumPy filtering, CP-SAT models
  and the explanation of why no deal exists (each constraint keeps its label in the scenario's words).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from detente.model.scenario import CountRule, Distribution, Implies, MinContent, RedLine, Scenario

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class LinearConstraint:
    """``lo ≤ Σ_j coefs[j] · x[options[j]] ≤ hi`` over option indicators (global option indices).

    ``kind`` is one of ``red_line``, ``prerequisite``, ``exclusion``, ``min_content``, ``count``,
    ``implies``. ``party`` is the index of the party that holds a red line (else None). ``label`` says
    the rule in the scenario's own words; ``origin`` is its field path in the scenario file.
    """

    kind: str
    label: str
    options: IntArray
    coefs: IntArray
    lo: int | None
    hi: int | None
    party: int | None = None
    origin: tuple[str | int, ...] = ()

    def lhs(self, indicator: BoolArray) -> IntArray:
        """Σ coef·x for N packages given their (N, O) option indicator matrix."""
        return indicator[:, self.options].astype(np.int64) @ self.coefs

    def holds(self, indicator: BoolArray) -> BoolArray:
        """(N,) bool: whether each package satisfies this constraint."""
        total = self.lhs(indicator)
        ok = np.ones(total.shape[0], dtype=bool)
        if self.lo is not None:
            ok &= total >= self.lo
        if self.hi is not None:
            ok &= total <= self.hi
        return ok


#: Distribution kinds of an uncertain input, by code (see :class:`CompiledUncertainty`).
DIST_KINDS: tuple[str, ...] = ("uniform", "triangular", "normal")


@dataclass(frozen=True, eq=False)
class CompiledUncertainty:
    """The scenario's uncertainty as independent inputs (see docs/scenario-format.md, "Uncertainty").

    The d = J + R + F + (1 if S else 0) inputs, in this order, are sampled independently:

    * J **value judgments**: ``values[judgment_option[j], judgment_party[j]]`` is uncertain;
    * R **reservation judgments**: ``reservation[reservation_party[r]]`` is uncertain;
    * F **factors** with level z_f: each adds ``z_f · factor_values[f]`` (O, P) to the values and
      ``z_f · factor_reservation[f]`` (P,) to the reservations;
    * one **scenario selector** when there are S discrete scenarios: scenario s holds with probability
      ``scenario_probability[s]`` (the rest is the baseline) and adds ``scenario_values[s]`` and
      ``scenario_reservation[s]``.

    Each continuous input has a distribution code ``kind`` (index into :data:`DIST_KINDS`) and
    ``params`` (low, mode, high) for uniform/triangular or (mean, sd, nan) for normal, in utility
    units after the Genius weight scaling of weighted moves; ``point`` is its point estimate and
    ``bounds`` its (low, high) range (mean ± 2 sd for a normal without stated bounds).
    """

    judgment_option: IntArray
    judgment_party: IntArray
    reservation_party: IntArray
    factor_ids: tuple[str, ...]
    factor_names: tuple[str, ...]
    kind: IntArray
    params: FloatArray
    point: FloatArray
    bounds: FloatArray
    factor_values: FloatArray
    factor_reservation: FloatArray
    scenario_ids: tuple[str, ...]
    scenario_names: tuple[str, ...]
    scenario_probability: FloatArray
    scenario_values: FloatArray
    scenario_reservation: FloatArray

    @property
    def n_judgments(self) -> int:
        return len(self.judgment_option)

    @property
    def n_reservations(self) -> int:
        return len(self.reservation_party)

    @property
    def n_factors(self) -> int:
        return len(self.factor_ids)

    @property
    def n_scenarios(self) -> int:
        return len(self.scenario_ids)

    @property
    def n_continuous(self) -> int:
        """J + R + F: the inputs with a continuous distribution."""
        return len(self.kind)

    @property
    def n_inputs(self) -> int:
        """d: the continuous inputs plus the scenario selector (if any)."""
        return self.n_continuous + (1 if self.n_scenarios else 0)

    @property
    def is_certain(self) -> bool:
        return self.n_inputs == 0


@dataclass(frozen=True, eq=False)
class CompiledScenario:
    """Flat numeric form of a scenario (see the module docstring for notation)."""

    scenario: Scenario
    party_ids: tuple[str, ...]
    party_names: tuple[str, ...]
    move_ids: tuple[str, ...]
    move_names: tuple[str, ...]
    option_ids: tuple[tuple[str, ...], ...]
    option_labels: tuple[tuple[str, ...], ...]
    n_options: IntArray
    offsets: IntArray
    option_move: IntArray
    values: FloatArray
    values_low: FloatArray
    values_high: FloatArray
    status_quo: IntArray
    owner: IntArray
    category: tuple[str, ...]
    reservation: FloatArray
    disagreement: FloatArray
    weight: FloatArray
    constraints: tuple[LinearConstraint, ...]
    requires_moves: tuple[tuple[int, ...], ...]
    reversible: BoolArray
    reversal_lead_days: FloatArray
    verifiable: BoolArray
    verification_lead_days: FloatArray
    duration_days: FloatArray
    deadline_days: FloatArray
    expires_after_days: FloatArray
    coalitions: tuple[tuple[str, str, tuple[int, ...]], ...] = field(default=())
    uncertainty: CompiledUncertainty | None = None

    # ----- sizes -------------------------------------------------------------------------------
    @property
    def n_parties(self) -> int:
        return len(self.party_ids)

    @property
    def n_moves(self) -> int:
        return len(self.move_ids)

    @property
    def n_total_options(self) -> int:
        return int(self.offsets[-1])

    @property
    def n_outcomes(self) -> int:
        """Number of packages before constraints: Π_k n_options[k] (exact Python int)."""
        return math.prod(int(n) for n in self.n_options)

    @cached_property
    def option_local(self) -> IntArray:
        """Local index (within its move) of every global option."""
        return np.arange(self.n_total_options, dtype=np.int64) - self.offsets[self.option_move]

    @cached_property
    def categories(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.category))

    # ----- lookups -----------------------------------------------------------------------------
    def party_index(self, party_id: str) -> int:
        return self.party_ids.index(party_id)

    def move_index(self, move_id: str) -> int:
        return self.move_ids.index(move_id)

    def option_index(self, move_id: str, option_id: str) -> int:
        """Global index of option ``option_id`` of move ``move_id``."""
        k = self.move_index(move_id)
        return int(self.offsets[k]) + self.option_ids[k].index(option_id)

    def resolve(self, ref: str) -> tuple[int, ...]:
        """Global option indices for a reference: ``MOVE`` → every option but the status quo;
        ``MOVE:OPTION`` → that option."""
        move_id, _, option_id = ref.partition(":")
        k = self.move_index(move_id)
        if option_id:
            return (self.option_index(move_id, option_id),)
        start = int(self.offsets[k])
        return tuple(start + j for j in range(int(self.n_options[k])) if j != int(self.status_quo[k]))

    def option_name(self, o: int) -> str:
        """``MOVE:OPTION`` for global option index ``o``."""
        k = int(self.option_move[o])
        return f"{self.move_ids[k]}:{self.option_ids[k][o - int(self.offsets[k])]}"

    # ----- evaluation --------------------------------------------------------------------------
    def global_options(self, choices: npt.ArrayLike) -> IntArray:
        """(N, M) global option indices for (N, M) local choices (a single (M,) package is allowed)."""
        c = np.asarray(choices, dtype=np.int64)
        return c + self.offsets[:-1]

    def utilities(self, choices: npt.ArrayLike, values: FloatArray | None = None) -> FloatArray:
        """u_i for each package: (N, P) for (N, M) choices, (P,) for one package.

        ``values`` may replace the point values (e.g. a sampled draw of shape (O, P)).
        """
        table = self.values if values is None else values
        g = self.global_options(choices)
        return table[g].sum(axis=-2)

    def indicator(self, choices: npt.ArrayLike) -> BoolArray:
        """(N, O) option-indicator matrix x for (N, M) choices."""
        g = np.atleast_2d(self.global_options(choices))
        x = np.zeros((g.shape[0], self.n_total_options), dtype=bool)
        np.put_along_axis(x, g, True, axis=1)
        return x

    def feasible(self, choices: npt.ArrayLike) -> BoolArray:
        """(N,) bool: every constraint (red lines and rules) holds."""
        x = self.indicator(choices)
        ok = np.ones(x.shape[0], dtype=bool)
        for con in self.constraints:
            ok &= con.holds(x)
        return ok

    def acceptable(self, choices: npt.ArrayLike) -> BoolArray:
        """(N,) bool: feasible and u_i ≥ r_i for every party."""
        c = np.atleast_2d(np.asarray(choices, dtype=np.int64))
        u = self.utilities(c)
        return self.feasible(c) & np.all(u >= self.reservation - 1e-9, axis=1)

    def status_quo_package(self) -> IntArray:
        return self.status_quo.copy()

    def choices_from_ids(self, mapping: dict[str, str]) -> IntArray:
        """Local choices from ``{move id: option id}``; moves not named stay at their status quo."""
        c = self.status_quo.copy()
        for move_id, option_id in mapping.items():
            k = self.move_index(move_id)
            c[k] = self.option_ids[k].index(option_id)
        return c

    def choices_to_ids(self, choices: npt.ArrayLike) -> dict[str, str]:
        c = np.asarray(choices, dtype=np.int64)
        return {self.move_ids[k]: self.option_ids[k][int(c[k])] for k in range(self.n_moves)}


def _values_table(scenario: Scenario, party_ids: list[str]) -> tuple[FloatArray, FloatArray, FloatArray]:
    pidx = {p: i for i, p in enumerate(party_ids)}
    n_opts = sum(len(m.options) for m in scenario.moves)
    point = np.zeros((n_opts, len(party_ids)))
    low = np.zeros_like(point)
    high = np.zeros_like(point)
    o = 0
    for m in scenario.moves:
        start = o
        for opt in m.options:
            for pid, v in opt.values.items():
                lo, hi = v.bounds()
                point[o, pidx[pid]], low[o, pidx[pid]], high[o, pidx[pid]] = v.value, lo, hi
            o += 1
        if m.weights is not None:
            block = slice(start, o)
            for pid in party_ids:
                i = pidx[pid]
                top = point[block, i].max()
                scale = (m.weights.get(pid, 0.0) / top) if top > 0 else 0.0
                point[block, i] *= scale
                low[block, i] *= scale
                high[block, i] *= scale
    return point, low, high


def _constraints(
    scenario: Scenario, cs_resolve, move_index: dict[str, int], sq_options
) -> list[LinearConstraint]:
    out: list[LinearConstraint] = []
    names = {m.id: m.name for m in scenario.moves}

    def words(ref: str) -> str:
        move_id, _, opt = ref.partition(":")
        return f"{names[move_id]} ({ref})" if not opt else f"{names[move_id]}: {opt} ({ref})"

    def lin(kind: str, label: str, opts: list[int], coefs: list[int], lo, hi, party=None, origin=()) -> None:
        out.append(
            LinearConstraint(
                kind,
                label,
                np.asarray(opts, dtype=np.int64),
                np.asarray(coefs, dtype=np.int64),
                lo,
                hi,
                party,
                tuple(origin),
            )
        )

    party_index = {p.id: i for i, p in enumerate(scenario.parties)}
    for k, m in enumerate(scenario.moves):
        done = list(cs_resolve(m.id))
        for j, ref in enumerate(m.requires):
            req = sorted(set(cs_resolve(ref)))
            # x(done) ≤ Σ x(req)  ⇔  Σ x(req) − Σ x(done) ≥ 0 (at most one option of a move is chosen)
            lin(
                "prerequisite",
                f"{m.name} ({m.id}) requires {words(ref)}",
                req + done,
                [1] * len(req) + [-1] * len(done),
                0,
                None,
                origin=("moves", k, "requires", j),
            )
        for j, ref in enumerate(m.excludes):
            other = sorted(set(cs_resolve(ref)))
            # at most one of the two sides: Σ x(done) + Σ x(other) ≤ 1
            lin(
                "exclusion",
                f"{m.name} ({m.id}) excludes {words(ref)}",
                done + other,
                [1] * (len(done) + len(other)),
                None,
                1,
                origin=("moves", k, "excludes", j),
            )
    for i, c in enumerate(scenario.constraints):
        origin = ("constraints", i)
        if isinstance(c, RedLine):
            refs = c.requires or c.refuses
            opts = sorted({o for r in refs for o in cs_resolve(r)})
            party = scenario.parties[party_index[c.party]].name
            verb = "requires" if c.requires else "refuses"
            label = f"{party} red line: {verb} " + " or ".join(words(r) for r in refs)
            if c.reason:
                label += f" — {c.reason}"
            if c.requires:
                lin("red_line", label, opts, [1] * len(opts), 1, None, party_index[c.party], origin)
            else:
                lin("red_line", label, opts, [1] * len(opts), None, 0, party_index[c.party], origin)
        elif isinstance(c, MinContent):
            moves = [k for k, m in enumerate(scenario.moves) if m.category == c.category]
            opts = [o for k in moves for o in cs_resolve(scenario.moves[k].id)]
            label = f"at least {c.at_least} move(s) in category '{c.category}'"
            lin(
                "min_content",
                label + (f" — {c.reason}" if c.reason else ""),
                opts,
                [1] * len(opts),
                c.at_least,
                None,
                origin=origin,
            )
        elif isinstance(c, CountRule):
            opts = sorted({o for r in c.refs for o in cs_resolve(r)})
            bounds = " and ".join(
                x
                for x in (
                    f"at least {c.min}" if c.min is not None else "",
                    f"at most {c.max}" if c.max is not None else "",
                )
                if x
            )
            label = f"{bounds} of " + ", ".join(words(r) for r in c.refs)
            lin(
                "count",
                label + (f" — {c.reason}" if c.reason else ""),
                opts,
                [1] * len(opts),
                c.min,
                c.max,
                origin=origin,
            )
        elif isinstance(c, Implies):
            lhs = sorted(set(cs_resolve(c.if_)))
            rhs = sorted({o for r in c.then for o in cs_resolve(r)})
            label = f"if {words(c.if_)} then " + " or ".join(words(r) for r in c.then)
            lin(
                "implies",
                label + (f" — {c.reason}" if c.reason else ""),
                rhs + lhs,
                [1] * len(rhs) + [-1] * len(lhs),
                0,
                None,
                origin=origin,
            )
    return out


def _dist_row(
    d: Distribution | None, point: float, low: float, high: float
) -> tuple[int, list[float]] | None:
    """(kind code, params) of one uncertain input; None when it is certain (a point, no spread)."""
    if d is not None and d.kind == "normal":
        return DIST_KINDS.index("normal"), [float(d.mean or 0.0), float(d.sd or 0.0), math.nan]
    if d is not None and d.kind == "triangular":
        mode = d.mode if d.mode is not None else point
        return (DIST_KINDS.index("triangular"), [low, mode, high]) if high > low else None
    return (DIST_KINDS.index("uniform"), [low, math.nan, high]) if high > low else None


def _value_scale(scenario: Scenario, party_ids: list[str]) -> FloatArray:
    """(O, P) factor that turns a raw value into utility (Genius weights; 1 for ordinary moves)."""
    pidx = {p: i for i, p in enumerate(party_ids)}
    n_opts = sum(len(m.options) for m in scenario.moves)
    scale = np.ones((n_opts, len(party_ids)))
    o = 0
    for m in scenario.moves:
        n = len(m.options)
        if m.weights is not None:
            for pid in party_ids:
                top = max((opt.values[pid].value if pid in opt.values else 0.0) for opt in m.options)
                scale[o : o + n, pidx[pid]] = (m.weights.get(pid, 0.0) / top) if top > 0 else 0.0
        o += n
    return scale


def _compile_uncertainty(
    scenario: Scenario, party_ids: list[str], resolve, values: FloatArray
) -> CompiledUncertainty:
    """The :class:`CompiledUncertainty` of a scenario (references are assumed valid)."""
    pidx = {p: i for i, p in enumerate(party_ids)}
    scale = _value_scale(scenario, party_ids)
    n_opts, n_parties = values.shape
    j_opt: list[int] = []
    j_party: list[int] = []
    kinds: list[int] = []
    params: list[list[float]] = []
    points: list[float] = []
    bounds: list[tuple[float, float]] = []
    o = 0
    for m in scenario.moves:
        for opt in m.options:
            for pid, v in opt.values.items():
                i = pidx[pid]
                lo, hi = v.bounds()
                row = _dist_row(v.distribution, v.value, lo, hi)
                if row is None or (row[0] == DIST_KINDS.index("normal") and row[1][1] == 0):
                    continue
                c = float(scale[o, i])
                kind, prm = row
                if kind == DIST_KINDS.index("normal"):
                    prm = [prm[0] * c, prm[1] * c, math.nan]
                else:
                    prm = [x * c for x in prm]
                j_opt.append(o)
                j_party.append(i)
                kinds.append(kind)
                params.append(prm)
                points.append(float(values[o, i]))
                bounds.append((lo * c, hi * c))
            o += 1
    r_party: list[int] = []
    for i, p in enumerate(scenario.parties):
        d = p.reservation_distribution
        if d is None:
            continue
        if d.kind == "normal":
            lo = float(d.mean or 0.0) - 2 * float(d.sd or 0.0)
            hi = float(d.mean or 0.0) + 2 * float(d.sd or 0.0)
        else:
            lo = float(d.low if d.low is not None else p.reservation)
            hi = float(d.high if d.high is not None else p.reservation)
        row = _dist_row(d, p.reservation, lo, hi)
        if row is None:
            continue
        r_party.append(i)
        kinds.append(row[0])
        params.append(row[1])
        points.append(float(p.reservation))
        bounds.append((lo, hi))
    unc = scenario.uncertainty
    factors = list(unc.factors) if unc else []
    scenarios = list(unc.scenarios) if unc else []

    def shifts_of(shifts) -> tuple[FloatArray, FloatArray]:
        dv = np.zeros((n_opts, n_parties))
        dr = np.zeros(n_parties)
        for sh in shifts:
            i = pidx[sh.party]
            targets: set[int] = set()
            for ref in sh.moves:
                targets.update(resolve(ref))
            for cat in sh.categories:
                for mv in scenario.moves:
                    if mv.category == cat:
                        targets.update(resolve(mv.id))
            for t in sorted(targets):
                dv[t, i] += sh.value
            dr[i] += sh.reservation
        return dv, dr

    f_values = np.zeros((len(factors), n_opts, n_parties))
    f_res = np.zeros((len(factors), n_parties))
    for f, fac in enumerate(factors):
        d = fac.distribution
        lo = d.low if d.low is not None else float(d.mean or 0.0) - 2 * float(d.sd or 0.0)
        hi = d.high if d.high is not None else float(d.mean or 0.0) + 2 * float(d.sd or 0.0)
        mid = (
            float(d.mean or 0.0)
            if d.kind == "normal"
            else (float(d.mode) if d.kind == "triangular" and d.mode is not None else (lo + hi) / 2)
        )
        row = _dist_row(d, mid, float(lo), float(hi))
        kind, prm = (
            row if row is not None else (DIST_KINDS.index("uniform"), [float(lo), math.nan, float(hi)])
        )
        kinds.append(kind)
        params.append(prm)
        points.append(0.0)  # the values as written hold at z = 0
        bounds.append((float(lo), float(hi)))
        f_values[f], f_res[f] = shifts_of(fac.shifts)
    s_values = np.zeros((len(scenarios), n_opts, n_parties))
    s_res = np.zeros((len(scenarios), n_parties))
    for s, sc in enumerate(scenarios):
        s_values[s], s_res[s] = shifts_of(sc.shifts)
    return CompiledUncertainty(
        judgment_option=np.asarray(j_opt, dtype=np.int64),
        judgment_party=np.asarray(j_party, dtype=np.int64),
        reservation_party=np.asarray(r_party, dtype=np.int64),
        factor_ids=tuple(f.id for f in factors),
        factor_names=tuple(f.name for f in factors),
        kind=np.asarray(kinds, dtype=np.int64),
        params=np.asarray(params, dtype=np.float64).reshape(-1, 3),
        point=np.asarray(points, dtype=np.float64),
        bounds=np.asarray(bounds, dtype=np.float64).reshape(-1, 2),
        factor_values=f_values,
        factor_reservation=f_res,
        scenario_ids=tuple(s.id for s in scenarios),
        scenario_names=tuple(s.name for s in scenarios),
        scenario_probability=np.asarray([s.probability for s in scenarios], dtype=np.float64),
        scenario_values=s_values,
        scenario_reservation=s_res,
    )


def compile_scenario(scenario: Scenario) -> CompiledScenario:
    """Build the :class:`CompiledScenario` for a validated scenario (see module docstring)."""
    party_ids = [p.id for p in scenario.parties]
    pidx = {p: i for i, p in enumerate(party_ids)}
    n_options = np.asarray([len(m.options) for m in scenario.moves], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(n_options)]).astype(np.int64)
    option_move = np.repeat(np.arange(len(scenario.moves), dtype=np.int64), n_options)
    status_quo = np.asarray(
        [[o.id for o in m.options].index(m.status_quo_id) for m in scenario.moves], dtype=np.int64
    )
    move_index = {m.id: k for k, m in enumerate(scenario.moves)}
    option_pos = {m.id: {o.id: j for j, o in enumerate(m.options)} for m in scenario.moves}

    def resolve(ref: str) -> tuple[int, ...]:
        move_id, _, option_id = ref.partition(":")
        k = move_index[move_id]
        start = int(offsets[k])
        if option_id:
            return (start + option_pos[move_id][option_id],)
        return tuple(start + j for j in range(int(n_options[k])) if j != int(status_quo[k]))

    values, low, high = _values_table(scenario, party_ids)
    constraints = _constraints(scenario, resolve, move_index, status_quo)
    nan = float("nan")
    inf = float("inf")

    def per_move(get, default: float) -> FloatArray:
        return np.asarray(
            [v if (v := get(m)) is not None else default for m in scenario.moves], dtype=np.float64
        )

    return CompiledScenario(
        scenario=scenario,
        party_ids=tuple(party_ids),
        party_names=tuple(p.name for p in scenario.parties),
        move_ids=tuple(m.id for m in scenario.moves),
        move_names=tuple(m.name for m in scenario.moves),
        option_ids=tuple(tuple(o.id for o in m.options) for m in scenario.moves),
        option_labels=tuple(tuple(o.label or o.id for o in m.options) for m in scenario.moves),
        n_options=n_options,
        offsets=offsets,
        option_move=option_move,
        values=values,
        values_low=low,
        values_high=high,
        status_quo=status_quo,
        owner=np.asarray([pidx[m.owner] for m in scenario.moves], dtype=np.int64),
        category=tuple(m.category for m in scenario.moves),
        reservation=np.asarray([p.reservation for p in scenario.parties], dtype=np.float64),
        disagreement=np.asarray(
            [p.disagreement if p.disagreement is not None else p.reservation for p in scenario.parties],
            dtype=np.float64,
        ),
        weight=np.asarray([p.weight for p in scenario.parties], dtype=np.float64),
        constraints=tuple(constraints),
        requires_moves=tuple(
            tuple(sorted({move_index[r.partition(":")[0]] for r in m.requires})) for m in scenario.moves
        ),
        reversible=np.asarray([bool(m.reversibility and m.reversibility.reversible) for m in scenario.moves]),
        reversal_lead_days=per_move(
            lambda m: m.reversibility.lead_time_days if m.reversibility else None, nan
        ),
        verifiable=np.asarray([bool(m.verification and m.verification.verifiable) for m in scenario.moves]),
        verification_lead_days=per_move(
            lambda m: m.verification.lead_time_days if m.verification else None, 0.0
        ),
        duration_days=per_move(lambda m: m.timing.duration_days if m.timing else None, 0.0),
        deadline_days=per_move(lambda m: m.timing.deadline_days if m.timing else None, inf),
        expires_after_days=per_move(lambda m: m.timing.expires_after_days if m.timing else None, inf),
        coalitions=tuple((c.id, c.name, tuple(pidx[x] for x in c.members)) for c in scenario.coalitions),
        uncertainty=_compile_uncertainty(scenario, party_ids, resolve, values),
    )


def constraint_components(cs: CompiledScenario) -> list[list[int]]:
    """Groups of moves connected by a constraint (union–find), in order of first move."""
    parent = list(range(cs.n_moves))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for con in cs.constraints:
        ms = sorted({int(k) for k in cs.option_move[con.options]})
        for k in ms[1:]:
            ra, rb = find(ms[0]), find(k)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = {}
    for k in range(cs.n_moves):
        groups.setdefault(find(k), []).append(k)
    return list(groups.values())
