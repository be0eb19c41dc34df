"""Import and export Genius / ANAC negotiation domains (XML) as Détente scenarios.

A Genius domain folder holds one **domain** file (root ``<negotiation_template>``: the issues and
their values) and one **profile** per party (root ``<utility_space>``: per-issue weights ``w_k``,
per-value evaluations ``e_k(v)``, a reservation value and possibly a discount factor). Genius's
linear additive utility of an outcome o is

    u(o) = Σ_k w_k · e_k(o_k) / max_v e_k(v)

(each issue's evaluations are normalised by their maximum; weights are used as written).

Conventions of the import (:func:`detente.io.genius_import.import_genius`, which picks this XML reader
or the GeniusWeb JSON one):

* parties are the profile files in sorted file-name order; a party's ``name`` is its file name without
  extension and its ``id`` the same name with characters outside ``[A-Za-z0-9_.-]`` replaced by ``-``;
* each discrete issue becomes a move (id from the issue name the same way, ``name`` = the issue name),
  owned by the **first party** and in category ``genius``; its options are the issue's values in
  domain order (``label`` = the value as written), the first one is the status quo. The move's
  ``weights`` hold each party's ``w_k`` and the options' values hold the raw evaluations ``e_k(v)``, so
  the compiled model's ``values`` are exactly Genius's ``w_k · e_k(v) / max e_k``;
* ``reservation`` is the profile's reservation value (0 if absent); the disagreement point defaults to
  it. Discount factors are ignored, and ``meta.description`` says so;
* what the format cannot take raises :class:`~detente.errors.DetenteError` saying which file and why:
  integer or real issues, nonlinear (constraint-based) utility spaces, files that are not well-formed
  XML, DOCTYPE/ENTITY declarations (refused for safety), missing domain or profiles, evaluations that
  are missing, duplicated with different numbers, negative or not numbers.

GeniusWeb JSON domains and profiles are read by :mod:`detente.io.genius_web` into the same
intermediate :class:`GeniusDomain` / :class:`GeniusProfile` and converted by the same code.

:func:`export_genius` writes a scenario back as a domain XML plus one profile per party, so that
re-importing it gives the same compiled utilities (see its docstring for what cannot be exported).
"""

from __future__ import annotations

import re
import weakref
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat
from xml.sax.saxutils import quoteattr

from detente.errors import DetenteError
from detente.io.input_policy import InputError, read_bytes
from detente.model.limits import number_problem
from detente.model.scenario import Meta, Move, Option, Party, Scenario, Source, Value

#: Files larger than this are refused (a Genius domain of this size would not be enumerable anyway).
MAX_XML_BYTES = 20_000_000
#: Category of every imported move.
CATEGORY = "genius"
_ID_BAD = re.compile(r"[^A-Za-z0-9_.\-]+")


class GeniusError(DetenteError):
    """A Genius domain or profile that Détente cannot take (the message says which file and why)."""


@dataclass(frozen=True)
class GeniusIssue:
    """A discrete issue: its name, its values in domain order and its index in the domain file."""

    name: str
    values: tuple[str, ...]
    index: str | None = None


@dataclass(frozen=True)
class GeniusDomain:
    name: str
    issues: tuple[GeniusIssue, ...]
    file: str


@dataclass(frozen=True)
class GeniusProfile:
    """One party's linear additive profile, keyed by issue name and value.

    ``weights[issue]`` is w_k and ``evaluations[issue][value]`` is e_k(v), both as written;
    ``reservation`` is the reservation value (0 if absent); ``discount`` the discount factor (ignored).
    """

    name: str
    file: str
    weights: dict[str, float]
    evaluations: dict[str, dict[str, float]]
    reservation: float = 0.0
    discount: float | None = None
    notes: tuple[str, ...] = ()


