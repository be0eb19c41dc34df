"""Each kind of bad input gives one clean, located error (file, line, column, field path, fix)."""

from __future__ import annotations

import pytest

from detente.io.errors import ScenarioError
from detente.io.loader import load_scenario
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"

# file, line, column, field path, words the message must contain, words the hint must contain
CASES = [
    (
        "misspelt-key.yaml",
        5,
        5,
        "parties[0].reservaton",
        "unknown key 'reservaton'",
        "did you mean 'reservation'",
    ),
    ("unknown-owner.yaml", 7, 5, "moves[0].owner", "unknown party 'US'", "did you mean 'USA'"),
    ("unknown-value-party.yaml", 12, 27, "moves[0].options[1].values.DPKR", "unknown party 'DPKR'", "'DPRK'"),
    (
        "unknown-option-ref.yaml",
        15,
        16,
        "moves[1].requires[0]",
        "unknown option 'hihg' of move 'cap'",
        "'high'",
    ),
    ("unknown-move-ref.yaml", 13, 16, "constraints[0].requires[0]", "unknown move 'freez'", "'freeze'"),
    ("duplicate-party.yaml", 4, 6, "parties[1].id", "duplicate party id 'A'", "unique"),
    ("duplicate-option.yaml", 11, 9, "moves[0].options[1].id", "duplicate option id 'yes'", "unique"),
    ("prerequisite-cycle.yaml", 10, 5, "moves[0].requires", "prerequisite cycle: a → c → b → a", "remove"),
    ("empty.yaml", 1, 1, "(top level)", "the file is empty", "detente new"),
    ("not-yaml.yaml", 4, 1, "(top level)", "not valid YAML", "indentation"),
    ("top-level-list.yaml", 1, 1, "(top level)", "expected a mapping", "meta:"),
    ("wrong-type.yaml", 3, 28, "parties[0].reservation", "valid number", None),
    ("missing-field.yaml", 5, 5, "moves[0].owner", "required key 'owner' is missing", "add it"),
    ("duplicate-key.yaml", 7, 5, "moves[0].name", "appears twice", "remove or rename"),
    ("unknown-source.yaml", 10, 15, "moves[0].sources[0]", "unknown source 'unsc-2397'", "'unsc-2379'"),
    (
        "bad-constraint-type.yaml",
        11,
        5,
        "constraints[0].type",
        "unknown constraint type 'redline'",
        "'red_line'",
    ),
    (
        "count-overlap.yaml",
        12,
        33,
        "constraints[0].refs[2]",
        "'freeze:full' names option 'freeze:full', which 'freeze' (refs[0]) already names",
        "list each option once",
    ),
    ("one-option.yaml", 9, 5, "moves[0].options", "at least two options", "status-quo"),
    ("syntax.json", 4, 16, "(top level)", "not valid JSON", "JSON syntax"),
    ("unknown-key.json", 6, 6, "moves[0].optoins", "unknown key 'optoins'", "did you mean 'options'"),
    # hostile input (issue 15): refused before or while parsing, always located
    ("alias-bomb.yaml", 6, 45, "(top level)", "aliases repeat over 100,000 items", "write the content out"),
    ("recursive-alias.yaml", 2, 31, "(top level)", "refers to the list or mapping", "remove the alias"),
    ("nonfinite.yaml", 4, 35, "(top level)", "'.nan' is not a finite number", "finite number"),
    ("overflow.yaml", 4, 35, "(top level)", "too large to be a number", "±1e12"),
    ("huge-numbers.yaml", 13, 38, "constraints[0].at_least", "9.22337e+18 is outside", "within that range"),
    ("nan.json", 2, 54, "(top level)", "'NaN' is not a finite number", "finite number"),
    ("duplicate-keys.json", 1, 27, "meta.title", "appears twice in the same object", "silently win"),
    ("exponent-as-text.yaml", 10, 45, "moves[0].options[1].values.A", "expected a number", "write 1.0e+12"),
    (
        "yaml11-bool-and-scalar-list.yaml",
        11,
        9,
        "moves[0].options[0].id",
        "valid string",
        'quote it: id: "no"',
    ),
    ("non-utf8.yaml", 2, 14, "(top level)", "not UTF-8 text", "save the scenario file as UTF-8"),
    ("control-character.yaml", 2, 15, "(top level)", "control character U+0007", "remove it"),
    ("missing-top-level.yaml", 2, 1, "moves", "required key 'moves' is missing", "add it"),
]


@pytest.mark.parametrize(
    ("name", "line", "column", "path", "message", "hint"), CASES, ids=[c[0] for c in CASES]
)
def test_bad_input_is_located(
    name: str, line: int, column: int, path: str, message: str, hint: str | None
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD / name)
    matching = [p for p in info.value.problems if message in p.message]
    assert matching, f"no problem mentions {message!r}: {[str(p) for p in info.value.problems]}"
    problem = matching[0]
    assert (problem.line, problem.column) == (line, column)
    text = str(problem)
    assert text.startswith(f"{BAD / name}:{line}:{column}: {path}: ")
    if hint:
        assert problem.hint and hint in problem.hint


def test_every_bad_fixture_is_covered() -> None:
    assert {c[0] for c in CASES} == {p.name for p in BAD.iterdir()}


def test_missing_file_and_folder() -> None:
    with pytest.raises(ScenarioError, match="no such file"):
        load_scenario(BAD / "does-not-exist.yaml")
    with pytest.raises(ScenarioError, match="is a folder"):
        load_scenario(BAD)


def test_non_utf8(tmp_path) -> None:
    f = tmp_path / "latin1.yaml"
    f.write_bytes("meta: {title: Caf\xe9}".encode("latin-1"))
    with pytest.raises(ScenarioError, match="not UTF-8"):
        load_scenario(f)


def test_all_problems_reported_together() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(FIXTURES / "bad" / "unknown-key.json")
    assert len(info.value.problems) == 2  # the misspelt key and the then-missing 'options'
