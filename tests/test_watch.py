"""qualia_core.watch: transcripts that appear in a folder go into the library once, when they have settled."""

from __future__ import annotations

import shutil
from pathlib import Path

from qualia_core import QualiaCore
from qualia_core.watch import FolderWatch

CORPUS = Path(__file__).resolve().parent / "fixtures" / "corpus"


def test_a_file_is_added_once_it_has_settled_and_again_only_when_it_changes(tmp_path):
    core = QualiaCore(data_dir=tmp_path / "data", entry_points=False)
    folder = tmp_path / "incoming"
    folder.mkdir()
    watcher = FolderWatch(core.library, folder, max_bytes=core.max_document_bytes)
    shutil.copy(CORPUS / "ES2012a.txt", folder / "ES2012a.txt")
    assert watcher.poll().added == []  # seen once: it may still be being copied
    first = watcher.poll()
    assert [name for name, _ in first.added] == ["ES2012a.txt"]
    assert watcher.poll().added == [] and len(core.library.list()) == 1  # not read again
    with (folder / "ES2012a.txt").open("a") as f:
        f.write("Marketing: One more line.\n")
    watcher.poll()
    assert [name for name, _ in watcher.poll().added] == ["ES2012a.txt"]  # changed: a new version
    assert len(core.library.list()) == 2


def test_unreadable_and_oversized_files_are_refused_with_the_reason(tmp_path):
    core = QualiaCore(data_dir=tmp_path / "data", entry_points=False)
    folder = tmp_path / "incoming"
    folder.mkdir()
    shutil.copy(CORPUS / "broken.docx", folder / "broken.docx")
    (folder / "huge.txt").write_text("Ana: " + "word " * 400 + "\n")
    report = FolderWatch(core.library, folder, max_bytes=1000).poll(settle=False)
    refused = dict(report.refused)
    assert refused["broken.docx"].startswith("Cannot read broken.docx")
    assert "over the" in refused["huge.txt"] and "QUALIA_MAX_DOCUMENT_MB" in refused["huge.txt"]
    assert report.added == [] and core.library.list() == []
