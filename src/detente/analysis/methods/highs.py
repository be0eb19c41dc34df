"""One way to make a HiGHS solver: quiet, single-threaded, seeded (deterministic on any machine load)."""

from __future__ import annotations

import os
import sys
from typing import Any


def new_highs() -> Any:
    """A ``highspy.Highs`` with output off, one thread and a fixed seed.

    HiGHS prints its banner from the C++ constructor straight to file descriptor 1; it is sent to
    /dev/null so ``--format json`` output (and every terminal budget) stays clean.
    """
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 1)
            h = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    h.setOptionValue("output_flag", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 0)
    return h
