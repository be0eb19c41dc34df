"""Model-only brief content, checked against brute force and hand counts on the small fixtures."""

from __future__ import annotations

import itertools

import numpy as np

from detente.brief import facts
from tests.brief.conftest import BRIEF_FIXTURES, compiled

THREE = BRIEF_FIXTURES / "three-party.yaml"


def test_party_ranges_match_brute_force() -> None:
    cs = compiled(THREE)
    every = np.asarray(list(itertools.product(*[range(int(n)) for n in cs.n_options])))
    u = cs.utilities(every)
    infos = facts.party_infos(cs)
    assert [p.name for p in infos] == ["Avalon", "Borduria", "Carpathia"]
    np.testing.assert_allclose([p.best for p in infos], u.max(axis=0))
    np.testing.assert_allclose([p.worst for p in infos], u.min(axis=0))
    assert [p.reservation for p in infos] == [0, 1, 0]


def test_value_rows_list_every_written_value_with_its_provenance() -> None:
    cs = compiled(THREE)
    rows = facts.value_rows(cs)
    written = sum(len(o.values) for m in cs.scenario.moves for o in m.options)
    assert len(rows) == written == 16  # 3 + 3 + 3 + 2 + 2 + 3
    full_a = next(r for r in rows if r.option == "full opening" and r.party == "Avalon")
    assert (full_a.value, full_a.low, full_a.high) == (5, 3, 6)
    assert full_a.sources == ["port-stats", "trade-study"] and not full_a.inherited
    assert full_a.basis == "Full trade volume"
    # a value without its own sources inherits the move's, marked as inherited
    lost_fees = next(r for r in rows if r.basis == "Lost fees")
    assert lost_fees.sources == ["port-stats"] and lost_fees.inherited


def test_source_citation_counts_by_hand() -> None:
    cs = compiled(THREE)
    cited = {s.id: s.cited for s in facts.source_rows(cs)}
    # port-stats: B-open move, two values of B-open, B-fees move; trade-study: two values + C-aid move
    assert cited == {"port-stats": 4, "trade-study": 3, "navy-report": 1, "aid-memo": 1}


def test_move_sources_collects_move_option_and_value_sources() -> None:
    cs = compiled(THREE)
    assert facts.move_sources(cs) == [
        {"port-stats", "trade-study"},
        {"navy-report"},
        {"aid-memo", "trade-study"},
        {"port-stats"},
    ]


def test_move_rows_show_options_values_and_ranges() -> None:
    cs = compiled(THREE)
    rows = facts.move_rows(cs)
    b_open = rows[0]
    assert b_open.owner == "Borduria" and b_open.pillar == "Harbour access"
    assert b_open.reversible == "yes (14 days)" and b_open.verifiable == "yes: Port records"
    assert [o.status_quo for o in b_open.options] == [True, False, False]
    assert b_open.options[2].ranges[0] == (3, 6) and b_open.options[2].ranges[2] is None
    assert rows[2].reversible == "no"


def test_item_text_shortens_yes_options() -> None:
    assert facts.item_text("Avalon ends naval patrols", "yes", 2) == "Avalon ends naval patrols"
    assert facts.item_text("Aid", "small package", 3) == "Aid — small package"
    assert facts.item_text("Vote", "yes", 3) == "Vote — yes"