@dataclass
class GeniusExport:
    """What :func:`scenario_to_genius` produces: file name → XML text, and what was left out.

    ``shift[party id]`` is the constant c_i added to each party's utility of every package (and to its
    reservation value) to make every Genius evaluation 0 or more (0 when nothing was shifted);
    ``warnings`` say what the Genius files cannot express (the scenario's rules), ``notes`` the rest.
    """

    files: dict[str, str]
    domain_file: str
    notes: list[str] = field(default_factory=list)
    shift: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


# ----- identifiers ---------------------------------------------------------------------------------
def make_id(text: str, taken: set[str], fallback: str) -> str:
    """A scenario identifier for ``text``: characters outside ``[A-Za-z0-9_.-]`` become ``-``,
    leading punctuation is dropped, at most 80 characters, and ``-2``, ``-3``… is appended when the
    result is already ``taken`` (the lower-cased ids used so far; updated). ``fallback`` is used when
    nothing is left."""
    base = _ID_BAD.sub("-", text).strip("-_.")[:72].rstrip("-_.") or fallback
    if not base[0].isalnum():
        base = f"{fallback}-{base}"
    # O(1) per check: ``taken`` holds lower-cased ids (was O(len) per call); an IdPool also remembers
    # the last suffix per base, so 10,000 values that all reduce to one base stay linear
    suffixes = getattr(taken, "next_suffix", None)
    n = suffixes.get(base.lower(), 1) if suffixes is not None else 1
    out = base if n == 1 else f"{base}-{n}"
    while out.lower() in taken:
        n += 1
        out = f"{base}-{n}"
    taken.add(out.lower())
    if suffixes is not None:
        suffixes[base.lower()] = n
    return out


class IdPool(set[str]):
    """The lower-cased ids :func:`make_id` has handed out, with the last suffix used per base."""

    def __init__(self) -> None:
        super().__init__()
        self.next_suffix: dict[str, int] = {}


# ----- reading XML ---------------------------------------------------------------------------------
def _read_xml(path: Path) -> ET.Element:
    """Parse ``path`` safely: size limit, no DOCTYPE/ENTITY declarations, located syntax errors."""
    try:
        raw = read_bytes(path, what="Genius XML file", max_bytes=MAX_XML_BYTES)
    except InputError as exc:
        raise GeniusError(str(exc)) from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise GeniusError(f"{path}: the file is UTF-16/32 or binary; save it as UTF-8 XML and import again")
    head = raw.upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise GeniusError(
            f"{path}: the file declares a DOCTYPE or ENTITY, which Détente refuses to read "
            "(for safety); remove the declaration and import again"
        )
    try:
        return _parse_with_lines(raw)
    except expat.ExpatError as exc:
        raise GeniusError(
            f"{path}:{exc.lineno}:{exc.offset + 1}: not well-formed XML ({expat.ErrorString(exc.code)}); "
            "fix the file or move it out of the folder"
        ) from None


#: The line each parsed element starts on, so errors about a file's content name the line.
_LINES: weakref.WeakKeyDictionary[ET.Element, int] = weakref.WeakKeyDictionary()


def _parse_with_lines(raw: bytes) -> ET.Element:
    """An ElementTree built by expat, recording each element's line (ElementTree keeps none)."""
    builder = ET.TreeBuilder()
    parser = expat.ParserCreate()

    def start(tag: str, attrs: dict[str, str]) -> None:
        _LINES[builder.start(tag, attrs)] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    parser.Parse(raw, True)
    return builder.close()


def _at(file: Path, el: ET.Element) -> str:
    """``file:line`` of element ``el`` (just ``file`` for a tree not parsed here)."""
    line = _LINES.get(el)
    return f"{file}:{line}" if line is not None else str(file)


def _float(text: str | None, where: str, what: str) -> float:
    if text is None:
        raise GeniusError(f"{where}: {what} is missing")
    try:
        x = float(text)
    except ValueError:
        raise GeniusError(f"{where}: {what} is '{text}', not a number") from None
    problem = number_problem(x)
    if problem is not None:
        raise GeniusError(f"{where}: {what} is '{text}': {problem}")
    return x


