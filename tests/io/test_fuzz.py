"""Random and mutated input never crashes the loader: it loads or raises ScenarioError."""

from __future__ import annotations

import copy
import json

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.io.errors import ScenarioError
from detente.io.loader import parse_scenario
from tests.conftest import FIXTURES

VALID = yaml.safe_load((FIXTURES / "scenarios" / "minimal.yaml").read_text())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def _load_or_clean_error(text: str, fmt: str) -> None:
    try:
        parse_scenario(text, "fuzz." + fmt, fmt)
    except ScenarioError as exc:
        assert exc.problems
        for p in exc.problems:
            assert str(p).startswith("fuzz.")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=300))
def test_random_text_yaml(text: str) -> None:
    _load_or_clean_error(text, "yaml")


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_random_text_json(text: str) -> None:
    _load_or_clean_error(text, "json")


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_random_structures(data) -> None:  # type: ignore[no-untyped-def]
    _load_or_clean_error(json.dumps(data), "json")


def _paths(obj, prefix=()):  # type: ignore[no-untyped-def]
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _paths(v, (*prefix, i))


ALL_PATHS = [p for p in _paths(VALID) if p]


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(ALL_PATHS), json_values, st.booleans())
def test_mutated_valid_scenario(path, replacement, delete) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(VALID)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if delete:
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    _load_or_clean_error(yaml.safe_dump(data), "yaml")
