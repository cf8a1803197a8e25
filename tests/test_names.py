"""Names people type hold printable text only (a NUL, a line break or another control character is refused with a
message naming the field), and a NUL in a path gives a QualiaError naming the path, not a bare ValueError."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.errors import DocumentError, LibraryError, PathError, QualiaError, SettingsError
from qualia_core.formats import load_path

BAD = ["Ana\x00", "Ana\nSilva", "Ana\rSilva", "Ana\x1b[31m", "Ana\u2028Silva", "Ana\x85"]
MEETING = b"Ana: hello there\nBo: hi Ana\n"


@pytest.fixture
def library(tmp_path):
    core = QualiaCore(data_dir=tmp_path / "data", entry_points=False)
    entry, _ = core.library.add("meeting.txt", MEETING)
    return core.library, entry.id


@pytest.mark.parametrize("name", BAD)
def test_a_document_name_with_a_control_character_is_refused(library, name):
    lib, doc_id = library
    with pytest.raises(LibraryError, match=r"The document name .* contains a control character \(U\+"):
        lib.rename(doc_id, name)
    assert lib.entry(doc_id).name == "meeting"


@pytest.mark.parametrize("name", BAD)
def test_a_speaker_rename_with_a_control_character_is_refused(library, name):
    lib, doc_id = library
    with pytest.raises(LibraryError, match=r"The speaker name .* contains a control character"):
        lib.set_speaker_names(doc_id, {"Ana": name})
    assert lib.entry(doc_id).speaker_map == {}


@pytest.mark.parametrize("name", BAD)
def test_a_participant_name_with_a_control_character_is_refused(library, name):
    lib, doc_id = library
    with pytest.raises(LibraryError, match=r"The participant name .* contains a control character"):
        lib.set_participants(doc_id, {"Ana": name})
    assert lib.entry(doc_id).participants == {}


def test_an_uploaded_file_name_with_a_control_character_is_refused_and_nothing_is_stored(library):
    lib, _ = library
    with pytest.raises(LibraryError, match=r"The file name 'b\\nad.txt' contains a control character \(U\+000A"):
        lib.add("b\nad.txt", b"Ana: another meeting\n")
    assert len(lib.list()) == 1


def test_printable_names_are_kept(library):
    lib, doc_id = library
    assert lib.rename(doc_id, "Entrevista – São Paulo 😀").name == "Entrevista – São Paulo 😀"
    assert lib.set_speaker_names(doc_id, {"Ana": "P01"}).speaker_map == {"Ana": "P01"}


def test_a_nul_in_a_transcript_path_names_the_path(tmp_path):
    with pytest.raises(DocumentError, match=r"Cannot read '.*me\\x00eting.txt': the path .* contains a NUL"):
        load_path(str(tmp_path / "me\x00eting.txt"))


def test_a_nul_in_the_data_dir_names_it(tmp_path):
    with pytest.raises(PathError, match=r"The data dir cannot be used: the path '.*da\\x00ta' contains a NUL"):
        QualiaCore(data_dir=str(tmp_path / "da\x00ta"), entry_points=False)


def test_a_nul_in_the_data_dir_setting_names_the_variable():
    from qualia_core import config

    with pytest.raises(SettingsError, match="QUALIA_DATA_DIR="):
        config.get("QUALIA_DATA_DIR", {"QUALIA_DATA_DIR": "da\x00ta"})


def test_a_nul_in_the_backup_dir_names_it(tmp_path):
    from ops.backup.retention import list_backups
    from ops.backup.settings import resolve_backup_dir

    with pytest.raises(PathError, match=r"The backup dir cannot be used: the path '.*back\\x00ups'"):
        resolve_backup_dir(str(tmp_path / "back\x00ups"), data_dir=tmp_path / "data", plugins_dir=tmp_path / "p")
    with pytest.raises(QualiaError, match=r"The backup dir cannot be used"):
        list_backups(str(tmp_path / "back\x00ups"))
    with pytest.raises(PathError, match=r"The data dir cannot be used"):
        resolve_backup_dir(str(tmp_path / "backups"), data_dir=str(tmp_path / "da\x00ta"), plugins_dir=tmp_path)
