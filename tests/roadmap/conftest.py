"""Fixtures of the roadmap tests: small hand-built games in tests/fixtures/roadmap/."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detente.io.loader import load_scenario
from detente.model.compiled import CompiledScenario, compile_scenario
from tests.conftest import FIXTURES

ROADMAP = FIXTURES / "roadmap"


def game(name: str) -> CompiledScenario:
    return compile_scenario(load_scenario(ROADMAP / f"{name}.yaml"))


def everything(cs: CompiledScenario) -> npt.NDArray[np.int64]:
    """The package that carries out every move at its last option."""
    return cs.choices_from_ids({m: cs.option_ids[k][-1] for k, m in enumerate(cs.move_ids)})
