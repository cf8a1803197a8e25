"""The document library: what the app's Library page and notebooks share."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from qualia_core import DocumentError, QualiaCore
from qualia_core.errors import LibraryError

MEETING = "Ana Silva: we should start the interview now\nBruno Costa: yes, let us start\nAna Silva: thank you all\n"


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


def test_an_added_document_is_listed_with_its_counts(core):
    entry, added = core.library.add("interview 1.txt", MEETING.encode())
    assert added
    [listed] = core.library.list()
    assert (listed.name, listed.format, listed.speakers, listed.utterances, listed.words) == (
        "interview 1", "txt", ["Ana Silva", "Bruno Costa"], 3, 13)
    assert core.library.get(entry.id).utterances[1].text == "yes, let us start"


def test_the_library_counts_words_as_every_analysis_does(core, fixtures_dir):
    """One rule for words (qualia_core.text): markers such as {vocalsound}, digits and punctuation are not
    words, so the Library's count equals speaker_stats' total and word_frequency's tokens."""
    data = (fixtures_dir / "ami_ES2012a_opening.txt").read_bytes()
    assert b"{vocalsound}" in data or b"{disfmarker}" in data  # the rule is tested where it matters
    entry, _ = core.library.add("opening.txt", data)
    doc = core.library.get(entry.id)
    assert entry.words == core.execute_plugin("speaker_stats", doc)["total_words"]
    assert entry.words == core.execute_plugin("word_frequency", doc)["total_tokens"]


def test_the_library_is_there_after_a_restart(core, data_dir):
    entry, _ = core.library.add("a.txt", MEETING.encode())
    again = QualiaCore(data_dir=data_dir, entry_points=False)
    assert [e.id for e in again.library.list()] == [entry.id]
    assert again.library.get(entry.id).speakers == ["Ana Silva", "Bruno Costa"]


def test_a_bad_file_is_refused_naming_it_and_nothing_is_stored(core):
    with pytest.raises(DocumentError, match="empty.txt"):
        core.library.add("empty.txt", b"")
    assert core.library.list() == []
    assert not core.library.files.exists() or not any(core.library.files.iterdir())


def test_the_same_file_uploaded_twice_is_stored_once(core):
    first, _ = core.library.add("a.txt", MEETING.encode())
    second, added = core.library.add("copy.txt", MEETING.encode())
    assert (second.id, added) == (first.id, False)


def test_rename_changes_the_display_name_only(core):
    entry, _ = core.library.add("a.txt", MEETING.encode())
    core.library.rename(entry.id, "Focus group, March")
    assert core.library.list()[0].name == "Focus group, March"
    with pytest.raises(LibraryError, match="cannot be empty"):
        core.library.rename(entry.id, "  ")


def test_pseudonyms_are_used_by_every_analysis(core):
    entry, _ = core.library.add("a.txt", MEETING.encode())
    core.library.pseudonymise(entry.id)
    doc = core.library.get(entry.id)
    assert doc.speakers == ["P01", "P02"]
    result = core.execute_plugin("word_frequency", doc)
    assert set(result["per_speaker"]) == {"P01", "P02"}
    assert "Ana" not in str(result) and "Silva" not in str(result)


def test_speaker_renames_are_checked(core):
    entry, _ = core.library.add("a.txt", MEETING.encode())
    with pytest.raises(LibraryError, match="no speaker"):
        core.library.set_speaker_names(entry.id, {"Carla": "P03"})
    with pytest.raises(LibraryError, match="both be called 'X'"):
        core.library.set_speaker_names(entry.id, {"Ana Silva": "X", "Bruno Costa": "X"})
    core.library.set_speaker_names(entry.id, {"Ana Silva": "Interviewer"})
    core.library.set_speaker_names(entry.id, {"Ana Silva": ""})
    assert core.library.get(entry.id).speakers == ["Ana Silva", "Bruno Costa"]


def test_delete_removes_the_document(core):
    entry, _ = core.library.add("a.txt", MEETING.encode())
    core.library.delete(entry.id)
    assert core.library.list() == []
    with pytest.raises(LibraryError, match="No document"):
        core.library.get(entry.id)


def test_ids_cannot_escape_the_library(core):
    with pytest.raises(LibraryError):
        core.library.get("../../etc")


def test_concurrent_sessions_adding_files_do_not_corrupt_the_library(core):
    errors = []

    def add(i):
        try:
            core.library.add(f"meeting {i}.txt", (MEETING + f"Ana Silva: meeting number {i}\n").encode())
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(core.library.list()) == 12


