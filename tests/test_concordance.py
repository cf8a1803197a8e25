"""The concordance across the library (meeting column, AntConc's sort over every meeting) and its CSV and XLSX
downloads, read back as a researcher's spreadsheet would."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from qualia_core import QualiaCore
from qualia_core.concordance import lines_table, sort_key
from qualia_core.exports import WHAT_RAN_SHEET, csv_with_header, provenance, xlsx_with_header


@pytest.fixture
def core(tmp_path):
    core = QualiaCore(data_dir=tmp_path, entry_points=False)
    core.library.add_text("first", "Ana: our design team\nBo: the designs are late\nAna: a designer left")
    core.library.add_text("second", "Cy: zero design work\nDi: A comunicação falhou\nCy: better design")
    core.library.add_text("third", "Ed: nothing to see")
    return core


def test_the_library_concordance_names_each_lines_meeting_and_finds_wildcards(core):
    lines, total = core.library_views.concordance("design*")
    assert total == 5
    assert [(line.meeting, line.match) for line in lines] == [
        ("first", "design"), ("first", "designs"), ("first", "designer"), ("second", "design"), ("second", "design")]


def test_the_library_concordance_is_accent_insensitive(core):
    lines, total = core.library_views.concordance("comunicacao")
    assert (total, [line.match for line in lines]) == (1, ["comunicação"])
    assert core.library_views.concordance("comunicacao", accent_sensitive=True)[1] == 0


def test_a_sort_orders_the_lines_of_every_meeting_together(core):
    """R1 of each design* hit: team, are, left, work, (none): the hit at the end of its turn comes first."""
    lines, _ = core.library_views.concordance("design*", sort="R1")
    assert [line.right.split()[0] if line.right else "" for line in lines] == ["", "are", "left", "team", "work"]
    capped, total = core.library_views.concordance("design*", sort="R1", max_lines=2)
    assert [line.right for line in capped] == [line.right for line in lines[:2]] and total == 5


def test_a_sort_key_ignores_case_and_accents():
    assert sort_key("L1", "a Ótima", "x", "") == sort_key("L1", "a otima", "X", "")
    assert sort_key("R2", "", "x", "one Two") < sort_key("R2", "", "x", "one zebra")


def _table(core):
    lines, _ = core.library_views.concordance("design*")
    return lines_table(lines, {e.id: e.name for e in core.library.list()})


def test_the_csv_download_reads_back_with_what_ran(core):
    table = _table(core)
    header = provenance("Keyword in context", "Whole library", {"Word or phrase": "design*", "Sort by": "The hit"})
    text = csv_with_header(table, header)
    assert text.splitlines()[:4] == ["# Plugin: Keyword in context", "# Document: Whole library",
                                     "# Word or phrase: design*", "# Sort by: The hit"]
    back = pd.read_csv(io.StringIO(text), comment="#", keep_default_na=False)
    assert list(back.columns) == ["line", "meeting", "speaker", "time", "left", "match", "right", "turn", "position"]
    assert list(back["match"]) == ["design", "designs", "designer", "design", "design"]
    assert list(back["meeting"]) == ["first", "first", "first", "second", "second"]
    assert back["left"][1] == "the" and back["right"][1] == "are late"


def test_the_xlsx_download_has_a_sheet_of_lines_and_a_sheet_of_what_ran(core):
    table = _table(core)
    header = provenance("Keyword in context", "Whole library", {"Word or phrase": "design*", "Whole words": True})
    data = xlsx_with_header({"Concordance": table}, header)
    back = pd.read_excel(io.BytesIO(data), sheet_name=None, keep_default_na=False)
    assert list(back) == ["Concordance", WHAT_RAN_SHEET]
    assert back["Concordance"]["match"].tolist() == ["design", "designs", "designer", "design", "design"]
    assert back["Concordance"]["turn"].tolist() == [0, 1, 2, 0, 2]  # numbers stay numbers
    ran = dict(back[WHAT_RAN_SHEET].values.tolist())
    assert ran == {"Plugin": "Keyword in context", "Document": "Whole library", "Word or phrase": "design*",
                   "Whole words": "True"}


def test_xlsx_cells_hold_speech_as_text_never_a_formula():
    """Speech starting with "=" stays text (a spreadsheet would run it), and control characters are dropped."""
    table = pd.DataFrame({"left": ['=HYPERLINK("http://127.0.0.1:1","x")', "bell\x07 here"], "match": ["a", "b"]})
    book = openpyxl.load_workbook(io.BytesIO(xlsx_with_header({"Lines": table}, provenance("p", "d", {}))))
    cells = [row[0] for row in book["Lines"].iter_rows(min_row=2)]
    assert cells[0].data_type == "s" and cells[0].value.startswith("=HYPERLINK")
    assert cells[1].value == "bell here"
