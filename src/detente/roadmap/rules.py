"""The rules a roadmap must respect, and the one check of an assignment against all of them.

:class:`SequencingRules` holds the user's rules (``--max-phases``, ``--reciprocity``,
``--self-enforcing``) and extra gates; the item set carries the scenario's own rules (prerequisites,
graded-step order, deadlines). The CP-SAT sequencer (:mod:`detente.roadmap.sequencer`) encodes every
rule as a constraint; :func:`check_rules` checks a given assignment against the same rules in plain
arithmetic, so that anything built outside the solver — a fix proposal (:mod:`detente.roadmap.enforce`),
a fixed strategy, the agreed phases — is held to the same definition. With p(k) the phase of item k,
S_t the start day of phase t (:func:`detente.roadmap.evaluate.phase_times`) and T the number of phases:

* prerequisite (a, b): p(a) < p(b); extra gate (a, b): p(a) < p(b); graded steps (a, b): p(a) ≤ p(b);
* deadline of item k: S_{p(k)} ≤ ``Item.latest_start_day`` = ⌊deadline_k − duration_k⌋, computed
  exactly from the numbers as written (so S + duration ≤ deadline holds exactly, fractional days
  included);
* ``max_phases``: T ≤ max_phases;
* reciprocity τ: Σ_{k: p(k)=t} v_{k,i} ≥ −τ for every party i and phase t;
* self-enforcement: no temptation (checked by the caller, which runs the backward induction).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from detente.roadmap.items import ItemSet

#: Relative tolerance of the reciprocity check (values are floats; the sequencer scales them to integers).
RECIPROCITY_TOL = 1e-9


@dataclass(frozen=True)
class SequencingRules:
    """Everything a roadmap must respect besides the items' own precedences and deadlines.

    Immutable: derive a variant with :func:`dataclasses.replace`.
    """

    max_phases: int = 12
    reciprocity: float | None = None
    self_enforcing: bool = False
    extra_before: tuple[tuple[int, int], ...] = ()  # (a, b): item a in a strictly earlier phase than b
    made_reversible: frozenset[int] = frozenset()
    party_names: tuple[str, ...] = ()

    def party_name(self, i: int) -> str:
        return self.party_names[i] if i < len(self.party_names) else str(i)


def gate_label(items: ItemSet, a: int, b: int) -> str:
    """The words for an extra gate (a, b), in conflicts and violations alike."""
    return f"{items.items[b].id} must come after {items.items[a].id} (gate)"


def check_rules(
    items: ItemSet,
    phase_of: npt.NDArray[np.int64],
    times: list[tuple[int, int]],
    rules: SequencingRules | None = None,
    *,
    tempted: bool = False,
) -> list[str]:
    """Plain-words violations of every rule (module docstring) by ``phase_of`` (0-based, compact).

    Without ``rules`` only the scenario's own rules (prerequisites, graded steps, deadlines) are
    checked; ``tempted`` says whether backward induction found a temptation (for ``self_enforcing``).
    """
    out = []
    for a, b in items.before:
        if phase_of[a] >= phase_of[b]:
            out.append(
                f"{items.prereq_labels.get((a, b), f'{items.items[b].id} requires {items.items[a].id}')}"
            )
    for a, b in items.not_after:
        if phase_of[a] > phase_of[b]:
            out.append(f"step {items.items[b].id} comes before {items.items[a].id}")
    for n, it in enumerate(items.items):
        latest = it.latest_start_day
        start = times[int(phase_of[n])][0]
        if latest is not None and start > latest:
            out.append(
                f"{it.label} ({it.id}) finishes on day {start + it.duration_days:g}, "
                f"after its deadline (day {it.deadline_days:g})"
            )
    if rules is None:
        return out
    for a, b in rules.extra_before:
        if phase_of[a] >= phase_of[b]:
            out.append(gate_label(items, a, b))
    n_phases = len(times)
    if n_phases > rules.max_phases:
        out.append(f"{n_phases} phases, more than max_phases ({rules.max_phases})")
    if rules.reciprocity is not None and len(items):
        v = items.values
        nets = np.zeros((n_phases, v.shape[1]))
        np.add.at(nets, phase_of, v)
        tol = RECIPROCITY_TOL * max(1.0, float(np.abs(v).max()))
        for t, i in zip(*np.nonzero(nets < -rules.reciprocity - tol), strict=True):
            out.append(
                f"phase {int(t) + 1}: {rules.party_name(int(i))} gives {-float(nets[t, i]):g} more than it "
                f"gets, beyond the reciprocity bound {rules.reciprocity:g}"
            )
    if rules.self_enforcing and tempted:
        out.append("a party is tempted to stop (self-enforcement required)")
    return out