def test_a_restored_database_is_seen_without_a_restart(core, tmp_path):
    """A restore swaps in another data dir (its database with its own WAL): the running library reads it at once."""
    entry, _ = core.library.add("a.txt", MEETING.encode())
    assert len(core.library.get(entry.id).utterances) == 3
    other = QualiaCore(data_dir=tmp_path / "other", entry_points=False)
    other.library.add("b.txt", (MEETING + "Bruno Costa: one more thing\n").encode())
    other.library.store.close()
    core.data_dir.rename(tmp_path / "before-restore")
    (tmp_path / "other").rename(core.data_dir)
    assert [len(core.library.get(e.id).utterances) for e in core.library.list()] == [4]


def test_a_document_is_read_from_the_store_without_parsing_its_file_again(core):
    entry, _ = core.library.add("a.txt", MEETING.encode())
    core.library.original(entry.id).unlink()  # the turns are in the database
    assert [u.speaker for u in core.library.get(entry.id).utterances] == ["Ana Silva", "Bruno Costa", "Ana Silva"]


def test_processes_adding_renaming_and_deleting_at_once_lose_nothing(data_dir, fixtures_dir):
    """Two app processes and a command line on one study: the same bytes added by all at once are stored once,
    nobody sees an error, and every rename and delete lands."""
    import subprocess
    import sys
    import textwrap

    files = sorted((fixtures_dir / "corpus").glob("*.txt")) + sorted((fixtures_dir / "corpus").glob("*.vtt"))
    code = textwrap.dedent(f'''
        import sys
        from pathlib import Path
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        from qualia_core import QualiaCore
        me = int(sys.argv[1])
        core = QualiaCore(data_dir={str(data_dir)!r}, entry_points=False)
        files = [Path(p) for p in {[str(f) for f in files]!r}]
        for f in files:
            core.library.add(f.name, f.read_bytes())                       # everyone adds the same bytes
        own, _ = core.library.add(f"own {{me}}.txt", f"Ana: process {{me}} was here\\nBo: yes".encode())
        for i in range(10):
            core.library.rename(own.id, f"own {{me}} take {{i}}")
        extra, _ = core.library.add(f"extra {{me}}.txt", f"Ana: to delete {{me}}".encode())
        core.library.delete(extra.id)
        print("ok")
    ''')
    procs = [subprocess.Popen([sys.executable, "-c", code, str(i)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for i in range(3)]
    outs = [p.communicate(timeout=180) for p in procs]
    assert [(p.returncode, out.strip()) for p, (out, _) in zip(procs, outs)] == [(0, "ok")] * 3, [e for _, e in outs]
    entries = QualiaCore(data_dir=data_dir, entry_points=False).library.list()
    assert len(entries) == len(files) + 3
    assert sorted(e.name for e in entries if e.name.startswith("own")) == [f"own {i} take 9" for i in range(3)]
    assert len({e.sha256 for e in entries}) == len(entries)
    assert len(list((data_dir / "files").iterdir())) == len(entries)


def test_speakers_of_several_interviews_can_be_one_participant(core):
    first, _ = core.library.add("a.txt", MEETING.encode())
    second, _ = core.library.add("b.txt", b"Ana S.: hello again\nCarla: welcome\n")
    core.library.set_participants(first.id, {"Ana Silva": "Teacher A"})
    core.library.set_participants(second.id, {"Ana S.": "Teacher A", "Carla": "Parent 1"})
    assert [e.participants for e in core.library.list()] == [{"Ana Silva": "Teacher A"},
                                                             {"Ana S.": "Teacher A", "Carla": "Parent 1"}]
    core.library.pseudonymise(first.id)  # a pseudonym does not change who the person is
    assert core.library.entry(first.id).participants == {"Ana Silva": "Teacher A"}
    with pytest.raises(LibraryError, match="no speaker"):
        core.library.set_participants(first.id, {"Nobody": "X"})
    core.library.set_participants(second.id, {"Carla": ""})
    assert core.library.entry(second.id).participants == {"Ana S.": "Teacher A"}


def test_the_whole_library_as_one_document_reads_no_turn_when_its_results_are_cached(core, data_dir, monkeypatch):
    first, _ = core.library.add("a.txt", MEETING.encode())
    core.library.add("b.txt", b"Carla: the budget\nDavi: the budget again\n")
    counts = core.execute_plugin("word_frequency", core.library.combined())
    assert counts["total_tokens"] == 13 + 5
    again = QualiaCore(data_dir=data_dir, entry_points=False)  # a restart: nothing in memory
    monkeypatch.setattr(type(again.library), "get_many", lambda *a: pytest.fail("turns were read"))
    assert again.execute_plugin("word_frequency", again.library.combined()) == counts
    monkeypatch.undo()
    before = again.library.combined().fingerprint
    again.library.pseudonymise(first.id)  # speaker names change what the whole library shows
    assert again.library.combined().fingerprint != before
    assert "P01" in again.library.combined().speakers