def _issue_type(issue: ET.Element) -> str | None:
    for attr in ("type", "etype", "vtype"):
        t = issue.get(attr)
        if t:
            return t.lower()
    return None


def _check_discrete(issue: ET.Element, file: Path) -> None:
    name = issue.get("name", "?")
    kind = _issue_type(issue)
    if kind is None and issue.findall("item"):
        return
    if kind == "discrete":
        return
    if kind in ("integer", "real"):
        lo, hi = issue.get("lowerbound"), issue.get("upperbound")
        span = f" (from {lo} to {hi})" if lo is not None and hi is not None else ""
        raise GeniusError(
            f"{_at(file, issue)}: issue '{name}' is {kind}{span}; Détente imports discrete issues only. "
            "Make it a discrete issue in Genius, listing the values to consider, and import again"
        )
    raise GeniusError(
        f"{_at(file, issue)}: issue '{name}' has type '{kind}' and no listed values; Détente imports "
        "discrete issues only (issues whose <item> elements list the values)"
    )


def read_domain_xml(path: str | Path, root: ET.Element | None = None) -> GeniusDomain:
    """Read a Genius domain file (root ``<negotiation_template>``); every issue must be discrete."""
    file = Path(path)
    root = _read_xml(file) if root is None else root
    if root.tag != "negotiation_template":
        raise GeniusError(
            f"{_at(file, root)}: root element is <{root.tag}>, not <negotiation_template>; "
            "this is not a Genius domain file"
        )
    space = root if root.find("utility_space") is None else root.find("utility_space")
    assert space is not None
    objective = space.find("objective")
    issues_el = list(space.iter("issue"))
    if not issues_el:
        raise GeniusError(f"{file}: the domain has no <issue> elements; nothing to negotiate")
    issues: list[GeniusIssue] = []
    names: set[str] = set()
    for el in issues_el:
        name = el.get("name")
        if not name:
            raise GeniusError(
                f"{_at(file, el)}: an <issue> (index {el.get('index', '?')}) has no 'name'; name every issue"
            )
        if name in names:
            raise GeniusError(
                f"{_at(file, el)}: issue '{name}' is defined twice; give each issue a distinct name"
            )
        names.add(name)
        _check_discrete(el, file)
        values: list[str] = []
        listed: set[str] = set()  # membership in O(1): an issue may list 10,000 values
        for item in el.findall("item"):
            v = item.get("value")
            if v is None:
                raise GeniusError(f"{_at(file, item)}: issue '{name}' has an <item> without a 'value'")
            if v in listed:
                raise GeniusError(
                    f"{_at(file, item)}: issue '{name}' lists the value '{v}' twice; list each value once"
                )
            values.append(v)
            listed.add(v)
        if not values:
            raise GeniusError(
                f"{_at(file, el)}: issue '{name}' lists no values; a discrete issue needs <item value=...>"
            )
        issues.append(GeniusIssue(name, tuple(values), el.get("index")))
    title = (objective.get("name") if objective is not None else None) or ""
    if title.strip().lower() in ("", "root", "objective"):  # generic names: use the folder's name
        title = file.parent.name or file.stem
    return GeniusDomain(name=title, issues=tuple(issues), file=str(file))


