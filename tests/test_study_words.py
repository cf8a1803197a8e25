"""One stoplist per study: set once in the study database, applied to every analysis, chart, cloud and corpus view
that declares the parameters, part of the cache key, and overridden by a plugin's own parameter."""

from __future__ import annotations

import pytest

from qualia_core import QualiaCore
from qualia_core.errors import StudySettingsError
from qualia_core.store import Store
from qualia_core.study_words import StudyWords, fill, from_mapping, read, save

MEETING = """Ana: yeah okay so the remote control needs a budget
Bruno: the budget for the remote is small , like , well
Ana: okay the design team wants a remote with a banana shape
Bruno: banana banana remote budget
"""


@pytest.fixture
def core(data_dir) -> QualiaCore:
    return QualiaCore(data_dir=data_dir)


def top(result) -> list[str]:
    return [w for w, _ in result["top_words"]]


def test_a_new_study_has_the_default_stoplist_and_no_database_is_made_to_read_it(core, data_dir):
    assert core.study_words() == StudyWords()
    assert not (data_dir / "qualia.db").exists()


def test_the_study_stoplist_applies_to_every_analysis_and_a_change_reruns_it(core):
    entry, _ = core.library.add("meeting.txt", MEETING.encode())
    doc = core.library.get(entry.id)
    before = core.execute_plugin("word_frequency", doc)
    assert "banana" in top(before)
    assert "banana" in str(core.execute_plugin("frequency_chart", doc))
    core.set_study_words({"stopwords": ["Banana"], "fillers": ["budget"]})
    after = core.execute_plugin("word_frequency", doc)  # the cache is not served: the key holds the stoplist
    assert "banana" not in top(after) and "budget" not in top(after) and "remote" in top(after)
    why = {w: reason for w, _, reason in after["left_out"]}
    assert why["banana"] == "your stoplist" and why["budget"] == "filler"
    chart = core.execute_plugin("frequency_chart", doc)  # word_frequency runs under it with the study's stoplist
    assert "banana" not in str(chart) and "remote" in str(chart)
    core.set_study_words({})
    assert "banana" in top(core.execute_plugin("word_frequency", doc))


def test_a_plugins_own_parameter_overrides_the_study(core):
    entry, _ = core.library.add("meeting.txt", MEETING.encode())
    doc = core.library.get(entry.id)
    core.set_study_words({"stopwords": ["banana"], "exclude_fillers": False})
    own = core.execute_plugin("word_frequency", doc, {"stopwords": [], "exclude_fillers": True})
    assert "banana" in top(own) and "okay" not in top(own)
    study = core.execute_plugin("word_frequency", doc)
    assert "banana" not in top(study) and "okay" in top(study)


def test_the_study_stoplist_is_shared_by_every_process_of_the_study(core, data_dir):
    core.set_study_words({"stopwords": "banana, Budget\nremote", "exclude_context_fillers": False})
    other = QualiaCore(data_dir=data_dir)
    assert other.study_words() == StudyWords(("banana", "budget", "remote"), (), True, True, False)


def test_corpus_word_counts_follow_the_study_stoplist(core):
    core.library.add("one.txt", MEETING.encode())
    core.library.add("two.txt", b"Carla: the budget is fine , banana aside\nDan: yeah the budget\n")
    counts = core.library_views.word_counts()
    assert counts.total()["banana"] == 4
    core.set_study_words({"stopwords": ["banana"]})
    assert core.library_views.word_counts().total()["banana"] == 0


@pytest.mark.parametrize("values, named", [
    ({"stopwords": ["x" * 61]}, "stopwords"),
    ({"fillers": ["w"] * 0 + [f"w{i}" for i in range(2001)]}, "fillers"),
    ({"exclude_fillers": "yes"}, "exclude_fillers"),
    ({"stoplist": []}, "stoplist"),
])
def test_bad_settings_are_refused_naming_the_setting_and_the_old_ones_stay(core, values, named):
    core.set_study_words({"stopwords": ["banana"]})
    with pytest.raises(StudySettingsError, match=named):
        core.set_study_words(values)
    assert core.study_words().stopwords == ("banana",)


def test_unreadable_stored_settings_give_the_defaults_and_say_so(database_url):
    from sqlalchemy import update

    from qualia_core.store import models as t

    store = Store.open(database_url)
    save(store, from_mapping({"stopwords": ["banana"]}))
    assert read(store).stopwords == ("banana",)
    with store.transaction() as c:
        c.execute(update(t.study_settings).values(value="{not json"))
    words = read(store)
    assert words == StudyWords() and "could not be read" in words.problems[0]


def test_fill_sets_only_declared_parameters_the_caller_left_unset():
    words = StudyWords(("banana",), ("hum",), False, True, False)
    declared = {"stopwords": None, "exclude_stopwords": None, "max_words": None}
    assert fill(declared, {"exclude_stopwords": True}, words) == {"stopwords": ["banana"], "exclude_stopwords": True}


def test_a_change_saved_by_another_process_is_seen_at_the_next_run(core, data_dir):
    entry, _ = core.library.add("meeting.txt", MEETING.encode())
    doc = core.library.get(entry.id)
    assert "banana" in top(core.execute_plugin("word_frequency", doc))  # this core has read the settings
    QualiaCore(data_dir=data_dir).set_study_words({"stopwords": ["banana"]})  # another app process saves
    assert core.study_words().stopwords == ("banana",)
    assert "banana" not in top(core.execute_plugin("word_frequency", doc))
