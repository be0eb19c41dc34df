"""The one input policy of every reader: what Détente agrees to read, checked before it is read.

Every file Détente reads — scenario YAML/JSON, Adjusted Winner CSV, Genius XML, GeniusWeb JSON,
``--package`` JSON — goes through this module, so a small hostile file cannot crash, hang or exhaust
the machine, and every refusal names the file, the line and column, and the fix:

1. **The file** (:func:`read_bytes`): ``stat`` first; anything that is not a regular file (a FIFO,
   ``/dev/zero``, a folder) and anything over :data:`MAX_BYTES` is refused *before* reading, and at most
   ``MAX_BYTES + 1`` bytes are ever read (a file growing while it is read is caught too).
2. **The text** (:func:`decode_text`): UTF-8 only (a BOM is dropped); control characters other than
   tab, line feed and carriage return are refused. Both errors are located (line:column).
3. **The structure**, before any parser builds a tree: YAML (:func:`prescan_yaml`) is walked as an
   event stream (libyaml's parser is iterative, unlike its composer, which overflows the C stack on deep
   nesting) counting nesting depth (≤ :data:`MAX_DEPTH`), the items aliases add (≤
   :data:`MAX_ALIAS_ITEMS`) and the size of the document with aliases expanded (≤ :data:`MAX_NODES`),
   so alias bombs and recursive aliases (``a: &a [*a]``) are refused.
   JSON (:func:`prescan_json`) gets the same depth bound from one scan over its brackets outside strings.
4. **The numbers**: numbers written in the file must be finite (``.nan``, ``.inf``, ``NaN``,
   ``Infinity``, ``1e400`` are refused) and have at most ``MAX_DIGITS`` digits; the model's own limits
   on every value (:mod:`detente.model.limits`: magnitude, days, counts) are applied with locations.
5. **JSON objects** may not repeat a key (the later one would silently win).

Errors are :class:`InputError` (a :class:`~detente.errors.DetenteError`), one per problem, each with a
location. Readers that collect several problems (the scenario loader) use the :class:`Problem`
returned by the ``prescan_*`` functions.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from detente.errors import DetenteError
from detente.io.errors import Problem
from detente.model.limits import MAX_DIGITS, MAX_MAGNITUDE, sci

#: Largest input file read, in bytes (the size is checked before reading).
MAX_BYTES = 20_000_000
#: Deepest nesting of lists/mappings accepted (a scenario needs about 8).
MAX_DEPTH = 100
#: Most nodes in a YAML document once its aliases are expanded (alias-bomb bound).
MAX_NODES = 5_000_000
#: Most items that aliases may add to a YAML document (each alias adds the size of what it names).
MAX_ALIAS_ITEMS = 100_000
#: Longest CSV field, in characters.
MAX_FIELD = 131_072

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]")
# YAML 1.1 plain scalars that PyYAML's resolver reads as numbers (ints, floats, .inf, .nan)
_YAML_NUMBER = re.compile(
    r"""^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+
    |[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+
    |[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?
    |[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*)$""",
    re.X,
)
_YAML_NONFINITE = re.compile(r"^(?:[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$")
#: A plain scalar YAML 1.1 reads as a *string* although it looks like a number (``1.0e12``, ``1e5``).
YAML11_EXPONENT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)?\.?[0-9_]*[eE][0-9]+$")
_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_TOKEN = re.compile(r"[\[\]{}]|-?(?:NaN|Infinity)|-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


class InputError(DetenteError):
    """An input file refused by the input policy; the message names file, line, column and fix."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of character ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _fail(name: str, message: str, hint: str, line: int | None = None, col: int | None = None) -> InputError:
    return InputError(Problem(name, (), message, line, col, hint))


# ----- 1. the file --------------------------------------------------------------------------------
def read_bytes(path: str | Path, *, what: str = "file", max_bytes: int = MAX_BYTES) -> bytes:
    """The bytes of ``path`` after the file checks (regular file, size cap; see the module docstring)."""
    p = Path(path)
    name = str(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise _fail(name, "no such file (not found)", "check the path") from None
    except NotADirectoryError:
        raise _fail(
            name, "no such file (a part of the path is a file, not a folder)", "check the path"
        ) from None
    except OSError as exc:
        raise _fail(
            name, f"cannot read the {what} ({exc.strerror})", "check the path and its permissions"
        ) from None
    if stat.S_ISDIR(st.st_mode):
        raise _fail(name, "is a folder, not a file", f"name the {what} itself")
    if not stat.S_ISREG(st.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else "a device or special file"
        raise _fail(
            name, f"is {kind}, not a regular file", f"save the {what} to a regular file and name that"
        )
    if st.st_size > max_bytes:
        raise _fail(
            name,
            f"the file is {st.st_size:,} bytes, over the limit of {max_bytes:,}",
            f"this is too large for a {what}",
        )
    try:
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise _fail(
            name, f"cannot read the {what} ({exc.strerror})", "check the path and its permissions"
        ) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
            raise _fail(name, "is not a regular file", f"name a regular {what}")
        chunks: list[bytes] = []
        size = 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _fail(name, f"cannot read the {what} ({exc.strerror})", "check the file") from None
    finally:
        os.close(fd)
    if size > max_bytes:
        raise _fail(
            name, f"the file is over the limit of {max_bytes:,} bytes", f"this is too large for a {what}"
        )
    return b"".join(chunks)


# ----- 2. the text --------------------------------------------------------------------------------
def decode_text(raw: bytes, name: str, *, what: str = "file") -> str:
    """``raw`` as UTF-8 text (BOM dropped); non-UTF-8 bytes and control characters are located errors."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        start = exc.start
        line = raw.count(b"\n", 0, start) + 1
        col = len(raw[raw.rfind(b"\n", 0, start) + 1 : start].decode("utf-8", "replace")) + 1
        raise _fail(
            name,
            f"not UTF-8 text (byte 0x{raw[start]:02x} cannot start or continue a character)",
            f"save the {what} as UTF-8",
            line,
            col,
        ) from None
    bad = _CONTROL.search(text)
    if bad is not None:
        line, col = line_col(text, bad.start())
        raise _fail(
            name,
            f"control character U+{ord(bad.group()):04X} in the text",
            "remove it (often pasted by accident); inside a YAML double-quoted string write it as an escape",
            line,
            col,
        )
    return text


def read_text(path: str | Path, *, what: str = "file", max_bytes: int = MAX_BYTES) -> str:
    """:func:`read_bytes` then :func:`decode_text`."""
    return decode_text(read_bytes(path, what=what, max_bytes=max_bytes), str(path), what=what)


# ----- 3. structure -------------------------------------------------------------------------------
def prescan_yaml(text: str, name: str, loader: type[Any] | None = None) -> Problem | None:
    """The first structural problem of YAML ``text`` (depth, alias expansion, recursive aliases,
    non-finite or over-long numbers), or None. Syntax errors are left to the real parse, which locates them."""
    Loader: Any = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sizes: dict[str, int] = {}  # anchor -> expanded node count (complete nodes)
    open_anchors: list[str | None] = []  # anchors of the collections being read (None: no anchor)
    frame_sizes: list[int] = []
    total = 0
    added = 0  # items added by aliases

    def at(ev: Any) -> tuple[int, int]:
        return ev.start_mark.line + 1, ev.start_mark.column + 1

    def problem(ev: Any, message: str, hint: str) -> Problem:
        line, col = at(ev)
        return Problem(name, (), message, line, col, hint)

    try:
        for ev in yaml.parse(text, Loader=Loader):
            if isinstance(ev, yaml.AliasEvent):
                anchor = str(ev.anchor)
                if anchor in open_anchors:
                    return problem(
                        ev,
                        f"the alias *{anchor} refers to the list or mapping that contains it",
                        "remove the alias",
                    )
                size = sizes.get(anchor, 1)
                total += size
                added += size
                if frame_sizes:
                    frame_sizes[-1] += size
                if added > MAX_ALIAS_ITEMS:
                    return problem(
                        ev,
                        f"aliases repeat over {MAX_ALIAS_ITEMS:,} items",
                        "write the content out instead of repeating it through aliases",
                    )
                if total > MAX_NODES:
                    return problem(
                        ev,
                        f"with its aliases expanded the document has over {MAX_NODES:,} items",
                        "write the content out instead of repeating it through aliases",
                    )
            elif isinstance(ev, yaml.ScalarEvent):
                total += 1
                if frame_sizes:
                    frame_sizes[-1] += 1
                if ev.anchor is not None:
                    sizes[ev.anchor] = 1
                if ev.tag is None and ev.implicit[0]:
                    bad = _number_text_problem(ev.value)
                    if bad is not None:
                        return problem(ev, *bad)
            elif isinstance(ev, yaml.CollectionStartEvent):
                total += 1
                if len(frame_sizes) >= MAX_DEPTH:
                    return problem(
                        ev,
                        f"lists and mappings are nested more than {MAX_DEPTH} levels deep",
                        "a scenario needs fewer than 10 levels; check for unclosed brackets",
                    )
                frame_sizes.append(1)
                open_anchors.append(ev.anchor)
            elif isinstance(ev, yaml.CollectionEndEvent):
                size = frame_sizes.pop()
                opened = open_anchors.pop()
                if opened is not None:
                    sizes[opened] = size
                if frame_sizes:
                    frame_sizes[-1] += size
    except yaml.YAMLError:
        return None  # the real parse reports the syntax error with its position
    return None


def _number_text_problem(value: str) -> tuple[str, str] | None:
    """(message, hint) when a plain YAML scalar is a number Détente refuses as written."""
    if _YAML_NONFINITE.match(value):
        return (
            f"'{value}' is not a finite number",
            "write a finite number; an unknown value is better left out",
        )
    if _YAML_NUMBER.match(value):
        digits = sum(ch.isdigit() for ch in value)
        if digits > MAX_DIGITS:
            return (
                f"the number has {digits} digits (at most {MAX_DIGITS})",
                f"write it with at most {MAX_DIGITS} digits",
            )
        if "." in value and ("e" in value or "E" in value):
            try:
                x = float(value.replace("_", ""))
            except ValueError:
                return None
            if not math.isfinite(x):
                return (
                    f"'{value}' is too large to be a number",
                    f"values must lie within ±{sci(MAX_MAGNITUDE)}",
                )
    return None


def prescan_json(text: str, name: str) -> Problem | None:
    """The first structural problem of JSON ``text`` (depth, NaN/Infinity, overflowing or over-long
    numbers), or None. Syntax errors are left to :func:`json.loads`, which locates them."""
    stripped = _JSON_STRING.sub(lambda m: " " * len(m.group()), text)
    depth = 0
    for m in _JSON_TOKEN.finditer(stripped):
        tok = m.group()
        if tok in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                line, col = line_col(text, m.start())
                return Problem(
                    name,
                    (),
                    f"arrays and objects are nested more than {MAX_DEPTH} levels deep",
                    line,
                    col,
                    "check for unclosed brackets",
                )
        elif tok in "]}":
            depth -= 1
        elif tok.lstrip("-") in ("NaN", "Infinity"):
            line, col = line_col(text, m.start())
            return Problem(name, (), f"'{tok}' is not a finite number", line, col, "write a finite number")
        else:
            digits = sum(ch.isdigit() for ch in tok)
            bad = None
            if digits > MAX_DIGITS:
                bad = f"the number has {digits} digits (at most {MAX_DIGITS})"
            elif ("e" in tok or "E" in tok) and not math.isfinite(float(tok)):
                bad = f"'{tok}' is too large to be a number"
            if bad is not None:
                line, col = line_col(text, m.start())
                return Problem(name, (), bad, line, col, f"values must lie within ±{sci(MAX_MAGNITUDE)}")
    return None


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


def parse_json(text: str, name: str) -> Any:
    """Parse JSON ``text`` under the policy (prescan, duplicate keys refused); located :class:`InputError`."""
    bad = prescan_json(text, name)
    if bad is not None:
        raise InputError(bad)
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise _fail(
            name, f"not valid JSON: {exc.msg}", "fix the JSON syntax at this position", exc.lineno, exc.colno
        ) from None
    except _DuplicateKey as exc:
        line, col = _key_position(text, exc.key)
        raise _fail(
            name,
            f"the key '{exc.key}' appears twice in the same object",
            "remove or rename one of them",
            line,
            col,
        ) from None


def _key_position(text: str, key: str) -> tuple[int | None, int | None]:
    """Where a duplicated key is written again: the second ``"key":`` in the text (1-based line, column).

    A plain scan, so this module needs no parser of its own (the scenario loader's source map reports
    duplicates in YAML with their exact paths)."""
    import re

    hits = [m.start() for m in re.finditer(re.escape(json.dumps(key)) + r"\s*:", text)]
    if len(hits) < 2:
        return None, None
    return line_col(text, hits[1])


def read_json(path: str | Path, *, what: str = "JSON file") -> Any:
    """Read and parse a JSON file under the whole policy."""
    return parse_json(read_text(path, what=what), str(path))