def read_profile_xml(path: str | Path, domain: GeniusDomain, root: ET.Element | None = None) -> GeniusProfile:
    """Read a linear additive Genius profile (root ``<utility_space>``) against ``domain``.

    Issues are matched to the domain's by index and name (by name when the indices differ); weights
    by issue index. Every value of every domain issue needs an evaluation and every issue a weight.
    """
    file = Path(path)
    root = _read_xml(file) if root is None else root
    if root.tag != "utility_space":
        raise GeniusError(
            f"{_at(file, root)}: root element is <{root.tag}>, not <utility_space>; not a Genius profile"
        )
    kind = (root.get("type") or "").lower()
    if kind and kind not in ("linear", "additive", "linearadditive"):
        raise GeniusError(
            f"{_at(file, root)}: this is a {kind} (constraint-based) utility space; Détente needs linear "
            "additive profiles (a weight per issue and an evaluation per value)"
        )
    if root.find(".//utility") is not None or root.find(".//hyperRectangle") is not None:
        raise GeniusError(
            f"{_at(file, root)}: this profile defines utility by constraints (<utility>/<hyperRectangle>); "
            "Détente needs linear additive profiles (a weight per issue and an evaluation per value)"
        )
    by_index = {i.index: i for i in domain.issues if i.index is not None}
    by_name = {i.name: i for i in domain.issues}
    index_to_issue: dict[str, str] = {}
    evaluations: dict[str, dict[str, float]] = {}
    for el in root.iter("issue"):
        name = el.get("name") or ""
        idx = el.get("index")
        issue = by_index.get(idx) if idx is not None else None
        if issue is None or (name and issue.name != name):
            issue = by_name.get(name)
        if issue is None:
            raise GeniusError(
                f"{_at(file, el)}: issue '{name}' (index {idx}) is not in the domain {Path(domain.file).name}; "
                "the profile must be written for this domain"
            )
        _check_discrete(el, file)
        if issue.name in evaluations:
            raise GeniusError(
                f"{_at(file, el)}: issue '{issue.name}' is evaluated twice; keep one <issue> element for it"
            )
        if idx is not None:
            index_to_issue[idx] = issue.name
        evals: dict[str, float] = {}
        domain_values = set(issue.values)
        for item in el.findall("item"):
            v = item.get("value")
            where = f"{_at(file, item)}: issue '{issue.name}', value '{v}'"
            if v not in domain_values:
                raise GeniusError(
                    f"{where}: the value is not in the domain (values: {', '.join(issue.values)})"
                )
            e = _float(item.get("evaluation"), where, "the evaluation")
            if e < 0:
                raise GeniusError(
                    f"{where}: the evaluation is negative ({e}); Genius evaluations are 0 or more"
                )
            if v in evals and evals[v] != e:
                raise GeniusError(
                    f"{where}: the value is listed twice with different evaluations "
                    f"({_num(evals[v])} and {_num(e)}); keep one <item> for it"
                )
            evals[v] = e
        missing = [v for v in issue.values if v not in evals]
        if missing:
            raise GeniusError(
                f"{_at(file, el)}: issue '{issue.name}' has no evaluation for "
                + ", ".join(f"'{v}'" for v in missing)
                + "; give every value an evaluation"
            )
        evaluations[issue.name] = evals
    absent = [i.name for i in domain.issues if i.name not in evaluations]
    if absent:
        raise GeniusError(
            f"{_at(file, root)}: the profile does not evaluate issue(s) "
            + ", ".join(f"'{n}'" for n in absent)
            + f" of the domain {Path(domain.file).name}; it must evaluate every issue"
        )
    weights: dict[str, float] = {}
    objective_indices = {o.get("index") for o in root.iter("objective")}
    for el in root.iter("weight"):
        idx = el.get("index")
        issue_name = index_to_issue.get(idx) if idx is not None else None
        if issue_name is None and idx in objective_indices:
            continue  # the weight of the objective itself (e.g. ANAC 2012 Fitness): not an issue weight
        if issue_name is None:
            raise GeniusError(
                f'{_at(file, el)}: <weight index="{idx}"> does not match any issue index of the profile'
            )
        w = _float(el.get("value"), f"{_at(file, el)}: weight of issue '{issue_name}'", "the value")
        if w < 0:
            raise GeniusError(
                f"{_at(file, el)}: weight of issue '{issue_name}' is negative ({w}); weights are 0 or more"
            )
        weights[issue_name] = w
    unweighted = [i.name for i in domain.issues if i.name not in weights]
    if unweighted:
        raise GeniusError(
            f"{_at(file, root)}: no <weight> for issue(s) "
            + ", ".join(f"'{n}'" for n in unweighted)
            + "; give every issue a weight"
        )
    notes = weight_notes(file, weights)
    res_el = root.find("reservation")
    reservation = (
        0.0
        if res_el is None
        else _float(res_el.get("value"), f"{_at(file, res_el)}: <reservation>", "the value")
    )
    disc_el = root.find("discount_factor")
    discount = (
        None
        if disc_el is None
        else _float(disc_el.get("value"), f"{_at(file, disc_el)}: <discount_factor>", "the value")
    )
    return GeniusProfile(
        name=file.stem,
        file=str(file),
        weights=weights,
        evaluations=evaluations,
        reservation=reservation,
        discount=discount,
        notes=notes,
    )


