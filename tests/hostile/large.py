"""A generated large scenario for the resource-bound tests: ``n_moves`` moves, 4 parties, one coalition.

Seeded and written as YAML text (no solver output is hard-coded anywhere): every move has two or three
options with small integer values (status quo 0), every tenth move requires the one before it, and two red
lines refuse an option each. The reservation values leave a large zone of agreement, so every command has
real work to do on it — the file only tests that ``--time-limit`` bounds the whole command.
"""

from __future__ import annotations

import random
from pathlib import Path

PARTIES = ("A", "B", "C", "D")


def large_scenario(n_moves: int = 1000, seed: int = 0) -> str:
    """The YAML text of the generated scenario (module docstring)."""
    rng = random.Random(seed)
    lines = [
        "format_version: 1",
        "meta:",
        f"  title: Generated {n_moves} moves",
        "  values_note: Random integers (seeded), for resource-bound tests only.",
        "parties:",
    ]
    for p in PARTIES:
        lines.append(f"  - {{id: {p}, name: Party {p}, reservation: {rng.randint(0, n_moves // 20)}}}")
    lines += [
        "coalitions:",
        "  - {id: ab, name: A and B, members: [A, B]}",
        "moves:",
    ]
    for k in range(n_moves):
        owner = PARTIES[k % len(PARTIES)]
        lines += [f"  - id: m{k}", f"    name: Move {k}", f"    owner: {owner}", f"    category: c{k % 5}"]
        lines.append("    options:")
        lines.append('      - id: "no"')
        for j in range(rng.choice((1, 1, 2))):
            vals = ", ".join(f"{p}: {rng.randint(-6, 9)}" for p in PARTIES)
            lines.append(f"      - id: o{j + 1}")
            lines.append(f"        values: {{{vals}}}")
        if k % 10 == 9:
            lines.append(f"    requires: [m{k - 1}]")
    lines += [
        "constraints:",
        "  - {type: red_line, party: A, refuses: ['m0:o1']}",
        "  - {type: red_line, party: B, refuses: ['m1:o1']}",
    ]
    return "\n".join(lines) + "\n"


def write_large(path: Path, n_moves: int = 1000, seed: int = 0) -> Path:
    path.write_text(large_scenario(n_moves, seed), encoding="utf-8")
    return path
