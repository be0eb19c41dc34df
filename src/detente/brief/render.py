"""Render a :class:`~detente.brief.model.BriefData` as HTML, Markdown or PDF, and write it to disk.

* **HTML** — one self-contained file: CSS inline, charts as ``data:`` SVG images with alt text, no
  network fetches; print CSS keeps table rows whole and repeats table headers.
* **Markdown** — the same content as text; charts are written as SVG files in a folder next to the
  document (``<name>-charts/``) and referenced by relative path, each with its alt text.
* **PDF** — WeasyPrint on the HTML: page numbers from ``@page`` counters, a table of contents with
  ``target-counter``.

The output never includes timings or the current date, so renders of the same scenario are identical.
"""

from __future__ import annotations

import base64
import math
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from detente.brief.model import BriefData
from detente.errors import DetenteError

if TYPE_CHECKING:
    from jinja2 import Environment

FORMATS = ("html", "pdf", "md")

#: The memo's sections after page 1 (at most four pages in all); the annex follows (``BriefData.annex``).
SECTIONS = (
    ("options", "Options side by side"),
    ("risks", "Risks"),
    ("roadmap", "Roadmap of the recommendation"),
)
ANNEX_TITLE = "Annex"


def annex_letter(n: int) -> str:
    """A, B, …, Z, AA, AB, … for the annex's n-th section (0-based)."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def label_em(data: BriefData) -> float:
    """Width (em) of the row-label column of the options tables: wide enough for the longest word of
    any party name or row label, so no word is ever broken (at least 7.5em)."""
    words = [w for p in data.parties for w in p.name.split()] + ["Robustness", "Roadmap"]
    return round(max(7.5, 0.62 * max(len(w) for w in words) + 1.2), 1)


def num(x: float | None, digits: int = 3) -> str:
    """A number for reading: integers as such, others to ``digits`` significant figures; '—' for None."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float) and math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if abs(x - round(x)) < 1e-9:
        return str(int(round(x))).replace("-", "−")
    return f"{x:.{digits}g}".replace("-", "−")


def signed(x: float) -> str:
    return ("+" if x >= 0 else "") + num(x)


@cache
def _env(kind: str) -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    from detente.text import markdown

    env = Environment(
        loader=PackageLoader("detente.brief", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html", "j2") if kind == "html" else ()),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=markdown if kind == "md" else None,  # user text as text: no HTML, links or scripts
    )
    env.filters["num"] = num
    env.filters["signed"] = signed
    env.filters["short"] = lambda s: re.sub(r"\s*\([^)]*\)", "", str(s)).strip() or str(s)
    env.filters["mdcell"] = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    return env


def _css() -> str:
    from importlib.resources import files

    return (files("detente.brief") / "templates" / "brief.css").read_text(encoding="utf-8")


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def render_html(data: BriefData, *, for_print: bool = False) -> str:
    """The brief as one self-contained HTML document."""
    return (
        _env("html")
        .get_template("brief.html.j2")
        .render(
            b=data,
            sections=SECTIONS,
            css=_css(),
            data_uri=svg_data_uri,
            for_print=for_print,
            annex_letter=annex_letter,
            label_em=label_em(data),
        )
    )


def render_markdown(data: BriefData, *, chart_dir: str | None = None) -> tuple[str, dict[str, str]]:
    """The brief as Markdown, and the chart files it references (``{file name: SVG text}``).

    With ``chart_dir`` the charts are linked as ``chart_dir/<key>.svg``; without it they are left out
    and only their alt text is shown.
    """
    text = (
        _env("md")
        .get_template("brief.md.j2")
        .render(b=data, sections=SECTIONS, chart_dir=chart_dir, annex_letter=annex_letter)
    )
    text = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    files = {f"{c.key}.svg": c.svg for c in data.charts} if chart_dir else {}
    return text, files


def render_pdf(data: BriefData) -> bytes:
    """The brief as PDF (WeasyPrint on the print HTML)."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=render_html(data, for_print=True)).write_pdf()  # type: ignore[no-any-return]


def output_format(path: Path, fmt: str | None = None) -> str:
    """``html``, ``pdf`` or ``md`` from ``fmt`` or the file extension; a clear error otherwise."""
    if fmt:
        kind = fmt.lower().lstrip(".")
    else:
        kind = {".html": "html", ".htm": "html", ".pdf": "pdf", ".md": "md", ".markdown": "md"}.get(
            path.suffix.lower(), ""
        )
    if kind not in FORMATS:
        raise DetenteError(
            f"cannot tell the brief format of '{path}': use an output name ending in .html, .pdf or .md "
            "(or pass --format html|pdf|md)"
        )
    return kind


def write_brief(
    data: BriefData,
    path: str | Path,
    *,
    fmt: str | None = None,
    protect: Path | None = None,
    overwrite: bool = False,
) -> list[Path]:
    """Write the brief to ``path`` (format from the extension unless ``fmt``); returns the files written.

    An existing file (the brief or one of a Markdown brief's charts) is replaced only with
    ``overwrite`` (``--force``); a Markdown brief and its chart folder are written as one unit
    (:func:`detente.io.writer.write_files`). The scenario file itself (``protect``) is never written over.
    """
    from detente.io.writer import write_files

    target = Path(path)
    kind = output_format(target, fmt)
    if protect is not None and target.exists() and target.resolve() == Path(protect).resolve():
        raise DetenteError(
            f"refusing to write the brief over the scenario file '{target}'; choose another -o name"
        )
    if target.exists() and target.is_dir():
        raise DetenteError(f"'{target}' is a folder; give a file name such as {target / 'brief.html'}")
    if kind == "html":
        return write_files({target: render_html(data)}, overwrite=overwrite)
    if kind == "pdf":
        return write_files({target: render_pdf(data)}, overwrite=overwrite)
    chart_dir = f"{target.stem}-charts"
    text, files = render_markdown(data, chart_dir=chart_dir)
    unit: dict[str | Path, str | bytes] = {target: text}
    unit.update({target.parent / chart_dir / name: svg for name, svg in files.items()})
    written = write_files(unit, overwrite=overwrite, unit_dirs=(target.parent / chart_dir,))
    return written
