"""Run every benchmark (``benchmarks/bench_*.py``) and write their figures to docs/benchmarks.md.

Each bench module has ``run() -> str``: it measures Détente and its baseline in the same run and
returns a Markdown section (a heading, a table with ratios, and what was measured).
Run with ``make bench``; ``python benchmarks/run.py NAME`` runs only ``bench_NAME.py``.
"""

from __future__ import annotations

import importlib.util
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "docs" / "benchmarks.md"


def main(argv: list[str]) -> int:
    names = argv or sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))
    sections: list[str] = []
    for name in names:
        path = HERE / f"bench_{name}.py"
        spec = importlib.util.spec_from_file_location(f"bench_{name}", path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {name}", flush=True)
        start = time.perf_counter()
        section = module.run()
        print(section, flush=True)
        print(f"({time.perf_counter() - start:.1f} s)", flush=True)
        sections.append(section)
    if not argv:  # only a full run rewrites the record
        header = (
            "# Benchmarks\n\nLatest figures from `make bench` (all measured in the same run, on this machine: "
            f"{platform.processor() or platform.machine()}, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d')}). Ratios compare against baselines measured in that same run.\n\n"
        )
        DOC.write_text(header + "\n\n".join(sections) + "\n", encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
