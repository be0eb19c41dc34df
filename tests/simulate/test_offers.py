"""The CP-SAT offer engine: offers keep every rule, meet their target, and are deterministic."""

from __future__ import annotations

import numpy as np

from detente.simulate.offers import LEVELS, OfferEngine, engine
from detente.simulate.opponent import FrequencyModel, model_scores


def test_offers_keep_rules_and_meet_targets(three_party, korea) -> None:
    for cs in (three_party, korea):
        for i in range(cs.n_parties):
            eng = engine(cs, i)
            assert eng.span.lo <= eng.span.hi
            for level in (0, 25, 50, 75, LEVELS):
                offer = eng.at_level(level)
                assert cs.feasible(offer)[0]
                assert cs.utilities(offer)[i] >= eng.span.target_of(level) - 1e-6


def test_best_is_the_maximum_over_all_packages(three_party) -> None:
    from detente.analysis.enumerate import enumerate_packages

    ps = enumerate_packages(three_party, acceptable=False)
    for i in range(three_party.n_parties):
        assert engine(three_party, i).span.hi == ps.utilities[:, i].max()


def test_nearest_offer_is_the_closest_above_target(three_party) -> None:
    from detente.analysis.enumerate import enumerate_packages

    u = enumerate_packages(three_party, acceptable=False).utilities
    eng = engine(three_party, 0)
    for level in range(0, LEVELS + 1, 10):
        target = eng.span.target_of(level)
        best = u[u[:, 0] >= target - 1e-9, 0].min()
        assert three_party.utilities(eng.at_level(level))[0] == best


def test_model_offer_on_200_moves_is_rule_abiding_and_deterministic(big) -> None:
    model = FrequencyModel(big)
    rng = np.random.default_rng(1)
    for _ in range(5):
        model.observe((rng.random(big.n_moves) < 0.5).astype(np.int64))
    scores = model_scores([model])
    first = OfferEngine(big, 0)
    second = OfferEngine(big, 0)  # a fresh model: same answer
    for level in (30, 70):
        a = first.for_model(level, scores)
        assert big.feasible(a)[0]
        assert big.utilities(a)[0] >= first.span.target_of(level) - 1e-6
        assert np.array_equal(a, second.for_model(level, scores))


def test_model_offer_prefers_what_the_model_likes(three_party) -> None:
    eng = engine(three_party, 0)
    level = 20
    plain = eng.at_level(level)
    scores = np.zeros(three_party.n_total_options, dtype=np.int64)
    scores[three_party.option_index("talks", "yes")] = 100
    liked = eng.for_model(level, scores)
    assert liked[three_party.move_index("talks")] == 1
    assert three_party.utilities(liked)[0] >= eng.span.target_of(level) - 1e-9
    assert three_party.feasible(np.vstack([plain, liked])).all()
