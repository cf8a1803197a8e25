"""The app's pages run and show what the core found."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def app(data_dir, monkeypatch) -> AppTest:
    monkeypatch.chdir(ROOT)
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)


def test_the_plugins_page_lists_the_six_plugins(app):
    app.run()
    assert not app.exception
    table = app.dataframe[0].value
    assert {"teams_cleaner", "word_frequency", "sentiment_analyzer", "frequency_chart",
            "wordcloud_viz", "sentiment_viz"} <= set(table["id"])
    assert not app.error