def weight_notes(file: Path, weights: dict[str, float]) -> tuple[str, ...]:
    """Refuse a profile whose issue weights are all 0; a note when they do not sum to 1 (Genius's
    convention), since the party's utilities are then scaled by that sum."""
    total = sum(weights.values())
    if total <= 0:
        raise GeniusError(
            f"{file}: every issue weight is 0, so this party values every outcome the same; "
            "give the issues weights (they usually sum to 1)"
        )
    if abs(total - 1) > 1e-6:
        return (
            f"{file.stem}: issue weights sum to {_num(round(total, 9))}, not 1; its utilities are used as "
            "written, i.e. scaled by that sum",
        )
    return ()


def folder_files(folder: Path, suffix: str) -> list[Path]:
    """Files of ``folder`` with ``suffix`` in sorted name order; hidden files (``.name``) are left out."""
    return sorted(
        (
            p
            for p in folder.iterdir()
            if p.is_file() and p.suffix.lower() == suffix and not p.name.startswith(".")
        ),
        key=lambda p: p.name,
    )


def read_genius_folder(folder: str | Path) -> tuple[GeniusDomain, list[GeniusProfile], list[str]]:
    """Find and read the domain and every profile in a Genius folder (``*.xml``, not recursive).

    Returns ``(domain, profiles in sorted file-name order, notes)``. Files whose root is neither
    ``<negotiation_template>`` nor ``<utility_space>`` (e.g. tournament set-ups) are skipped with a note.
    """
    d = Path(folder)
    files = folder_files(d, ".xml")
    parsed: list[tuple[Path, ET.Element]] = []
    broken: list[GeniusError] = []
    for p in files:
        try:
            parsed.append((p, _read_xml(p)))
        except GeniusError as exc:
            broken.append(exc)
    domains = [(p, r) for p, r in parsed if r.tag == "negotiation_template"]
    profiles = [(p, r) for p, r in parsed if r.tag == "utility_space"]
    others = [p for p, r in parsed if r.tag not in ("negotiation_template", "utility_space")]
    if not domains:
        extra = f" ({len(broken)} file(s) are not readable XML: {broken[0]})" if broken else ""
        raise GeniusError(
            f"{d}: no Genius domain file (an XML file whose root is <negotiation_template>) in "
            f"this folder{extra}; a Genius folder holds one domain file and one profile per party"
        )
    if len(domains) > 1:
        raise GeniusError(
            f"{d}: {len(domains)} domain files ("
            + ", ".join(p.name for p, _ in domains)
            + "); keep one domain per folder"
        )
    domain = read_domain_xml(domains[0][0], domains[0][1])
    if broken:
        raise GeniusError(f"{d}: {len(broken)} file(s) cannot be read: " + "; ".join(str(b) for b in broken))
    if not profiles:
        raise GeniusError(
            f"{d}: no profile files (XML files whose root is <utility_space>) next to the domain "
            f"{domains[0][0].name}; add one profile per party"
        )
    out = [read_profile_xml(p, domain, r) for p, r in profiles]
    notes = [f"skipped {p.name} (root <{r.tag}>, not a domain or profile)" for p, r in parsed if p in others]
    return domain, out, notes


