"""Genius / GeniusWeb import and export.

* every folder of the shared Genius reference data either imports or fails with a clean, stated reason;
* for the domains of reference-points.json the utilities are recomputed here straight from the XML
  (a small independent parser + NumPy brute force, not the compiled model) and compared with the
  published points and with ``cs.utilities``; the number of outcomes is checked;
* import → export → import gives identical scenarios and values;
* odd inputs (DOCTYPE, malformed XML, integer issues, missing profiles…) give clear errors.
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detente.analysis import solve as solve_module
from detente.errors import DetenteError
from detente.io.genius import export_genius, make_id
from detente.io.genius_import import import_genius
from detente.io.loader import load_scenario, parse_scenario
from detente.io.writer import OutputExistsError, dump_scenario
from detente.model.compiled import CompiledScenario, compile_scenario
from tests.conftest import FIXTURES, SHARED, requires_shared

GENIUS = SHARED / "reference" / "genius"
FIX = FIXTURES / "genius"


def _folders() -> list[str]:
    """Every folder of the reference data holding XML/JSON; with ../shared present, its Genius part must
    be there too (a missing folder fails, it is not skipped)."""
    if not SHARED.exists():
        return []
    assert GENIUS.is_dir(), f"{GENIUS} is missing from the shared reference data"
    out = []
    for root, _dirs, files in os.walk(GENIUS):
        if Path(root) != GENIUS and any(f.endswith((".xml", ".json")) for f in files):
            out.append(str(Path(root).relative_to(GENIUS)))
    return sorted(out)


#: Folders that cannot be imported, with the reason the error must state.
NOT_IMPORTABLE = {
    **{
        f"anac/y2014/{n}issues{s}": "is integer"
        for n in (10, 30, 50)
        for s in ("", "Discounted", "DiscountedwithRV", "withRV")
    },
    **{
        f"other/{n}": "is integer"
        for n in (
            "S-1NAGUNL-114",
            "S-1NAGUNL-128",
            "S-1NAGUNL-255",
            "S-1NIKFRT-1",
            "S-1NIKFRT-2",
            "S-1NIKFRT-3",
            "IntegerDomain",
            "web_service",
        )
    },
    "anac/y2015/group9-killer_robot": "issue 'Guns' is integer",
    "anac/y2015/group9-vacation": "issue 'Duration (weeks)' is integer",
    "anac/y2016/AgentHp2": "is integer",
    "anac/y2016/Grandma": "issue 'Energy Price' is integer",
    "anac/y2016/YXAgent": "issue 'Charging Speed' is integer",
    # a profile lists the value '0' of one issue twice, with evaluations 0 and 8
    "other/AMPOvsCity": "listed twice with different evaluations",
}


def _check_clean(message: str) -> None:
    assert "Traceback" not in message and "\n" not in message
    assert message.split(":")[0].startswith(str(GENIUS))  # names the file or folder


@requires_shared
@pytest.mark.parametrize("folder", sorted(NOT_IMPORTABLE))
def test_unimportable_reference_folders_say_why(folder: str) -> None:
    path = GENIUS / folder
    assert path.is_dir(), f"{path} is listed in NOT_IMPORTABLE but is not in the reference data"
    with pytest.raises(DetenteError) as info:
        import_genius(path)
    msg = str(info.value)
    _check_clean(msg)
    assert NOT_IMPORTABLE[folder] in msg
    if "integer" in NOT_IMPORTABLE[folder]:
        assert "discrete issues only" in msg


@requires_shared
@pytest.mark.parametrize("folder", [f for f in _folders() if f not in NOT_IMPORTABLE])
def test_every_other_reference_folder_imports(folder: str) -> None:
    path = GENIUS / folder
    scenario = import_genius(path)
    cs = compile_scenario(scenario)
    profiles = sorted(p.stem for p in path.iterdir() if p.suffix in (".xml", ".json")) if cs.n_parties else []
    assert list(cs.party_names) == sorted(cs.party_names)
    assert set(cs.party_names) <= set(profiles)
    assert all(c == "genius" for c in cs.category) and np.all(cs.owner == 0)
    # every party's best package reaches Σ_k w_k (each issue's best value normalises to its weight),
    # leaving out issues whose evaluations are all 0 for that party (they contribute nothing)
    best = np.asarray(
        [
            sum(cs.values[cs.offsets[k] : cs.offsets[k + 1], i].max() for k in range(cs.n_moves))
            for i in range(cs.n_parties)
        ]
    )
    weights = np.asarray(
        [
            sum(
                m.weights[p]
                for m in scenario.moves
                if m.weights and max(o.values[p].value for o in m.options) > 0
            )
            for p in cs.party_ids
        ]
    )
    assert np.allclose(best, weights)
    # the whole outcome space against the test's own XML brute force, where it is small enough
    if folder.startswith(("anac", "other")) and cs.n_outcomes * cs.n_parties <= 300_000:
        _names, _values, parties, grid, reservations = _xml_grid(path)
        assert parties == list(cs.party_names) and np.allclose(cs.reservation, reservations)
        every = np.indices(tuple(int(n) for n in cs.n_options)).reshape(cs.n_moves, -1).T
        assert np.allclose(cs.utilities(every), grid.reshape(-1, len(parties)), atol=1e-12)


# ----- independent brute force straight from the XML ---------------------------------------------------
def _xml_grid(folder: Path) -> tuple[list[str], list[list[str]], list[str], np.ndarray, list[float]]:
    """(issue names, values per issue, party names, utility grid of shape (n_1, …, n_K, P), reservations).

    u_i(o) = Σ_k w_ik · e_ik(o_k) / max_v e_ik(v); parties = profile files in sorted order.
    """
    roots = {p.name: ET.parse(p).getroot() for p in sorted(folder.glob("*.xml"))}
    domain = next(r for r in roots.values() if r.tag == "negotiation_template")
    issues = [
        (str(i.get("name")), [str(it.get("value")) for it in i.findall("item")]) for i in domain.iter("issue")
    ]
    names = [n for n, _ in issues]
    shape = [len(v) for _, v in issues]
    parties, grids, reservations = [], [], []
    for fname in sorted(roots):
        r = roots[fname]
        if r.tag != "utility_space":
            continue
        index_name = {i.get("index"): i.get("name") for i in r.iter("issue")}
        w = {
            index_name[x.get("index")]: float(x.get("value", "nan"))
            for x in r.iter("weight")
            if x.get("index") in index_name
        }
        ev = {
            i.get("name"): {it.get("value"): float(it.get("evaluation", "nan")) for it in i.findall("item")}
            for i in r.iter("issue")
        }
        grid = np.zeros(shape)
        for k, (name, values) in enumerate(issues):
            e = np.asarray([ev[name][v] for v in values])
            col = w[name] * e / e.max() if e.max() > 0 else np.zeros(len(e))  # all-zero issue: contributes 0
            grid = grid + col.reshape([-1 if j == k else 1 for j in range(len(issues))])
        parties.append(Path(fname).stem)
        grids.append(grid)
        res = r.find("reservation")
        reservations.append(0.0 if res is None else float(res.get("value", "nan")))
    return names, [v for _, v in issues], parties, np.stack(grids, axis=-1), reservations


def _reference() -> dict[str, Any]:
    if not SHARED.exists():
        return {}
    return json.loads((GENIUS / "reference-points.json").read_text())  # with ../shared present: must exist


REFERENCE = _reference()


def _choices(cs: CompiledScenario, outcome: dict[str, str]) -> np.ndarray:
    """Local choices from {issue name: value as written} (move names and option labels of the import)."""
    return np.asarray([cs.option_labels[k].index(outcome[cs.move_names[k]]) for k in range(cs.n_moves)])


@requires_shared
@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_reference_utilities_from_xml_match_compiled(key: str) -> None:
    ref = REFERENCE[key]
    names, values, parties, grid, reservations = _xml_grid(GENIUS / key)
    cs = compile_scenario(import_genius(GENIUS / key))
    assert parties == ref["parties"] == list(cs.party_names)
    assert cs.n_outcomes == ref["n_outcomes"] == grid[..., 0].size
    assert np.allclose(cs.reservation, ref["reservation"]) and np.allclose(cs.reservation, reservations)
    assert list(cs.move_names) == names
    for concept in ("nash", "egalitarian", "ks", "welfare"):
        for point in ref[concept]:
            outcome = point["outcome"]
            idx = tuple(values[k].index(outcome[n]) for k, n in enumerate(names))
            assert np.allclose(grid[idx], point["utilities"], atol=1e-8)  # the test's parser vs the reference
            assert np.allclose(cs.utilities(_choices(cs, outcome)), grid[idx], atol=1e-12)
    # the whole outcome space, package by package (C order of the grid = np.indices order)
    every = np.indices(tuple(int(n) for n in cs.n_options)).reshape(cs.n_moves, -1).T
    assert np.allclose(cs.utilities(every), grid.reshape(-1, len(parties)), atol=1e-12)
    # the reference's welfare and egalitarian points are the brute-force optima of the grid
    flat = grid.reshape(-1, len(parties))
    assert np.isclose(flat.sum(axis=1).max(), sum(ref["welfare"][0]["utilities"]))
    d = np.asarray(ref["reservation"])
    assert np.isclose((flat - d).min(axis=1).max(), min(np.asarray(ref["egalitarian"][0]["utilities"]) - d))


# ----- solver agreement (runs once detente.analysis.solve exists) ---------------------------------------
@requires_shared
@pytest.mark.parametrize("concept", ["nash", "egalitarian", "ks", "welfare"])
@pytest.mark.parametrize("key", sorted(REFERENCE))
def test_solver_packages_match_reference(key: str, concept: str) -> None:
    cs = compile_scenario(import_genius(GENIUS / key))
    result = solve_module.solve(cs, concept)
    got = {tuple(int(c) for c in p.choices) for p in result.packages}
    want = {tuple(int(c) for c in _choices(cs, pt["outcome"])) for pt in REFERENCE[key][concept]}
    assert got == want, f"{key} {concept}: method {result.method}"
    for p in result.packages:
        assert np.allclose(p.utilities, cs.utilities(p.choices))


def _frontier_size_2d(utilities: np.ndarray) -> int:
    """Outcomes not weakly dominated (ties kept), two parties: sort by u0 desc then u1 desc; an outcome is
    on the frontier iff its u1 is the top of its u0-group and above every u1 seen at a higher u0."""
    u = np.round(utilities, 9)
    v = u[np.lexsort((-u[:, 1], -u[:, 0]))]
    starts = np.flatnonzero(np.r_[True, v[1:, 0] != v[:-1, 0]])
    tops = v[starts, 1]  # best u1 within each u0 group
    before = np.r_[-np.inf, np.maximum.accumulate(tops)[:-1]]  # best u1 at any higher u0
    group = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(v)]))
    on_front = (tops[group] > before[group]) & (v[:, 1] == tops[group])
    return int(on_front.sum())


@requires_shared
@pytest.mark.parametrize("key", sorted(k for k in REFERENCE if len(REFERENCE[k]["parties"]) == 2))
def test_frontier_size_matches_brute_force(key: str) -> None:
    _names, _values, parties, grid, _r = _xml_grid(GENIUS / key)
    cs = compile_scenario(import_genius(GENIUS / key))
    result = solve_module.frontier(cs)
    assert result.exact and not result.truncated
    assert len(result.packages) == _frontier_size_2d(grid.reshape(-1, len(parties)))


@requires_shared
@pytest.mark.parametrize("key", sorted(k for k in REFERENCE if "frontier_size" in REFERENCE[k]))
def test_frontier_size_matches_reference(key: str) -> None:
    """Includes anac/y2011/Energy, whose reference size was corrected from 112 to 205 (exact recount;
    204 distinct utility vectors, one tie)."""
    cs = compile_scenario(import_genius(GENIUS / key))
    result = solve_module.frontier(cs)
    assert result.exact and not result.truncated
    assert len(result.packages) == REFERENCE[key]["frontier_size"]
    if result.n_acceptable is not None:
        assert result.n_acceptable == REFERENCE[key]["n_acceptable"]


# ----- round trip -------------------------------------------------------------------------------------
def _roundtrip_folders() -> list[str]:
    picks = [
        *sorted(REFERENCE),
        "anac/y2012/FitnessA",
        "anac/y2012/CarA",
        "anac/y2011/Car",
        "other/QODomain",
        "anac/y2015/group12-symposium",
        "other/pie",
        "geniusweb/Party",
        "geniusweb/JapnTrip",
    ]
    return [p for p in picks if (GENIUS / p).is_dir()]


def _comparable(scenario_data: dict[str, Any]) -> dict[str, Any]:
    data = dict(scenario_data)
    data["meta"] = {k: v for k, v in data["meta"].items() if k not in ("description", "title")}
    data.pop("sources", None)  # names the source folder
    return data


@requires_shared
@pytest.mark.parametrize("folder", _roundtrip_folders())
def test_import_export_import_is_identical(folder: str, tmp_path: Path) -> None:
    first = import_genius(GENIUS / folder)
    export_genius(first, tmp_path / "out")
    second = import_genius(tmp_path / "out")
    assert _comparable(second.model_dump()) == _comparable(first.model_dump())
    a, b = compile_scenario(first), compile_scenario(second)
    assert np.array_equal(a.values, b.values) and np.array_equal(a.reservation, b.reservation)


def test_tiny_fixture_by_hand() -> None:
    """alice: Destination w 0.6 (Beach 10, City 5, Mountains 0), Length w 0.4 (1 week 2, 2 weeks 4), r 0.3;
    bob: Destination w 0.3 (Beach 1, City 3, Mountains 2), Length w 0.7 (1 week 7, 2 weeks 3.5), no r."""
    s = import_genius(FIX / "tiny")
    cs = compile_scenario(s)
    assert cs.party_ids == ("alice", "bob") and cs.move_ids == ("Destination", "Length")
    assert cs.option_labels == (("Beach", "City", "Mountains"), ("1 week", "2 weeks"))
    assert cs.n_outcomes == 6
    assert np.allclose(cs.reservation, [0.3, 0.0])
    # (Beach, 2 weeks): alice 0.6 + 0.4 = 1.0; bob 0.3·1/3 + 0.7·3.5/7 = 0.45
    assert np.allclose(cs.utilities([0, 1]), [1.0, 0.45])
    # (City, 1 week): alice 0.3 + 0.2 = 0.5; bob 0.3 + 0.7 = 1.0
    assert np.allclose(cs.utilities([1, 0]), [0.5, 1.0])
    # (Mountains, 1 week): alice 0 + 0.2; bob 0.2 + 0.7
    assert np.allclose(cs.utilities([2, 0]), [0.2, 0.9])
    assert s.meta.title == "Holiday"
    assert "Discount factors are ignored: alice 0.9" in (s.meta.description or "")
    # the written file loads through the normal loader (references checked)
    parse_scenario(dump_scenario(s), "tiny.yaml")


def test_geniusweb_utilities_are_unnormalised() -> None:
    """GeniusWeb: u = Σ w·e without normalisation. trip1: place w .4 (Tokyo 1, Osaka .5), days w .6
    (3: .2, 5: .8, 7: .4), reservationBid (Osaka, 3) → r = .4·.5 + .6·.2 = .32. trip2 has no bid → r = 0."""
    cs = compile_scenario(import_genius(FIX / "geniusweb-tiny"))
    assert cs.party_ids == ("trip1", "trip2")
    assert np.allclose(cs.reservation, [0.32, 0.0])
    assert np.allclose(cs.utilities([0, 1]), [0.4 + 0.6 * 0.8, 0.0 + 0.5 * 0.6])  # Tokyo, 5 days
    assert np.allclose(cs.utilities([1, 2]), [0.2 + 0.6 * 0.4, 0.5 + 0.0])  # Osaka, 7 days


@requires_shared
def test_geniusweb_reference_matches_json() -> None:
    folder = GENIUS / "geniusweb" / "Fitness"
    cs = compile_scenario(import_genius(folder))
    prof = json.loads((folder / "fitness1.json").read_text())["LinearAdditiveUtilitySpace"]
    bid = prof["reservationBid"]["issuevalues"]
    expected = sum(
        prof["issueWeights"][k] * prof["issueUtilities"][k]["discreteutils"]["valueUtilities"][v]
        for k, v in bid.items()
    )
    assert np.isclose(cs.reservation[0], expected)
    assert np.isclose(cs.utilities(_choices(cs, bid))[0], expected)


# ----- odd inputs -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("doctype", "declares a DOCTYPE or ENTITY"),
        ("malformed", "not well-formed XML"),
        ("integer-issue", "issue 'Price' is integer (from 10 to 50)"),
        ("no-profiles", "no profile files"),
        ("dup-eval", "listed twice with different evaluations (3 and 8)"),
        ("geniusweb-number", "issue 'days' needs 'discreteutils' (found numberutils)"),
    ],
)
def test_odd_fixtures_give_clean_errors(folder: str, expected: str) -> None:
    with pytest.raises(DetenteError) as info:
        import_genius(FIX / folder)
    msg = str(info.value)
    assert expected in msg and str(FIX / folder) in msg and "\n" not in msg


def _tiny_copy(tmp_path: Path) -> Path:
    d = tmp_path / "tiny"
    d.mkdir()
    for p in (FIX / "tiny").iterdir():
        (d / p.name).write_text(p.read_text())
    return d


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('<weight index="1" value="0.3"/>', "", "no <weight> for issue(s) 'Destination'"),
        ('<weight index="1" value="0.3"/>', '<weight index="9" value="0.3"/>', 'weight index="9"'),
        (
            'value="Mountains" evaluation="2"',
            'value="Hills" evaluation="2"',
            "the value is not in the domain",
        ),
        ('<item index="1" value="Beach" evaluation="1"/>', "", "no evaluation for 'Beach'"),
        ('evaluation="3.5"', 'evaluation="lots"', "is 'lots', not a number"),
        ('evaluation="3.5"', 'evaluation="-1"', "negative"),
        ("<utility_space>", '<utility_space type="nonlinear">', "nonlinear"),
        ('name="Length"', 'name="Duration"', "issue 'Duration' (index 2) is not in the domain"),
    ],
)
def test_profile_problems(tmp_path: Path, old: str, new: str, expected: str) -> None:
    d = _tiny_copy(tmp_path)
    text = (d / "bob.xml").read_text()
    assert old in text
    (d / "bob.xml").write_text(text.replace(old, new))
    with pytest.raises(DetenteError) as info:
        import_genius(d)
    assert expected in str(info.value) and "bob.xml" in str(info.value)


def test_folder_problems(tmp_path: Path) -> None:
    with pytest.raises(DetenteError, match="no such folder"):
        import_genius(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DetenteError, match="no Genius files"):
        import_genius(tmp_path / "empty")
    with pytest.raises(DetenteError, match="is a file"):
        import_genius(FIX / "tiny" / "alice.xml")
    d = _tiny_copy(tmp_path)
    (d / "other_domain.xml").write_text((d / "holiday_domain.xml").read_text())
    with pytest.raises(DetenteError, match="2 domain files"):
        import_genius(d)
    (d / "other_domain.xml").unlink()
    (d / "holiday_domain.xml").unlink()
    with pytest.raises(DetenteError, match="no Genius domain file"):
        import_genius(d)


def test_utf16_and_hidden_files(tmp_path: Path) -> None:
    d = _tiny_copy(tmp_path)
    (d / "._alice.xml").write_bytes(b"\x00\x05\x16\x07 resource fork")  # macOS litter: ignored
    assert compile_scenario(import_genius(d)).party_ids == ("alice", "bob")
    (d / "bob.xml").write_text((d / "bob.xml").read_text(), encoding="utf-16")
    with pytest.raises(DetenteError, match="UTF-16/32 or binary; save it as UTF-8"):
        import_genius(d)


def test_export_refuses_a_folder_with_other_xml(tmp_path: Path) -> None:
    d = _tiny_copy(tmp_path)
    with pytest.raises(DetenteError, match="already holds other XML files"):
        export_genius(import_genius(FIX / "tiny"), d)


def test_other_roots_are_skipped_with_a_note(tmp_path: Path) -> None:
    d = _tiny_copy(tmp_path)
    (d / "tournament.xml").write_text("<Tournament/>")
    s = import_genius(d)
    assert "skipped tournament.xml" in (s.meta.description or "")


def test_make_id() -> None:
    taken: set[str] = set()
    assert make_id("Size of Fund", taken, "issue") == "Size-of-Fund"
    assert make_id("Size-of-Fund", taken, "issue") == "Size-of-Fund-2"
    assert make_id("$5", taken, "v") == "5"
    assert make_id("$$", taken, "v") == "v"
    assert make_id("19'' LCD", taken, "v") == "19-LCD"


# ----- export of a hand-written scenario --------------------------------------------------------------
def test_export_plain_scenario_keeps_utilities(tmp_path: Path) -> None:
    scenario = load_scenario(FIX / "nonneg-scenario.yaml")
    export = export_genius(scenario, tmp_path / "g")
    assert sorted(export.files) == ["Party A.xml", "Party B.xml", "domain.xml"]
    assert any("(1 prerequisite)" in w for w in export.warnings) and any(
        "uncertainty" in n for n in export.notes
    )
    assert export.shift == {"A": 0.0, "B": 0.0} and not any("shifted" in n for n in export.notes)
    back = compile_scenario(import_genius(tmp_path / "g"))
    cs = compile_scenario(scenario)
    assert back.party_names == ("Party A", "Party B") and back.move_names == cs.move_names
    every = np.indices(tuple(int(n) for n in cs.n_options)).reshape(cs.n_moves, -1).T
    assert np.allclose(back.utilities(every), cs.utilities(every), atol=1e-12)
    assert np.allclose(back.reservation, [2, 0])
    # refuses to overwrite, then --force replaces
    with pytest.raises(OutputExistsError, match="--force"):
        export_genius(scenario, tmp_path / "g")
    export_genius(scenario, tmp_path / "g", overwrite=True)


def test_export_shifts_negative_values(tmp_path: Path) -> None:
    """minimal.yaml — A: freeze (no 0, yes −3) shifted by 3 → evaluations (3, 0), relief (0, 2, 4) as is;
    B: freeze (0, 5) as is, relief (0, −1, −3) shifted by 3 → (3, 2, 0). Each party's utility of every
    package and its reservation (A 0 → 3, B 1 → 4) rise by 3; the rules come with a warning."""
    scenario = load_scenario(FIXTURES / "scenarios" / "minimal.yaml")
    export = export_genius(scenario, tmp_path / "g")
    assert export.shift == {"A": 3.0, "B": 3.0}
    assert any("A +3, B +3" in n and "keeps every comparison" in n for n in export.notes)
    assert export.warnings == [
        "the scenario's rules (1 red line, 1 minimum-content rule, 1 prerequisite) cannot be expressed in "
        "Genius XML and were left out: in Genius every combination of values is a possible agreement, "
        "including packages these rules forbid"
    ]
    _n, values, parties, grid, reservations = _xml_grid(tmp_path / "g")
    assert parties == ["Party A", "Party B"] and values == [["no", "yes"], ["none", "partial", "full"]]
    assert reservations == [3.0, 4.0]
    cs = compile_scenario(scenario)
    every = np.indices(tuple(int(n) for n in cs.n_options)).reshape(cs.n_moves, -1).T
    assert np.allclose(grid.reshape(-1, 2), cs.utilities(every) + 3.0, atol=1e-12)


@pytest.mark.parametrize(
    ("folder", "where"),
    [
        ("integer-issue", "price_domain.xml:8: issue 'Price' is integer"),
        ("dup-eval", "bob.xml:8: issue 'Destination', value 'City'"),
    ],
)
def test_content_errors_name_the_line(folder: str, where: str) -> None:
    """Errors about a Genius file's content name the line of the element at fault, not only the file."""
    with pytest.raises(DetenteError) as info:
        import_genius(FIX / folder)
    assert where in str(info.value)
