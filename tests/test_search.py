"""core.search: the whole library searched at once, on SQLite's FTS5 and PostgreSQL's text search alike."""

from __future__ import annotations

import pytest

pytest.importorskip("sqlalchemy")

from qualia_core import QualiaCore  # noqa: E402
from qualia_core.search_terms import fold, parse, spans  # noqa: E402

INTERVIEW = """Entrevistadora: Como foi a comunicação com a escola?
Professora: A comunicação era difícil. Não havia reuniões.
Entrevistadora: E as reuniões com os pais?
Professora: Comunicacao escrita, bilhetes, nada mais.
"""
MEETING = """Project Manager: Let us talk about the remote control design.
Industrial Designer: The designers want a remote, control with fewer buttons.
Marketing: Design matters. Remote controls get lost.
"""


@pytest.fixture
def core(database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("QUALIA_DATABASE_URL", "" if database_url.startswith("sqlite") else database_url)
    core = QualiaCore(data_dir=tmp_path / "data", entry_points=False)
    core.interview, _ = core.library.add("entrevista.txt", INTERVIEW.encode())
    core.meeting, _ = core.library.add("meeting.txt", MEETING.encode())
    yield core
    core.library.store.close()


def found(result) -> list[tuple[str, int, list[str]]]:
    return [(h.document_id, h.turn, h.matches) for h in result.hits]


def test_case_and_accents_never_matter(core):
    result = core.search("COMUNICACAO")
    assert found(result) == [(core.interview.id, 0, ["comunicação"]), (core.interview.id, 1, ["comunicação"]),
                             (core.interview.id, 3, ["Comunicacao"])]
    assert core.search("reuniao").total == 0 and core.search("reunioes").total == 2  # words, not stems


def test_a_phrase_finds_its_words_in_order_and_adjacent(core):
    result = core.search('"remote control"')
    assert found(result) == [(core.meeting.id, 0, ["remote control"]), (core.meeting.id, 1, ["remote, control"])]
    assert core.search('"control remote"').total == 0


def test_a_star_finds_every_word_starting_so(core):
    result = core.search("design*")
    assert found(result) == [(core.meeting.id, 0, ["design"]), (core.meeting.id, 1, ["designers"]),
                             (core.meeting.id, 2, ["Design"])]
    assert core.search("design").total == 2  # without the star: the word itself


def test_every_term_must_be_in_the_turn(core):
    assert [h.turn for h in core.search("remote buttons").hits] == [1]


def test_filters_by_meeting_and_by_speaker_as_shown(core):
    assert {h.document_id for h in core.search("design*", documents=[core.interview.id]).hits} == set()
    core.library.set_speaker_names(core.meeting.id, {"Marketing": "P03"})
    hits = core.search("design*", speakers=["P03"]).hits
    assert [(h.turn, h.speaker) for h in hits] == [(2, "P03")]
    assert core.search("design*", speakers=["Marketing"]).total == 0  # the real name is not searchable


def test_hits_say_where_they_are(core):
    [hit] = core.search("bilhetes").hits
    assert (hit.document_name, hit.speaker, hit.turn, hit.start) == ("entrevista", "Professora", 3, None)
    assert hit.text[hit.spans[0][0]:hit.spans[0][1]] == "bilhetes"


def test_limit_keeps_the_first_hits_and_counts_them_all(core):
    result = core.search("a*", limit=2)
    assert len(result.hits) == 2 and result.total > 2 and result.truncated


def test_a_deleted_document_is_no_longer_found(core):
    core.library.delete(core.interview.id)
    assert core.search("comunicacao").total == 0


@pytest.mark.parametrize("query", ['"', "'", "--", "a OR b", "NEAR(x y)", "*", "design\"* ; DROP TABLE turns",
                                   "col:value", "^start", "(", ")", "&|!<->", ""])
def test_nothing_typed_is_search_engine_syntax(core, query):
    core.search(query)  # never raises
    assert core.search("design*").total == 3  # and nothing happened to the index


def test_the_query_reader():
    terms = parse('Remote "Control  Design*" comunicação x*')
    assert [(t.words, t.prefix) for t in terms] == [(("control", "design"), True), (("remote",), False),
                                                    (("comunicacao",), False), (("x",), True)]
    folded, where = fold("Açaí é ótimo")
    assert folded == "acai e otimo" and where[4] == 4
    assert spans(parse("otimo acai"), "Açaí é ótimo") == [(0, 4), (7, 12)]
