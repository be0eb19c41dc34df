"""Hostile outputs (issue 15, classes 1 and 7): no user file is replaced without --force, nothing is
written through a link or onto a device, one output is written as a unit, and interruptions leave no
temporary files."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from detente.io import writer
from detente.io.writer import OutputError, OutputExistsError, atomic_write_text, check_target, write_files
from tests.conftest import FIXTURES
from tests.hostile.conftest import HOSTILE, assert_clean_error, run_bounded

MINIMAL = FIXTURES / "scenarios" / "minimal.yaml"


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("name", ["notes.md", "scenario.yaml"])
def test_brief_never_replaces_a_user_file_without_force(tmp_path: Path, name: str) -> None:
    mine = tmp_path / name
    mine.write_text("my own words\n")
    args = ["brief", str(MINIMAL), "-o", str(mine)] + (["--format", "html"] if name.endswith(".yaml") else [])
    r = run_bounded(*args)  # refused before the analysis: fast
    assert_clean_error(r, "already exists", "--force")
    assert mine.read_text() == "my own words\n"


def test_markdown_brief_charts_do_not_replace_user_files(tmp_path: Path) -> None:
    charts = tmp_path / "notes-charts"
    charts.mkdir()
    (charts / "utility.svg").write_text("<svg>mine</svg>")
    unit = {tmp_path / "notes.md": "# brief", charts / "utility.svg": "<svg>new</svg>"}
    with pytest.raises(OutputExistsError, match="utility.svg already exists"):
        write_files(unit, unit_dirs=(charts,))
    assert (charts / "utility.svg").read_text() == "<svg>mine</svg>"
    assert not (tmp_path / "notes.md").exists()  # nothing of the unit was written
    write_files(unit, unit_dirs=(charts,), overwrite=True)
    assert (charts / "utility.svg").read_text() == "<svg>new</svg>"


def test_device_and_special_files_refused_even_with_force(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="not a regular file"):
        check_target("/dev/null", overwrite=True)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(OutputError, match="not a regular file"):
        atomic_write_text(fifo, "x", overwrite=True)
    assert fifo.is_fifo()


def test_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (tmp_path / "link.md").symlink_to(outside / "target.md")
    with pytest.raises(OutputError, match="symbolic link"):
        atomic_write_text(tmp_path / "link.md", "x", overwrite=True)
    (tmp_path / "memo-charts").symlink_to(outside)
    with pytest.raises(OutputError, match="not a folder Détente can write"):
        write_files(
            {tmp_path / "memo.md": "x", tmp_path / "memo-charts" / "a.svg": "y"},
            unit_dirs=(tmp_path / "memo-charts",),
        )
    assert _files(outside) == []


def test_new_chart_folder_is_staged_as_a_unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_stage = writer._stage

    def fail_on_main(target: Path, data: bytes) -> Path:
        if target.name == "memo.md":
            raise OSError(28, "No space left on device")
        return real_stage(target, data)

    monkeypatch.setattr(writer, "_stage", fail_on_main)
    unit = {tmp_path / "memo.md": "x", tmp_path / "memo-charts" / "a.svg": "y"}
    with pytest.raises(OutputError, match="disk is full"):
        write_files(unit, unit_dirs=(tmp_path / "memo-charts",))
    assert _files(tmp_path) == []  # neither the brief, nor its folder, nor a temporary file


@pytest.mark.parametrize("interrupt", ["SIGINT", "SIGTERM"])
def test_interruption_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, interrupt: str
) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("old")

    def interrupted(fd: int) -> None:
        if interrupt == "SIGINT":  # what Python's SIGINT handler does (a real one would hit the test runner)
            raise KeyboardInterrupt
        os.kill(os.getpid(), signal.SIGTERM)  # the writer turns it into SystemExit

    before = signal.getsignal(signal.SIGTERM)
    monkeypatch.setattr(writer.os, "fsync", interrupted)
    with pytest.raises((KeyboardInterrupt, SystemExit)):
        atomic_write_text(target, "new", overwrite=True)
    assert target.read_text() == "old"
    assert _files(tmp_path) == ["out.yaml"]
    assert signal.getsignal(signal.SIGTERM) == before  # the previous handler is restored


def test_kill_9_leftovers_are_cleaned_on_the_next_write(tmp_path: Path) -> None:
    dead = tmp_path / f".out.yaml{writer.TMP_TAG}999999999-abcd.tmp"  # no such process
    alive = tmp_path / f".out.yaml{writer.TMP_TAG}1-abcd.tmp"  # pid 1 is alive: maybe another writer
    dead.write_text("partial")
    alive.write_text("partial")
    atomic_write_text(tmp_path / "out.yaml", "x")
    assert not dead.exists() and alive.exists()


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "is not a scenario name"),
        ("/proc/x", "cannot write /proc/x.yaml"),
        ("afile/x", "is a file, not a folder"),
    ],
)
def test_new_refuses_bad_paths_cleanly(tmp_path: Path, name: str, fragment: str) -> None:
    (tmp_path / "afile").write_text("a file")
    r = run_bounded("new", name, cwd=tmp_path)
    assert_clean_error(r, fragment)
    assert _files(tmp_path) == ["afile"]


def test_chart_output_to_unwritable_path_is_clean(tmp_path: Path) -> None:
    r = run_bounded("roadmap", str(HOSTILE / "markup-names.yaml"), "--chart", "/proc/x.png")
    assert_clean_error(r, "cannot write /proc/x.png")
