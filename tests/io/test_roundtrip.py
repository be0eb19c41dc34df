"""Load → save → load gives an equivalent scenario; writes are atomic and never silently overwrite."""

from __future__ import annotations

from pathlib import Path

import pytest

from detente.io.loader import load_scenario, parse_scenario
from detente.io.writer import OutputError, OutputExistsError, atomic_write_text, dump_scenario, save_scenario
from tests.conftest import FIXTURES, shipped_scenarios

FILES = [*sorted((FIXTURES / "scenarios").glob("*.yaml")), *shipped_scenarios()]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_round_trip(path: Path, fmt: str) -> None:
    original = load_scenario(path)
    text = dump_scenario(original, fmt)
    again = parse_scenario(text, f"again.{fmt}", fmt)
    assert again == original
    assert dump_scenario(again, fmt) == text  # and the text itself is stable


def test_save_refuses_to_overwrite(tmp_path: Path) -> None:
    scenario = load_scenario(FIXTURES / "scenarios" / "minimal.yaml")
    target = tmp_path / "out.yaml"
    target.write_text("my precious notes")
    with pytest.raises(OutputExistsError):
        save_scenario(scenario, target)
    assert target.read_text() == "my precious notes"
    save_scenario(scenario, target, overwrite=True)
    assert load_scenario(target) == scenario
    save_scenario(scenario, tmp_path / "out.json")
    assert load_scenario(tmp_path / "out.json") == scenario


def test_atomic_write_leaves_old_file_on_failure(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "f.txt"
    target.write_text("old")

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("detente.io.writer.os.replace", boom)
    with pytest.raises(OutputError, match="disk full"):  # a clean error, not an internal one
        atomic_write_text(target, "new", overwrite=True)
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]  # no temporary file left behind


def test_compact_values() -> None:
    text = dump_scenario(load_scenario(FIXTURES / "scenarios" / "minimal.yaml"))
    assert "B: 5" in text  # bare numbers stay bare
    assert "low: 1.0" in text  # ranges are kept


def test_atomic_write_mode_follows_umask_or_existing_file(tmp_path: Path) -> None:
    import os

    old = os.umask(0o022)
    try:
        fresh = atomic_write_text(tmp_path / "fresh.txt", "x")
        assert fresh.stat().st_mode & 0o777 == 0o644
        kept = tmp_path / "kept.txt"
        kept.write_text("old")
        kept.chmod(0o600)
        atomic_write_text(kept, "new", overwrite=True)
        assert kept.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old)
