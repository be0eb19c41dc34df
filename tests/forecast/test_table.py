"""Reading BDM tables: the EU car-emissions statistics (published checks) and located errors."""

from __future__ import annotations

import pytest

from detente.forecast.stats import describe
from detente.forecast.table import TableError, parse_table, read_table
from tests.conftest import FIXTURES, SHARED, requires_shared

EMISSIONS = SHARED / "reference" / "forecasting" / "eu-car-emissions-1994.csv"


@requires_shared
def test_eu_car_emissions_statistics() -> None:
    issue = read_table(EMISSIONS)
    st = describe(issue)
    assert issue.n_actors == 10
    assert round(st.weighted_mean, 2) == 7.39
    assert st.weighted_median == 7
    assert st.condorcet == 7


def test_aliases_and_any_column_order() -> None:
    issue = read_table(FIXTURES / "forecast" / "three-equal.csv")
    assert issue.actors == ("A", "B", "C")
    assert list(issue.capability) == [1, 1, 1] and issue.scale == (0.0, 100.0)
    text = "salience,position,influence,actor\n50,3,2,X\n100,5,1,Y\n"
    issue = parse_table(text, "t.csv")
    assert issue.actors == ("X", "Y") and list(issue.position) == [3, 5] and list(issue.capability) == [2, 1]


def test_every_problem_is_located() -> None:
    with pytest.raises(TableError) as err:
        read_table(FIXTURES / "forecast" / "bad.csv")
    text = "\n".join(str(p) for p in err.value.problems)
    assert "bad.csv:3:2: capability: 'two' is not a number" in text
    assert "bad.csv:4:4: salience: 150 is outside 0–100" in text
    assert "bad.csv:5:1: actor: 'A' is already on line 2" in text


def test_bad_header_suggests_the_column() -> None:
    with pytest.raises(TableError) as err:
        read_table(FIXTURES / "forecast" / "bad-header.csv")
    text = str(err.value)
    assert "bad-header.csv:1:3: postion: unknown column (did you mean 'position'?)" in text
    assert "position: missing column" in text


def test_missing_file_and_empty_table() -> None:
    with pytest.raises(TableError, match="file not found"):
        read_table(FIXTURES / "forecast" / "nope.csv")
    with pytest.raises(TableError, match="no actor rows"):
        parse_table("actor,capability,position,salience\n", "e.csv")
    with pytest.raises(TableError, match="zero capability or zero salience"):
        parse_table("actor,capability,position,salience\nA,0,1,50\n", "z.csv")
