"""Matrices of coding (qualia_core.coding.matrices) and quote exports (qualia_core.coding.quotes), over a
passages table shaped as Coding.passages() returns it."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from qualia_core.coding.matrices import matrix
from qualia_core.coding.quotes import export_quotes, quotes_bytes
from qualia_core.errors import CodingError

COLUMNS = ["passage_id", "passage_guid", "code_id", "code", "document_id", "meeting", "turn", "speaker",
           "participant", "start_time", "end_time", "start", "end", "text", "turn_text", "coder", "coded_at", "memo"]


def table(rows):
    """rows: (passage_id, code, document_id, meeting, turn, speaker, participant, start_time, text)."""
    out = []
    for pid, code, doc, meeting, turn, speaker, participant, start_time, text in rows:
        out.append((pid, f"g{pid}", hash(code) % 100, code, doc, meeting, turn, speaker, participant, start_time,
                    None, 0, len(text), text, text + " and more", "ana", pd.Timestamp("2026-11-30 10:05"), ""))
    return pd.DataFrame(out, columns=COLUMNS)


PASSAGES = table([
    (1, "Trust", "d1", "Kick-off", 0, "Ana", "P01", 5.0, "we trust them"),
    (1, "Doubt", "d1", "Kick-off", 0, "Ana", "P01", 5.0, "we trust them"),  # one passage, two codes
    (2, "Trust", "d1", "Kick-off", 3, "Bea", None, 65.0, "trust is earned"),
    (3, "Trust", "d1", "Kick-off", 3, "Bea", None, 65.0, "earned"),  # same turn again
    (4, "Doubt", "d2", "Review", 1, "Ana", "P01", 3725.0, "not sure"),
    (5, "Trust", "d2", "Review", 2, "Cy", "P02", None, "fine"),
])


def test_code_by_document_counts_passages_and_presence():
    counts = matrix(PASSAGES, "document")
    assert counts.loc["Trust"].to_dict() == {"Kick-off": 3, "Review": 1}
    assert counts.loc["Doubt"].to_dict() == {"Kick-off": 1, "Review": 1}
    presence = matrix(PASSAGES, "document", counts=False)
    assert presence.loc["Trust"].to_dict() == {"Kick-off": 1, "Review": 1}


def test_rows_follow_the_codebook_and_uncoded_codes_show_zero():
    out = matrix(PASSAGES, "document", codes=["Trust", "Unused", "Doubt"])
    assert list(out.index) == ["Trust", "Unused", "Doubt"]
    assert out.loc["Unused"].sum() == 0


def test_speakers_are_per_meeting_and_participants_join_meetings():
    speakers = matrix(PASSAGES, "speaker")
    assert speakers.loc["Trust", "Kick-off › Bea"] == 2 and speakers.loc["Doubt", "Review › Ana"] == 1
    one_meeting = matrix(PASSAGES[PASSAGES["document_id"] == "d1"], "speaker")
    assert list(one_meeting.columns) == ["Ana", "Bea"]
    people = matrix(PASSAGES, "participant")
    assert people.loc["Doubt"].to_dict() == {"P01": 2, "P02": 0}  # Bea is not mapped: left out
    assert people.loc["Trust"].to_dict() == {"P01": 1, "P02": 1}


def test_co_occurrence_counts_turns_holding_both_codes():
    out = matrix(PASSAGES, "code")
    assert out.loc["Trust", "Doubt"] == out.loc["Doubt", "Trust"] == 1  # passage 1, coded with both
    assert out.loc["Trust", "Trust"] == 3  # turns coded Trust: d1 0, d1 3, d2 2
    assert out.loc["Doubt", "Doubt"] == 2


def test_same_named_meetings_stay_apart():
    twin = table([(1, "Trust", "aaaaaaaa11", "Interview", 0, "A", None, None, "x"),
                  (2, "Trust", "bbbbbbbb22", "Interview", 0, "A", None, None, "y")])
    assert sorted(matrix(twin, "document").columns) == ["Interview (aaaaaaaa)", "Interview (bbbbbbbb)"]


def test_unknown_axis_is_refused_with_the_choices():
    with pytest.raises(CodingError, match="'document'.*got 'meeting'"):
        matrix(PASSAGES, "meeting")


def test_quotes_as_csv_carry_what_was_retrieved_and_read_back():
    data = quotes_bytes(PASSAGES, "csv", {"Study": "Pilot", "Codes": "Trust"})
    assert data.startswith(b"# Study: Pilot\n# Codes: Trust\n")
    back = pd.read_csv(io.BytesIO(data), comment="#")
    assert list(back["Code"]) == ["Doubt", "Doubt", "Trust", "Trust", "Trust", "Trust"]
    review = back[back["Meeting"] == "Review"].set_index("Code")
    assert review.loc["Doubt", "Time"] == "1:02:05" and review.loc["Doubt", "Speaker"] == "Ana"


def test_quotes_as_xlsx_keep_text_as_text(tmp_path):
    from openpyxl import load_workbook

    risky = table([(9, "Trust", "d1", "Kick-off", 0, "Ana", None, 0.0, "=HYPERLINK(\"x\")\x07 said")])
    path = export_quotes(risky, tmp_path / "quotes.xlsx")
    sheet = load_workbook(path)["Quotes"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(["Code", "Meeting", "Speaker", "Time", "Quote", "Turn", "Coder", "Coded at", "Memo"])
    quote = rows[header + 1]
    assert quote[:6] == ["Trust", "Kick-off", "Ana", "0:00:00", "=HYPERLINK(\"x\") said", 1]
    assert sheet.cell(row=header + 2, column=5).data_type == "s"  # a string, never a formula


def test_quotes_as_word_are_grouped_by_code_with_their_source(tmp_path):
    from docx import Document

    path = export_quotes(PASSAGES, tmp_path / "quotes.docx", header={"Study": "Pilot"})
    paragraphs = [(p.style.name, p.text) for p in Document(path).paragraphs]
    headings = [text for style, text in paragraphs if style == "Heading 1"]
    assert headings == ["Doubt", "Trust"]
    texts = [text for _style, text in paragraphs]
    i = texts.index("“not sure”")
    assert texts[i + 1] == "Review — Ana — 1:02:05 (coded by ana)"
    assert texts.index("“fine”") > texts.index("Trust")


def test_an_unknown_format_is_refused(tmp_path):
    with pytest.raises(CodingError, match="csv, xlsx, docx"):
        export_quotes(PASSAGES, tmp_path / "quotes.pdf")
    assert not (tmp_path / "quotes.pdf").exists()
