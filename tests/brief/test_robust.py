"""Robustness draws honour the value shapes, and the share agrees with an independent Monte Carlo."""

from __future__ import annotations

import math
import random

import numpy as np

from detente.brief import robust
from tests.brief.conftest import BRIEF_FIXTURES, compiled

WIDE = BRIEF_FIXTURES / "wide.yaml"


def _g(cs, move: str, option: str) -> int:  # type: ignore[no-untyped-def]
    k = cs.move_index(move)
    return int(cs.offsets[k]) + cs.option_ids[k].index(option)


def test_draws_follow_each_values_shape() -> None:
    cs = compiled(WIDE)
    n = 40_000
    drawn = robust.draws_for(cs, seed=1, samples=n)
    assert drawn is not None
    d, reservations = drawn
    assert d.shape == (n, *cs.values.shape) and reservations.shape == (n, cs.n_parties)
    up, down, hydro = cs.party_index("up"), cs.party_index("down"), cs.party_index("hydro")
    tri = d[:, _g(cs, "release", "some"), down]  # triangular(1, mode 3, 4): mean 8/3
    assert tri.min() >= 1 and tri.max() <= 4
    assert abs(tri.mean() - 8 / 3) < 4 * math.sqrt((1 + 9 + 16 - 3 - 4 - 12) / 18 / n)
    nor = d[:, _g(cs, "release", "more"), down]  # normal(5, 1)
    assert abs(nor.mean() - 5) < 4 / math.sqrt(n) and abs(nor.std() - 1) < 0.03
    assert nor.min() < 5 - 3  # not truncated to mean ± 2 sd
    uni = d[:, _g(cs, "release", "some"), up]  # uniform(−3, −1)
    assert (
        uni.min() >= -3 and uni.max() <= -1 and abs(uni.mean() + 2) < 4 * (2 / math.sqrt(12)) / math.sqrt(n)
    )
    fixed = d[:, _g(cs, "fund", "yes"), up]
    assert np.all(fixed == 4)
    assert np.all(d[:, _g(cs, "turbines", "yes"), hydro] <= 0)


def test_share_agrees_with_an_independent_monte_carlo() -> None:
    cs = compiled(WIDE)
    choice = {"release": "more", "fund": "yes", "monitor": "yes", "turbines": "yes"}
    c = cs.choices_from_ids(choice)
    (rb,) = robust.assess(cs, [c], seed=3, samples=20_000) or []
    # independent: Python's random module, values re-read from the scenario file's own numbers
    rng = random.Random(11)
    n, ok = 20_000, 0
    parties = [p.id for p in cs.scenario.parties]
    reservation = {p.id: p.reservation for p in cs.scenario.parties}
    chosen = [next(o for o in m.options if o.id == choice[m.id]) for m in cs.scenario.moves]
    for _ in range(n):
        u = dict.fromkeys(parties, 0.0)
        for opt in chosen:
            for pid, v in opt.values.items():
                dist = v.distribution
                if dist is not None and dist.kind == "normal":
                    x = rng.gauss(dist.mean, dist.sd)
                elif dist is not None and dist.kind == "triangular":
                    x = rng.triangular(dist.low, dist.high, dist.mode)
                elif v.low is not None:
                    x = rng.uniform(v.low, v.high)
                else:
                    x = v.value
                u[pid] += x
        ok += all(u[p] >= reservation[p] - 1e-9 for p in parties)
    p_ind = ok / n
    se = math.sqrt(p_ind * (1 - p_ind) / n) * math.sqrt(2)
    assert 0.05 < p_ind < 0.95  # a package whose verdict really is uncertain
    assert abs(rb.share - p_ind) < 4 * se
    # the judgments it rests on: ranked, each one of the package's own uncertain values
    imp = [j.importance for j in rb.judgments]
    assert rb.judgments and imp == sorted(imp, reverse=True) and min(imp) >= robust.MIN_IMPORTANCE
    assert rb.judgments[0].party == "Hydroelectricity consortium"  # its margin is the thinnest
    assert "is worth to Hydroelectricity consortium (−3 to 0)" in rb.judgments[0].words()


def test_no_uncertain_value_no_robustness() -> None:
    cs = compiled(BRIEF_FIXTURES / "no-deal.yaml")  # every value is a point value
    assert not np.any(cs.values_low != cs.values_high)
    assert robust.assess(cs, [cs.status_quo]) is None
