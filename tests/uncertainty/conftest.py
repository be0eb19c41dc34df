from __future__ import annotations

from pathlib import Path

import pytest

import detente as dt
from detente.model.compiled import CompiledScenario

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "uncertainty" / "relief.yaml"


@pytest.fixture(scope="session")
def relief() -> CompiledScenario:
    return dt.compile_scenario(dt.load_scenario(FIXTURE))
