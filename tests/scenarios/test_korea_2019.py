"""The flagship scenario ``scenarios/korea-2019.yaml``: structure, sources, rules and a zone of agreement.

The zone-of-agreement checks do not trust the scenario's own numbers twice: a package is found with an
independent CP-SAT model (max-min margin over u_i - r_i), then checked with ``cs.acceptable`` and with
utilities summed by hand from the pydantic scenario (not the compiled arrays).
"""

from __future__ import annotations

import numpy as np
import pytest

from detente import compile_scenario, load_scenario
from detente.model.compiled import CompiledScenario, IntArray
from detente.model.scenario import RedLine, Scenario
from tests.conftest import SCENARIOS

PATH = SCENARIOS / "korea-2019.yaml"
SCALE = 10  # values are whole points; CP-SAT needs integers


@pytest.fixture(scope="module")
def cs() -> CompiledScenario:
    return compile_scenario(load_scenario(PATH))


def _hand_utilities(s: Scenario, choices: dict[str, str]) -> np.ndarray:
    """u_i = Σ over moves of the chosen option's value to party i, read straight from the scenario model."""
    u = np.zeros(len(s.parties))
    for m in s.moves:
        opt = next(o for o in m.options if o.id == choices[m.id])
        for i, p in enumerate(s.parties):
            if p.id in opt.values:
                u[i] += opt.values[p.id].value
    return u


