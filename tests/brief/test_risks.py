"""Risk detection on hand-made packages of the three-party fixture."""

from __future__ import annotations

from detente.analysis.options import explain
from detente.brief import facts, risks
from detente.brief.model import OptionCard
from tests.brief.conftest import BRIEF_FIXTURES, compiled

THREE = BRIEF_FIXTURES / "three-party.yaml"


def card(title: str, mapping: dict[str, str]) -> OptionCard:
    import numpy as np

    cs = compiled(THREE)
    c = cs.choices_from_ids(mapping)
    view = explain(cs, c[None, :], np.zeros(1), None)[0]
    return OptionCard(
        key=title,
        title=title,
        rationale="",
        choices=view.choices,
        stakes=facts.stakes_from_views(cs, view.parties),
        acceptable=bool(cs.acceptable(c)[0]),
    )


def test_split_risk_when_one_ally_gains_and_the_other_loses() -> None:
    cs = compiled(THREE)
    # A gains 3 - 2 = 1; C gets 1 - 1 - 0.5 = -0.5 < 0 → the Coastal alliance splits
    split = card("Split", {"B-open": "partial", "A-patrol": "yes", "C-aid": "small"})
    both = card("Both gain", {"B-open": "partial", "A-patrol": "yes", "B-fees": "yes"})  # A 2, C 1
    found = risks.split_risks(cs, [split, both])
    assert [r.option for r in found] == ["Split"]
    assert "Carpathia" in found[0].detail and "Avalon" in found[0].detail
    assert found[0].severity == 0.5


def test_single_source_risks_flag_moves_with_at_most_one_source() -> None:
    cs = compiled(THREE)
    opt = card("Patrols and fees", {"B-open": "partial", "A-patrol": "yes", "B-fees": "yes"})
    found = risks.single_source_risks(cs, [opt])
    # carried out: B-open (2 sources), A-patrol (navy-report only), B-fees (port-stats only)
    assert {r.title.split(" rests")[0] for r in found} == {
        "Avalon ends naval patrols",
        "Borduria cuts transit fees",
    }
    # severity: largest |gain| of the move over the largest of any move (B-open full: 5 for Avalon)
    sev = {r.title.split(" rests")[0]: r.severity for r in found}
    assert sev["Avalon ends naval patrols"] == 4 / 5 and sev["Borduria cuts transit fees"] == 1 / 5
    assert found[0].severity >= found[1].severity


def test_main_risk_prefers_unacceptability() -> None:
    cs = compiled(THREE)
    bad = card("Bad", {"A-patrol": "yes"})  # Avalon −2 < 0
    assert not bad.acceptable
    assert risks.main_risk(bad, risks.all_risks(cs, [bad], [])).startswith("Not acceptable to Avalon")


def test_each_option_gets_its_own_main_risk_and_risks_are_grouped() -> None:
    from detente.brief.model import Risk

    a = card("Option A", {"B-open": "partial", "A-patrol": "yes", "B-fees": "yes"})
    b = card("Option B", {"B-open": "partial", "A-patrol": "yes", "C-aid": "small", "B-fees": "yes"})
    cards = [a, b]

    def tempt(option: str, party: str, margin: float) -> Risk:
        return Risk(
            "temptation", f"{party} is tempted to stop at phase 1", "d", option, margin, subject=party
        )

    def rob(option: str, share: float) -> Risk:
        title = f"acceptable to every party in only {100 * share:.0f}% of plausible value draws"
        return Risk("robustness", title, "d", option, 1 - share, subject="robustness")

    found = [
        rob("Option A", 0.40),  # A is the less robust one
        rob("Option B", 0.45),
        tempt("Option A", "Avalon", 4.0),  # alike in both options: says nothing about either
        tempt("Option B", "Avalon", 4.0),
        tempt("Option A", "Borduria", 2.0),
        tempt("Option B", "Borduria", 6.0),  # B is where Borduria is most tempted
    ]
    ranked = {c.title: risks.ranked_risks(c, found, cards) for c in cards}
    assert ranked["Option A"][0].startswith("Acceptable to every party in only 40%")
    assert ranked["Option B"][0] == "Borduria is tempted to stop at phase 1."
    assert all(r[-1] == "Avalon is tempted to stop at phase 1." for r in ranked.values())
    groups = {g.kind: g for g in risks.group_risks(found, cards)}
    assert [line.options for line in groups["temptation"].lines] == [["Option A", "Option B"]] * 2
    assert len(groups["robustness"].lines) == 2  # different shares stay apart
