"""Load a scenario file (YAML or JSON) into a validated :class:`~detente.model.scenario.Scenario`.

Three layers of checks, each reported with file, line, column and field path:

1. syntax (YAML/JSON parse errors, empty files, duplicate keys);
2. shape (pydantic: missing or unknown fields, wrong types), with "did you mean" for misspelt keys;
3. references (:mod:`detente.io.references`: unknown ids, duplicates, prerequisite cycles).

All problems found at a layer are reported together; :class:`ScenarioError` carries them.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from detente.errors import did_you_mean
from detente.io import input_policy
from detente.io.errors import MAX_REPORTED, PathItem, Problem, ScenarioError
from detente.io.input_policy import YAML11_EXPONENT, InputError, read_text
from detente.io.references import check_references
from detente.io.source_map import SourceMap, parse_text
from detente.model.limits import MAX_MAGNITUDE, MAX_PARTIES, sci
from detente.model.scenario import Scenario

MAX_BYTES = input_policy.MAX_BYTES


def detect_format(path: Path) -> str:
    """'json' for ``.json`` files, 'yaml' otherwise."""
    return "json" if path.suffix.lower() == ".json" else "yaml"


def load_scenario(path: str | Path) -> Scenario:
    """Read and fully validate a scenario file. Raises :class:`ScenarioError` on any problem."""
    p = Path(path)
    name = str(path)
    try:
        text = read_text(p, what="scenario file")
    except InputError as exc:
        raise ScenarioError([exc.problem]) from None
    return parse_scenario(text, name, detect_format(p))


def parse_scenario(text: str, filename: str = "<string>", fmt: str = "yaml") -> Scenario:
    """Validate scenario ``text`` (YAML or JSON). Raises :class:`ScenarioError` on any problem."""
    data, smap, problems = parse_text(text, filename, fmt)
    if problems:
        raise ScenarioError(problems)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {type(data).__name__} value"
        raise ScenarioError(
            [
                Problem(
                    filename,
                    (),
                    f"expected a mapping of sections at the top level, found {kind}",
                    1,
                    1,
                    "a scenario starts with keys such as 'meta:', 'parties:' and 'moves:'",
                )
            ]
        )
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_shape_problems(exc, data, smap, filename, text)) from None
    except (RecursionError, ValueError, TypeError) as exc:  # pathological input pydantic cannot describe
        raise ScenarioError(
            [Problem(filename, (), f"cannot read this file as a scenario: {exc}", 1, 1, "simplify the file")]
        ) from None
    ref_problems = check_references(scenario, smap, filename)
    if ref_problems:
        raise ScenarioError(ref_problems)
    if len(scenario.parties) > MAX_PARTIES:
        line, col = smap.locate(("parties", MAX_PARTIES)) or (1, 1)
        raise ScenarioError(
            [
                Problem(
                    filename,
                    ("parties", MAX_PARTIES),
                    f"{len(scenario.parties)} parties; Détente handles at most {MAX_PARTIES} (the "
                    "egalitarian (leximin) solution solves one model per party, each with parties² "
                    "auxiliary variables)",
                    line,
                    col,
                    "merge parties that act together into one, or model them as a coalition",
                )
            ]
        )
    return scenario


def _data_path(loc: tuple[Any, ...], data: Any) -> tuple[PathItem, ...]:
    """Keep only the parts of a pydantic ``loc`` that exist in the data (drops union tags)."""
    out: list[PathItem] = []
    node = data
    for item in loc:
        if (
            isinstance(node, dict)
            and item in node
            or isinstance(node, list)
            and isinstance(item, int)
            and 0 <= item < len(node)
        ):
            out.append(item)
            node = node[item]
        elif (
            isinstance(node, dict)
            and isinstance(item, str)
            and not item.startswith(("function-", "json-"))
            and item not in ("red_line", "min_content", "count", "implies", "int", "float")
        ):
            out.append(item)  # a missing field: name it
            node = None
    return tuple(out)


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types inside Optional/Union/Annotated."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for arg in typing.get_args(annotation):
            out.extend(_unwrap(arg))
        return out
    return [annotation]


def _model_at(path: tuple[PathItem, ...], data: Any) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at ``path`` (for key suggestions)."""
    current: list[Any] = [Scenario]
    node = data
    for item in path:
        nxt: list[Any] = []
        for t in current:
            if isinstance(t, type) and issubclass(t, BaseModel) and isinstance(item, str):
                for name, info in t.model_fields.items():
                    if item in (name, info.alias):
                        nxt.extend(_unwrap(info.annotation))
            elif typing.get_origin(t) is list and isinstance(item, int):
                nxt.extend(_unwrap(typing.get_args(t)[0]))
            elif typing.get_origin(t) is dict:
                nxt.extend(_unwrap(typing.get_args(t)[1]))
        node = (
            node.get(item)
            if isinstance(node, dict)
            else (
                node[item] if isinstance(node, list) and isinstance(item, int) and item < len(node) else None
            )
        )
        # discriminated unions: pick the member whose 'type' matches the data
        if isinstance(node, dict) and "type" in node:
            tagged = [
                t
                for t in nxt
                if isinstance(t, type)
                and issubclass(t, BaseModel)
                and "type" in t.model_fields
                and node["type"] in typing.get_args(t.model_fields["type"].annotation)
            ]
            nxt = tagged or nxt
        current = nxt
    models = [t for t in current if isinstance(t, type) and issubclass(t, BaseModel)]
    return models[0] if models else None


