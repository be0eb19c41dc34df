"""Capabilities for EU legislative issues from Council voting weights, with fitted institution shares.

The *procedural* weighting (after the procedural models of EU decision-making, Thomson et al. 2006):
member states weigh by their Council QMV voting weights under the Treaty of Nice (EU-28: DE, FR, IT,
UK 29; ES, PL 27; RO 14; NL 13; BE, CZ, EL, HU, PT 12; AT, BG, SE 10; HR, DK, IE, LT, SK, FI 7; CY, EE,
LV, LU, SI 4; MT 3 — 352 in all), which is what a state can actually bring to a qualified-majority
vote, rather than GDP. Under unanimity every state holds a veto, so states weigh equally. The
Commission (agenda setter) and the Parliament (co-legislator under co-decision, consulted otherwise)
have no Council votes: each gets a share a of the total weight, w = a/(1 − a) · Σ_states c·s, with
a_com, a_ep(COD) and a_ep(other) fitted by cross-validation over proposals
(:mod:`detente.forecast.validate`).
"""

from __future__ import annotations

import numpy as np

from detente.forecast.deu import ValidationSet
from detente.model.compiled import FloatArray

NICE_WEIGHTS: dict[str, float] = {
    **dict.fromkeys(("de", "fr", "it", "uk"), 29.0),
    **dict.fromkeys(("es", "pl"), 27.0),
    "ro": 14.0,
    "nl": 13.0,
    **dict.fromkeys(("be", "cz", "el", "hu", "pt"), 12.0),
    **dict.fromkeys(("at", "bu", "bg", "se"), 10.0),
    **dict.fromkeys(("cr", "hr", "dk", "ie", "lt", "sk", "fi"), 7.0),
    **dict.fromkeys(("cy", "ee", "lv", "lu", "si"), 4.0),
    "mt": 3.0,
}
INSTITUTIONS = ("com", "ep")


def procedural_weights(vs: ValidationSet, a_com: float, a_ep_cod: float, a_ep_other: float) -> FloatArray:
    """(Q, A) weights w = c·s of the procedural model for every issue (0 where an actor has no position)."""
    held = ~np.isnan(vs.positions)
    qmv = np.asarray([NICE_WEIGHTS.get(a, 0.0) for a in vs.actors])
    equal = np.asarray([0.0 if a in INSTITUTIONS else 1.0 for a in vs.actors])
    unan = np.asarray([v.lower().startswith("unan") for v in vs.voting])
    base = np.where(unan[:, None], equal[None, :], qmv[None, :])
    w = base * vs.saliences * held
    council = w.sum(axis=1)
    cod = np.asarray([p.upper() == "COD" for p in vs.procedure])
    for code, share in (("com", np.full(len(cod), a_com)), ("ep", np.where(cod, a_ep_cod, a_ep_other))):
        if code in vs.actors:
            k = vs.actors.index(code)
            active = held[:, k] & (vs.saliences[:, k] > 0)
            w[:, k] = np.where(active, share / (1 - share) * council, 0.0)
    return w
