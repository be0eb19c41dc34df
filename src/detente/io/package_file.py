"""Read a package to sequence from a JSON file, with located errors.

The JSON file is what ``detente solve --format json`` prints — ``{"packages": [{"choices": {move:
option}}, …]}`` (the first package is used) — or a bare ``{"choices": {move: option}}``. Moves not
named stay at their status quo.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from detente.errors import DetenteError, did_you_mean
from detente.io.input_policy import line_col, parse_json, read_text
from detente.model.compiled import CompiledScenario


def _located(where: str, text: str | None, pattern: str) -> str:
    """``where`` with ``:line:col`` of the first match of ``pattern`` in the file's ``text``, if any."""
    import re

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
