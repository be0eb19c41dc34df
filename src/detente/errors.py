"""The base of every error Détente reports to a user (printed cleanly, no traceback), and the one
"did you mean" suggestion every error message uses."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class DetenteError(Exception):
    """A problem the user can fix: bad input, an impossible request, an existing output file."""


def did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate to ``word`` (case-insensitive), or None when nothing is close."""
    pool = list(dict.fromkeys(candidates))
    lowered = {c.lower(): c for c in pool}
    match = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=0.6)
    return lowered[match[0]] if match else None
