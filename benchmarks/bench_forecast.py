"""Forecast validation benchmark: time of a full ``validate_forecasts`` run (every model and baseline,
both cross-validated grids) on a synthetic 30-actor × 350-issue file, target under a minute; and, on
the DEU III development half (when the shared data is present), each model's error as a ratio to the
compromise baseline measured in the same run.

Synthetic file (seeded): the DEU layout with 30 actors (``com``, ``ep`` and 28 member states with the
development file's row-2 capabilities), 350 issues in 120 proposals, each actor holding a position
(0, 25, 50, 75 or 100) with probability 0.7 and a salience in {0, 10, …, 100}; the outcome is the
weighted mean plus noise, rounded to the scale.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from detente.forecast.validate import validate_forecasts

ACTORS = [
    "com",
    "ep",
    "at",
    "be",
    "bu",
    "cr",
    "cy",
    "cz",
    "dk",
    "ee",
    "fi",
    "fr",
    "de",
    "el",
    "hu",
    "ie",
    "it",
    "lv",
    "lt",
    "lu",
    "mt",
    "nl",
    "pl",
    "pt",
    "ro",
    "si",
    "sk",
    "es",
    "se",
    "uk",
]
CAPS = (4.1, 4.1, 0.48, 0.58, 0.09, 0.08, 0.03, 0.31, 0.37, 0.04, 0.28, 2.8, 4.1, 0.22, 0.2, 0.5, 2.09, 0.04,
        0.07, 0.08, 0.02, 1.03, 0.75, 0.27, 0.32, 0.06, 0.12, 1.46, 0.55, 2.64)  # fmt: skip
DEU = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "reference"
    / "forecasting"
    / "deu3"
    / "deu3-development.tsv"
)


def synthetic(path: Path, issues: int = 350, proposals: int = 120, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    head = [
        "prnr",
        "isnr",
        "proc",
        "counvte",
        *(f"p{a}" for a in ACTORS),
        *(f"s{a}" for a in ACTORS),
        "rp",
        "out",
    ]
    lines = ["\t".join(head), "\t".join(["", "", "", "", *map(str, CAPS), *[""] * len(ACTORS), "", ""])]
    for q in range(issues):
        held = rng.random(len(ACTORS)) < 0.7
        held[0] = True
        x = rng.choice([0, 25, 50, 75, 100], size=len(ACTORS)).astype(float)
        s = rng.choice(np.arange(0, 101, 10), size=len(ACTORS)).astype(float)
        w = np.asarray(CAPS) * s * held
        mean = (w * x).sum() / w.sum() if w.sum() > 0 else x[held].mean()
        out = float(np.clip(np.round(mean + rng.normal(0, 15)), 0, 100))
        p = f"s{q % proposals:04d}"
        cells = [p, f"{p}i{q}", "COD" if q % 3 else "CNS", "QMV" if q % 5 else "Unan"]
        cells += [f"{v:g}" if h else "" for v, h in zip(x, held, strict=True)]
        cells += [f"{v:g}" if h else "" for v, h in zip(s, held, strict=True)]
        cells += ["", f"{out:g}"]
        lines.append("\t".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.tsv"
        synthetic(path)
        start = time.perf_counter()
        result = validate_forecasts(path)
        seconds = time.perf_counter() - start
    out = [
        "## Forecast validation",
        "",
        "`validate_forecasts` (compromise, weighted median, mean, reference point, Commission; BDM; SMP; "
        "two cross-validated grids) on a seeded synthetic DEU-layout file of 30 actors × 350 issues "
        "(120 proposals, 5 folds). Target: under a minute.",
        "",
        "| issues | actors | seconds | < 60 s |",
        "| ---: | ---: | ---: | --- |",
        f"| {len(result.issues)} | {len(ACTORS)} | {seconds:.1f} | {'yes' if seconds < 60 else 'no'} |",
    ]
    if DEU.exists():
        dev = validate_forecasts(DEU)
        base = dev.score("compromise").mae
        out += [
            "",
            f"DEU III development half ({dev.score('compromise').n} issues, 5-fold CV grouped by proposal, seed 0): "
            "MAE on the 0–100 scale and its ratio to the compromise baseline (below 1 = better).",
            "",
            "| model | kind | n | MAE | ratio to compromise | median error | hits ≤ 10 |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for s in sorted(dev.scores, key=lambda s: s.mae):
            kind = "baseline" if s.baseline else "model, CV" if s.cross_validated else "model"
            out.append(
                f"| {s.model} | {kind} | {s.n} | {s.mae:.1f} | {s.mae / base:.2f} | {s.median_error:.1f} | {s.hits:.0%} |"
            )
    return "\n".join(out)