# ----- to a scenario -------------------------------------------------------------------------------
def genius_to_scenario(
    domain: GeniusDomain, profiles: Sequence[GeniusProfile], source: str, notes: Sequence[str] = ()
) -> Scenario:
    """Build the scenario for a domain and its profiles (conventions in the module docstring)."""
    if not profiles:
        raise GeniusError(f"{source}: no profiles; a scenario needs at least one party")
    taken: set[str] = IdPool()
    party_ids = [make_id(p.name, taken, "party") for p in profiles]
    parties = [
        Party(id=pid, name=p.name, reservation=p.reservation)
        for pid, p in zip(party_ids, profiles, strict=True)
    ]
    moves: list[Move] = []
    move_taken: set[str] = IdPool()
    for issue in domain.issues:
        opt_taken: set[str] = IdPool()
        options = []
        for v in issue.values:
            oid = make_id(v, opt_taken, "v")
            vals = {
                pid: Value(value=p.evaluations[issue.name][v])
                for pid, p in zip(party_ids, profiles, strict=True)
            }
            options.append(Option(id=oid, label=v, values=vals))
        if len(options) == 1:
            raise GeniusError(
                f"{domain.file}: issue '{issue.name}' has a single value ('{issue.values[0]}'); "
                "a move needs at least two options"
            )
        moves.append(
            Move(
                id=make_id(issue.name, move_taken, "issue"),
                name=issue.name,
                owner=party_ids[0],
                category=CATEGORY,
                options=options,
                weights={pid: p.weights[issue.name] for pid, p in zip(party_ids, profiles, strict=True)},
                sources=["genius-domain"],
            )
        )
    zero = [
        f"{p.name} evaluates every value of '{issue.name}' at 0 (weight {_num(p.weights[issue.name])}), so that issue "
        "adds nothing to its utility"
        for p in profiles
        for issue in domain.issues
        if p.weights[issue.name] > 0 and max(p.evaluations[issue.name].values()) <= 0
    ]
    discounted = [
        f"{p.name} {_num(p.discount)}" for p in profiles if p.discount is not None and p.discount != 1
    ]
    text = (
        f"Imported from the Genius domain '{domain.name}' ({source}): {len(domain.issues)} issues, "
        f"{len(profiles)} profiles. Each issue is a move owned by the first party ({party_ids[0]}); "
        "utilities are u_i = Σ_k w_ik · e_ik / max e_ik."
    )
    if discounted:
        text += " Discount factors are ignored: " + ", ".join(discounted) + "."
    for n in [*notes, *(n for p in profiles for n in p.notes), *zero]:
        text += f" Note: {n}."
    meta = Meta(
        title=domain.name,
        description=text,
        values_note="Weights and evaluations as written in the Genius profiles (research benchmark data).",
    )
    src = Source(id="genius-domain", title=f"Genius negotiation domain '{domain.name}'", note=source)
    return Scenario(
        meta=meta, parties=parties, categories={CATEGORY: "Genius issue"}, moves=moves, sources=[src]
    )


# ----- export --------------------------------------------------------------------------------------
def _num(x: float | None) -> str:
    """Numbers as written back: integers without a decimal point, others in shortest round-trip form."""
    if x is None:
        return ""
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    return repr(float(x))


_SAFE_FILE = re.compile(r"^[^/\\:*?\"<>|\x00-\x1f]{1,100}$")


def _file_stems(scenario: Scenario) -> list[str]:
    """Profile file stems: the party names when they are safe, distinct file names, else the ids."""
    names = [p.name for p in scenario.parties]
    ok = all(_SAFE_FILE.match(n) and not n.startswith(".") and n.strip() == n for n in names)
    if ok and len({n.lower() for n in names}) == len(names):
        return names
    return [p.id for p in scenario.parties]


