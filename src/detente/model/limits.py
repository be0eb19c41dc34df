"""What values the model accepts: the numeric limits of every scenario field and table.

Every value an algorithm consumes must satisfy ``|x| ≤`` :data:`MAX_MAGNITUDE` (:func:`number_problem`),
durations in days ``≤`` :data:`MAX_DAYS` and counts ``≤`` :data:`MAX_COUNT`; numbers as written have at
most :data:`MAX_DIGITS` digits. At 10¹² the sums of thousands of values stay exact to well below the
tolerances the solvers use, and CP-SAT's scaled 64-bit integers cannot overflow. The readers of
:mod:`detente.io` apply these limits to files (with locations); the model and the algorithms apply them
to values given through the Python API.
"""

from __future__ import annotations

import math
from typing import Any

#: Most digits in one number as written.
MAX_DIGITS = 30
#: Largest magnitude of a value, reservation, weight or point count.
MAX_MAGNITUDE = 1e12
#: Largest number of days (lead times, durations, deadlines).
MAX_DAYS = 1_000_000
#: Largest count (``at_least``, ``min``, ``max``).
MAX_COUNT = 1_000_000
#: Most parties in a scenario. Not for the Nash product (scored in log space: any number of parties
#: works) but for the egalitarian (leximin) solution, which solves one model per party, each with P²
#: auxiliary variables (Ogryczak's ordered sums): 250 parties are 250 solves of 62,500 auxiliaries.
MAX_PARTIES = 250


def sci(x: float) -> str:
    """A limit for messages: ``1e12``, ``1e6``."""
    exponent = math.log10(x)
    return f"1e{int(exponent)}" if exponent.is_integer() else f"{x:g}"


def number_problem(x: Any, *, limit: float = MAX_MAGNITUDE, integer: bool = False) -> str | None:
    """Why the number ``x`` is refused (not finite, ``|x| > limit``, not an integer when one is
    needed), or None when it is acceptable."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return None
    if isinstance(x, float) and not math.isfinite(x):
        return f"{x} is not a finite number"
    if abs(x) > limit:
        return f"{x:.6g} is outside the supported range |value| ≤ {sci(limit)}"
    if integer and isinstance(x, float) and not x.is_integer():
        return f"{x} is not a whole number"
    return None


def limit_for(field: str) -> float:
    """The magnitude limit of a scenario field: days and counts have their own bounds."""
    if field.endswith("_days"):
        return MAX_DAYS
    if field in ("at_least", "min", "max"):
        return MAX_COUNT
    return MAX_MAGNITUDE
