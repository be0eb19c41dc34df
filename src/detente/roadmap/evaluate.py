"""Evaluate a roadmap: timing, exposure, snapback clauses and self-enforcement by backward induction
(the rules it is checked against: :mod:`detente.roadmap.rules`).

Notation: items k = 1…N (see :mod:`detente.roadmap.items`) with owner o(k) and value v_{k,i} to party
i (the owner's own value is usually negative: what it gives). A roadmap puts item k in phase p(k).
``D_t`` is the set of items in phases before t, ``P_t`` the items of phase t, ``P_t^i`` those owned
by i. An item is **revocable** when it is reversible or expires unless renewed.

**Timing.** Phase t lasts L_t = max_{k∈P_t} ⌈duration_k + verification_lead_k⌉ days (lead counted
for verifiable items), so every phase-t item is carried out and verified before phase t+1 starts:
start_1 = 0, start_{t+1} = start_t + L_t. Item k must finish by its deadline: start_{p(k)} +
duration_k ≤ deadline_k, exactly (``Item.latest_start_day``). Expiring relief released on day s is renewed on s + n·expires_after.

**Exposure** (the loss party j suffers if the others stop): the worst point of phase t for j is when
j has carried out its phase-t items and the others have not. The others then stop — they keep what
they have done but no longer renew expiring relief — and j takes back its own revocable concessions::

    stop_j(t)  = Σ_{k ∈ D_t ∪ P_t^j} w_{k,j}
    w_{k,j}    = 0        if o(k) = j, k revocable and v_{k,j} < 0   (j reclaims it by snapback)
               = 0        if o(k) ≠ j and k expires                  (lapses without renewal)
               = v_{k,j}  otherwise
    E_j(t)     = max(0, −stop_j(t))

i.e. what j gave irreversibly minus what it received and keeps.

**Self-enforcement.** Before each phase t, a party i may stop: it skips its items of phases ≥ t but
the others' phase-t items (simultaneous with its own) are carried out. Then every party reverts
what it can and wants to: the deviator reverses its own revocable concessions (v_{k,i} < 0), and
each other owner j reverts its revocable item k under a snapback clause when the threat is
**credible**: reverting is not worse for j than keeping it, v_{k,j} ≤ 0. Relief its owner values
positively (v_{k,j} > 0) is kept: that snapback threat is not credible. The payoffs are::

    S            = D_t ∪ (P_t \\ P_t^i)
    reverted_i   = {k ∈ S : k revocable and (o(k) = i and v_{k,i} < 0
                                             or o(k) ≠ i and v_{k,o(k)} ≤ 0 and k has a clause)}
    dev_i(t)[h]  = Σ_{k ∈ S \\ reverted_i} v_{k,h}          (payoff of party h when i stops at t)

Backward induction from V(T+1) = u(all items): at phase t (T down to 1) party i is **tempted** when
dev_i(t)[i] > V_i(t+1); if any party is tempted, the one with the largest margin stops and
V(t) = dev_i(t), else V(t) = V(t+1). The roadmap is **self-enforcing** when nobody is tempted at
any phase, so that finishing is the subgame-perfect outcome.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from detente.roadmap.items import ItemSet
from detente.roadmap.model import Phase, Roadmap, SnapbackClause, Temptation
from detente.roadmap.rules import SequencingRules, check_rules

TOL = 1e-9


def compact(phase_of: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Renumber phases 0…T−1 in order, dropping empty phases."""
    p = np.asarray(phase_of, dtype=np.int64)
    _, inv = np.unique(p, return_inverse=True)
    return inv.astype(np.int64).reshape(p.shape)


def one_hot(phase_of: npt.NDArray[np.int64], n_phases: int) -> npt.NDArray[np.float64]:
    a = np.zeros((len(phase_of), n_phases))
    a[np.arange(len(phase_of)), phase_of] = 1.0
    return a


def revocable(items: ItemSet, made_reversible: frozenset[int] = frozenset()) -> npt.NDArray[np.bool_]:
    return np.asarray([it.revocable or n in made_reversible for n, it in enumerate(items.items)], dtype=bool)


def exposure_weights(
    items: ItemSet, made_reversible: frozenset[int] = frozenset()
) -> npt.NDArray[np.float64]:
    """w_{k,j} of the exposure formula (N, P)."""
    v = items.values
    if v.size == 0:
        return v
    own = items.owners[:, None] == np.arange(v.shape[1])[None, :]
    rev = revocable(items, made_reversible)[:, None]
    expiring = np.asarray([it.expiring for it in items.items], dtype=bool)[:, None]
    zero = (own & rev & (v < 0)) | (~own & expiring)
    return np.where(zero, 0.0, v)


def reverted(
    items: ItemSet, deviator: int, made_reversible: frozenset[int] = frozenset()
) -> npt.NDArray[np.bool_]:
    """(N,) items reverted when ``deviator`` stops (see the module docstring)."""
    v = items.values
    owners = items.owners
    rev = revocable(items, made_reversible)
    own_value = v[np.arange(len(owners)), owners]
    mine = owners == deviator
    return rev & ((mine & (v[:, deviator] < 0)) | (~mine & (own_value <= 0)))


def exposure_matrix(
    items: ItemSet,
    phase_of: npt.NDArray[np.int64],
    n_phases: int,
    made_reversible: frozenset[int] = frozenset(),
) -> npt.NDArray[np.float64]:
    """E_j(t) as a (P, T) array."""
    v = items.values
    a = one_hot(phase_of, n_phases)
    before = np.cumsum(a, axis=1) - a
    w = exposure_weights(items, made_reversible)
    own = (items.owners[:, None] == np.arange(v.shape[1])[None, :]).astype(float)
    stop = w.T @ before + (w * own).T @ a
    return np.maximum(0.0, -stop) + 0.0  # + 0.0 turns -0.0 into 0.0


