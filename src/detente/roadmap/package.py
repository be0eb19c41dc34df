"""Choose the package to sequence: a solution concept or the K-th option for principals (a package
read from a JSON file: :func:`detente.io.package_file.package_from_file`)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario


def package_from_concept(
    cs: CompiledScenario, concept: str, *, time_limit: float = 30.0
) -> npt.NDArray[np.int64]:
    """The first package the solution concept selects (``detente.analysis.solve.solve``)."""
    from detente.analysis.solve import solve

    result = solve(cs, concept, time_limit=time_limit)
    if not result.packages:
        raise DetenteError(
            f"the {concept} solution selects no package: no package is acceptable to every party "
            "(run `detente diagnose` to see which rules block a deal)"
        )
    return np.asarray(result.packages[0].choices, dtype=np.int64)


def package_from_option(
    cs: CompiledScenario, k: int, *, concept: str = "nash", time_limit: float = 30.0
) -> npt.NDArray[np.int64]:
    """The K-th (1-based) option for principals (``detente.analysis.options.options``)."""
    from detente.analysis.options import options

    if k < 1:
        raise DetenteError(f"--option must be 1 or more (got {k})")
    found = options(cs, concept=concept, k=k, time_limit=time_limit)
    if len(found) < k:
        raise DetenteError(f"only {len(found)} option(s) found for principals; --option {k} does not exist")
    return cs.choices_from_ids(found[k - 1].choices)
