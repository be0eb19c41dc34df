"""Render the brief for every shipped scenario, the fixtures and a Genius domain; check what readers get.

HTML and Markdown for every case; PDF (checked with pdftotext, and its pages turned into PNG images)
for two small cases. The Markdown of the fixtures is compared with snapshots in ``snapshots/``;
regenerate them with ``DETENTE_UPDATE_SNAPSHOTS=1``.
"""

from __future__ import annotations

import itertools
import os
import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from detente.brief import render_html, render_markdown, render_pdf
from detente.brief.render import ANNEX_TITLE, SECTIONS
from tests.brief.conftest import BRIEF_FIXTURES, brief_cases, brief_of, compiled

SNAPSHOTS = Path(__file__).parent / "snapshots"
SECTION_TITLES = [title for _, title in SECTIONS[:2]]  # the roadmap section needs a sequenced option


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def _tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(html)
    return p.tags


@pytest.mark.parametrize("path", brief_cases())
def test_html_is_self_contained_and_accessible(path: Path) -> None:
    data = brief_of(path)
    html = render_html(data)
    tags = _tags(html)
    for tag, attrs in tags:
        for attr in ("src", "href"):
            value = attrs.get(attr) or ""
            if tag in ("img", "link", "script", "iframe", "source"):
                assert not re.match(r"^(https?:)?//", value), (
                    f"<{tag} {attr}={value[:60]}> fetches from the network"
                )
        if tag in ("link", "script"):
            assert not attrs.get("src") and not attrs.get("href"), f"external <{tag}>"
        if tag == "img":
            assert (attrs.get("alt") or "").strip(), "an image without alt text"
            assert (attrs.get("src") or "").startswith("data:image/")
    assert not any(tag == "svg" for tag, _ in tags) or "<title>" in html
    heads = [t for t, _ in tags if t in ("h1", "h2")]
    assert heads.count("h1") == 1 and heads.count("h2") >= len(SECTION_TITLES) + 1 + len(data.annex)
    text = unescape(html)
    for title in [*SECTION_TITLES, ANNEX_TITLE, *(sec.title for sec in data.annex)]:
        assert title in text
    assert sum(1 for t, a in tags if t == "th" and a.get("scope") == "col") > 0
    for p in data.parties:
        assert p.name in text
    for o in data.options:
        assert o.title in text
    assert len(data.options) >= 1 or not data.zone.exists


@pytest.mark.parametrize("path", brief_cases())
def test_markdown_has_every_section_and_chart_alt_text(path: Path) -> None:
    data = brief_of(path)
    text, files = render_markdown(data, chart_dir="brief-charts")
    for title in SECTION_TITLES:
        assert f"## {title}" in text
    assert f"\n# {ANNEX_TITLE}\n" in text
    for sec in data.annex:
        assert re.search(rf"^## [A-Z]\. {re.escape(sec.title)}$", text, re.M)
    for c in data.charts:
        assert f"](brief-charts/{c.key}.svg)" in text
        assert files[f"{c.key}.svg"].startswith("<svg")
    assert not re.search(r"\d+(\.\d+)? ?s(econds)?\b elapsed", text)


def test_no_deal_brief_says_why_and_what_would_open_one() -> None:
    path = BRIEF_FIXTURES / "no-deal.yaml"
    cs = compiled(path)
    every = np.asarray(list(itertools.product(*[range(int(n)) for n in cs.n_options])))
    assert not cs.acceptable(every).any()  # brute force: the fixture really has no deal
    data = brief_of(path)
    assert not data.zone.exists
    assert data.zone.blockers and data.zone.openings
    # the options put forward are the packages each relaxation would open; none is acceptable now
    assert [o.title for o in data.options] == [f"Opening {n}" for n in range(1, len(data.zone.openings) + 1)]
    assert not any(o.acceptable for o in data.options)
    assert all(o.main_risk.startswith("Needs: relax") for o in data.options)
    # each opening relaxes something and names a package that then becomes acceptable
    assert all(x.startswith("relax ") and "then this package is acceptable" in x for x in data.zone.openings)
    text, _ = render_markdown(data)
    assert "There is no zone of agreement." in text
    assert "What would open a zone of agreement" in text
    assert data.recommendation is None
    assert "Budget ceiling" in data.bottom_line[1]  # the blocking red line, in the scenario's words


@pytest.mark.parametrize("name", ["three-party", "no-deal"])
def test_markdown_snapshot(name: str) -> None:
    data = brief_of(BRIEF_FIXTURES / f"{name}.yaml")
    text, _ = render_markdown(data, chart_dir=f"{name}-charts")
    again, _ = render_markdown(data, chart_dir=f"{name}-charts")
    assert text == again
    snap = SNAPSHOTS / f"{name}.md"
    if os.environ.get("DETENTE_UPDATE_SNAPSHOTS") or not snap.exists():
        snap.parent.mkdir(parents=True, exist_ok=True)
        snap.write_text(text, encoding="utf-8")
        if not os.environ.get("DETENTE_UPDATE_SNAPSHOTS"):
            pytest.fail(f"snapshot {snap.name} was missing and has been written; re-run")
    assert text == snap.read_text(encoding="utf-8"), (
        f"the Markdown brief differs from {snap}; if the change is intended, re-run with DETENTE_UPDATE_SNAPSHOTS=1"
    )


def test_pdf_bytes_from_api_match_writer(tmp_path: Path) -> None:
    data = brief_of(BRIEF_FIXTURES / "no-deal.yaml")
    assert render_pdf(data)[:4] == b"%PDF"


def test_annex_takes_extra_sections() -> None:
    """Another module adds an annex section (a partial plus its data): it is lettered and listed."""
    import dataclasses

    from detente.brief.build import annex_sections
    from detente.brief.model import AnnexSection

    data = brief_of(BRIEF_FIXTURES / "three-party.yaml")
    extra = AnnexSection("more-risks", "Risks again", "risks", data=None)
    more = dataclasses.replace(data, annex=annex_sections(data, [extra]))
    letter = chr(65 + len(more.annex) - 1)
    html = unescape(render_html(more))
    assert 'id="annex-more-risks"' in html and f"{letter}. Risks again" in html
    text, _ = render_markdown(more)
    assert f"## {letter}. Risks again" in text
