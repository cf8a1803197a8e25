"""Analyze never runs with values the form does not show: an invalid parameter turns Run off and says why next to
its field, in the core's own words (qualia_core.params names the accepted range). The page holds no range itself."""

from __future__ import annotations

import pytest

from test_app import app, with_meeting, word_table  # noqa: F401  (fixtures)

from qualia_core import QualiaCore
from qualia_core.errors import ConfigError

# The values a new user typed (issue 16), in the plugins that declare those parameters.
INVALID = [
    ("analyzer", "word_frequency", "min_length", "0"),
    ("analyzer", "sentiment_analyzer", "positive_threshold", "-0.5"),
    ("analyzer", "sentiment_analyzer", "top_n", "99999"),
    ("visualizer", "frequency_chart", "top_n", "99999"),
]


def field_key(plugin: str, name: str) -> str:
    return f"analyze_param_{plugin}_{name}"


def set_field(at, key: str, text: str, run: bool = True):
    """Type `text` into a parameter's field, whichever widget the form uses for it."""
    for widgets in (at.text_input, at.number_input):
        try:
            widget = widgets(key=key)
        except KeyError:
            continue
        widget.set_value(text if widgets == at.text_input else float(text) if "." in text else int(text))
        return at.run() if run else at
    raise AssertionError(f"no field {key}")


def core_message(plugin: str, name: str, text: str) -> str:
    """What the core says of this value: the message the page must show."""
    core = QualiaCore(entry_points=False)
    core.discover_plugins()
    with pytest.raises(ConfigError) as caught:
        core.validate(plugin, {name: text})
    return dict(caught.value.errors)[name]


def choose(at, doc_id: str, ptype: str, plugin: str):
    at.multiselect(key="analyze_docs").set_value([doc_id])
    at.multiselect(key=f"analyze_plugins_{ptype}").set_value([plugin])
    return at.run()


def field_column(at, key: str):
    """The form column holding the field `key` (where its message belongs)."""
    fields = ("text_input", "number_input", "selectbox", "checkbox")
    return next(c for c in at.columns if any(getattr(w, "key", None) == key for f in fields for w in c.get(f)))


@pytest.mark.parametrize("ptype, plugin, name, text", INVALID, ids=[f"{p}.{n}={t}" for _, p, n, t in INVALID])
def test_an_invalid_value_turns_run_off_and_says_why_next_to_the_field(app, with_meeting, ptype, plugin, name, text):  # noqa: F811
    at = choose(app("pages/analyze.py"), with_meeting, ptype, plugin)
    assert not at.button(key="analyze_run").disabled
    # Typed, then Run clicked at once: the value and the click reach the server in the same rerun.
    at = set_field(at, field_key(plugin, name), text, run=False)
    at.button(key="analyze_run").click().run()
    assert not at.exception
    assert "analyze_last" not in at.session_state, "it ran with values the form does not show"
    assert not at.get("progress")
    message = core_message(plugin, name, text)
    assert "from" in message and "to" in message  # the core names the accepted range
    beside = [e.value for e in field_column(at, field_key(plugin, name)).error]
    assert any(message in m.replace("\\", "") for m in beside), (message, beside)
    assert at.button(key="analyze_run").disabled, "Run is on while a field is invalid"
    label = name.replace("_", " ").capitalize()  # as the field shows it: "Min length"
    assert any(label in e.value and "Run is off" in e.value for e in at.error)  # and by Run


def test_a_corrected_value_runs_with_what_the_form_shows(app, with_meeting):  # noqa: F811
    at = choose(app("pages/analyze.py"), with_meeting, "analyzer", "word_frequency")
    at = set_field(at, field_key("word_frequency", "min_length"), "0")
    assert at.button(key="analyze_run").disabled
    at = set_field(at, field_key("word_frequency", "min_length"), "6")
    assert not at.button(key="analyze_run").disabled
    assert not [e for c in at.columns for e in c.error]  # the message goes with the value
    at.button(key="analyze_run").click().run()
    assert not at.exception
    assert at.session_state["analyze_last"]["configs"]["word_frequency"]["min_length"] == 6
    table = next(d.value.rename(columns=str.lower) for d in at.dataframe if list(d.value.columns) == ["Term", "Count"])
    assert (table["term"].str.len() >= 6).all()


def test_a_refused_combination_is_shown_at_the_field_it_names(app, with_meeting):  # noqa: F811
    """check_config's refusals (bigrams have no per-speaker counts) are the core's too: shown before the run."""
    at = choose(app("pages/analyze.py"), with_meeting, "visualizer", "frequency_chart")
    at.selectbox(key=field_key("frequency_chart", "source")).set_value("bigrams").run()
    at.selectbox(key=field_key("frequency_chart", "group_by")).set_value("speaker").run()
    beside = [e.value for e in field_column(at, field_key("frequency_chart", "group_by")).error]
    assert any("set group_by to 'all'" in m.replace("\\", "") for m in beside), beside
    assert at.button(key="analyze_run").disabled


def test_text_that_is_not_a_number_is_named_not_replaced(app, with_meeting):  # noqa: F811
    """A comma decimal (0,5) is refused with the core's message, never read as another number."""
    at = choose(app("pages/analyze.py"), with_meeting, "analyzer", "sentiment_analyzer")
    key = field_key("sentiment_analyzer", "positive_threshold")
    try:
        at.text_input(key=key)
    except KeyError:
        pytest.fail("numbers are typed as text, so what the field shows is what is validated")
    at = set_field(at, key, "0,5")
    beside = [e.value for e in field_column(at, key).error]
    assert any("got '0,5' (not a number)" in m.replace("\\", "") for m in beside), beside
    assert at.button(key="analyze_run").disabled


def test_the_form_starts_from_the_study_stoplist_and_a_field_changed_overrides_it(app, with_meeting, data_dir):  # noqa: F811
    core = QualiaCore(data_dir=data_dir, entry_points=False)
    core.set_study_words({"stopwords": ["remote", "control"], "exclude_context_fillers": False})
    at = choose(app("pages/analyze.py"), with_meeting, "analyzer", "word_frequency")
    assert at.text_input(key=field_key("word_frequency", "stopwords")).value == "remote, control"
    assert at.checkbox(key=field_key("word_frequency", "exclude_context_fillers")).value is False
    at.button(key="analyze_run").click().run()
    assert "remote" not in set(word_table(at)["term"])
    set_field(at, field_key("word_frequency", "stopwords"), "")
    at.button(key="analyze_run").click().run()
    assert not at.exception and "remote" in set(word_table(at)["term"])
