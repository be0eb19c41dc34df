"""Write scenarios (and any text output) atomically, never silently overwriting a user's file."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from detente.errors import DetenteError
from detente.model.scenario import Scenario


class OutputExistsError(DetenteError, FileExistsError):
    """Raised when a write would replace an existing file and overwriting was not asked for."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: str | Path, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    A crash mid-write leaves the old file intact. With ``overwrite=False`` an existing file is an error.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise OutputExistsError(f"{target} already exists; choose another name or pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; give the file the mode a plain open() would (or keep the old file's)
        os.chmod(tmp, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def atomic_write_text(path: str | Path, text: str, *, overwrite: bool = True) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def _compact(obj: Any) -> Any:
    """Collapse ``{value: x}`` to ``x`` so saved files read like hand-written ones."""
    if isinstance(obj, dict):
        if set(obj) == {"value"} and isinstance(obj["value"], int | float):
            return obj["value"]
        return {k: _compact(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_compact(v) for v in obj]
    return obj


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data for ``scenario``: defaults and empty fields left out, values compacted."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    data = {"format_version": scenario.format_version, **data}
    return _compact(data)


def dump_scenario(scenario: Scenario, fmt: str = "yaml") -> str:
    """The scenario as YAML or JSON text."""
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = False) -> Path:
    """Save atomically as YAML or JSON (by extension). Refuses to replace a file unless ``overwrite``."""
    target = Path(path)
    fmt = "json" if target.suffix.lower() == ".json" else "yaml"
    return atomic_write_text(target, dump_scenario(scenario, fmt), overwrite=overwrite)
