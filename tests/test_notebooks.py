"""The notebooks run top to bottom, so they never rot; outputs are stripped in git."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_notebook_runs_top_to_bottom(path, tmp_path, monkeypatch):
    monkeypatch.setenv("QUALIA_DATA_DIR", str(tmp_path / "data"))
    notebook = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    errors = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs
              if o.output_type == "error"]
    assert errors == []
    shown = {mime for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs
             for mime in o.get("data", {})}
    assert shown & {"image/png", "application/vnd.plotly.v1+json"}, f"no chart or image shown inline: {shown}"
    printed = "".join(o.get("text", "") for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs
                      if o.output_type == "stream")
    # the one-line helper guards the notebook's core with ops' circuit breakers; without ops/ it runs unguarded
    assert ("circuit breakers: on" if importlib.util.find_spec("ops") else "circuit breakers: off") in printed


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_are_stripped_in_git(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_both_notebooks_exist():
    assert {p.name for p in NOTEBOOKS} >= {"01_quickstart.ipynb", "02_compare_meetings.ipynb"}
