"""The one output policy of every writer: atomic, never replacing a user's file without ``--force``.

Every file Détente writes (scenarios, briefs and their chart folders, charts, Genius exports) goes
through :func:`write_files` (or its one-file forms :func:`atomic_write_bytes` / :func:`atomic_write_text`):

* **No silent overwrite.** An existing path is refused unless the caller passes ``overwrite=True``
  (the CLI's ``--force``). A path that exists but is not a regular file (``/dev/null``, a FIFO, a folder)
  is refused *even with* ``--force``, and so is a symbolic link: Détente never writes through a link,
  so nothing lands outside the path the user named.
* **Atomic, as a unit.** Every file of one output (a Markdown brief and the SVGs of its chart folder) is
  first written in full to a temporary file beside its target; only when all are on disk are they
  renamed into place, the main document last. A new chart folder is staged whole and renamed in one
  step. A failure or an interruption (Ctrl-C, SIGTERM: both are turned into exceptions while writing)
  removes every temporary file and leaves the targets as they were.
* **Leftovers.** Temporary files are named ``.NAME.detente-PID-XXXXXXXX.tmp`` (``PID`` = the writing
  process). Only a ``kill -9`` inside the write window can leave one; the next write of the same target
  deletes the leftovers whose process is gone, and any such file may be deleted by hand.
* **Clean errors.** A folder that is a file, a read-only or virtual location (``/proc/x``) or a full disk
  is a :class:`OutputError` naming the path and the fix, never an internal error.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from detente.errors import DetenteError
from detente.model.scenario import Scenario

TMP_TAG = ".detente-"


class OutputError(DetenteError):
    """An output path Détente refuses or cannot write (the message says which and why)."""


class OutputExistsError(OutputError, FileExistsError):
    """Raised when a write would replace an existing file and overwriting was not asked for."""


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def check_target(path: str | Path, *, overwrite: bool = False) -> Path:
    """Refuse ``path`` as an output unless it is new, or an existing regular file and ``overwrite``.

    Also refuses empty names, symbolic links, non-regular files (even with ``overwrite``) and a parent
    that is a file. Returns the path. Nothing is written.
    """
    target = Path(path)
    if str(path).strip() == "" or target.name in ("", ".", ".."):
        raise OutputError(f"'{path}' is not a file name; name the file to write")
    try:
        st = target.lstat()
    except FileNotFoundError:
        st = None
    except NotADirectoryError:
        raise OutputError(
            f"cannot write {target}: a part of its folder path is a file, not a folder"
        ) from None
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise OutputError(
                f"{target} is a symbolic link; Détente does not write through links. Name the file itself"
            )
        if not stat.S_ISREG(st.st_mode):
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file (a device, pipe or socket)"
            raise OutputError(f"{target} is {kind}; Détente only writes regular files, even with --force")
        if not overwrite:
            raise OutputExistsError(
                f"{target} already exists; choose another name or pass --force to replace it"
            )
    parent = target.parent
    for folder in (parent, *parent.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise OutputError(f"cannot write {target}: {folder} is a file, not a folder")
            break
    return target


def _clean_leftovers(folder: Path, name: str) -> None:
    """Delete ``.NAME.detente-PID-*.tmp`` files of ``name`` whose writing process is gone."""
    try:
        entries = list(folder.glob(f".{glob.escape(name)}{TMP_TAG}*.tmp"))
    except OSError:
        return
    for leftover in entries:
        pid_text = leftover.name[len(f".{name}{TMP_TAG}") :].split("-", 1)[0]
        if not pid_text.isdigit() or int(pid_text) == os.getpid():
            continue
        try:
            os.kill(int(pid_text), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                if leftover.is_dir() and not leftover.is_symlink():
                    for child in leftover.iterdir():
                        child.unlink()
                    leftover.rmdir()
                else:
                    leftover.unlink()
        except OSError:
            continue


@contextlib.contextmanager
def _interrupts_as_exceptions() -> Iterator[None]:
    """While writing, SIGTERM/SIGHUP raise SystemExit (as Ctrl-C raises KeyboardInterrupt), so the
    clean-up below runs; previous handlers are restored afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    saved = {}
    for sig in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            with contextlib.suppress(ValueError, OSError):
                saved[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def _oserror(target: Path, exc: OSError) -> OutputError:
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write {target}: {reason}; choose a folder you can write to")
    if exc.errno == errno.ENOSPC:
        return OutputError(f"cannot write {target}: the disk is full")
    return OutputError(f"cannot write {target}: {reason}; choose another location")


def _stage(target: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``target`` (same mode a plain open() would give)."""
    fd, tmp = tempfile.mkstemp(
        prefix=f".{target.name}{TMP_TAG}{os.getpid()}-", suffix=".tmp", dir=target.parent
    )
    try:
        mode = target.stat().st_mode & 0o777 if target.is_file() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return Path(tmp)


def write_files(
    files: Mapping[str | Path, bytes | str],
    *,
    overwrite: bool = False,
    unit_dirs: tuple[str | Path, ...] = (),
) -> list[Path]:
    """Write several files as one output: all checked, all staged, then all renamed into place.

    ``files`` maps each target to its content (text is UTF-8); the **first** target is the main
    document and is renamed **last**. ``unit_dirs`` are folders that belong to this output (a brief's
    chart folder): when one does not exist yet it is staged whole and renamed into place in one step;
    when it exists it must be a real folder (not a link). Returns the targets in the order given.
    """
    targets = [Path(t) for t in files]
    payload = [c.encode("utf-8") if isinstance(c, str) else c for c in files.values()]
    for t in targets:
        check_target(t, overwrite=overwrite)
    new_dirs: dict[Path, Path] = {}  # unit folder -> its staging folder
    for d in (Path(x) for x in unit_dirs):
        if d.is_symlink() or (d.exists() and not d.is_dir()):
            raise OutputError(f"{d} is not a folder Détente can write its files into (a file or a link)")
        if not d.exists():
            new_dirs[d] = d
    staged: list[tuple[Path, Path]] = []
    made: list[Path] = []
    with _interrupts_as_exceptions():
        try:
            for d in list(new_dirs):
                d.parent.mkdir(parents=True, exist_ok=True)
                _clean_leftovers(d.parent, d.name)
                tmp_dir = Path(
                    tempfile.mkdtemp(prefix=f".{d.name}{TMP_TAG}{os.getpid()}-", suffix=".tmp", dir=d.parent)
                )
                made.append(tmp_dir)
                new_dirs[d] = tmp_dir
            for t, data in zip(targets, payload, strict=True):
                staging = new_dirs.get(t.parent)
                if staging is not None:  # inside a new unit folder: write straight into its staging copy
                    (staging / t.name).write_bytes(data)
                    continue
                t.parent.mkdir(parents=True, exist_ok=True)
                _clean_leftovers(t.parent, t.name)
                staged.append((_stage(t, data), t))
            for d, tmp_dir in new_dirs.items():  # folders first, then files, main document last
                os.replace(tmp_dir, d)
                made.remove(tmp_dir)
            for tmp, t in reversed(staged):
                os.replace(tmp, t)
        except OSError as exc:
            raise _oserror(targets[0], exc) from None
        finally:
            for tmp, _ in staged:
                tmp.unlink(missing_ok=True)
            for tmp_dir in made:
                for child in tmp_dir.iterdir():
                    child.unlink(missing_ok=True)
                tmp_dir.rmdir()
    return targets


def atomic_write_bytes(path: str | Path, data: bytes, *, overwrite: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically under the output policy (module docstring).

    A crash mid-write leaves the old file intact. Without ``overwrite`` an existing file is an error.
    """
    return write_files({path: data}, overwrite=overwrite)[0]


def atomic_write_text(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def _compact(obj: Any) -> Any:
    """Collapse ``{value: x}`` to ``x`` so saved files read like hand-written ones."""
    if isinstance(obj, dict):
        if set(obj) == {"value"} and isinstance(obj["value"], int | float):
            return obj["value"]
        return {k: _compact(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_compact(v) for v in obj]
    return obj


def scenario_to_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data for ``scenario``: defaults and empty fields left out, values compacted."""
    data = scenario.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True)
    data = {"format_version": scenario.format_version, **data}
    return _compact(data)


def dump_scenario(scenario: Scenario, fmt: str = "yaml") -> str:
    """The scenario as YAML or JSON text."""
    data = scenario_to_data(scenario)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def save_scenario(scenario: Scenario, path: str | Path, *, overwrite: bool = False) -> Path:
    """Save atomically as YAML or JSON (by extension). Refuses to replace a file unless ``overwrite``."""
    target = Path(path)
    fmt = "json" if target.suffix.lower() == ".json" else "yaml"
    return atomic_write_text(target, dump_scenario(scenario, fmt), overwrite=overwrite)
