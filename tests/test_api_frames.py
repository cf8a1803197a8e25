"""api.frames: the core's tables as JSON, as the coding routes send them (NaN and NaT as null, numpy numbers
plain, moments as ISO 8601), with a matrix as rows, columns and cells."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import numpy as np
import pandas as pd

from api.frames import record, records, table
from qualia_core.coding import Code


def test_records_turn_missing_values_into_null_and_numpy_into_plain_json():
    frame = pd.DataFrame({"turn": np.array([3, 4], dtype=np.int64), "start_time": [1.5, np.nan],
                          "coded_at": pd.to_datetime(["2026-01-02T03:04:05Z", None], utc=True),
                          "participant": pd.array(["P1", pd.NA], dtype="string"), "extra": ["x", "y"]})
    rows = records(frame, ["turn", "start_time", "coded_at", "participant"])
    assert rows == [{"turn": 3, "start_time": 1.5, "coded_at": "2026-01-02T03:04:05+00:00", "participant": "P1"},
                    {"turn": 4, "start_time": None, "coded_at": None, "participant": None}]
    assert type(rows[0]["turn"]) is int
    json.dumps(rows, allow_nan=False)  # strict JSON: no NaN literal anywhere


def test_a_matrix_keeps_its_labels_and_order_and_a_record_its_fields():
    frame = pd.DataFrame([[2, 0], [1, 1]], index=pd.Index(["Trust", "Trust › Doubt"], name="code"),
                         columns=pd.Index(["b meeting", "a meeting"], name="document"))
    assert table(frame) == {"rows": ["Trust", "Trust › Doubt"], "columns": ["b meeting", "a meeting"],
                            "cells": [[2, 0], [1, 1]]}
    code = Code(7, "0f8fad5b-d9cb-469f-a165-70867728950e", "Doubt", 3, "#4e79a7", "", "Trust › Doubt")
    assert record(code)["path"] == "Trust › Doubt" and record(code)["parent_id"] == 3
    moment = datetime(2026, 1, 2, tzinfo=timezone.utc)
    assert records(pd.DataFrame({"at": [moment]}))[0]["at"].startswith("2026-01-02T00:00:00")
