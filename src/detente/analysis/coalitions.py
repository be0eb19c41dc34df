"""Coalitions: wedges that split allies, the overlap of what a group of parties accepts, and cohesion.

Definitions (δ_i(o) = values[o, i] − values[status quo of o's move, i], option o's value to party i
relative to leaving its move at the status quo):

* A party **accepts** a package when its own red lines hold and u_i ≥ r_i. The package rules that
  belong to no party (prerequisites, exclusions, minimum content, count and implication rules) always
  hold: they describe what a package *is*, not what someone wants.
* A **move wedge** for a coalition C is a non-status-quo option o that helps one member and hurts
  another: some δ_a(o) > 0 and some δ_b(o) < 0 (a, b ∈ C). Its magnitude is
  ``min(max_a δ_a(o), max_b −δ_b(o))`` — the stake of the weaker side, so a wedge is large only when
  both sides care.
* A **wedge package** for proposer p ∉ C and members a ≠ b of C is a package that p and a accept and
  b rejects (u_b < r_b or one of b's red lines broken); the best one for the proposer maximizes u_p.
  Such a package is an offer p can make that splits the coalition. By default p is the coalition's
  **opponent**: the party outside C whose δ correlates least with the members' (see cohesion).
* The **overlap** of a set S of parties is the set of packages every member of S accepts. Its size is
  counted exactly by enumeration (up to :data:`COUNT_LIMIT` packages); ``share`` = size / number of
  packages meeting the package rules. ``best`` maximizes Σ_{i∈S} (u_i − r_i).
* **Cohesion** of C is the mean over member pairs of the Pearson correlation of δ_a and δ_b across
  every non-status-quo option of every move (a member whose δ are all equal contributes 0). It lies
  in [−1, 1]: +1 when members value every concession alike, ≤ 0 when their interests are opposed.

Methods: ``enumeration`` (every package, with per-party acceptance as boolean masks) when the
scenario has at most :data:`COUNT_LIMIT` packages, else CP-SAT on
:func:`~detente.analysis.methods.cpsat_model.build_package_model` with one enforcement literal per rule (the
rejecting member's red lines are replaced by "at least one is broken or u_b < r_b"); CP-SAT results
give existence and the best package but no count.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import BaseModel, Field

from detente.errors import DetenteError
from detente.model.compiled import BoolArray, FloatArray, IntArray

if TYPE_CHECKING:
    from detente.model.compiled import CompiledScenario

COUNT_LIMIT = 500_000
MOVE_WEDGES_SHOWN = 10


# ----- output models ---------------------------------------------------------------------------------
class MoveWedge(BaseModel):
    """A move option that helps one coalition member and hurts another."""

    move: str
    name: str
    option: str
    label: str
    pillar: str
    owner: str
    values: dict[str, float] = Field(description="Member id → value relative to the status quo (δ).")
    helps: list[str]
    hurts: list[str]
    magnitude: float = Field(description="min(largest gain, largest loss) among the members.")


class PackageView(BaseModel):
    """A package with each party's utility and margin over its reservation value."""

    choices: dict[str, str]
    carried_out: list[str]
    utilities: dict[str, float]
    margins: dict[str, float]


class WedgePackage(BaseModel):
    """Offers by ``proposer`` that ``accepts`` accepts and ``rejects`` rejects."""

    proposer: list[str]
    accepts: str
    rejects: str
    exists: bool | None = Field(description="None when the search ran out of time.")
    count: int | None = Field(description="How many such packages (enumeration only).")
    best: PackageView | None = Field(description="The one best for the proposer(s) (max Σ u_p).")
    why_rejected: list[str] = Field(
        default_factory=list, description="Why the rejecting member turns the best one down."
    )


class Overlap(BaseModel):
    """Packages that every party in ``parties`` accepts."""

    parties: list[str]
    exists: bool | None
    count: int | None = Field(description="Number of such packages (enumeration only).")
    share: float | None = Field(description="count / number of packages meeting the package rules.")
    best: PackageView | None = Field(description="The one maximizing Σ (u_i − r_i) over the parties.")


class CoalitionReport(BaseModel):
    """Wedges, overlap and cohesion of one coalition."""

    id: str
    name: str
    members: list[str]
    cohesion: float = Field(description="Mean pairwise correlation of the members' option values (δ).")
    correlations: dict[str, float] = Field(description="'A~B' → correlation of δ_A and δ_B.")
    opponent: list[str] = Field(description="The proposer(s) used for wedge packages.")
    move_wedges: list[MoveWedge]
    n_move_wedges: int
    wedge_packages: list[WedgePackage]
    overlap: Overlap


