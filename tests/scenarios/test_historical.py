"""The historical reference scenarios (1994 Agreed Framework, 2007 Six-Party actions, 2015 JCPOA).

Each file is checked for what later features rely on:

* it validates and compiles; it has 8–20 moves;
* every move cites at least one source, and every source it cites has a URL;
* the ``history`` record names every move exactly once, at a non-status-quo option (``MOVE:OPTION``);
* the agreed package (each move at the option its history phase names) is acceptable to every party,
  u_i ≥ r_i, checked both with ``CompiledScenario.acceptable`` and by an independent sum over the
  pydantic model; the status quo is not (the agreement was needed);
* dated phases are in chronological order, and each move's prerequisites were done in the same or an
  earlier phase.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from detente.model.scenario import Scenario
from tests.conftest import SCENARIOS

HISTORICAL = ["agreed-framework-1994.yaml", "six-party-2007.yaml", "jcpoa-2015.yaml"]


@pytest.fixture(scope="module", params=HISTORICAL)
def scenario(request: pytest.FixtureRequest) -> Scenario:
    path: Path = SCENARIOS / request.param
    return load_scenario(path)


def agreed_options(s: Scenario) -> dict[str, str]:
    """``{move id: option id}`` named in the history phases (asserting each move appears once)."""
    assert s.history is not None, "a historical scenario needs a 'history' section"
    agreed: dict[str, str] = {}
    for phase in s.history.phases:
        for ref in phase.moves:
            move_id, _, option_id = ref.partition(":")
            assert option_id, f"{ref!r} in phase {phase.name!r}: name the option agreed (MOVE:OPTION)"
            assert move_id not in agreed, f"move {move_id} appears in more than one history phase"
            agreed[move_id] = option_id
    return agreed


def phase_of(s: Scenario) -> dict[str, int]:
    assert s.history is not None
    return {ref.partition(":")[0]: i for i, ph in enumerate(s.history.phases) for ref in ph.moves}


def date_key(text: str) -> tuple[int, ...]:
    """(year, month, day) prefix of an ISO-like date ('2003', '1994-11', '2016-01-16')."""
    m = re.match(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", text)
    assert m, f"history date {text!r} does not start with YYYY[-MM[-DD]]"
    return tuple(int(g) for g in m.groups() if g is not None)


def test_size_and_compiles(scenario: Scenario) -> None:
    assert 8 <= len(scenario.moves) <= 20
    cs = compile_scenario(scenario)
    assert cs.n_moves == len(scenario.moves)
    assert scenario.meta.values_note and "judgment" in scenario.meta.values_note.lower()


def test_every_move_cites_a_source_with_url(scenario: Scenario) -> None:
    urls = {src.id: src.url for src in scenario.sources}
    for m in scenario.moves:
        assert m.sources, f"move {m.id} cites no source"
        for sid in m.sources:
            url = urls.get(sid)
            assert url, f"move {m.id} cites source {sid}, which has no url"
            assert url.startswith(("http://", "https://")), f"source {sid}: {url!r} is not a web address"


def test_moves_carry_owner_timing_attributes(scenario: Scenario) -> None:
    for m in scenario.moves:
        assert m.reversibility is not None, f"move {m.id}: say whether it can be reversed"
        assert m.verification is not None, f"move {m.id}: say how it is verified"
        if m.reversibility.reversible:
            assert m.reversibility.lead_time_days is not None, f"move {m.id}: reversal lead time missing"
    assert any(v.basis for m in scenario.moves for o in m.options for v in o.values.values()), (
        "the important values should say their basis"
    )


def test_every_move_in_exactly_one_phase_at_a_non_status_quo_option(scenario: Scenario) -> None:
    agreed = agreed_options(scenario)
    assert set(agreed) == {m.id for m in scenario.moves}, "every move of the agreed package needs a phase"
    for m in scenario.moves:
        assert agreed[m.id] in {o.id for o in m.options}
        assert agreed[m.id] != m.status_quo_id, f"move {m.id}: the agreed option is its status quo"


def test_agreed_package_is_acceptable(scenario: Scenario) -> None:
    cs = compile_scenario(scenario)
    agreed = agreed_options(scenario)
    choices = cs.choices_from_ids(agreed)
    assert bool(cs.feasible(choices)[0]), "the agreed package breaks a prerequisite or rule"
    assert bool(cs.acceptable(choices)[0]), (
        f"agreed package utilities {cs.utilities(choices)} below reservations"
    )
    # independent check: sum the option values straight from the scenario model
    for p in scenario.parties:
        total = 0.0
        for m in scenario.moves:
            option = next(o for o in m.options if o.id == agreed[m.id])
            value = option.values.get(p.id)
            total += value.value if value is not None else 0.0
        assert total >= p.reservation, f"{p.id}: u={total} < r={p.reservation}"
        assert total == pytest.approx(float(cs.utilities(choices)[cs.party_index(p.id)]))


def test_no_single_change_pareto_dominates_the_agreed_package(scenario: Scenario) -> None:
    """Values are consistent with the deal being agreed: changing one move's option (keeping every rule)
    never makes some party better off and nobody worse off."""
    cs = compile_scenario(scenario)
    base = cs.choices_from_ids(agreed_options(scenario))
    u0 = cs.utilities(base)
    variants = []
    for k in range(cs.n_moves):
        for j in range(int(cs.n_options[k])):
            if j != base[k]:
                c = base.copy()
                c[k] = j
                variants.append(c)
    pkgs = np.asarray(variants)
    ok = cs.feasible(pkgs)
    u = cs.utilities(pkgs[ok])
    dominating = np.all(u >= u0 - 1e-9, axis=1) & np.any(u > u0 + 1e-9, axis=1)
    assert not dominating.any(), [cs.choices_to_ids(p) for p in pkgs[ok][dominating]]


def test_status_quo_is_not_acceptable(scenario: Scenario) -> None:
    """Reservation values are meaningful: without the agreement some party is below its reservation."""
    cs = compile_scenario(scenario)
    assert not bool(cs.acceptable(cs.status_quo_package())[0])


def test_phases_chronological(scenario: Scenario) -> None:
    assert scenario.history is not None
    keys = [date_key(ph.date) for ph in scenario.history.phases if ph.date]
    assert len(keys) >= 2
    for earlier, later in zip(keys, keys[1:], strict=False):
        n = min(len(earlier), len(later))
        assert earlier[:n] <= later[:n], f"history phases out of order: {earlier} after {later}"


def test_prerequisites_done_no_later_than_the_move(scenario: Scenario) -> None:
    phase = phase_of(scenario)
    for m in scenario.moves:
        for ref in m.requires:
            req = ref.partition(":")[0]
            assert phase[req] <= phase[m.id], (
                f"{m.id} (phase {phase[m.id]}) requires {req} (phase {phase[req]})"
            )


def test_deadlines_reachable_through_prerequisites(scenario: Scenario) -> None:
    """Every deadline can be met: the earliest finish of a move, after its prerequisites are carried out
    and verified (longest path over ``requires``), is no later than its deadline."""
    by_id = {m.id: m for m in scenario.moves}
    start: dict[str, float] = {}

    def ready(m_id: str) -> float:  # day each prerequisite is done and verified
        m = by_id[m_id]
        if m_id not in start:
            start[m_id] = max((ready(r.partition(":")[0]) for r in m.requires), default=0.0)
        t = m.timing
        ver = m.verification
        lead = (ver.lead_time_days or 0.0) if ver is not None and ver.verifiable else 0.0
        return start[m_id] + ((t.duration_days or 0.0) if t else 0.0) + lead

    for m in scenario.moves:
        ready(m.id)
        if m.timing is not None and m.timing.deadline_days is not None:
            finish = start[m.id] + (m.timing.duration_days or 0.0)
            assert finish <= m.timing.deadline_days, f"{m.id} cannot finish before day {finish}"


def test_cli_validate_and_show() -> None:
    """`detente validate` accepts the three files and `detente show` reports every move (JSON output)."""
    from typer.testing import CliRunner

    from detente.cli.app import app

    runner = CliRunner()
    files = [str(SCENARIOS / name) for name in HISTORICAL]
    r = runner.invoke(app, ["validate", *files, "--format", "json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert doc["valid"] is True
    for name, row in zip(HISTORICAL, doc["files"], strict=True):
        s = load_scenario(SCENARIOS / name)
        assert row["moves"] == len(s.moves)
        shown = runner.invoke(app, ["show", str(SCENARIOS / name), "--format", "json"])
        assert shown.exit_code == 0, shown.output
        assert [m["id"] for m in json.loads(shown.output)["moves"]] == [m.id for m in s.moves]
