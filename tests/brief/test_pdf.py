"""The printed memo, checked as a reader gets it: text per page (pdftotext) and pages as images (pdftoppm).

* the memo is at most four pages, then the annex starts on a new page under the heading "Annex";
* page 1 holds the recommendation in words, how robust it is, and the roadmap in one line;
* nothing is printed beyond the right margin (a wide eight-party table, a very long word);
* words are never broken inside (no "Neighbourin g state").
"""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from detente.brief import write_brief
from detente.brief.model import BriefData
from tests.brief.conftest import BRIEF_FIXTURES, brief_of
from tests.conftest import shipped_scenarios

WIDE = BRIEF_FIXTURES / "wide.yaml"
THREE = BRIEF_FIXTURES / "three-party.yaml"
NO_DEAL = BRIEF_FIXTURES / "no-deal.yaml"
FLAGSHIP = next(p for p in shipped_scenarios() if p.stem == "korea-2019")

#: A4 is 210 mm wide; the stylesheet's right margin is 13 mm (``@page { margin: … 13mm … }``).
PAGE_MM, RIGHT_MARGIN_MM = 210.0, 13.0
DPI = 50


def _need(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.fail(f"{tool} is not installed (poppler-utils; run scripts/system-deps.sh)")
    return exe


@cache
def _pdf(path: Path, out_dir: Path) -> Path:
    out = out_dir / f"{path.stem}.pdf"
    write_brief(brief_of(path), out)
    return out


@pytest.fixture(scope="module")
def pdf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pdf")


def pages_text(pdf: Path) -> list[str]:
    text = subprocess.run(
        [_need("pdftotext"), "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return text.split("\f")[:-1]


def annex_page(pages: list[str]) -> int:
    """0-based index of the page on which the heading "Annex" (a line of its own) stands."""
    found = [n for n, page in enumerate(pages) if re.search(r"^\s*Annex\s*$", page, re.M)]
    assert found, "no page carries the heading 'Annex'"
    return found[0]


def read_pgm(path: Path) -> np.ndarray:
    """A binary greyscale PGM (P5, 8-bit) as an (H, W) uint8 array."""
    raw = path.read_bytes()
    magic, w, h, maxval = raw.split(maxsplit=4)[:4]
    assert magic == b"P5" and int(maxval) == 255
    offset = len(b" ".join([magic, w, h, maxval])) + 1
    return np.frombuffer(raw[offset:], dtype=np.uint8, count=int(w) * int(h)).reshape(int(h), int(w))


def page_images(pdf: Path, tmp: Path) -> list[np.ndarray]:
    subprocess.run([_need("pdftoppm"), "-gray", "-r", str(DPI), str(pdf), str(tmp / "page")], check=True)
    return [read_pgm(p) for p in sorted(tmp.glob("page-*.pgm"))]


def _memo_checks(data: BriefData, pages: list[str]) -> None:
    first = annex_page(pages)
    assert 1 <= first <= 4, f"the memo before the annex is {first} pages (at most 4)"
    assert re.search(rf"Page 1 of {len(pages)}\b", pages[0]), "page numbers are missing"
    annex = " ".join(" ".join(pages[first:]).split())
    for n, sec in enumerate(data.annex):
        assert re.search(rf"{chr(65 + n)}\. {re.escape(sec.title)}\s*\.*\s*\d+", annex), (
            f"the annex contents list has no page number for {sec.title}"
        )
    memo = " ".join(" ".join(pages[:first]).split())
    for o in data.options:
        assert o.title in memo


@pytest.mark.parametrize("path", [THREE, WIDE, NO_DEAL], ids=lambda p: p.stem)
def test_memo_is_at_most_four_pages_then_the_annex(path: Path, pdf_dir: Path) -> None:
    data = brief_of(path)
    _memo_checks(data, pages_text(_pdf(path, pdf_dir)))


@pytest.mark.parametrize("path", [THREE, WIDE], ids=lambda p: p.stem)
def test_page_one_states_recommendation_robustness_and_roadmap(path: Path, pdf_dir: Path) -> None:
    data = brief_of(path)
    rec = data.recommendation
    assert rec is not None
    page1 = " ".join(pages_text(_pdf(path, pdf_dir))[0].split())
    assert f"Recommendation: {rec.option.title}" in page1
    pct = round(100 * rec.option.robustness) if rec.option.robustness is not None else None
    assert pct is not None
    assert f"Acceptable to every party in {pct}% of plausible value draws" in page1
    assert "Roadmap." in page1
    for s in rec.option.stakes:  # what each side gives, in the scenario's own move names
        for item in s.gives_items[:1]:
            assert " ".join(item.split()[:3]) in page1


def test_nothing_beyond_the_right_margin_and_no_broken_words(pdf_dir: Path, tmp_path: Path) -> None:
    pdf = _pdf(WIDE, pdf_dir)
    images = page_images(pdf, tmp_path)
    assert len(images) == len(pages_text(pdf)) and len(images) > 2
    edge = int(round((PAGE_MM - RIGHT_MARGIN_MM + 1.0) / 25.4 * DPI))
    for n, img in enumerate(images, start=1):
        assert abs(img.shape[1] - PAGE_MM / 25.4 * DPI) <= 1.5
        beyond = img[:, edge:]
        assert beyond.min() > 200, f"page {n}: something is printed beyond the right margin"
        assert img[:, : edge - 5].min() < 100, f"page {n} looks empty"
    # ordinary long words stay whole (a word wider than any column, like the fixture's 45-letter one,
    # may only be broken rather than run off the page: checked above)
    # (a header too narrow for a word hyphenates it at a syllable, with a hyphen: "Neighbour-" / "ing")
    text = " ".join(pages_text(pdf))
    long_words = {"Neighbouring", "Intergovernmental", "Hydroelectricity", "Environmental", "municipalities"}
    for word in long_words:
        assert re.search(rf"\b{word}\b", text), f"'{word}' never appears whole"
        broken = [
            word[:i]
            for i in range(4, len(word))
            if re.search(rf"(?<![A-Za-z]){word[:i]}(?![A-Za-z\-\u2010\u00ad])", text)
        ]
        assert not broken, f"'{word}' is broken mid-word without a hyphen: {broken}"


def test_no_exposure_chart_when_no_one_is_exposed() -> None:
    data = brief_of(THREE)
    for o in data.options:
        if o.roadmap is not None and o.roadmap.worst_exposure_party is None:
            assert not any(c.key == f"exposure-{o.key}" for c in data.charts)


@pytest.mark.slow
def test_flagship_memo(tmp_path: Path) -> None:
    """The flagship as ``make demo`` briefs it (default roadmap time, four options)."""
    from detente.brief import BriefOptions, build_brief
    from tests.brief.conftest import compiled

    data = build_brief(compiled(FLAGSHIP), options=BriefOptions(time_limit=5.0))
    pdf = tmp_path / "korea.pdf"
    write_brief(data, pdf)
    pages = pages_text(pdf)
    _memo_checks(data, pages)
    page1 = " ".join(pages[0].split())
    assert data.recommendation is not None
    assert re.search(
        r"Acceptable to every party in \d+% of plausible value draws; the judgments it rests on", page1
    )
    # every option has its own ranked risks, and low robustness is stated as a risk
    assert all(o.risks for o in data.options)
    assert len({o.main_risk for o in data.options}) > 1
    low = [o for o in data.options if o.robustness is not None and o.robustness < 0.5]
    assert all(any("plausible value draws" in r for r in o.risks) for o in low)
    # grouped risks: no group lists the same subject twice
    for g in data.risk_groups:
        assert len({line.title for line in g.lines}) == len(g.lines)
    edge = int(round((PAGE_MM - RIGHT_MARGIN_MM + 1.0) / 25.4 * DPI))
    for n, img in enumerate(page_images(pdf, tmp_path), start=1):
        assert img[:, edge:].min() > 200, f"page {n}: something is printed beyond the right margin"