class WedgesOutput(BaseModel):
    """``detente wedges --format json``."""

    method: str
    coalitions: list[CoalitionReport]
    notes: list[str] = Field(default_factory=list)
    seconds: float


# ----- cohesion and move wedges ----------------------------------------------------------------------
def option_deltas(cs: CompiledScenario) -> tuple[IntArray, FloatArray]:
    """(non-status-quo global option indices, δ of shape (n, P))."""
    sq = cs.offsets[:-1] + cs.status_quo
    mask = np.ones(cs.n_total_options, dtype=bool)
    mask[sq] = False
    idx = np.flatnonzero(mask).astype(np.int64)
    delta = cs.values[idx] - cs.values[sq[cs.option_move[idx]]]
    return idx, delta


def correlations(cs: CompiledScenario, parties: Sequence[int]) -> dict[tuple[int, int], float]:
    """Pearson correlation of δ_a and δ_b for each pair (0 when either is constant)."""
    _, delta = option_deltas(cs)
    out: dict[tuple[int, int], float] = {}
    for x, a in enumerate(parties):
        for b in parties[x + 1 :]:
            da, db = delta[:, a], delta[:, b]
            if len(da) < 2 or da.std() == 0 or db.std() == 0:
                out[(a, b)] = 0.0
            else:
                out[(a, b)] = float(np.corrcoef(da, db)[0, 1])
    return out


def cohesion(cs: CompiledScenario, members: Sequence[int]) -> float:
    """Mean pairwise correlation of the members' δ (module docstring)."""
    pairs = correlations(cs, list(members))
    return float(np.mean(list(pairs.values()))) if pairs else 1.0


def opponent(cs: CompiledScenario, members: Sequence[int]) -> int | None:
    """The non-member whose δ has the lowest mean correlation with the members' (None if none)."""
    outside = [i for i in range(cs.n_parties) if i not in members]
    if not outside:
        return None
    scores = [np.mean([correlations(cs, [i, m])[(i, m)] for m in members]) for i in outside]
    return outside[int(np.argmin(scores))]


def move_wedges(cs: CompiledScenario, members: Sequence[int]) -> list[MoveWedge]:
    """Every move wedge of the coalition, largest magnitude first (module docstring)."""
    idx, delta = option_deltas(cs)
    sub = delta[:, list(members)]
    gain = sub.max(axis=1)
    loss = -sub.min(axis=1)
    wedge = (gain > 0) & (loss > 0)
    magnitude = np.minimum(gain, loss)
    out = []
    for r in np.flatnonzero(wedge)[np.argsort(-magnitude[wedge], kind="stable")]:
        o = int(idx[r])
        k = int(cs.option_move[o])
        j = o - int(cs.offsets[k])
        vals = {cs.party_ids[m]: float(delta[r, m]) for m in members}
        out.append(
            MoveWedge(
                move=cs.move_ids[k],
                name=cs.move_names[k],
                option=cs.option_ids[k][j],
                label=cs.option_labels[k][j],
                pillar=cs.category[k],
                owner=cs.party_ids[int(cs.owner[k])],
                values=vals,
                helps=[p for p, v in vals.items() if v > 0],
                hurts=[p for p, v in vals.items() if v < 0],
                magnitude=float(magnitude[r]),
            )
        )
    return out


# ----- package-level analysis ------------------------------------------------------------------------
def _view(cs: CompiledScenario, c: IntArray) -> PackageView:
    u = cs.utilities(c)
    return PackageView(
        choices=cs.choices_to_ids(c),
        carried_out=[cs.move_ids[k] for k in range(cs.n_moves) if int(c[k]) != int(cs.status_quo[k])],
        utilities={p: float(u[i]) for i, p in enumerate(cs.party_ids)},
        margins={p: float(u[i] - cs.reservation[i]) for i, p in enumerate(cs.party_ids)},
    )


def _why_rejected(cs: CompiledScenario, c: IntArray, b: int) -> list[str]:
    x = cs.indicator(c)
    reasons = [con.label for con in cs.constraints if con.party == b and not bool(con.holds(x)[0])]
    u = float(cs.utilities(c)[b])
    if u < cs.reservation[b] - 1e-9:
        reasons.append(
            f"{cs.party_names[b]}'s utility {u:g} is below its reservation value {float(cs.reservation[b]):g}"
        )
    return reasons


@dataclass
class _Masks:
    """Every package that meets the rules of no party (the shared rules), with per-party acceptance:
    tabulated by the one enumerator (:func:`~detente.analysis.enumerate.iter_packages`), so dominance of
    a reservation value is decided on each party's own utility grid, as everywhere else."""

    choices: IntArray
    utilities: FloatArray
    accepts: BoolArray  # (N, P) u_i ≥ r_i on party i's grid and party i's own rules hold