def _field_names(model: type[BaseModel]) -> list[str]:
    return [info.alias or name for name, info in model.model_fields.items()]


def _exponent_fix(got: object) -> str | None:
    """'write 1.0e+12' for a number YAML 1.1 reads as text (an exponent without a sign)."""
    if isinstance(got, str) and YAML11_EXPONENT.match(got.strip()):
        mantissa, _, exponent = got.strip().replace("E", "e").partition("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"YAML reads {got} as text; write {mantissa}e+{exponent}"
    return None


def _written(text: str, mark: tuple[int, int] | None, key: PathItem) -> str | None:
    """The value as written after ``key:`` on the line at ``mark`` (for 'quote it' hints)."""
    if mark is None or not isinstance(key, str):
        return None
    lines = text.splitlines()
    if not 0 < mark[0] <= len(lines):
        return None
    found = re.search(rf"{re.escape(key)}\s*:\s*([^\s,}}\]#]+)", lines[mark[0] - 1][mark[1] - 1 :])
    return found.group(1) if found else None


def _shape_problems(
    exc: ValidationError, data: Any, smap: SourceMap, filename: str, text: str = ""
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[tuple[PathItem, ...], str]] = set()
    errors = exc.errors(include_url=False)
    for n_done, err in enumerate(errors):
        if len(problems) == MAX_REPORTED:  # a flood: describe the first ones, count the rest
            first = problems[-1]
            problems.append(
                Problem(
                    filename,
                    first.path,
                    f"… and up to {len(errors) - n_done:,} more problems, not listed",
                    first.line,
                    first.column,
                    "fix the ones above first",
                )
            )
            break
        path = _data_path(tuple(err["loc"]), data)
        kind = err["type"]
        hint: str | None = None
        message = err["msg"]
        if kind == "extra_forbidden" and path:
            key = str(path[-1])
            model = _model_at(path[:-1], data)
            allowed = _field_names(model) if model else []
            guess = did_you_mean(key, allowed)
            message = f"unknown key '{key}'"
            hint = (
                f"did you mean '{guess}'?"
                if guess
                else (f"allowed keys here: {', '.join(allowed)}" if allowed else "remove it")
            )
        elif kind == "missing":
            message = f"required key '{path[-1]}' is missing" if path else "a required key is missing"
            hint = "add it"
        elif kind in ("union_tag_invalid", "union_tag_not_found"):
            kinds = ["red_line", "min_content", "count", "implies"]
            tag = str(err.get("ctx", {}).get("tag", ""))
            guess = did_you_mean(tag, kinds) if tag else None
            if kind == "union_tag_invalid":
                message = f"unknown constraint type '{tag}'"
                path = (*path, "type")
            else:
                message = "constraint has no 'type'"
            hint = f"did you mean '{guess}'?" if guess else f"use type: {', '.join(kinds)}"
        elif kind == "too_short" and path and path[-1] == "options":
            message = "a move needs at least two options (e.g. 'no' and 'yes')"
            hint = "add the status-quo option"
        elif kind == "model_type" and err.get("ctx", {}).get("class_name") == "Value":
            message = f"expected a number or a mapping such as {{value: 2, low: 1, high: 3}} (got {err.get('input')!r})"
        else:
            got = err.get("input")
            if isinstance(got, str | int | float | bool) and not isinstance(got, dict):
                message = f"{message} (got {got!r})"
        got = err.get("input")
        if kind == "value_error":
            message = message.replace("Value error, ", "", 1)
        if kind == "finite_number":
            hint = f"write a finite number with |value| ≤ {sci(MAX_MAGNITUDE)}"
        elif kind == "value_error" and "supported range" in message:
            hint = "use a number within that range (rescale the values if needed)"
        if kind in ("model_type", "float_parsing", "float_type") and _exponent_fix(got):
            hint = _exponent_fix(got)
        elif kind == "string_type" and isinstance(got, bool) and path:
            word = _written(text, smap.locate(path), path[-1]) or ("yes" if got else "no")
            hint = f'YAML 1.1 reads {word} as {str(got).lower()}; quote it: {path[-1]}: "{word}"'
        elif kind == "list_type" and isinstance(got, str | int | float) and path:
            hint = f"write a list: {path[-1]}: [{got}]"
        key_ = (path, message)
        if key_ in seen:
            continue
        seen.add(key_)
        mark = smap.locate(path) or (1, 1)
        problems.append(
            Problem(filename, path, message, mark[0] if mark else None, mark[1] if mark else None, hint)
        )
    return problems
