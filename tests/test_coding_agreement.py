"""Coder agreement (qualia_core.coding.agreement): NVivo's coding comparison over characters, uncoded text
included, checked against a hand computation and the krippendorff package's alpha over every character."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest

from qualia_core.coding.agreement import agreement, compare, disagreements
from qualia_core.errors import CodingError

COLUMNS = ["passage_id", "code", "document_id", "meeting", "turn", "start", "end", "coder"]


def passages(rows):
    """rows: (code, document, turn, start, end, coder)."""
    return pd.DataFrame([(i, code, doc, f"Meeting {doc}", turn, start, end, coder)
                         for i, (code, doc, turn, start, end, coder) in enumerate(rows)], columns=COLUMNS)


# One meeting of two 10-character turns (20 units). Coder A codes Trust on turn 0 [0, 6) and turn 1 [0, 4);
# coder B on turn 0 [2, 8). Both: turn 0 [2, 6) = 4. Only A: [0, 2) + turn 1 [0, 4) = 6. Only B: [6, 8) = 2.
# Neither: 20 - 4 - 6 - 2 = 8.
#   agreement = (4 + 8) / 20 = 60 %
#   pA = 10/20 = .5, pB = 6/20 = .3, Pe = .5*.3 + .5*.7 = .5, kappa = (.6 - .5) / (1 - .5) = .2
#   alpha (nominal): n = 40 values; o(0,0) = 16, o(1,1) = 8, o(0,1) = o(1,0) = 8; n0 = 24, n1 = 16;
#   alpha = 1 - (n - 1) * (8 + 8) / (2 * 24 * 16) = 1 - 39 * 16 / 768 = .1875
HAND = passages([("Trust", "m1", 0, 0, 6, "ana"), ("Trust", "m1", 1, 0, 4, "ana"), ("Trust", "m1", 0, 2, 8, "bea")])
LENGTHS = {"m1": [10, 10]}


def test_percent_kappa_and_alpha_equal_the_hand_computation():
    table = agreement(HAND, "ana", "bea", LENGTHS)
    row = table.set_index("code").loc["Trust"]
    assert (row["both"], row["only_a"], row["only_b"], row["neither"], row["characters"]) == (4, 6, 2, 8, 20)
    assert row["agreement"] == pytest.approx(60.0)
    assert row["kappa"] == pytest.approx(0.2)
    assert row["alpha"] == pytest.approx(0.1875)


def test_alpha_equals_the_krippendorff_package_over_every_character():
    import krippendorff

    a = np.zeros(20)
    b = np.zeros(20)
    a[0:6] = a[10:14] = 1
    b[2:8] = 1
    expected = krippendorff.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="nominal")
    assert agreement(HAND, "ana", "bea", LENGTHS)["alpha"].iloc[0] == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(6))
def test_random_codings_match_the_package_and_kappa_by_definition(seed):
    import krippendorff

    rng = random.Random(seed)
    lengths = {"d1": [rng.randint(5, 60) for _ in range(8)], "d2": [rng.randint(5, 60) for _ in range(5)]}
    rows = []
    for coder in ("a", "b"):
        for _ in range(rng.randint(3, 12)):
            doc = rng.choice(["d1", "d2"])
            turn = rng.randrange(len(lengths[doc]))
            start = rng.randrange(lengths[doc][turn])
            rows.append(("X", doc, turn, start, rng.randint(start + 1, lengths[doc][turn]), coder))
    rows += [("X", "d1", 0, 0, 1, "a"), ("X", "d2", 0, 0, 1, "b")]  # both coders coded both documents
    got = agreement(passages(rows), "a", "b", lengths).iloc[0]

    vectors = {}
    for coder in ("a", "b"):  # every character of both documents, 1 where this coder coded it
        units = []
        for doc in ("d1", "d2"):
            for turn, length in enumerate(lengths[doc]):
                flags = np.zeros(length)
                for code, d, t, s, e, c in rows:
                    if (d, t, c) == (doc, turn, coder):
                        flags[s:e] = 1
                units.append(flags)
        vectors[coder] = np.concatenate(units)
    a, b = vectors["a"], vectors["b"]
    po = float(np.mean(a == b))
    pe = a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean())
    assert got["agreement"] == pytest.approx(100 * po)
    assert got["kappa"] == pytest.approx((po - pe) / (1 - pe))
    assert got["alpha"] == pytest.approx(
        krippendorff.alpha(reliability_data=np.vstack([a, b]), level_of_measurement="nominal"))


def test_overlapping_passages_of_one_coder_count_each_character_once():
    twice = passages([("Trust", "m1", 0, 0, 6, "ana"), ("Trust", "m1", 0, 3, 6, "ana"),
                      ("Trust", "m1", 1, 0, 4, "ana"), ("Trust", "m1", 0, 2, 8, "bea")])
    once = agreement(HAND, "ana", "bea", LENGTHS)
    assert agreement(twice, "ana", "bea", LENGTHS).equals(once)


def test_each_code_is_compared_on_its_own_and_other_coders_are_ignored():
    rows = passages([("Trust", "m1", 0, 0, 6, "ana"), ("Trust", "m1", 1, 0, 4, "ana"),
                     ("Trust", "m1", 0, 2, 8, "bea"), ("Doubt", "m1", 1, 0, 10, "ana"),
                     ("Doubt", "m1", 1, 0, 10, "bea"), ("Trust", "m1", 0, 0, 10, "cy")])
    table = agreement(rows, "ana", "bea", LENGTHS).set_index("code")
    assert list(table.index) == ["Doubt", "Trust"]
    assert table.loc["Doubt", "agreement"] == 100.0 and table.loc["Doubt", "kappa"] == 1.0
    assert table.loc["Doubt", "alpha"] == pytest.approx(1.0)
    assert table.loc["Trust", "kappa"] == pytest.approx(0.2)


def test_by_document_rows_and_the_documents_compared():
    rows = passages([("Trust", "m1", 0, 0, 6, "ana"), ("Trust", "m1", 1, 0, 4, "ana"),
                     ("Trust", "m1", 0, 2, 8, "bea"), ("Trust", "m2", 0, 0, 5, "ana")])
    lengths = {"m1": [10, 10], "m2": [5]}
    # By default only the meetings both coders coded are compared: m2 has only ana's coding.
    assert agreement(rows, "ana", "bea", lengths)["characters"].iloc[0] == 20
    both = agreement(rows, "ana", "bea", lengths, documents=["m1", "m2"], by_document=True,
                     names={"m1": "Kick-off", "m2": "Review"})
    assert list(both["meeting"]) == ["Kick-off", "Review"]
    review = both.set_index("document_id").loc["m2"]
    assert (review["only_a"], review["both"], review["agreement"]) == (5, 0, 0.0)
    whole = agreement(rows, "ana", "bea", lengths, documents=["m1", "m2"]).iloc[0]
    assert whole["characters"] == 25 and whole["agreement"] == pytest.approx(100 * 12 / 25)


def test_nobody_coding_a_meeting_is_full_agreement_with_alpha_undefined():
    rows = passages([("Trust", "m1", 0, 0, 6, "ana"), ("Trust", "m1", 0, 0, 6, "bea")])
    row = agreement(rows, "ana", "bea", {"m1": [10, 10], "m2": [7]}, documents=["m2"], by_document=True)
    assert row.empty  # no code was used in m2 by either coder: nothing to compare
    counts = compare(rows, "ana", "bea", {"m1": [6]})
    only = counts[("Trust", "m1")]
    assert only.percent() == 100.0 and only.kappa() == 1.0 and math.isnan(only.alpha())


def test_bad_requests_name_what_is_wrong():
    with pytest.raises(CodingError, match="two different coders"):
        agreement(HAND, "ana", "ana", LENGTHS)
    with pytest.raises(CodingError, match="'nope'"):
        agreement(HAND, "ana", "bea", LENGTHS, documents=["nope"])


def test_disagreements_are_the_passages_the_other_coder_did_not_fully_share():
    rows = passages([("Trust", "m1", 0, 0, 6, "ana"), ("Trust", "m1", 1, 0, 4, "ana"),
                     ("Trust", "m1", 0, 2, 8, "bea"), ("Doubt", "m1", 1, 0, 10, "ana"),
                     ("Doubt", "m1", 1, 0, 10, "bea")])
    out = disagreements(rows, "ana", "bea")
    assert set(out["code"]) == {"Trust"}
    got = {(r.coder, r.turn, r.start, r.end): r.coverage for r in out.itertuples()}
    assert got == {("ana", 0, 0, 6): pytest.approx(4 / 6), ("ana", 1, 0, 4): 0.0, ("bea", 0, 2, 8): pytest.approx(4 / 6)}
