"""Shared test fixtures: paths to the repository's scenarios, fixtures and the shared reference data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SCENARIOS = ROOT / "scenarios"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


def shipped_scenarios() -> list[Path]:
    return sorted(SCENARIOS.glob("*.yaml"))
