"""The notebook API (``import detente as dt``): typed results, every scenario form, clear argument errors,
and the tutorial in docs/api.md run block by block."""

from __future__ import annotations

import dataclasses
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import detente as dt
from detente.api import Frontier, Package, Roadmap, Solution
from tests.conftest import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
THREE = FIXTURES / "brief" / "three-party.yaml"
NO_DEAL = FIXTURES / "brief" / "no-deal.yaml"


def _all_acceptable(cs: dt.CompiledScenario) -> np.ndarray:
    every = np.asarray(list(itertools.product(*[range(int(n)) for n in cs.n_options])))
    return every[cs.acceptable(every)]


def test_tutorial_in_docs_runs() -> None:
    """Every ```python block of docs/api.md, in order, in one namespace, from the repository root."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```", text, flags=re.S | re.M)
    assert len(blocks) >= 6
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        ns: dict[str, object] = {"__name__": "tutorial"}
        for n, block in enumerate(blocks, start=1):
            try:
                exec(compile(block, f"docs/api.md block {n}", "exec"), ns)
            except Exception as exc:  # pragma: no cover - the message is the point
                raise AssertionError(f"docs/api.md block {n} failed: {exc!r}\n{block}") from exc
    finally:
        os.chdir(here)


def test_solve_matches_brute_force_nash_on_every_form() -> None:
    sc = dt.load(THREE)
    cs = dt.compile_scenario(sc)
    acc = _all_acceptable(cs)
    u = cs.utilities(acc)
    gain = np.prod(np.maximum(u - cs.reservation, 0.0), axis=1)
    expected = {tuple(row) for row in u[np.isclose(gain, gain.max())]}
    for form in (sc, cs, THREE, str(THREE)):
        sol = dt.solve(form, "nash")
        assert isinstance(sol, Solution) and sol.optimal and sol.gap in (0.0, None)
        assert {tuple(p.utilities[pid] for pid in cs.party_ids) for p in sol.packages} == expected
        for p in sol.packages:
            assert set(p.choices) == set(cs.move_ids)
            u_p = np.atleast_2d(cs.utilities(cs.choices_from_ids(p.choices)))[0]
            assert u_p.tolist() == list(p.utilities.values())


def test_results_are_frozen_and_show_in_jupyter() -> None:
    sol = dt.solve(THREE, "welfare")
    with pytest.raises(dataclasses.FrozenInstanceError):
        sol.method = "x"  # type: ignore[misc]
    assert "<table>" in sol._repr_html_() and "welfare" in sol._repr_html_()
    frame = sol.to_frame()
    assert list(frame.columns[:3]) == ["A", "B", "C"] and len(frame) == len(sol.packages)


def test_frontier_is_the_brute_force_frontier() -> None:
    cs = dt.compile_scenario(dt.load(THREE))
    u = cs.utilities(_all_acceptable(cs))
    dominated = [
        any(np.all(v >= w) and np.any(v > w) for v in u) for w in u
    ]  # plain O(N^2) definition, independent of the library's filters
    expected = {tuple(w) for w, d in zip(u, dominated, strict=True) if not d}
    fr = dt.frontier(cs)
    assert isinstance(fr, Frontier) and fr.exact
    assert {tuple(p.utilities.values()) for p in fr.packages} == expected
    assert len(fr.to_frame()) == len(fr.packages)


def test_roadmap_with_ids_and_packages() -> None:
    sc = dt.load(THREE)
    rm = dt.plan_roadmap(sc, {"B-open": "partial", "A-patrol": "yes", "B-fees": "yes"})
    assert isinstance(rm, Roadmap) and rm.phases
    steps = [s for ph in rm.phases for s in ph.steps]
    assert any("harbour" in s for s in steps) and any("patrols" in s for s in steps)
    # B-fees requires B-open: the harbour opens in an earlier phase than the fees are cut
    phase_of = {s: ph.index for ph in rm.phases for s in ph.steps}
    fees = next(i for s, i in phase_of.items() if "fees" in s)
    harbour = next(i for s, i in phase_of.items() if "harbour" in s)
    assert harbour < fees
    assert list(rm.to_frame().columns) == ["phase", "start_day", "end_day", "steps", "gates"]
    best = dt.solve(sc).packages[0]
    assert isinstance(best, Package)
    assert dt.plan_roadmap(sc, best).days >= 0


def test_diagnose_and_analyze() -> None:
    d = dt.diagnose(NO_DEAL)
    assert d.feasible is False and d.relaxations and d.summary
    cs = dt.compile_scenario(dt.load(NO_DEAL))
    for r in d.relaxations:
        assert set(r.package.choices) == set(cs.move_ids)
    a = dt.analyze(THREE, k=2)
    assert a.zone_of_agreement is True and set(a.solutions) == {"nash", "ks", "egalitarian", "welfare"}
    assert a.options is not None and 1 <= len(a.options.options) <= 2
    assert "<table>" in a._repr_html_()


@pytest.mark.parametrize(
    ("call", "kind", "words"),
    [
        (lambda: dt.solve(42), TypeError, "scenario: expected a Scenario"),
        (lambda: dt.frontier([1, 2]), TypeError, "got list"),
        (lambda: dt.solve(THREE, "nashh"), ValueError, "concept: unknown value 'nashh'"),
        (lambda: dt.solve(THREE, method="fast"), ValueError, "method: unknown value"),
        (lambda: dt.options(THREE, k=0), ValueError, "k: must be positive"),
        (lambda: dt.options(THREE, k=2.5), TypeError, "k: expected an integer"),
        (lambda: dt.plan_roadmap(THREE, [0, 1, 0, 0]), TypeError, "choices: expected a dict"),
        (lambda: dt.plan_roadmap(THREE, {"nope": "yes"}), ValueError, "unknown move id 'nope'"),
        (lambda: dt.plan_roadmap(THREE, {"B-open": "all"}), ValueError, "its options are closed, partial"),
        (lambda: dt.plan_roadmap(THREE, {}, objective="fast"), ValueError, "objective: unknown value"),
        (lambda: dt.load(3), TypeError, "path: expected a file path"),
    ],
)
def test_wrong_arguments_get_clear_errors(call, kind, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(kind) as info:
        call()
    assert words in str(info.value)


def test_missing_file_is_a_detente_error(tmp_path: Path) -> None:
    with pytest.raises(dt.DetenteError) as info:
        dt.solve(tmp_path / "missing.yaml")
    assert "missing.yaml" in str(info.value)


def test_import_stays_light() -> None:
    """``import detente`` loads neither the solvers, the API module, pandas nor matplotlib."""
    code = (
        "import sys, detente as dt; "
        "heavy = [m for m in ('ortools', 'pandas', 'matplotlib', 'weasyprint', 'detente.api') if m in sys.modules]; "
        "print(heavy, dt.__version__)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.startswith("[] ") and re.search(r"\d+\.\d+", out)
    assert callable(dt.solve) and dt.solve is __import__("detente.api").api.solve
