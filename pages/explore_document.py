"""Explore's views of one meeting (pages/explore.py chooses which one is on screen)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pages.common import clock, get_core, run_plugin
from pages.explore_concordance import (collocates_ran, collocates_settings, kwic_settings, ran, show_collocates,
                                       show_lines)
from pages.results import render_result, show_figure, show_warnings
from qualia_core.labels import NOT_SCORED, display_table, is_scored
from qualia_core.plain_text import markdown_text


def _run(doc_id: str, plugin_id: str, config=None, deps=None):
    result, error = run_plugin(plugin_id, doc_id, config, deps)
    if error:
        st.error(markdown_text(error), icon=":material/error:")
    return result


def word_settings() -> tuple[int, dict]:
    c1, c2, c3 = st.columns(3)
    top_n = c1.slider("How many words", 5, 50, 20, key="explore_top_n")
    study = get_core().study_words()  # the study's stoplist applies; this box overrides its common-words option
    no_stopwords = c2.checkbox("Leave out common words", value=study.exclude_stopwords, key="explore_stopwords",
                               help="English and Portuguese stopwords, by the detected language. The study's "
                                    "own stopwords and fillers (Library › Study words) are always left out.")
    lemmas = c3.checkbox("Count lemmas (meeting = meetings)", value=False, key="explore_lemmas")
    return top_n, {"word_frequency": {"exclude_stopwords": no_stopwords, "lemmatize": lemmas, "max_words": 200}}


def words(doc_id: str, name: str) -> None:
    top_n, counting = word_settings()
    left, right = st.columns(2)
    with left:
        st.subheader("Top words")
        chart = _run(doc_id, "frequency_chart", {"top_n": top_n}, counting)
        if chart:
            show_figure(chart, key="explore_freq_chart")
    with right:
        st.subheader("Word cloud")
        cloud = _run(doc_id, "wordcloud_viz", {"max_words": max(top_n, 50)}, counting)
        if cloud:
            render_result("wordcloud_viz", name, cloud, key="explore_cloud")
    st.subheader("Where does a word occur?")
    word = st.text_input("Word or phrase", key="explore_word", placeholder="e.g. remote control")
    show_left_out(doc_id, counting)
    if word.strip():
        strip = _run(doc_id, "dispersion_plot", None, {"keyword_in_context": {"query": word.strip(), "max_hits": 100000}})
        if strip:
            show_figure(strip, key="explore_dispersion")


def show_left_out(doc_id: str, counting: dict) -> None:
    """The fillers and study stopwords the counts left out, with how often each was said."""
    counts = _run(doc_id, "word_frequency", counting.get("word_frequency"))
    left = (counts or {}).get("left_out") or []
    with st.expander(f"Words left out of these counts ({len(left)})", expanded=False):
        st.caption("Fillers, context fillers and the study's stopwords (Library › Study words); the built-in "
                   "stopwords are left out too but not listed.")
        if left:
            st.dataframe(pd.DataFrame(left, columns=["Word", "Times said", "Why"]), hide_index=True,
                         key="explore_left_out")


def kwic(doc_id: str, name: str) -> None:
    settings = kwic_settings()
    if not settings["query"]:
        return
    result = _run(doc_id, "keyword_in_context", settings)
    if not result:
        return
    if result["per_speaker"]:
        st.dataframe(pd.DataFrame(list(result["per_speaker"].items()), columns=["speaker", "occurrences"]),
                     hide_index=True, key="explore_kwic_speakers")
    show_lines(result["hits"], result["total_hits"], ran(settings, name), doc_id=doc_id, message=result.get("message"))


def collocates(doc_id: str, name: str) -> None:
    config = collocates_settings()
    if not config["node"]:
        return
    result = _run(doc_id, "collocates", config)
    if result:
        show_collocates(result, collocates_ran(config, name))


def sentiment(doc_id: str, name: str) -> None:
    st.caption("Polarity (−1 negative … +1 positive) over the course of the meeting and per speaker.")
    result = _run(doc_id, "sentiment_analyzer")
    if not result:
        return
    used = [f"{m['method']} ({m['language']}, {m['sentences']} sentences)" for m in result.get("methods", [])
            if m["scored"]]
    st.caption("Scored with " + "; ".join(used) if used else "Not scored: no method reads this language.")
    show_warnings(result)  # above the chart: the numbers may not mean what they seem
    chart = _run(doc_id, "sentiment_viz", {"chart": "both"})
    if chart:
        show_figure(chart, key="explore_sentiment_chart")
    cols = st.columns(2)
    for col, key, title in ((cols[0], "most_positive", "Most positive"), (cols[1], "most_negative", "Most negative")):
        col.subheader(title)
        rows = [{"speaker": s["speaker"], "time": clock(s["start"]),
                 "polarity": round(s["polarity"], 2) if is_scored(result) else NOT_SCORED,
                 "sentence": s.get("text", "")} for s in result[key]]
        col.dataframe(pd.DataFrame(rows), hide_index=True, key=f"explore_{key}")


def speakers(doc_id: str, name: str) -> None:
    comparison = _run(doc_id, "speaker_comparison", None, {"speaker_stats": {"exclude_speakers": ["System"]}})
    if not comparison:
        return
    show_warnings(comparison)
    labels = get_core().plugin_metadata()["speaker_comparison"].labels
    st.dataframe(display_table(pd.DataFrame(comparison["comparison"]), "comparison", labels, comparison),
                 hide_index=True, key="explore_speakers")
    if not comparison["has_timestamps"]:
        st.caption("This transcript has no timestamps, so talk time is unknown; shares are by words.")


VIEWS = {"words": words, "kwic": kwic, "collocates": collocates, "sentiment": sentiment, "speakers": speakers}


def show(view: str, doc_id: str, name: str) -> None:
    VIEWS[view](doc_id, name)
