"""Moving in: a data dir of the earlier layout becomes the study database without losing a document, a name,
a speaker rename or a pseudonym; the old folders stay until every document is in."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qualia_core import QualiaCore

LEGACY = Path(__file__).resolve().parent / "fixtures" / "legacy_library" / "round1_data_dir"


def old_entries(root: Path) -> dict[str, dict]:
    return {f.name: json.loads((f / "entry.json").read_text()) for f in sorted(root.iterdir())}


@pytest.fixture
def legacy_data(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(LEGACY, data)
    return data


def test_every_document_name_rename_and_pseudonym_moves_in(legacy_data):
    before = old_entries(legacy_data / "library")
    core = QualiaCore(data_dir=legacy_data, entry_points=False)
    entries = {e.id: e for e in core.library.list()}
    assert set(entries) == set(before)
    for doc_id, old in before.items():
        new = entries[doc_id]
        assert (new.name, new.source, new.sha256, new.added_at) == (old["name"], old["source"], old["sha256"],
                                                                    old["added_at"])
        assert (new.speakers, new.speaker_map, new.utterances) == (old["speakers"], old["speaker_map"],
                                                                   old["utterances"])
    assert core.library.get("es2012a-opening-c0c54f9d").speakers == ["P01", "P02", "P03", "P04"]
    assert "Entrevistadora" in core.library.get("entrevista-9a346846").speakers
    assert not (legacy_data / "library").exists() and (legacy_data / "library.imported").is_dir()
    assert len(list((legacy_data / "files").iterdir())) == 3


def test_a_document_that_cannot_move_in_keeps_the_old_folders_and_the_next_start_finishes(legacy_data, caplog):
    broken = legacy_data / "library" / "pasted-notes-fdc80848" / "original.txt"
    saved = broken.read_bytes()
    broken.unlink()
    core = QualiaCore(data_dir=legacy_data, entry_points=False)
    assert {e.id for e in core.library.list()} == {"es2012a-opening-c0c54f9d", "entrevista-9a346846"}
    assert "pasted-notes-fdc80848" in caplog.text and (legacy_data / "library").is_dir()
    broken.write_bytes(saved)
    again = QualiaCore(data_dir=legacy_data, entry_points=False)
    assert len(again.library.list()) == 3
    assert (legacy_data / "library.imported").is_dir()