def deviation_payoffs(
    items: ItemSet,
    phase_of: npt.NDArray[np.int64],
    n_phases: int,
    made_reversible: frozenset[int] = frozenset(),
) -> npt.NDArray[np.float64]:
    """dev[i, t, h]: payoff of party h when party i stops before phase t (shape (P, T, P))."""
    v = items.values
    n_parties = v.shape[1]
    a = one_hot(phase_of, n_phases)
    before = np.cumsum(a, axis=1) - a
    out = np.zeros((n_parties, n_phases, n_parties))
    for i in range(n_parties):
        keep = ~reverted(items, i, made_reversible)
        others = (items.owners != i).astype(float)
        state = before + a * others[:, None]  # (N, T): items carried out when i stops at t
        out[i] = (state * keep[:, None]).T @ v
    return out


def backward_induction(
    dev: npt.NDArray[np.float64], final: npt.NDArray[np.float64], tol: float = TOL
) -> tuple[list[Temptation], npt.NDArray[np.float64]]:
    """Temptations and the continuation value V(t+1) of every phase (shape (P, T))."""
    n_parties, n_phases, _ = dev.shape
    cont = np.asarray(final, dtype=float).copy()
    scale = max(1.0, float(np.abs(dev).max(initial=0.0)), float(np.abs(final).max(initial=0.0)))
    conts = np.zeros((n_parties, n_phases))
    temptations: list[Temptation] = []
    for t in range(n_phases - 1, -1, -1):
        conts[:, t] = cont
        margins = dev[np.arange(n_parties), t, np.arange(n_parties)] - cont
        tempted = [i for i in range(n_parties) if margins[i] > tol * scale]
        for i in tempted:
            temptations.append(Temptation(t, i, float(margins[i]), float(dev[i, t, i]), float(cont[i])))
        if tempted:
            worst = max(tempted, key=lambda i: (margins[i], -i))
            cont = dev[worst, t].copy()
    temptations.sort(key=lambda x: (x.phase, x.party))
    return temptations, conts


def phase_times(items: ItemSet, phase_of: npt.NDArray[np.int64], n_phases: int) -> list[tuple[int, int]]:
    lengths = [0] * n_phases
    for n, it in enumerate(items.items):
        t = int(phase_of[n])
        lengths[t] = max(lengths[t], it.length_days)
    out, start = [], 0
    for length in lengths:
        out.append((start, start + length))
        start += length
    return out


def snapback_clauses(items: ItemSet, made_reversible: frozenset[int] = frozenset()) -> list[SnapbackClause]:
    """One clause per revocable item that benefits another party."""
    out = []
    for n, it in enumerate(items.items):
        if not (it.revocable or n in made_reversible):
            continue
        triggers = tuple(i for i in range(len(it.values)) if i != it.owner and it.values[i] > 0)
        if not triggers:
            continue
        lapse = not (it.reversible or n in made_reversible)
        lead = it.expires_after_days if lapse else it.reversal_lead_days
        out.append(
            SnapbackClause(
                item=n,
                owner=it.owner,
                triggers=triggers,
                lead_days=float(lead),
                credible=bool(it.values[it.owner] <= 0),
                kind="lapse" if lapse else "snapback",
            )
        )
    return out


def evaluate(
    items: ItemSet,
    phase_of: npt.ArrayLike,
    *,
    strategy: str = "optimized",
    rules: SequencingRules | None = None,
) -> Roadmap:
    """The :class:`Roadmap` of an assignment of items to phases (any integers; empty phases dropped).

    ``violations`` lists every rule the assignment breaks (:func:`~detente.roadmap.rules.check_rules`):
    the scenario's own rules always, the user's ``rules`` when given (their ``made_reversible`` items
    are granted in reversible form and their extra gates are listed with the phases).
    """
    made_reversible = rules.made_reversible if rules is not None else frozenset()
    extra_gates = rules.extra_before if rules is not None else ()
    p = compact(phase_of) if len(items) else np.zeros(0, dtype=np.int64)
    n_phases = int(p.max()) + 1 if len(p) else 0
    n_parties = items.n_parties
    times = phase_times(items, p, n_phases)
    final = items.values.sum(axis=0) if len(items) else np.zeros(n_parties)
    dev = deviation_payoffs(items, p, n_phases, made_reversible)
    temptations, conts = backward_induction(dev, final)
    stop = dev[np.arange(n_parties), :, np.arange(n_parties)] if n_parties else np.zeros((0, n_phases))
    gates_of: dict[int, set[int]] = {t: set() for t in range(n_phases)}
    for a, b in tuple(items.before) + tuple(extra_gates):
        if p[a] < p[b]:
            gates_of[int(p[b])].add(a)
    phases = []
    end = times[-1][1] if times else 0
    for t in range(n_phases):
        members = tuple(int(n) for n in np.flatnonzero(p == t))
        renewals = []
        for n in members:
            e = items.items[n].expires_after_days
            if math.isfinite(e) and e > 0:
                day = times[t][0] + e
                while day < end:
                    renewals.append((n, int(math.ceil(day))))
                    day += e
        phases.append(
            Phase(t + 1, members, tuple(sorted(gates_of[t])), times[t][0], times[t][1], tuple(renewals))
        )
    return Roadmap(
        items=items,
        phase_of=p,
        phases=phases,
        exposure=exposure_matrix(items, p, n_phases, made_reversible),
        stop_payoff=stop,
        continuation=conts,
        final=final,
        temptations=temptations,
        snapbacks=snapback_clauses(items, made_reversible),
        violations=check_rules(items, p, times, rules, tempted=bool(temptations)),
        strategy=strategy,
        notes=list(items.notes),
    )
