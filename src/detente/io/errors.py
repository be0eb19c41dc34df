"""Located, human-readable errors for scenario files.

Every problem names the file, line and column, the field path (``moves[3].options[1].values.US``),
what was expected and, where it can, a "did you mean" suggestion. The CLI prints them and exits
non-zero; nothing here raises a traceback at the user.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from detente.errors import DetenteError

PathItem = str | int
#: Most problems listed for one file (the rest are counted).
MAX_REPORTED = 100


def format_path(path: Sequence[PathItem]) -> str:
    """``('moves', 3, 'options')`` → ``moves[3].options``; the empty path is ``(top level)``."""
    out = ""
    for item in path:
        if isinstance(item, int):
            out += f"[{item}]"
        else:
            out += f".{item}" if out else str(item)
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One problem in a scenario file."""

    file: str
    path: tuple[PathItem, ...]
    message: str
    line: int | None = None
    column: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {format_path(self.path)}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ScenarioError(DetenteError):
    """A scenario file could not be loaded; ``problems`` lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        if (
            len(self.problems) > MAX_REPORTED + 1
        ):  # a flood (e.g. one id repeated 50,000 times): the first ones
            rest = self.problems[MAX_REPORTED]
            self.problems = [
                *self.problems[:MAX_REPORTED],
                Problem(
                    rest.file,
                    rest.path,
                    f"… and {len(problems) - MAX_REPORTED:,} more problems, not listed",
                    rest.line,
                    rest.column,
                    "fix the ones above first",
                ),
            ]
        super().__init__("\n".join(str(p) for p in self.problems))
