"""The combined analysis: every step runs once, in order, and the document is consistent with the parts."""

from __future__ import annotations

import json

import pytest

from detente.analysis.coalitions import wedges
from detente.analysis.options import options_report
from detente.analysis.report import STEPS, AnalyzeOutput, analyze
from detente.analysis.solve import solve
from detente.errors import DetenteError
from detente.io.loader import load_scenario
from detente.model.compiled import compile_scenario
from tests.analysis._instances import brute_frontier
from tests.conftest import FIXTURES


def load(name: str):  # type: ignore[no-untyped-def]
    return compile_scenario(load_scenario(FIXTURES / "analysis" / name))


def test_analyze_bundles_the_parts() -> None:
    cs = load("allies.yaml")
    seen: list[str] = []
    rep = analyze(cs, k=3, progress=seen.append)
    assert seen == list(STEPS)
    doc = AnalyzeOutput.model_validate(json.loads(json.dumps(rep.to_json(cs))))
    assert doc.zone_of_agreement is True and doc.diagnosis is None
    assert doc.frontier is not None and doc.frontier.exact
    assert doc.frontier.count == len(brute_frontier(cs))
    for concept, result in doc.solutions.items():
        alone = solve(cs, concept)
        assert [p.choices for p in result.packages] == [cs.choices_to_ids(p.choices) for p in alone.packages]
    assert doc.options is not None
    assert [o.choices for o in doc.options.options] == [
        o.choices for o in options_report(cs, concept="nash", k=3).options
    ]
    assert doc.wedges is not None
    assert doc.wedges.model_dump(exclude={"seconds"}) == wedges(cs).model_dump(exclude={"seconds"})
    lo, hi = doc.frontier.ranges["US"]
    assert lo <= hi


def test_analyze_without_a_deal() -> None:
    cs = load("no-deal.yaml")
    rep = analyze(cs)
    doc = rep.output(cs)
    assert doc.zone_of_agreement is False
    assert doc.diagnosis is not None and doc.diagnosis["feasible"] is False
    assert doc.frontier is None and doc.solutions == {} and doc.options is None


def test_unknown_concept() -> None:
    with pytest.raises(DetenteError, match="concept"):
        analyze(load("allies.yaml"), concept="pareto")
