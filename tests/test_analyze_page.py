"""The Analyze page runs each plugin once per click of Run: a failing plugin is not run again to show its error
(it was: two Sentry events and two circuit-breaker failures per click)."""

from __future__ import annotations

import os

from test_app import ROOT, app, run_analysis, with_meeting  # noqa: F401  (fixtures)

COUNTING = '''
from pathlib import Path
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

CALLS = Path({calls!r})

class CountsAndFails(BaseAnalyzerPlugin):
    def meta(self):
        return PluginMetadata(id="counts_and_fails", type=PluginType.ANALYZER, name="Counts and fails",
                              description="Records each run, then fails.", version="1.0")

    def _analyze_impl(self, document, config, context):
        with CALLS.open("a") as calls:
            calls.write("run\\n")
        raise RuntimeError("bug in the plugin")
'''


def test_a_failing_plugin_runs_once_per_click(app, with_meeting, tmp_path, monkeypatch):  # noqa: F811
    calls = tmp_path / "calls.txt"
    plugins = tmp_path / "plugins"
    (plugins / "counts_and_fails").mkdir(parents=True)
    (plugins / "counts_and_fails" / "__init__.py").write_text(COUNTING.format(calls=str(calls)))
    os.symlink(ROOT / "plugins" / "word_frequency", plugins / "word_frequency")
    monkeypatch.setenv("QUALIA_PLUGINS_DIR", str(plugins))
    at = run_analysis(app("pages/analyze.py"), with_meeting, {"analyzer": ["counts_and_fails", "word_frequency"]})
    shown = [e.value.replace("\\", "") for e in at.error]  # names are Markdown-escaped (counts\_and\_fails)
    assert any("counts_and_fails" in e and "RuntimeError" in e for e in shown)
    assert calls.read_text().count("run") == 1
    at.run()  # any later rerun of the page (another widget) shows the error without running the plugin
    assert any("counts_and_fails" in e.value.replace("\\", "") for e in at.error)
    assert calls.read_text().count("run") == 1
