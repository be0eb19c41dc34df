"""The phases actually agreed in a historical case (a scenario's ``history:`` section) as a roadmap.

:func:`history_package` is the package the history carries out: every ``MOVE:OPTION`` named in a
phase (the furthest option when a move appears in several phases; ``MOVE`` alone means its only
non-status-quo option, or the last one). :func:`historical_roadmap` puts each item in the first
agreed phase that names its move at or beyond the item's option, and evaluates that assignment with
the same formulas as every other roadmap (exposure, gates, self-enforcement), so the agreed sequence
and Détente's can be set side by side.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario
from detente.roadmap.evaluate import evaluate
from detente.roadmap.items import ItemSet
from detente.roadmap.model import Roadmap


def _history_refs(cs: CompiledScenario) -> list[list[tuple[int, int]]]:
    """(move, option) pairs named by each agreed phase."""
    history = cs.scenario.history
    if history is None or not history.phases:
        raise DetenteError(f"'{cs.scenario.meta.title}' has no history.phases to compare with")
    out = []
    for phase in history.phases:
        refs = []
        for ref in phase.moves:
            move_id, _, opt = ref.partition(":")
            k = cs.move_index(move_id)
            if opt:
                j = cs.option_ids[k].index(opt)
            else:
                others = [j for j in range(int(cs.n_options[k])) if j != int(cs.status_quo[k])]
                j = others[-1]
            refs.append((k, j))
        out.append(refs)
    return out


def _beyond(cs: CompiledScenario, k: int, j: int, target: int) -> bool:
    """Option j of move k is ``target`` or further from the status quo in the same direction."""
    sq = int(cs.status_quo[k])
    return (j - sq) * (target - sq) > 0 and abs(j - sq) >= abs(target - sq)


def history_package(cs: CompiledScenario) -> npt.NDArray[np.int64]:
    """The package the agreed phases carry out (module docstring)."""
    c = cs.status_quo_package()
    for refs in _history_refs(cs):
        for k, j in refs:
            if int(c[k]) == int(cs.status_quo[k]) or _beyond(cs, k, j, int(c[k])):
                c[k] = j
    return c


def historical_roadmap(cs: CompiledScenario, items: ItemSet) -> Roadmap:
    """The agreed phases as a :class:`Roadmap` over ``items`` (the items of :func:`history_package`)."""
    refs = _history_refs(cs)
    phase_of = np.zeros(len(items), dtype=np.int64)
    for n, it in enumerate(items.items):
        phase_of[n] = next(
            (
                t
                for t, phase in enumerate(refs)
                if any(k == it.move and _beyond(cs, k, j, it.option_to) for k, j in phase)
            ),
            len(refs) - 1,
        )
    rm = evaluate(items, phase_of, strategy="historical")
    names = [p.name for p in cs.scenario.history.phases] if cs.scenario.history else []
    used = sorted(set(int(x) for x in phase_of))
    rm.method = "the phases agreed: " + "; ".join(names[t] for t in used)
    return rm