def _masks(cs: CompiledScenario) -> _Masks:
    import dataclasses

    from detente.analysis.enumerate import decode, iter_packages
    from detente.analysis.grid import utility_grid

    shared = dataclasses.replace(cs, constraints=tuple(c for c in cs.constraints if c.party is None))
    grid = utility_grid(cs)
    index: list[IntArray] = []
    ints: list[IntArray] = []
    for chunk in iter_packages(shared, acceptable=False, grid=grid):
        index.append(chunk.index)
        ints.append(chunk.ints)
    p = cs.n_parties
    idx = np.concatenate(index) if index else np.zeros(0, dtype=np.int64)
    grid_u = np.concatenate(ints) if ints else np.zeros((0, p), dtype=np.int64)
    choices = decode(cs, idx) if idx.size else np.zeros((0, cs.n_moves), dtype=np.int64)
    accepts = grid_u >= grid.reservation
    own = [con for con in cs.constraints if con.party is not None]
    if own and idx.size:
        x = cs.indicator(choices)
        for con in own:
            accepts[:, con.party] &= con.holds(x)
    u = cs.utilities(choices) if idx.size else np.zeros((0, p))
    return _Masks(choices, u, accepts)


def _best(m: _Masks, mask: BoolArray, score: FloatArray) -> IntArray | None:
    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return None
    return m.choices[rows[int(np.argmax(score[rows]))]]


class _CpsatEngine:
    """Wedge and overlap queries as CP-SAT models (see module docstring)."""

    def __init__(self, cs: CompiledScenario, budget: float) -> None:
        self.cs = cs
        self.work = budget  # deterministic work units left (cpsat_model.new_solver), never the clock

    def _model(self, accept: Sequence[int], reject: int | None) -> Any:
        from detente.analysis.methods.cpsat_model import build_package_model

        cs = self.cs
        pm = build_package_model(cs, acceptable=False, relaxable=True)
        m = pm.model
        flat = pm.flat_x
        violated = []
        for lit, con in zip(pm.constraint_lits, cs.constraints, strict=True):
            if con.party is None or con.party in accept:
                m.add(lit == 1)
            elif con.party == reject:
                v = m.new_bool_var("broken")
                expr = sum(int(cf) * flat[int(o)] for o, cf in zip(con.options, con.coefs, strict=True))
                if con.lo is not None:
                    m.add(expr <= con.lo - 1).only_enforce_if(v)
                else:
                    assert con.hi is not None
                    m.add(expr >= con.hi + 1).only_enforce_if(v)
                violated.append(v)
        for i in accept:
            m.add(pm.u[i] >= int(pm.int_reservation[i]))
        if reject is not None:
            below = m.new_bool_var("below")
            m.add(pm.u[reject] <= int(pm.int_reservation[reject]) - 1).only_enforce_if(below)
            m.add_bool_or([below, *violated])
        return pm

    def best(
        self, accept: Sequence[int], reject: int | None, objective: Sequence[int]
    ) -> tuple[bool | None, Any]:
        from ortools.sat.python import cp_model

        from detente.analysis.methods.cpsat_model import new_solver

        pm = self._model(accept, reject)
        pm.model.maximize(sum(pm.u[i] - int(pm.int_reservation[i]) for i in objective))
        solver = new_solver(max(0.2, self.work))
        solver.parameters.relative_gap_limit = 1e-3
        status = solver.solve(pm.model)
        self.work -= solver.response_proto.deterministic_time
        if status == cp_model.INFEASIBLE:
            return False, None
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return True, pm.choices(solver)
        return None, None


def party_index(cs: CompiledScenario, pid: str, what: str) -> int:
    """Index of party ``pid``; a clear error naming ``what`` (the option or field) if unknown."""
    if pid not in cs.party_ids:
        from detente.errors import did_you_mean

        guess = did_you_mean(pid, list(cs.party_ids))
        raise DetenteError(
            f"unknown party '{pid}' in {what}"
            + (f"; did you mean '{guess}'?" if guess else "")
            + f" (parties: {', '.join(cs.party_ids)})"
        )
    return cs.party_ids.index(pid)