def _max_min_margin(cs: CompiledScenario) -> tuple[IntArray, float]:
    """The feasible package maximising min_i (u_i - r_i), by CP-SAT over option indicators."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [model.new_bool_var(f"x{o}") for o in range(cs.n_total_options)]
    for k in range(cs.n_moves):
        model.add_exactly_one(x[int(cs.offsets[k]) : int(cs.offsets[k + 1])])
    for con in cs.constraints:
        lhs = sum(int(c) * x[int(o)] for o, c in zip(con.options, con.coefs, strict=True))
        if con.lo is not None:
            model.add(lhs >= con.lo)
        if con.hi is not None:
            model.add(lhs <= con.hi)
    bound = int(SCALE * (np.abs(cs.values).sum() + np.abs(cs.reservation).sum()))
    t = model.new_int_var(-bound, bound, "t")
    for i in range(cs.n_parties):
        u = sum(int(round(SCALE * cs.values[o, i])) * x[o] for o in range(cs.n_total_options))
        model.add(u - int(round(SCALE * cs.reservation[i])) >= t)
    model.maximize(t)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 30
    status = solver.solve(model)
    assert status == cp_model.OPTIMAL, solver.status_name(status)
    choices = np.array(
        [
            next(j for j in range(int(cs.n_options[k])) if solver.value(x[int(cs.offsets[k]) + j]))
            for k in range(cs.n_moves)
        ],
        dtype=np.int64,
    )
    return choices, solver.objective_value / SCALE


def test_parties_and_size(cs: CompiledScenario) -> None:
    assert {"US", "DPRK", "ROK", "CHN", "JPN", "RUS", "UNSC"} <= set(cs.party_ids)
    assert cs.n_moves >= 30
    assert np.all(cs.values == np.round(cs.values)), "values are whole points (the CP-SAT check relies on it)"


def test_every_move_cites_sources_and_every_cited_source_has_a_url(cs: CompiledScenario) -> None:
    s = cs.scenario
    by_id = {src.id: src for src in s.sources}
    cited: set[str] = set()
    for m in s.moves:
        assert m.sources, f"move {m.id} cites no source"
        cited.update(m.sources)
        for o in m.options:
            cited.update(o.sources)
            for v in o.values.values():
                cited.update(v.sources)
    for p in s.parties:
        cited.update(p.sources)
    for c in s.constraints:
        cited.update(c.sources)
    if s.history is not None:
        cited.update(s.history.sources)
        for ph in s.history.phases:
            cited.update(ph.sources)
    for sid in cited:
        url = by_id[sid].url
        assert url is not None and url.startswith(("http://", "https://")), f"source {sid} has no url"


def test_petroleum_cap_is_a_graded_un_move(cs: CompiledScenario) -> None:
    m = cs.scenario.move("unsc-petroleum-cap")
    assert m.owner == "UNSC" and m.category == "sanctions-relief"
    assert len(m.options) >= 3
    assert m.status_quo_id == "cap-500k"
    k = cs.move_index(m.id)
    us = cs.values[cs.offsets[k] : cs.offsets[k + 1], cs.party_index("US")]
    dprk = cs.values[cs.offsets[k] : cs.offsets[k + 1], cs.party_index("DPRK")]
    # graded: each step of relief costs the US more and is worth more to the DPRK
    assert np.all(np.diff(us) < 0) and np.all(np.diff(dprk) > 0)


def test_coalitions(cs: CompiledScenario) -> None:
    coalitions = {cid: {cs.party_ids[i] for i in members} for cid, _, members in cs.coalitions}
    assert coalitions["us-rok-alliance"] == {"US", "ROK"}
    assert coalitions["china-russia"] == {"CHN", "RUS"}


def test_kumgang_needs_exemption_talks_and_payment_channel(cs: CompiledScenario) -> None:
    s = cs.scenario
    assert set(s.move("unsc-exempt-kumgang").requires) == {"dprk-interkorean-talks", "rok-payment-mechanism"}
    assert "unsc-exempt-kumgang" in s.move("rok-kumgang").requires
    full = {
        "rok-kumgang": "resume",
        "unsc-exempt-kumgang": "exempt",
        "dprk-interkorean-talks": "resume",
        "rok-payment-mechanism": "escrow",
    }
    kumgang_rules = [c for c in cs.constraints if c.kind == "prerequisite" and "Kumgang" in c.label]
    assert len(kumgang_rules) == 3
    assert all(c.holds(cs.indicator(cs.choices_from_ids(full)))[0] for c in kumgang_rules)
    for drop in ("unsc-exempt-kumgang", "dprk-interkorean-talks", "rok-payment-mechanism"):
        partial = {k: v for k, v in full.items() if k != drop}
        x = cs.indicator(cs.choices_from_ids(partial))
        assert not all(c.holds(x)[0] for c in kumgang_rules), f"Kumgang allowed without {drop}"


def test_red_lines_and_minimum_content(cs: CompiledScenario) -> None:
    red = {
        (c.party, tuple(c.requires), tuple(c.refuses))
        for c in cs.scenario.constraints
        if isinstance(c, RedLine)
    }
    assert ("US", (), ("unsc-lift-all",)) in red
    assert ("DPRK", (), ("dprk-libya-transfer",)) in red
    assert ("ROK", ("dprk-interkorean-talks",), ()) in red
    kinds = {c.kind for c in cs.constraints}
    assert {"red_line", "min_content", "count", "implies", "prerequisite", "exclusion"} <= kinds
    # a package with relief but no denuclearization step breaks the minimum-content rule
    relief_only = cs.choices_from_ids({"unsc-petroleum-cap": "cap-1m", "dprk-interkorean-talks": "resume"})
    assert not cs.feasible(relief_only)[0]


def test_values_are_explained_and_the_contested_ones_uncertain(cs: CompiledScenario) -> None:
    uncertain = 0
    for m in cs.scenario.moves:
        for o in m.options:
            for pid, v in o.values.items():
                if abs(v.value) >= 3:
                    assert v.basis, f"{m.id}:{o.id} value to {pid} has no basis"
                uncertain += v.is_uncertain
    assert uncertain >= 10
    assert cs.scenario.meta.values_note


def test_an_acceptable_package_exists_and_beats_the_status_quo(cs: CompiledScenario) -> None:
    choices, margin = _max_min_margin(cs)
    assert margin >= 0
    assert cs.acceptable(choices)[0]
    ids = cs.choices_to_ids(choices)
    u = _hand_utilities(cs.scenario, ids)
    np.testing.assert_allclose(u, cs.utilities(choices))
    assert np.all(u - cs.reservation >= margin - 1e-9)
    # every party strictly prefers this package to the status quo
    assert np.all(u > cs.utilities(cs.status_quo_package()))


def test_status_quo_is_not_acceptable_to_all(cs: CompiledScenario) -> None:
    sq = cs.status_quo_package()
    u = _hand_utilities(cs.scenario, cs.choices_to_ids(sq))
    assert not cs.acceptable(sq)[0]
    # the two principals have better alternatives than the frozen status quo
    for pid in ("US", "DPRK"):
        i = cs.party_index(pid)
        assert u[i] < cs.reservation[i]


def test_hanoi_exchange_is_acceptable_to_the_dprk_but_not_the_us(cs: CompiledScenario) -> None:
    """The zone is not everything: Yongbyon and a written test halt for the 'five resolutions' relief."""
    hanoi = cs.choices_from_ids(
        {
            "dprk-yongbyon-freeze": "shut-and-seal",
            "dprk-yongbyon-dismantle": "dismantle",
            "dprk-test-moratorium": "written",
            "dprk-interkorean-talks": "resume",
            "unsc-export-bans": "civilian-economy",
            "unsc-petroleum-cap": "lifted",
            "unsc-overseas-workers": "lift",
            "unsc-joint-ventures": "lifted",
            "unsc-snapback": "snapback",
        }
    )
    assert cs.feasible(hanoi)[0]
    u = cs.utilities(hanoi)
    assert u[cs.party_index("DPRK")] >= cs.reservation[cs.party_index("DPRK")]
    assert u[cs.party_index("US")] < cs.reservation[cs.party_index("US")]
    assert not cs.acceptable(hanoi)[0]
