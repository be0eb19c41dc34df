"""Random, mutated and hostile input never crashes a reader: it loads or raises a clean error.

Every reader is covered (scenario YAML/JSON, the JSON of ``--package`` and GeniusWeb files, the
Adjusted Winner CSV, Genius XML), and so are the numeric edge cases of the input policy (NaN,
infinities, overflowing exponents, huge integers, YAML 1.1 exponents). Each example must finish
within :data:`SECONDS` of CPU and allocate at most :data:`PEAK_MB` (tracemalloc's peak).
"""

from __future__ import annotations

import copy
import json
import math
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detente.analysis.adjusted_winner import adjusted_winner
from detente.errors import DetenteError
from detente.io.errors import ScenarioError
from detente.io.genius import GeniusError, read_domain_xml, read_profile_xml
from detente.io.genius_web import _profile
from detente.io.input_policy import InputError, parse_json
from detente.io.loader import parse_scenario
from detente.io.points_table import parse_points_csv
from tests.conftest import FIXTURES

VALID = yaml.safe_load((FIXTURES / "scenarios" / "minimal.yaml").read_text())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


SECONDS = 2.0
PEAK_MB = 100


@contextmanager
def _bounded() -> Iterator[None]:
    """Assert the CPU time and peak allocation of the block."""
    tracemalloc.start()
    start = time.process_time()
    try:
        yield
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.process_time() - start < SECONDS
    assert peak < PEAK_MB * 1_000_000, f"peak {peak / 1e6:.0f} MB"


def _load_or_clean_error(text: str, fmt: str) -> None:
    with _bounded():
        try:
            parse_scenario(text, "fuzz." + fmt, fmt)
        except ScenarioError as exc:
            assert exc.problems
            for p in exc.problems:
                assert str(p).startswith("fuzz.")
                assert p.line is not None and p.column is not None, str(p)  # every problem located


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


# ----- numeric edge cases (issue 15) ----------------------------------------------------------------
NUMBERS_AS_WRITTEN = [
    ".nan",
    ".inf",
    "-.inf",
    ".NaN",
    "1.0e+400",
    "-1.0e+400",
    "1e400",
    "1.0e12",
    "1e-400",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 5000,
    "0x" + "f" * 40,
    "1_000_000_000_000_000",
    "0.000000000000000000000000000001",
    "1e100000000",
]


def _numeric_paths(obj, prefix=()):  # type: ignore[no-untyped-def]
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        yield prefix
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _numeric_paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from _numeric_paths(v, (*prefix, i))


NUMERIC = list(_numeric_paths(VALID))
MARK = "__NUMBER__"


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(NUMERIC), st.sampled_from(NUMBERS_AS_WRITTEN))
def test_numeric_edge_cases_in_yaml(path, number) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(VALID)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = MARK
    text = yaml.safe_dump(data).replace(f"'{MARK}'", number).replace(MARK, number)
    _load_or_clean_error(text, "yaml")
    try:
        scenario = parse_scenario(text, "fuzz.yaml")
    except ScenarioError:
        return
    for value in _numeric_values(scenario.model_dump()):  # whatever loads is finite and bounded
        assert math.isfinite(value) and abs(value) <= 1e12


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(NUMERIC), st.sampled_from(["NaN", "-Infinity", "1e400", "9" * 5000, "1e12", "1.5"]))
def test_numeric_edge_cases_in_json(path, number) -> None:  # type: ignore[no-untyped-def]
    data = copy.deepcopy(VALID)
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = MARK
    _load_or_clean_error(json.dumps(data).replace(f'"{MARK}"', number), "json")


def _numeric_values(obj):  # type: ignore[no-untyped-def]
    if isinstance(obj, bool):
        return
    if isinstance(obj, int | float):
        yield obj
    elif isinstance(obj, dict):
        for v in obj.values():
            yield from _numeric_values(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numeric_values(v)


# ----- the other readers ------------------------------------------------------------------------------
@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200) | json_values.map(json.dumps))
def test_json_reader(text: str) -> None:  # --package and GeniusWeb files
    with _bounded():
        try:
            parse_json(text, "fuzz.json")
        except InputError as exc:
            assert str(exc).startswith("fuzz.json:")
            assert exc.problem.line is not None


@settings(max_examples=100, deadline=None)
@given(json_values)
def test_geniusweb_profile_reader(data) -> None:  # type: ignore[no-untyped-def]
    from detente.io.genius import GeniusDomain, GeniusIssue

    domain = GeniusDomain("d", (GeniusIssue("a", ("x", "y")),), "d.json")
    profile = {"LinearAdditiveUtilitySpace": data} if isinstance(data, dict) else data
    with _bounded():
        try:
            _profile(profile if isinstance(profile, dict) else {"x": profile}, Path("p.json"), domain)
        except GeniusError as exc:
            assert str(exc).startswith("p.json")


csv_cells = st.text(max_size=12) | st.sampled_from(NUMBERS_AS_WRITTEN + ["1/3", "-1", "0", "12.5", "1e5"])


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(csv_cells, min_size=0, max_size=4), max_size=5))
def test_adjusted_winner_csv_reader(rows) -> None:  # type: ignore[no-untyped-def]
    text = "\n".join(",".join(json.dumps(c) if "," in c or '"' in c else c for c in row) for row in rows)
    with _bounded():
        try:
            parties, issues, pa, pb = parse_points_csv(text, "fuzz.csv")
            adjusted_winner(issues, pa, pb, parties)
        except DetenteError as exc:
            assert (
                "fuzz.csv" in str(exc) or "issue" in str(exc) or "points" in str(exc) or "parties" in str(exc)
            )


xml_values = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(xml_values, min_size=1, max_size=5), st.lists(csv_cells, min_size=1, max_size=5), csv_cells)
def test_genius_xml_readers(values, evaluations, weight) -> None:  # type: ignore[no-untyped-def]
    from xml.sax.saxutils import quoteattr

    items = "".join(f"<item index='{k}' value={quoteattr(v)}/>" for k, v in enumerate(values, 1))
    domain_xml = f"<negotiation_template><objective><issue index='1' name='i'>{items}</issue></objective></negotiation_template>"
    evals = "".join(
        f"<item value={quoteattr(v)} evaluation={quoteattr(e)}/>"
        for v, e in zip(values, evaluations, strict=False)
    )
    profile_xml = f"<utility_space><objective><issue index='1' name='i'>{evals}</issue><weight index='1' value={quoteattr(weight)}/></objective></utility_space>"
    import tempfile

    with tempfile.TemporaryDirectory() as folder, _bounded():
        d, p = Path(folder) / "domain.xml", Path(folder) / "p.xml"
        d.write_text(domain_xml, encoding="utf-8")
        p.write_text(profile_xml, encoding="utf-8")
        try:
            read_profile_xml(p, read_domain_xml(d))
        except GeniusError as exc:
            assert folder in str(exc)
