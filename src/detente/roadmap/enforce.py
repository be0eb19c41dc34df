"""Proposals that remove the temptations found by backward induction (:mod:`detente.roadmap.evaluate`).

Candidate changes are generated from every temptation (party i gains m by stopping before phase t):

* **snapback** — an item k that i receives by phase t, not reversible as modelled but whose form the
  scenario leaves open (no ``reversibility`` stated: a physically irreversible step such as a
  dismantlement should say ``reversible: false``), and whose owner would credibly revert it
  (v_{k,o(k)} ≤ 0), is granted instead in reversible form (a waiver or suspension) under a snapback
  clause, so that stopping costs i the value v_{k,i};
* **gate** — an item k that i receives is released only after i's remaining concession m is carried
  out and verified (k moves to a new phase right after m's phase);
* **split** — the same change when k is one stage of a graded move released together with other
  stages: the later stage waits for i's concession;
* **reorder** — the whole package re-sequenced by CP-SAT with the self-enforcement constraints
  (no party tempted at any phase), under the same rules and objective.

Every candidate is re-evaluated with the same formulas and re-checked against every rule — the
scenario's (prerequisites, graded steps, deadlines) and the user's (``max_phases``, the reciprocity
bound, self-enforcement, extra gates) — by the one check :func:`detente.roadmap.rules.check_rules`;
a candidate that breaks any rule is dropped. A temptation lists each remaining candidate that lowers
the largest temptation of its party (``removes`` when none is left) — including candidates generated
for another temptation, since removing a later temptation often removes the earlier ones that
backward induction derives from it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from detente.roadmap.evaluate import evaluate
from detente.roadmap.model import Proposal, Roadmap, Temptation
from detente.roadmap.rules import SequencingRules

MAX_CANDIDATES_PER_TEMPTATION = 4


@dataclass(frozen=True)
class _Candidate:
    kind: str
    text: str
    phase_of: tuple[int, ...]
    made_reversible: tuple[int, ...]


def _max_margin(rm: Roadmap, party: int) -> float:
    return max((t.margin for t in rm.temptations if t.party == party), default=0.0)


def _phase_list(rm: Roadmap) -> str:
    return "; ".join(
        f"phase {ph.index}: " + ", ".join(rm.items.items[n].id for n in ph.items) for ph in rm.phases
    )


def _candidates(rm: Roadmap, tmp: Temptation, rules: SequencingRules) -> list[_Candidate]:
    its = rm.items.items
    i, t = tmp.party, tmp.phase
    p = rm.phase_of
    base = tuple(int(x) for x in p)
    out: list[_Candidate] = []
    received = [k for k, it in enumerate(its) if it.owner != i and it.values[i] > 0 and p[k] <= t]
    received.sort(key=lambda k: -its[k].values[i])
    for k in received:
        it = its[k]
        if it.revocable or not it.form_open or it.values[it.owner] > 0:
            continue
        out.append(
            _Candidate(
                "snapback",
                f"grant {it.label} ({it.id}) as a reversible waiver or suspension under a snapback clause, "
                f"so that {rules.party_name(it.owner)} can revert it if a beneficiary stops",
                base,
                (k,),
            )
        )
        break
    remaining = [m for m, it in enumerate(its) if it.owner == i and p[m] >= t and it.values[i] < 0]
    remaining.sort(key=lambda m: its[m].values[i])
    for m in remaining[:2]:
        for k in received[:3]:
            trial = 2 * p.copy()
            trial[k] = 2 * p[m] + 1
            it, mv = its[k], its[m]
            siblings = any(x.move == it.move and n != k and p[n] == p[k] for n, x in enumerate(its))
            check = "carried out and verified" if mv.verifiable else "carried out"
            if siblings:
                kind = "split"
                text = (
                    f"split the graded move: release {it.label} ({it.id}) as a later stage, only after "
                    f"{mv.label} ({mv.id}) is {check}"
                )
            else:
                kind = "gate"
                text = (
                    f"add a verification gate: release {it.label} ({it.id}) only after "
                    f"{mv.label} ({mv.id}) is {check}"
                )
            out.append(_Candidate(kind, text, tuple(int(x) for x in trial), ()))
    return out[:MAX_CANDIDATES_PER_TEMPTATION]


def attach_proposals(rm: Roadmap, reordered: Roadmap | None, rules: SequencingRules) -> None:
    """Fill ``proposals`` of every temptation of ``rm`` (``reordered``: the self-enforcing re-sequencing),
    keeping only candidates that break none of the scenario's rules and none of ``rules``."""
    pool: dict[tuple[tuple[int, ...], tuple[int, ...]], _Candidate] = {}
    for tmp in rm.temptations:
        for cand in _candidates(rm, tmp, rules):
            pool.setdefault((cand.phase_of, cand.made_reversible), cand)
    if reordered is not None and not np.array_equal(reordered.phase_of, rm.phase_of):
        key = (tuple(int(x) for x in reordered.phase_of), ())
        pool.setdefault(
            key, _Candidate("reorder", f"reorder the roadmap as {_phase_list(reordered)}", key[0], ())
        )
    trials: list[tuple[_Candidate, Roadmap]] = []
    for cand in pool.values():
        trial = evaluate(
            rm.items,
            np.asarray(cand.phase_of),
            strategy=rm.strategy,
            rules=replace(rules, made_reversible=rules.made_reversible | frozenset(cand.made_reversible)),
        )
        if not trial.violations:
            trials.append((cand, trial))
    for tmp in rm.temptations:
        props = []
        for cand, trial in trials:
            left = _max_margin(trial, tmp.party)
            if left < tmp.margin - 1e-9:
                phase_of = tuple(int(x) for x in trial.phase_of) if cand.kind != "snapback" else ()
                props.append(
                    Proposal(cand.kind, cand.text, left <= 1e-9, left, phase_of, cand.made_reversible)  # type: ignore[arg-type]
                )
        props.sort(key=lambda pr: (not pr.removes, pr.margin))
        tmp.proposals = props
