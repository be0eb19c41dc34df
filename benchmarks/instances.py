"""Seeded benchmark instances shared by the benchmark files (and the slow speed tests).

:func:`genius_like` — the real-valued instance of issue 8: ``n_moves`` yes/no issues, ``n_parties``
parties, Genius-style weights with ``decimals`` decimals (each party's weights sum to about 1, the
evaluation of each issue's two values is 1 for the preferred one and a random fraction for the other),
reservation 0.55 for every party, no rules. Utilities are in [0, 1] as in a Genius profile.
"""

from __future__ import annotations

import numpy as np

from detente.model.compiled import CompiledScenario, compile_scenario
from detente.model.scenario import Scenario


def genius_like(
    n_moves: int = 200,
    n_parties: int = 6,
    *,
    decimals: int = 12,
    seed: int = 0,
    reservation: float = 0.55,
    percent: bool = False,
) -> CompiledScenario:
    """The seeded Genius-like instance described in the module docstring. With ``percent`` the weights
    are percentages (summing to about 100, reservation 100 × ``reservation``) with ``decimals``
    decimals, so 0 decimals is a meaningful instance (integer percentages)."""
    rng = np.random.default_rng(seed)
    parties = [f"P{i}" for i in range(n_parties)]
    raw = rng.gamma(1.0, size=(n_moves, n_parties))
    unit = 100.0 if percent else 1.0
    weights = np.round(unit * raw / raw.sum(axis=0), decimals)
    reservation = reservation * unit
    moves = []
    for k in range(n_moves):
        yes_pref = rng.random(n_parties) < 0.5
        other = np.round(rng.random(n_parties), decimals)
        yes = {p: (1.0 if yes_pref[i] else float(other[i])) for i, p in enumerate(parties)}
        no = {p: (float(other[i]) if yes_pref[i] else 1.0) for i, p in enumerate(parties)}
        moves.append(
            {
                "id": f"m{k}",
                "name": f"Issue {k}",
                "owner": parties[k % n_parties],
                "category": "c",
                "weights": {p: float(weights[k, i]) for i, p in enumerate(parties)},
                "options": [{"id": "no", "values": no}, {"id": "yes", "values": yes}],
            }
        )
    data = {
        "meta": {
            "title": f"Genius-like {n_moves} issues x {n_parties} parties, {decimals} decimals, seed {seed}"
        },
        "parties": [{"id": p, "name": f"Party {p}", "reservation": reservation} for p in parties],
        "moves": moves,
    }
    return compile_scenario(Scenario.model_validate(data))
