"""Import a Genius or GeniusWeb domain folder: pick the reader by the files, convert to a scenario.

The one entry point for reading Genius data. :mod:`detente.io.genius` reads Genius XML (and holds
the intermediate :class:`~detente.io.genius.GeniusDomain` / :class:`~detente.io.genius.GeniusProfile`
and their conversion to a scenario, and the export); :mod:`detente.io.genius_web` reads GeniusWeb
JSON into the same intermediate form. This module depends on both and neither depends on it, so the
imports form no cycle.
"""

from __future__ import annotations

from pathlib import Path

from detente.io.genius import GeniusError, folder_files, genius_to_scenario, read_genius_folder
from detente.io.genius_web import read_geniusweb_folder
from detente.model.scenario import Scenario


def import_genius(folder: str | Path) -> Scenario:
    """Read a Genius (XML) or GeniusWeb (JSON) domain folder into a scenario.

    XML is used when the folder holds ``*.xml`` files, GeniusWeb JSON otherwise. The conventions are in
    :mod:`detente.io.genius`. Raises :class:`~detente.io.genius.GeniusError` (a DetenteError) on
    anything it cannot take.
    """
    d = Path(folder)
    if not d.exists():
        raise GeniusError(f"{d}: no such folder; name the folder that holds the Genius domain and profiles")
    if not d.is_dir():
        raise GeniusError(
            f"{d}: is a file; name the folder that holds the domain file and one profile per party"
        )
    if folder_files(d, ".xml"):
        domain, profiles, notes = read_genius_folder(d)
    elif folder_files(d, ".json"):
        domain, profiles, notes = read_geniusweb_folder(d)
    else:
        raise GeniusError(f"{d}: no Genius files (*.xml) or GeniusWeb files (*.json) in this folder")
    return genius_to_scenario(domain, profiles, str(d), notes)
