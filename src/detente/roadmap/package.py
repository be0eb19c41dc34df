"""Choose the package to sequence: a solution concept, the K-th option for principals, or a JSON file.

The JSON file is what ``detente solve --format json`` prints — ``{"packages": [{"choices": {move:
option}}, …]}`` (the first package is used) — or a bare ``{"choices": {move: option}}``. Moves not
named stay at their status quo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError
from detente.model.compiled import CompiledScenario


def _located(where: str, text: str | None, pattern: str) -> str:
    """``where`` with ``:line:col`` of the first match of ``pattern`` in the file's ``text``, if any."""
    import re

    from detente.io.input_policy import line_col

    found = re.search(pattern, text) if text is not None else None
    if found is None:
        return where
    file, _, field = where.partition(": ")
    line, col = line_col(text or "", found.start(1))
    return f"{file}:{line}:{col}: {field}" if field else f"{file}:{line}:{col}"


def package_from_mapping(
    cs: CompiledScenario, mapping: Any, where: str, text: str | None = None
) -> npt.NDArray[np.int64]:
    """Choices from ``{move id: option id}``, with errors that name ``where`` (with the line and column
    when the file's ``text`` is given) and the bad id."""
    import json
    import re

    from detente.io.errors import did_you_mean

    if not isinstance(mapping, dict):
        raise DetenteError(f"{where}: 'choices' must be an object mapping move ids to option ids")
    for move, opt in mapping.items():
        key = re.escape(json.dumps(move))
        if move not in cs.move_ids:
            guess = did_you_mean(str(move), cs.move_ids)
            hint = f"; did you mean '{guess}'?" if guess else ""
            at = _located(where, text, "(" + key + r")\s*:")
            raise DetenteError(f"{at}: unknown move '{move}'{hint}")
        k = cs.move_index(move)
        if opt not in cs.option_ids[k]:
            at = _located(where, text, key + r"\s*:\s*(" + re.escape(json.dumps(opt)) + ")")
            raise DetenteError(
                f"{at}: move '{move}' has no option '{opt}' (options: {', '.join(cs.option_ids[k])})"
            )
    return cs.choices_from_ids({str(m): str(o) for m, o in mapping.items()})


def package_from_file(cs: CompiledScenario, path: str | Path) -> npt.NDArray[np.int64]:
    """Read a package JSON file (module docstring)."""
    from detente.io.input_policy import parse_json, read_text

    p = Path(path)
    text = read_text(p, what="package file")
    data = parse_json(text, str(p))
    if isinstance(data, dict) and "packages" in data:
        pk = data["packages"]
        if not isinstance(pk, list) or not pk:
            raise DetenteError(f"{p}: 'packages' is empty — the solver found no package to sequence")
        if not isinstance(pk[0], dict) or "choices" not in pk[0]:
            raise DetenteError(f"{p}: packages[0] needs a 'choices' object ({{move id: option id}})")
        return package_from_mapping(cs, pk[0]["choices"], f"{p}: packages[0].choices", text)
    if isinstance(data, dict) and "choices" in data:
        return package_from_mapping(cs, data["choices"], f"{p}: choices", text)
    raise DetenteError(
        f'{p}: expected {{"packages": [{{"choices": {{...}}}}]}} (the output of `detente solve --format json`)'
        ' or {"choices": {move id: option id}}'
    )


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
    return package_from_mapping(cs, found[k - 1].choices, f"option {k}")
