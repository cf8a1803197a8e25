"""core.codes' matrices, agreement and quote exports: the store's passages handed to the analytics."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.errors import CodingError

ONE = "Ana: aaaa bbbb\nBruno: cccc dddd\n"  # turns of 9 characters each
TWO = "Ana: eeee\nCarla: ffff gggg\n"


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir, entry_points=False)


@pytest.fixture
def docs(core):
    one = core.library.add("one.txt", ONE.encode())[0].id
    two = core.library.add("two.txt", TWO.encode())[0].id
    for name in ("Trust", "Doubt", "Unused"):
        core.codes.add_code(name)
    return one, two


def test_matrices_count_passages_per_code_and_document_speaker_and_code(core, docs):
    one, two = docs
    codes = core.codes
    codes.code(one, 0, 0, 4, codes=["Trust", "Doubt"], coder="ana")
    codes.code(one, 1, codes="Trust", coder="ana")
    codes.code(two, 1, codes="Trust", coder="ana")
    by_doc = codes.matrix(by="document")
    assert by_doc.loc["Trust"].to_dict() == {"one": 2, "two": 1}
    assert by_doc.loc["Unused"].to_dict() == {"one": 0, "two": 0}  # every code is a row
    assert codes.matrix(by="document", counts=False).loc["Trust"].to_dict() == {"one": 1, "two": 1}
    assert codes.matrix(by="document", documents=[two]).loc["Trust"].to_dict() == {"two": 1}
    assert codes.matrix(by="speaker").loc["Trust"].to_dict() == {"one › Ana": 1, "one › Bruno": 1,
                                                                 "two › Carla": 1}
    assert codes.matrix(by="code").loc["Trust", "Doubt"] == 1
    with pytest.raises(CodingError, match="matrix"):
        codes.matrix(by="meeting")


def test_agreement_over_the_study_equals_a_hand_computation(core, docs):
    one, _ = docs
    codes = core.codes
    # document one has 18 characters (two turns of 9); ana codes 0..9 of turn 0, bruno 4..9 of turn 0 and turn 1
    codes.code(one, 0, 0, 9, codes="Trust", coder="ana")
    codes.code(one, 0, 4, 9, codes="Trust", coder="bruno")
    codes.code(one, 1, 0, 9, codes="Trust", coder="bruno")
    row = codes.agreement("ana", "bruno").set_index("code").loc["Trust"]
    both, only_a, only_b, neither = 5, 4, 9, 0
    po = (both + neither) / 18
    pe = (9 / 18) * (14 / 18) + (9 / 18) * (4 / 18)
    assert (row.both, row.only_a, row.only_b, row.neither, row.characters) == (both, only_a, only_b, neither, 18)
    assert row.agreement == pytest.approx(po * 100)
    assert row.kappa == pytest.approx((po - pe) / (1 - pe))
    krippendorff = pytest.importorskip("krippendorff")
    a = [1] * 9 + [0] * 9
    b = [0] * 4 + [1] * 5 + [1] * 9
    assert row.alpha == pytest.approx(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"))
    differ = codes.disagreements("ana", "bruno")
    assert sorted(zip(differ["coder"], differ["turn"])) == [("ana", 0), ("bruno", 1)]
    with pytest.raises(CodingError, match="two different coders"):
        codes.agreement("ana", "ana")


def test_quotes_are_exported_as_word_and_xlsx_with_meeting_speaker_and_words(core, docs, tmp_path):
    one, two = docs
    codes = core.codes
    codes.code(one, 1, 0, 4, codes="Trust", coder="ana")
    codes.code(two, 1, 5, 9, codes="Doubt", coder="ana")
    core.library.set_speaker_names(one, {"Bruno": "P2"})
    docx = codes.export_quotes(tmp_path / "quotes.docx", code="Trust")
    import docx as python_docx

    text = "\n".join(p.text for p in python_docx.Document(str(docx)).paragraphs)
    assert "Trust" in text and "cccc" in text and "P2" in text and "Bruno" not in text and "gggg" not in text
    import pandas as pd

    sheet = pd.read_excel(codes.export_quotes(tmp_path / "quotes.xlsx"), header=None).astype(str)
    cells = set(sheet.values.ravel())
    assert {"Trust", "Doubt", "cccc", "gggg", "P2", "Carla"} <= cells
