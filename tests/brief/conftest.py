"""Shared brief fixtures: scenarios to brief, built once per test session (analysis is the slow part)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from tests.conftest import FIXTURES, SHARED, shipped_scenarios

BRIEF_FIXTURES = FIXTURES / "brief"
GENIUS_DOMAIN = SHARED / "reference" / "genius" / "anac" / "y2010" / "ItexvsCypress"

#: Faster settings for tests: fewer options and short CP-SAT limits (results may be less polished).
FAST = {"n_options": 3, "time_limit": 5.0, "roadmap_time_limit": 1.0, "samples": 500}


def brief_cases() -> list[pytest.param]:
    """Every shipped scenario, the brief fixtures, and a Genius two-party domain when available."""
    cases = [pytest.param(p, id=p.stem) for p in shipped_scenarios()]
    cases += [pytest.param(p, id=f"fixture-{p.stem}") for p in sorted(BRIEF_FIXTURES.glob("*.yaml"))]
    if GENIUS_DOMAIN.is_dir():
        cases.append(pytest.param(GENIUS_DOMAIN, id="genius-ItexvsCypress"))
    return cases


@cache
def compiled(path: Path):  # type: ignore[no-untyped-def]
    from detente.io.loader import load_scenario
    from detente.model.compiled import compile_scenario

    if path.is_dir():
        from detente.io.genius_import import import_genius

        return compile_scenario(import_genius(path))
    return compile_scenario(load_scenario(path))


@cache
def brief_of(path: Path):  # type: ignore[no-untyped-def]
    from detente.brief import BriefOptions, build_brief

    return build_brief(compiled(path), options=BriefOptions(**FAST))  # type: ignore[arg-type]