def wedges(
    cs: CompiledScenario,
    *,
    coalitions: Sequence[tuple[str, str, Sequence[int]]] | None = None,
    proposer: Sequence[str] | None = None,
    method: str = "auto",
    time_limit: float = 30.0,
) -> WedgesOutput:
    """Wedges, wedge packages, overlap and cohesion for every coalition (module docstring).

    ``coalitions`` defaults to the scenario's (``cs.coalitions``); ``proposer`` (party ids) replaces
    each coalition's opponent; ``method`` is ``auto``, ``enumeration`` or ``cp-sat``.
    """
    start = time.perf_counter()
    if method not in ("auto", "enumeration", "cp-sat"):
        raise DetenteError(f"unknown method '{method}' (choose auto, enumeration or cp-sat)")
    groups = list(cs.coalitions if coalitions is None else coalitions)
    fixed = [party_index(cs, p, "--proposer") for p in proposer] if proposer else None
    notes: list[str] = []
    if not groups:
        notes.append("the scenario defines no coalitions: add a 'coalitions:' section (or pass --members)")
    use_enum = method == "enumeration" or (method == "auto" and cs.n_outcomes <= COUNT_LIMIT)
    masks = _masks(cs) if use_enum and groups else None
    engine = None if use_enum else _CpsatEngine(cs, time_limit)
    if engine is not None and groups:
        notes.append("CP-SAT: wedge packages and overlaps are shown to exist (or not) but not counted")
    reports = []
    for cid, name, members_ in groups:
        members = [int(m) for m in members_]
        if fixed is not None:
            props = fixed
            if set(props) & set(members):
                raise DetenteError(f"a proposer cannot be a member of coalition '{cid}'")
        else:
            opp = opponent(cs, members)
            props = [] if opp is None else [opp]
        wps: list[WedgePackage] = []
        for a in members:
            for b in members:
                if a == b or not props:
                    continue
                accept = [*props, a]
                exists: bool | None
                count = None
                best = None
                if masks is not None:
                    mask = np.all(masks.accepts[:, accept], axis=1) & ~masks.accepts[:, b]
                    count = int(mask.sum())
                    exists = count > 0
                    best = _best(masks, mask, masks.utilities[:, props].sum(axis=1))
                else:
                    assert engine is not None
                    exists, best = engine.best(accept, b, props)
                wps.append(
                    WedgePackage(
                        proposer=[cs.party_ids[p] for p in props],
                        accepts=cs.party_ids[a],
                        rejects=cs.party_ids[b],
                        exists=exists,
                        count=count,
                        best=None if best is None else _view(cs, best),
                        why_rejected=[] if best is None else _why_rejected(cs, best, b),
                    )
                )
        ov = overlap(cs, members, masks=masks, engine=engine)
        pairs = correlations(cs, members)
        mw = move_wedges(cs, members)
        reports.append(
            CoalitionReport(
                id=cid,
                name=name,
                members=[cs.party_ids[m] for m in members],
                cohesion=float(np.mean(list(pairs.values()))) if pairs else 1.0,
                correlations={f"{cs.party_ids[a]}~{cs.party_ids[b]}": v for (a, b), v in pairs.items()},
                opponent=[cs.party_ids[p] for p in props],
                move_wedges=mw[:MOVE_WEDGES_SHOWN],
                n_move_wedges=len(mw),
                wedge_packages=wps,
                overlap=ov,
            )
        )
    return WedgesOutput(
        method="enumeration" if use_enum else "cp-sat",
        coalitions=reports,
        notes=notes,
        seconds=time.perf_counter() - start,
    )


def overlap(
    cs: CompiledScenario,
    parties: Sequence[int],
    *,
    masks: _Masks | None = None,
    engine: _CpsatEngine | None = None,
    method: str = "auto",
    time_limit: float = 30.0,
) -> Overlap:
    """The packages every party in ``parties`` accepts: existence, size and share (enumeration), best.

    ``method``: ``auto`` (enumeration up to :data:`COUNT_LIMIT` packages), ``enumeration`` or ``cp-sat``.
    """
    parties = [int(p) for p in parties]
    if masks is None and engine is None:
        if method == "enumeration" or (method == "auto" and cs.n_outcomes <= COUNT_LIMIT):
            masks = _masks(cs)
        else:
            engine = _CpsatEngine(cs, time_limit)
    ids = [cs.party_ids[p] for p in parties]
    if masks is not None:
        mask: BoolArray = np.all(masks.accepts[:, parties], axis=1)
        count = int(mask.sum())
        total = int(masks.accepts.shape[0])
        gain = (masks.utilities[:, parties] - cs.reservation[parties]).sum(axis=1)
        best = _best(masks, mask, gain)
        return Overlap(
            parties=ids,
            exists=count > 0,
            count=count,
            share=(count / total) if total else None,
            best=None if best is None else _view(cs, best),
        )
    assert engine is not None
    exists, c = engine.best(parties, None, parties)
    return Overlap(
        parties=ids, exists=exists, count=None, share=None, best=None if c is None else _view(cs, c)
    )
