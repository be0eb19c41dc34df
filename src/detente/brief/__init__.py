"""The options memo for principals: ``build_brief`` assembles it, ``render_*`` and ``write_brief`` output it.

Typical use::

    from detente.brief import build_brief, write_brief
    data = build_brief(cs)                 # calls the analysis and roadmap APIs once
    write_brief(data, "brief.html")        # or .pdf / .md
"""

from detente.brief.build import BriefOptions, ProgressFn, build_brief
from detente.brief.model import BriefData
from detente.brief.render import render_html, render_markdown, render_pdf, write_brief

__all__ = [
    "BriefData",
    "BriefOptions",
    "ProgressFn",
    "build_brief",
    "render_html",
    "render_markdown",
    "render_pdf",
    "write_brief",
]
