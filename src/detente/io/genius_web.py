"""Read GeniusWeb JSON domains and ``LinearAdditiveUtilitySpace`` profiles.

A GeniusWeb domain is ``{"name": ..., "issuesValues": {issue: {"values": [...]}}}``; a profile is
``{"LinearAdditiveUtilitySpace": {"issueWeights": {issue: w}, "issueUtilities": {issue:
{"discreteutils": {"valueUtilities": {value: e}}}}, "reservationBid": {"issuevalues": {...}}, ...}}``.
GeniusWeb's utility is u(o) = Σ_k w_k · e_k(o_k) **without** per-issue normalisation, so each issue's
weight is stored as ``w_k · max_v e_k(v)``: the scenario's ``w · e / max e`` then equals ``w_k · e_k``.
The reservation value is the utility of the profile's ``reservationBid`` (0 when there is none).
Number issues (``numberutils``) and other profile types are refused with a clear error.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from detente.io.genius import (
    GeniusDomain,
    GeniusError,
    GeniusIssue,
    GeniusProfile,
    folder_files,
    weight_notes,
)
from detente.io.input_policy import InputError, parse_json, read_text
from detente.io.source_map import SourceMap
from detente.model.limits import number_problem


def _load(path: Path) -> tuple[Any, str]:
    """The parsed JSON and its text (kept to locate later errors)."""
    try:
        text = read_text(path, what="GeniusWeb JSON file")
        return parse_json(text, str(path)), text
    except InputError as exc:
        raise GeniusError(f"{exc}; fix the file or move it out of the folder") from None


def _locator(file: Path, text: str | None) -> Callable[..., str]:
    """``at(*json_path)`` → ``'file:line:col'`` of that field (positions computed on first use)."""
    smap = SourceMap(pending=text)

    def at(*path: str) -> str:
        mark = smap.locate(("LinearAdditiveUtilitySpace", *path)) if text is not None else None
        return f"{file}:{mark[0]}:{mark[1]}" if mark else str(file)

    return at


def _mapping(x: Any, where: str, example: str) -> dict[str, Any]:
    """``x`` when it is a JSON object; a clean error naming the field and the expected shape otherwise."""
    if not isinstance(x, dict):
        raise GeniusError(f"{where}: expected a JSON object such as {example}, found {_kind(x)}")
    return x


def _kind(x: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(x), "a number")


def _domain(data: dict[str, Any], file: Path) -> GeniusDomain:
    iv = data.get("issuesValues")
    if not isinstance(iv, dict) or not iv:
        raise GeniusError(f"{file}: 'issuesValues' must map each issue to its values")
    issues = []
    for name, spec in iv.items():
        values = spec.get("values") if isinstance(spec, dict) else None
        if not isinstance(values, list):
            kind = ", ".join(spec) if isinstance(spec, dict) else type(spec).__name__
            raise GeniusError(
                f"{file}: issue '{name}' is not discrete (found {kind}, no 'values' list); Détente "
                "imports discrete issues only"
            )
        vals = [str(v) for v in values]
        if len(set(vals)) != len(vals) or not vals:
            raise GeniusError(f"{file}: issue '{name}' must list distinct values")
        issues.append(GeniusIssue(str(name), tuple(vals)))
    return GeniusDomain(name=str(data.get("name") or file.stem), issues=tuple(issues), file=str(file))


def _number(x: Any, where: str) -> float:
    if isinstance(x, bool) or not isinstance(x, int | float):
        raise GeniusError(f"{where}: expected a number, found {_kind(x)}")
    problem = number_problem(x)
    if problem is not None:
        raise GeniusError(f"{where}: {problem}")
    if x < 0:
        raise GeniusError(f"{where}: negative ({x}); GeniusWeb utilities and weights are 0 or more")
    return float(x)


def _profile(
    data: dict[str, Any], file: Path, domain: GeniusDomain, text: str | None = None
) -> GeniusProfile:
    at = _locator(file, text)
    space = data.get("LinearAdditiveUtilitySpace")
    if not isinstance(space, dict):
        raise GeniusError(
            f"{file}: profile type {', '.join(data) or '(none)'} is not supported; Détente reads "
            "GeniusWeb 'LinearAdditiveUtilitySpace' profiles"
        )
    weights_in = _mapping(
        space.get("issueWeights") or {}, f"{at('issueWeights')}: issueWeights", '{"issue": 0.5}'
    )
    utils_in = _mapping(
        space.get("issueUtilities") or {}, f"{at('issueUtilities')}: issueUtilities", '{"issue": {...}}'
    )
    weights: dict[str, float] = {}
    evaluations: dict[str, dict[str, float]] = {}
    for issue in domain.issues:
        spec = utils_in.get(issue.name)
        if not isinstance(spec, dict) or "discreteutils" not in spec:
            found = ", ".join(spec) if isinstance(spec, dict) else "nothing"
            raise GeniusError(
                f"{file}: issue '{issue.name}' needs 'discreteutils' (found {found}); Détente "
                "imports discrete issues only"
            )
        where = (
            f"{at('issueUtilities', issue.name, 'discreteutils')}: issueUtilities.{issue.name}.discreteutils"
        )
        du = _mapping(spec["discreteutils"], where, '{"valueUtilities": {...}}')
        vu = _mapping(du.get("valueUtilities", {}), f"{where}.valueUtilities", '{"value": 0.5}')
        evals = {}
        for v in issue.values:
            if v not in vu:
                raise GeniusError(f"{file}: issue '{issue.name}' has no utility for value '{v}'")
            evals[v] = _number(
                vu[v],
                f"{at('issueUtilities', issue.name, 'discreteutils', 'valueUtilities', v)}: "
                f"utility of '{issue.name}' = '{v}'",
            )
        unknown = [v for v in vu if v not in evals]
        if unknown:
            raise GeniusError(
                f"{file}: issue '{issue.name}' rates values not in the domain: {', '.join(unknown)}"
            )
        if issue.name not in weights_in:
            raise GeniusError(f"{file}: no weight for issue '{issue.name}' in 'issueWeights'")
        w = _number(weights_in[issue.name], f"{at('issueWeights', issue.name)}: weight of '{issue.name}'")
        top = max(evals.values())
        weights[issue.name] = w * top if top > 0 else 0.0
        evaluations[issue.name] = evals
    extra = [k for k in utils_in if k not in evaluations]
    if extra:
        raise GeniusError(
            f"{file}: issue(s) {', '.join(extra)} are not in the domain {Path(domain.file).name}"
        )
    reservation = 0.0
    rb = _mapping(
        space.get("reservationBid") or {}, f"{at('reservationBid')}: reservationBid", '{"issuevalues": {...}}'
    )
    bid = _mapping(
        rb.get("issuevalues") or {},
        f"{at('reservationBid', 'issuevalues')}: reservationBid.issuevalues",
        '{"issue": "value"}',
    )
    if bid:
        try:
            reservation = sum(
                _number(weights_in[k], file.name) * evaluations[k][str(v)] for k, v in bid.items()
            )
        except (KeyError, TypeError) as exc:
            raise GeniusError(f"{file}: the reservationBid names {exc}, which is not in the domain") from None
    notes = weight_notes(file, {k: weights_in[k] for k in evaluations})
    return GeniusProfile(
        name=file.stem,
        file=str(file),
        weights=weights,
        evaluations=evaluations,
        reservation=reservation,
        notes=(*notes, *((f"{file.stem}: reservation = utility of its reservationBid",) if bid else ())),
    )


def read_geniusweb_folder(folder: str | Path) -> tuple[GeniusDomain, list[GeniusProfile], list[str]]:
    """The domain (the ``*.json`` with ``issuesValues``) and the profiles (sorted by file name)."""
    d = Path(folder)
    files = folder_files(d, ".json")
    texts: dict[Path, str] = {}
    loaded = []
    for p in files:
        data, texts[p] = _load(p)
        loaded.append((p, data))
    domains = [(p, x) for p, x in loaded if isinstance(x, dict) and "issuesValues" in x]
    if len(domains) != 1:
        raise GeniusError(
            f"{d}: expected one GeniusWeb domain file (JSON with 'issuesValues'), found {len(domains)}"
        )
    domain = _domain(domains[0][1], domains[0][0])
    profiles = [(p, x) for p, x in loaded if p != domains[0][0]]
    if not profiles:
        raise GeniusError(
            f"{d}: no GeniusWeb profiles next to the domain {domains[0][0].name}; add one per party"
        )
    out = []
    for p, x in profiles:
        if not isinstance(x, dict):
            raise GeniusError(f"{p}: expected a JSON object (a GeniusWeb profile)")
        out.append(_profile(x, p, domain, texts[p]))
    return domain, out, []
