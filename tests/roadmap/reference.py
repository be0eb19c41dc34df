"""A plain, loop-and-set reference implementation of the roadmap formulas (docs/roadmaps.md).

Written independently of the NumPy code in ``detente.roadmap.evaluate`` so that tests can compare the
two on random games. Items are given as ``detente.roadmap.items.Item``; a roadmap as a list of phase
numbers (0-based, contiguous) per item.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from detente.roadmap.items import Item


def revocable(it: Item, n: int, made_reversible: Sequence[int] = ()) -> bool:
    return it.reversible or math.isfinite(it.expires_after_days) or n in made_reversible


def exposure(items: Sequence[Item], phases: Sequence[int], n_parties: int) -> list[list[float]]:
    """E[j][t]: j has done its phase-t items, the others stopped before t; j reclaims its revocable
    concessions; received expiring relief lapses."""
    n_phases = max(phases) + 1
    out = []
    for j in range(n_parties):
        row = []
        for t in range(n_phases):
            total = 0.0
            for n, it in enumerate(items):
                done = phases[n] < t or (phases[n] == t and it.owner == j)
                if not done:
                    continue
                if it.owner == j and revocable(it, n) and it.values[j] < 0:
                    continue  # reclaimed by snapback
                if it.owner != j and math.isfinite(it.expires_after_days):
                    continue  # lapses: not renewed
                total += float(it.values[j])
            row.append(max(0.0, -total))
        out.append(row)
    return out


def stop_outcome(
    items: Sequence[Item], phases: Sequence[int], deviator: int, t: int, n_parties: int, made_reversible=()
) -> list[float]:
    """Payoffs when ``deviator`` stops before phase t (others' phase-t items still happen)."""
    pay = [0.0] * n_parties
    for n, it in enumerate(items):
        done = phases[n] < t or (phases[n] == t and it.owner != deviator)
        if not done:
            continue
        if revocable(it, n, made_reversible):
            if it.owner == deviator and it.values[deviator] < 0:
                continue  # the deviator takes back its concession
            if it.owner != deviator and it.values[it.owner] <= 0:
                continue  # credible snapback by the owner
        for h in range(n_parties):
            pay[h] += float(it.values[h])
    return pay


def backward_induction(
    items: Sequence[Item], phases: Sequence[int], n_parties: int, made_reversible=()
) -> list[tuple[int, int, float]]:
    """(phase, party, margin) of every temptation, by backward induction from completion."""
    n_phases = max(phases) + 1
    cont = [sum(float(it.values[h]) for it in items) for h in range(n_parties)]
    found = []
    for t in reversed(range(n_phases)):
        best = None
        for i in range(n_parties):
            dev = stop_outcome(items, phases, i, t, n_parties, made_reversible)
            margin = dev[i] - cont[i]
            if margin > 1e-9:
                found.append((t, i, margin))
                if best is None or margin > best[0]:
                    best = (margin, dev)
        if best is not None:
            cont = best[1]
    return sorted(found)


def times(items: Sequence[Item], phases: Sequence[int]) -> list[tuple[int, int]]:
    n_phases = max(phases) + 1
    out, start = [], 0
    for t in range(n_phases):
        length = 0
        for n, it in enumerate(items):
            if phases[n] == t:
                lead = it.verification_lead_days if it.verifiable else 0.0
                length = max(length, math.ceil(it.duration_days + lead))
        out.append((start, start + length))
        start += length
    return out


def broken_rules(
    items: Sequence[Item],
    phases: Sequence[int],
    before: Sequence[tuple[int, int]],
    not_after: Sequence[tuple[int, int]],
    max_phases: int,
    reciprocity: float | None,
) -> list[str]:
    """Every rule the assignment breaks, checked one by one (phases 0-based and contiguous)."""
    out = []
    out += [f"prerequisite {a}->{b}" for a, b in before if phases[a] >= phases[b]]
    out += [f"graded step {a}->{b}" for a, b in not_after if phases[a] > phases[b]]
    starts = times(items, phases)
    for n, it in enumerate(items):
        if starts[phases[n]][0] + it.duration_days > it.deadline_days:
            out.append(f"deadline of {n}")
    n_phases = max(phases) + 1
    if n_phases > max_phases:
        out.append(f"{n_phases} phases > {max_phases}")
    if reciprocity is not None:
        for t in range(n_phases):
            for i in range(len(items[0].values)):
                net = sum(float(it.values[i]) for n, it in enumerate(items) if phases[n] == t)
                if net < -reciprocity:
                    out.append(f"reciprocity: party {i} nets {net} in phase {t}")
    return out
