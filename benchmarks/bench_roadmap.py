"""Roadmap sequencing benchmark: CP-SAT time to a proven-optimal roadmap as the package grows.

Synthetic packages (seeded): three parties; two sides alternate concessions (a freeze, a dismantlement:
cost to the owner, value to the other side) and relief, a third party gives small relief. About a third
of the items are reversible, a fifth expire unless renewed; durations 0–60 days, verification leads 0–90 days;
every item after the two keystones (one costly irreversible concession per side) requires an
earlier concession of the other side (prerequisites form a DAG). Rules:
at most 12 phases, reciprocity bound τ = 6 (no party nets below −6 in a phase), objective = smallest
maximum exposure. Baselines measured in the same run: big-for-big (one phase) and naive step-by-step
(one item per phase), evaluated with the same exposure formula.
"""

from __future__ import annotations

import math
import time

import numpy as np

from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import Item, ItemSet
from detente.roadmap.plan import naive_order
from detente.roadmap.rules import SequencingRules
from detente.roadmap.sequencer import sequence

SIZES = (10, 20, 40, 60, 90, 120)
TIME_LIMIT = 60.0


def instance(n: int, seed: int = 0) -> ItemSet:
    rng = np.random.default_rng(seed)
    items: list[Item] = []
    before: list[tuple[int, int]] = []
    concessions: dict[int, list[int]] = {0: [], 1: []}
    for k in range(n):
        owner = int(k % 2) if rng.random() > 0.15 else 2
        values = np.zeros(3)
        cost, gain = int(rng.integers(1, 6)), int(rng.integers(1, 8))
        if k < 2:  # each side's keystone concession: costly and irreversible (a dismantlement)
            owner, cost, gain = k, 6, 10
        values[owner] = -cost
        others = [i for i in range(3) if i != owner]
        values[others[0]] = gain
        values[others[1]] = int(rng.integers(0, 3))
        rev = k >= 2 and bool(rng.random() < 0.35)
        ver = int(rng.integers(0, 91)) if rng.random() < 0.7 else 0
        items.append(
            Item(
                id=f"m{k}",
                move=k,
                option_from=0,
                option_to=1,
                label=f"move {k}",
                owner=owner,
                values=values,
                reversible=rev,
                reversal_lead_days=float(rng.integers(1, 60)),
                verifiable=ver > 0,
                verification_lead_days=float(ver),
                duration_days=float(rng.integers(0, 61)),
                deadline_days=math.inf,
                expires_after_days=180.0 if rng.random() < 0.2 else math.inf,
            )
        )
        other_side = 1 - owner if owner < 2 else int(rng.integers(0, 2))
        pool = concessions[other_side]
        if pool:
            before.append((int(rng.choice(pool)), k))
        if owner < 2:
            concessions[owner].append(k)
    return ItemSet(tuple(items), tuple(before), ())


def run() -> str:
    rows = []
    for n in SIZES:
        items = instance(n)
        rules = SequencingRules(max_phases=12, reciprocity=6.0)
        start = time.perf_counter()
        rm = sequence(None, items, objective="exposure", rules=rules, time_limit=TIME_LIMIT, workers=2)
        seconds = time.perf_counter() - start
        first = rm.stage_seconds[0] if rm.stage_seconds else seconds
        big = evaluate(items, np.zeros(n, dtype=np.int64)).max_exposure.max()
        naive = evaluate(items, naive_order(items)).max_exposure.max()
        best = rm.max_exposure.max()
        rows.append(
            f"| {n} | {len(items.before)} | {rm.n_phases} | {first:.2f} | {seconds:.2f} | {'yes' if rm.optimal else 'no'} "
            f"| {best:g} | {naive:g} | {big:g} |"
        )
    return (
        "## Roadmaps\n\n"
        "CP-SAT sequencing (`detente.roadmap.sequencer.sequence`) of synthetic packages: 3 parties, "
        "prerequisites (each item waits for a concession of the other side; each side starts with a costly "
        "irreversible keystone concession), durations and "
        "verification lead times, at most 12 phases, reciprocity bound τ = 6, objective = smallest maximum "
        "exposure, then fewest phases and least temptation as tie-breaks, 2 workers, time limit "
        f"{TIME_LIMIT:g} s. Baselines, same package and formula: naive step-by-step (one item per phase, "
        "file order) and big-for-big (one phase; breaks the prerequisites). Target: 60 moves proven "
        "optimal in under 10 s.\n\n"
        "| moves | prerequisites | phases | s to proven optimum | s with tie-breaks | proven optimal "
        "| max exposure | naive | big-for-big |\n"
        "| ---: | ---: | ---: | ---: | ---: | :---: | ---: | ---: | ---: |\n" + "\n".join(rows) + "\n"
    )


if __name__ == "__main__":
    print(run())
