"""Nash with 200 parties (issue 15, item 4): the product of 200 gains leaves the float range, so every
Nash score is compared in log space (Σ w_i log g_i); the old linear product underflowed to 0 and tied
every package (and the loader refused more than 100 parties)."""

from __future__ import annotations

import json
import math

from detente.analysis.solve import solve
from detente.io.loader import parse_scenario
from detente.model.compiled import compile_scenario
from tests.hostile.conftest import run

N = 200


def many_parties() -> str:
    """200 parties; move ``share`` gives every party 2 (option ``more``) or 1 (``less``); move ``big``
    would give each 100 but party p0 refuses it, so it only sets the utility scale (about 100). The
    normalised gains are then 0.02 and 0.01, whose products over 200 parties (10^-340, 10^-400) are
    both 0 in floating point."""
    parties = "".join(f"  - {{id: p{i}, name: P{i}, reservation: 0}}\n" for i in range(N))
    more = ", ".join(f"p{i}: 2" for i in range(N))
    less = ", ".join(f"p{i}: 1" for i in range(N))
    big = ", ".join(f"p{i}: 100" for i in range(N))
    return (
        "meta: {title: Two hundred parties}\nparties:\n"
        + parties
        + "moves:\n"
        + "  - {id: share, name: Share, owner: p0, category: c, options: "
        + f"[{{id: less, values: {{{less}}}}}, {{id: more, values: {{{more}}}}}]}}\n"
        + "  - {id: big, name: Big, owner: p1, category: c, options: "
        + f"[{{id: none}}, {{id: all, values: {{{big}}}}}]}}\n"
        + "constraints:\n  - {type: red_line, party: p0, refuses: ['big:all']}\n"
    )


def test_nash_with_200_parties_picks_the_larger_product() -> None:
    cs = compile_scenario(parse_scenario(many_parties(), "many.yaml"))
    assert 0.01**N == 0.0 and 0.02**N == 0.0  # the linear products are not representable
    result = solve(cs, "nash")
    assert result.optimal
    assert [cs.choices_to_ids(p.choices)["share"] for p in result.packages] == ["more"]
    # the product 2^200 is representable; its logarithm is what was compared
    assert result.objective is not None and math.isclose(math.log(result.objective), N * math.log(2))


def test_nash_with_200_parties_from_the_command_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "many.yaml"
    path.write_text(many_parties(), encoding="utf-8")
    r = run("solve", str(path), "--concept", "nash", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert [p["choices"]["share"] for p in out["packages"]] == ["more"]


def test_a_nash_product_beyond_floating_point_is_reported_not_crashed() -> None:
    """Gains of 50 for 200 parties: the product 50^200 ≈ 10^340 exceeds the float range. Both the
    enumeration and the certified CP-SAT method still pick the package and say so in a note."""
    text = many_parties().replace(": 2,", ": 50,").replace(": 2}", ": 50}")
    cs = compile_scenario(parse_scenario(text, "many.yaml"))
    for method in ("auto", "cp-sat"):
        result = solve(cs, "nash", method=method)
        assert result.optimal, method
        assert [cs.choices_to_ids(p.choices)["share"] for p in result.packages] == ["more"], method
        assert result.objective == math.inf
        assert any("beyond floating point" in n for n in result.notes), method
