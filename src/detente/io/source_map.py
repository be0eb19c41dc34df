"""Parse YAML or JSON text into plain data plus a map from field path to (line, column).

PyYAML's composer keeps the position of every node; we walk the node tree once to record where each
key and list item starts, so later checks (pydantic's and our reference checks) can point at the exact
place in the file. Duplicate mapping keys, which YAML parsers silently collapse, are reported here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import yaml

from detente.io.errors import PathItem, Problem
from detente.io.input_policy import line_col, prescan_json, prescan_yaml

try:  # the C loader is much faster on large files; fall back to pure Python
    _Loader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment]
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Loader = yaml.SafeLoader

Mark = tuple[int, int]


@dataclass
class SourceMap:
    """Positions (1-based line, column) of keys and list items, keyed by field path."""

    positions: dict[tuple[PathItem, ...], Mark] = field(default_factory=dict)
    #: JSON text whose positions are computed on the first :meth:`locate` (only files with problems
    #: pay for the position walk).
    pending: str | None = None

    def locate(self, path: tuple[PathItem, ...]) -> Mark | None:
        """Position of ``path``, or of its nearest ancestor that has one."""
        if self.pending is not None:
            text, self.pending = self.pending, None
            _positions(text, self)
        for end in range(len(path), -1, -1):
            mark = self.positions.get(path[:end])
            if mark is not None:
                return mark
        return None


def _walk(root: yaml.Node, smap: SourceMap, dups: list[tuple[tuple, Mark]]) -> None:
    """Record the position of every key and list item (iteratively; a node shared through aliases is
    walked once, so an alias-heavy document costs its size, not its expanded size)."""
    smap.positions[()] = (root.start_mark.line + 1, root.start_mark.column + 1)
    seen_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[PathItem, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
                mark = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                if key in seen:
                    dups.append(((*path, key), mark))
                seen.add(key)
                smap.positions.setdefault((*path, key), mark)
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                smap.positions[(*path, index)] = (item.start_mark.line + 1, item.start_mark.column + 1)
                stack.append((item, (*path, index)))


def _positions(text: str, smap: SourceMap) -> list[tuple[tuple[PathItem, ...], Mark]]:
    """Fill ``smap`` from YAML/JSON ``text`` (already past the input prescan); the repeated keys."""
    dups: list[tuple[tuple, Mark]] = []
    try:  # JSON is (almost always) YAML, which gives us positions too
        node = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError:
        return dups
    if node is not None:
        _walk(node, smap, dups)
    return dups


def duplicate_keys(text: str) -> list[tuple[tuple[PathItem, ...], Mark]]:
    """Paths and positions of repeated keys in YAML/JSON ``text`` (already past the input prescan)."""
    return _positions(text, SourceMap())


def _compose_and_construct(text: str) -> tuple[yaml.Node | None, Any]:
    """One parse: the node tree (for positions) and the plain data built from it."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return node, data


def parse_text(text: str, filename: str, fmt: str) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse ``text`` as ``fmt`` ('yaml' or 'json').

    Returns (data, source map, problems); when a problem is fatal, data is None.
    """
    smap = SourceMap()
    if not text.strip():
        return (
            None,
            smap,
            [
                Problem(
                    filename,
                    (),
                    "the file is empty",
                    1,
                    1,
                    "a scenario needs at least 'meta', 'parties' and 'moves'; "
                    "run 'detente new NAME' for a commented template",
                )
            ],
        )
    if fmt == "json":
        bad = prescan_json(text, filename)
        if bad is not None:
            return None, smap, [bad]
        repeated: list[str] = []
        try:
            data = json.loads(text, object_pairs_hook=lambda pairs: _note_repeats(pairs, repeated))
        except json.JSONDecodeError as exc:
            return (
                None,
                smap,
                [
                    Problem(
                        filename,
                        (),
                        f"not valid JSON: {exc.msg}",
                        exc.lineno,
                        exc.colno,
                        "fix the JSON syntax at this position",
                    )
                ],
            )
        if repeated:
            return data, smap, _duplicates(filename, _positions(text, smap), "object")
        smap.pending = text
        return data, smap, []
    bad = prescan_yaml(text, filename, _Loader)
    if bad is not None:
        return None, smap, [bad]
    try:
        node, data = _compose_and_construct(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        col = mark.column + 1 if mark is not None else None
        what = exc.problem or exc.context or "syntax error"
        return (
            None,
            smap,
            [
                Problem(
                    filename,
                    (),
                    f"not valid YAML: {what}",
                    line,
                    col,
                    "check indentation, colons and quotes at this position",
                )
            ],
        )
    except yaml.reader.ReaderError as exc:  # a character YAML does not accept: locate it
        line, col = line_col(text, exc.position)
        what = (
            f"character U+{exc.character:04X} is not allowed"
            if isinstance(exc.character, int)
            else exc.reason
        )
        return None, smap, [Problem(filename, (), f"not valid YAML: {what}", line, col, "remove it")]
    except yaml.YAMLError as exc:
        return None, smap, [Problem(filename, (), f"not valid YAML: {exc}", 1, 1, None)]
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. unhashable keys
        return (
            None,
            smap,
            [Problem(filename, (), f"not valid YAML: {exc}", 1, 1, "keys must be plain names, not lists")],
        )
    dups: list[tuple[tuple, Mark]] = []
    if node is not None:
        _walk(node, smap, dups)
    return data, smap, _duplicates(filename, dups, "mapping")


def _note_repeats(pairs: list[tuple[str, Any]], repeated: list[str]) -> dict[str, Any]:
    out = dict(pairs)
    if len(out) != len(pairs):
        repeated.append(pairs[0][0])
    return out


def _duplicates(filename: str, dups: list[tuple[tuple, Mark]], container: str) -> list[Problem]:
    return [
        Problem(
            filename,
            path,
            f"the key '{path[-1]}' appears twice in the same {container}",
            mark[0],
            mark[1],
            "remove or rename one of them (otherwise the later one would silently win)",
        )
        for path, mark in dups
    ]
