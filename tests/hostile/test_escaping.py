"""Names as markup (issue 15, class 5): user text is shown as written in the terminal, in charts and
in the Markdown brief, and never acts as Rich markup, ANSI escapes, mathtext or HTML."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from detente.text import LITERAL_TEXT_RC, chart, markdown, terminal
from tests.hostile.conftest import HOSTILE, run, run_bounded

NAMES = HOSTILE / "markup-names.yaml"


def test_terminal_helper() -> None:
    assert terminal("[/]") == "\\[/]"
    assert terminal("[bold red]X") == "\\[bold red]X"
    assert terminal("\x1b[31mred") == "\\x1b[31mred"  # visible; '[31mred' is no Rich tag
    assert terminal("tab\tand\nnewline") == "tab\tand\nnewline"


def test_show_prints_names_as_written() -> None:
    r = run_bounded("show", str(NAMES))
    assert r.returncode == 0, r.stderr
    assert "[/]" in r.stdout and "[bold red]X" in r.stdout  # not a MarkupError, not swallowed as style
    assert "\x1b" not in r.stdout  # the escape is shown as \x1b, not sent to the terminal
    assert "\\x1b" in r.stdout


def test_markup_in_an_error_message_is_shown(tmp_path: Path) -> None:
    bad = tmp_path / "x.csv"
    bad.write_text("issue,[bold red]A,B\n[/],-1,2\n")
    r = run_bounded("adjusted-winner", str(bad))
    assert r.returncode == 2 and "[/]" in r.stderr and "internal error" not in r.stderr


def test_literal_mathtext_in_charts() -> None:
    from matplotlib import rc_context
    from matplotlib.figure import Figure

    for title, rc in (
        (r"$\undefinedmacro$ and $\alpha$", LITERAL_TEXT_RC),
        (chart(r"$\undefinedmacro$"), {}),
    ):
        with rc_context(rc):
            fig = Figure()
            ax = fig.add_subplot()
            ax.set_title(title)
            fig.savefig(io.BytesIO(), format="svg")  # mathtext would raise on \undefinedmacro
            assert "$" in ax.get_title()


def test_roadmap_chart_with_markup_names_draws_without_warnings(tmp_path: Path) -> None:
    r = run_bounded(
        "roadmap", str(NAMES), "--chart", str(tmp_path / "g.svg"), "--exposure-chart", str(tmp_path / "e.svg")
    )
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr
    assert (tmp_path / "g.svg").stat().st_size > 0


def test_markdown_helper() -> None:
    out = markdown("<script>alert(1)</script> <img src=http://x> [x](javascript:alert(1)) &amp; R&D")
    assert "<" not in out and "javascript:" not in out and "](" not in out.replace("\\](", "")
    assert "&amp;amp;" in out and "R&D" in out


@pytest.mark.slow
def test_markdown_brief_carries_no_active_content(tmp_path: Path) -> None:
    out = tmp_path / "memo.md"
    r = run(
        "brief",
        str(NAMES),
        "-o",
        str(out),
        "--no-roadmaps",
        "--options",
        "2",
        "--time-limit",
        "5",
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert "Warning" not in r.stderr
    text = out.read_text(encoding="utf-8")
    for active in ("<script", "<img", "javascript:"):
        assert active not in text
    assert not re.search(r"(?<!\\)\](\(javascript|\(http)", text)  # no link made from a name
    assert "&lt;script&gt;" in text and "\\[click\\]" in text  # shown, as text
