"""Escape user text (party, move, option names, titles…) for every place Détente shows it.

A scenario is user input, and its names reach three interpreters. Each gets one function here, called
where the text enters that sink, so a name is always shown as written and never acts as markup:

* the **terminal** (Rich): :func:`terminal` — Rich markup (``[bold red]``, ``[/]``) escaped, control
  characters (ANSI escapes ``\\x1b[…``, bell, backspace, carriage return…) shown as ``\\xNN`` instead
  of being sent to the terminal;
* **matplotlib** charts: :data:`LITERAL_TEXT_RC` (``text.parse_math = False``: ``$\\alpha$`` is drawn as
  typed, ``$\\undefinedmacro$`` cannot crash the renderer) for figures Détente styles, and
  :func:`chart` for labels added to a figure drawn elsewhere (``$`` → ``\\$``);
* **Markdown**: :func:`markdown` — HTML (``<script>``, ``<img src=…>``) and entities escaped, link
  brackets escaped, and ``javascript:``/``data:``/``vbscript:`` schemes defused, so the Markdown brief
  carries text, never active content (the HTML and PDF briefs are escaped by Jinja's autoescape).
"""

from __future__ import annotations

import re
from typing import Any

#: C0/C1 control characters and DEL (tab and newline are kept: they lay out text, nothing more).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_SCHEME = re.compile(r"\b(javascript|vbscript|data|file)\s*:", re.IGNORECASE)

#: matplotlib rc settings under which every text is drawn literally (no mathtext).
LITERAL_TEXT_RC: dict[str, Any] = {"text.parse_math": False}


def visible_controls(text: str) -> str:
    """Control characters replaced by their visible ``\\xNN`` form (tab and newline kept)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def terminal(text: object) -> str:
    """``text`` for a Rich console or table cell: markup escaped, control characters made visible."""
    from rich.markup import escape

    return escape(visible_controls(str(text)))


def chart(text: object) -> str:
    """``text`` for a matplotlib label drawn with mathtext on: ``$`` escaped, controls made visible,
    and a leading ``_`` kept visible (matplotlib hides legend labels that start with ``_``)."""
    out = visible_controls(str(text)).replace("$", r"\$")
    return "\u200b" + out if out.startswith("_") else out


def markdown(text: Any) -> Any:
    """``text`` for a Markdown document: no raw HTML, entities, links or script URLs survive."""
    if not isinstance(text, str):
        return text
    out = visible_controls(text)
    out = _ENTITY.sub("&amp;", out).replace("<", "&lt;").replace(">", "&gt;")
    out = out.replace("[", "\\[").replace("]", "\\]")
    return _SCHEME.sub(lambda m: f"{m.group(1)}&#58;", out)