def _rule_counts(scenario: Scenario) -> list[str]:
    """The scenario's package rules in words with their counts, e.g. ['2 red lines', '1 prerequisite']."""
    kinds = {"red_line": "red line", "min_content": "minimum-content rule", "count": "count rule"}
    counts: dict[str, int] = {}
    for con in scenario.constraints:
        name = kinds.get(con.type, "implication rule")
        counts[name] = counts.get(name, 0) + 1
    for label, n in (
        ("prerequisite", sum(len(m.requires) for m in scenario.moves)),
        ("exclusion", sum(len(m.excludes) for m in scenario.moves)),
    ):
        if n:
            counts[label] = n
    return [f"{n} {name}{'s' if n != 1 else ''}" for name, n in counts.items()]


def scenario_to_genius(scenario: Scenario) -> GeniusExport:
    """The Genius domain XML and one profile XML per party for ``scenario``.

    For each move k and party i the profile gets a weight and an evaluation per option such that
    ``w · e / max e`` equals the compiled value ``v_k(o)`` plus a shift:

    * a move with ``weights`` and no negative value is written as it stands (raw evaluations, weights as
      written), so a Genius domain comes back unchanged;
    * any other move gets ``e(o) = v_k(o) − s_ki`` and ``w = max_o e`` (``w = 0`` when all are 0), where
      ``s_ki = min(0, min_o v_k(o))``: Genius evaluations must be 0 or more, so a move with a negative
      value for party i is shifted up until its lowest option is worth 0.

    The shift is affine and per party: party i's utility of every package, and its reservation value,
    rise by the same constant ``c_i = −Σ_k s_ki`` (``shift``), so every comparison — between packages,
    and of a package with the reservation value — is kept. Issue names are the move names (the ids when
    names repeat), item values the option labels (the ids when labels repeat). The scenario's rules
    (red lines, prerequisites, exclusions, minimum content, counts, implications) cannot be expressed
    in Genius XML: ``warnings`` says so. Uncertainty ranges, disagreement points, owners and timing are
    not part of the format either; ``notes`` lists what was left out.
    """
    from detente.model.compiled import compile_scenario

    notes: list[str] = []
    warnings: list[str] = []
    parties = scenario.parties
    move_names = [m.name for m in scenario.moves]
    use_names = len(set(move_names)) == len(move_names)
    issue_names = move_names if use_names else [m.id for m in scenario.moves]
    if not use_names:
        notes.append("move names repeat, so issues are named by move id")
    item_values: list[list[str]] = []
    for m in scenario.moves:
        labels = [o.label or o.id for o in m.options]
        item_values.append(labels if len(set(labels)) == len(labels) else [o.id for o in m.options])

    cs = compile_scenario(scenario)
    # per party: (weight, evaluations) per move, and the constant added to the party's utility
    profile_data: list[list[tuple[float, list[float]]]] = []
    shift: dict[str, float] = {}
    for i, p in enumerate(parties):
        rows: list[tuple[float, list[float]]] = []
        total = 0.0
        for k, m in enumerate(scenario.moves):
            raw = [o.values[p.id].value if p.id in o.values else 0.0 for o in m.options]
            if m.weights is not None and min(raw) >= 0:
                w = m.weights.get(p.id, 0.0) if max(raw) > 0 else 0.0
                rows.append((w, raw))
                continue
            compiled = [float(x) for x in cs.values[cs.offsets[k] : cs.offsets[k + 1], i]]
            low = min(0.0, min(compiled))
            evaluations = [x - low for x in compiled]
            total -= low
            rows.append((max(evaluations), evaluations))
        profile_data.append(rows)
        shift[p.id] = total
    if any(shift.values()):
        notes.append(
            "values shifted so that every Genius evaluation is 0 or more: each party's utility of every "
            "package, and its reservation value, is raised by one constant (an affine change that keeps "
            "every comparison): " + ", ".join(f"{pid} +{_num(c)}" for pid, c in shift.items())
        )
    if any(v.is_uncertain for m in scenario.moves for o in m.options for v in o.values.values()):
        notes.append("uncertainty ranges were left out (Genius holds point evaluations)")
    rules = _rule_counts(scenario)
    if rules:
        warnings.append(
            f"the scenario's rules ({', '.join(rules)}) cannot be expressed in Genius XML and were left "
            "out: in Genius every combination of values is a possible agreement, including packages "
            "these rules forbid"
        )
    if any(p.disagreement is not None and p.disagreement != p.reservation for p in parties):
        notes.append("disagreement points were left out (Genius keeps the reservation value only)")

    domain_name = scenario.meta.title
    lines = [
        "<negotiation_template>",
        f'  <utility_space number_of_issues="{len(scenario.moves)}">',
        f'    <objective index="0" etype="objective" type="objective" description="" name={quoteattr(domain_name)}>',
    ]
    for k, (issue, values) in enumerate(zip(issue_names, item_values, strict=True), start=1):
        lines.append(
            f'      <issue index="{k}" etype="discrete" type="discrete" vtype="discrete" name={quoteattr(issue)}>'
        )
        for j, v in enumerate(values, start=1):
            lines.append(f'        <item index="{j}" value={quoteattr(v)} description={quoteattr(v)}/>')
        lines.append("      </issue>")
    lines += ["    </objective>", "  </utility_space>", "</negotiation_template>", ""]
    files: dict[str, str] = {}
    stems = _file_stems(scenario)
    domain_file = "domain.xml" if "domain" not in {s.lower() for s in stems} else "genius-domain.xml"
    files[domain_file] = "\n".join(lines)
    for p, stem, rows in zip(parties, stems, profile_data, strict=True):
        out = [
            "<utility_space>",
            f'  <objective index="0" etype="objective" type="objective" description="" '
            f"name={quoteattr(domain_name)}>",
        ]
        for k, (issue, values, (_, raw)) in enumerate(
            zip(issue_names, item_values, rows, strict=True), start=1
        ):
            out.append(
                f'    <issue index="{k}" etype="discrete" type="discrete" vtype="discrete" name={quoteattr(issue)}>'
            )
            for j, (v, e) in enumerate(zip(values, raw, strict=True), start=1):
                out.append(f'      <item index="{j}" value={quoteattr(v)} evaluation="{_num(e)}"/>')
            out.append("    </issue>")
        for k, (w, _) in enumerate(rows, start=1):
            out.append(f'    <weight index="{k}" value="{_num(w)}"/>')
        reservation = p.reservation + shift[p.id]
        out += ["  </objective>", f'  <reservation value="{_num(reservation)}"/>', "</utility_space>", ""]
        files[f"{stem}.xml"] = "\n".join(out)
    if sorted(stems) != stems:
        notes.append(
            "Genius orders parties by profile file name, so a re-import lists the parties in sorted order"
        )
    return GeniusExport(files=files, domain_file=domain_file, notes=notes, shift=shift, warnings=warnings)


def export_genius(scenario: Scenario, folder: str | Path, *, overwrite: bool = False) -> GeniusExport:
    """Write :func:`scenario_to_genius` into ``folder`` (created if needed), each file atomically.

    Without ``overwrite`` nothing is written when any of the files already exists.
    """
    from detente.io.writer import OutputExistsError, atomic_write_text

    export = scenario_to_genius(scenario)
    d = Path(folder)
    if d.exists() and not d.is_dir():
        raise GeniusError(f"{d} is a file; name a folder to write the Genius domain into")
    if d.is_dir():
        strangers = [p.name for p in folder_files(d, ".xml") if p.name not in export.files]
        if strangers:
            raise GeniusError(
                f"{d} already holds other XML files ({', '.join(strangers)}) that a re-import would read as part "
                "of this domain; choose an empty or new folder"
            )
    if not overwrite:
        existing = [n for n in export.files if (d / n).exists()]
        if existing:
            raise OutputExistsError(
                f"{d}: {', '.join(existing)} already exist(s); choose another folder or pass "
                "--force to replace them"
            )
    for name, text in export.files.items():
        atomic_write_text(d / name, text, overwrite=True)
    return export
