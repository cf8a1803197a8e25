"""Explore: words, keyword in context, sentiment and speakers of a document or the whole library."""

import pandas as pd
import streamlit as st

from pages.common import (ALL_DOCUMENTS, clock, empty_library_hint, get_core, get_document, library_corpus, library_entries,
                          run_plugin)
from pages.results import render_result, show_figure

st.title("Explore")
st.caption("Look around one meeting or the whole library. Everything here is computed once and then served "
           "from the cache, so changing an option is quick.")

entries = library_entries()
if not entries:
    empty_library_hint()
    st.stop()
names = {e.id: e.name for e in entries}
names[ALL_DOCUMENTS] = f"Whole library ({len(entries)} document{'s' if len(entries) != 1 else ''})"
scope = st.selectbox("Document", [*[e.id for e in reversed(entries)], ALL_DOCUMENTS], format_func=names.get,
                     key="explore_scope")


def show(plugin_id, config=None, deps=None, key=""):
    result, error = run_plugin(plugin_id, scope, config, deps)
    if error:
        st.error(error, icon=":material/error:")
    return result


CORPUS_PLUGINS = ["speaker_stats", "word_frequency", "sentiment_analyzer"]


def drill_into(doc_id: str) -> None:
    st.session_state["explore_scope"] = doc_id


if scope == ALL_DOCUMENTS:
    from qualia_core.corpus import failures
    from qualia_core.corpus_views import documents_table, keyness, speakers_table  # tables of the results

    with st.expander("The library as a corpus: meetings, speakers and distinctive words", expanded=True):
        ids = [e.id for e in entries]
        bar = st.progress(0.0, text="Analyzing the library…")  # computed once per library version, then shared
        result = library_corpus(CORPUS_PLUGINS, progress=lambda d, t, doc: bar.progress(
            d / t, text=f"{d}/{t} · {names.get(doc, doc)}"))
        bar.empty()
        for doc_id, plugin_id, error_type, message in failures(result):
            st.error(f"{names.get(doc_id, doc_id)} · {plugin_id}: {message}")
        meetings = documents_table(result)
        meetings.insert(0, "name", [names.get(d, d) for d in meetings["document"]])
        meetings = meetings.drop(columns="document")
        st.markdown("**Meetings**")
        st.dataframe(meetings, hide_index=True, key="explore_corpus_documents")
        st.markdown("**Speakers**")
        speakers = speakers_table(result)
        speakers["document"] = [names.get(d, d) for d in speakers["document"]]
        st.dataframe(speakers, hide_index=True, key="explore_corpus_speakers")
        st.selectbox("Drill into a meeting", ids, index=None, format_func=names.get, key="explore_drill",
                     placeholder="Choose a meeting to explore on its own",
                     on_change=lambda: drill_into(st.session_state["explore_drill"]))
        st.markdown("**Distinctive words** (Dunning's log-likelihood against the rest of the library)")
        counts = get_core().library_views.word_counts()
        c1, c2 = st.columns(2)
        target_doc = c1.selectbox("of the meeting", [None, *ids], format_func=lambda i: "any" if i is None
                                  else names[i], key="explore_key_doc")
        target_speaker = c2.selectbox("and/or the speaker", [None, *counts.speakers],
                                      format_func=lambda s: "any" if s is None else s, key="explore_key_speaker")
        if target_doc or target_speaker:
            try:
                st.dataframe(keyness(counts, document=target_doc, speaker=target_speaker, limit=30),
                             hide_index=True, key="explore_keyness")
            except (ValueError, KeyError) as exc:
                st.info(str(exc).strip("'\""))
        else:
            st.caption("Choose a meeting or a speaker to see the words they use more (or less) than the rest.")

words_tab, kwic_tab, sentiment_tab, speakers_tab = st.tabs(
    ["Words", "Keyword in context", "Sentiment", "Speakers"])

with words_tab:
    c1, c2, c3 = st.columns(3)
    top_n = c1.slider("How many words", 5, 50, 20, key="explore_top_n")
    no_stopwords = c2.checkbox("Leave out common words", value=True, key="explore_stopwords",
                               help="English and Portuguese stopwords, by the detected language.")
    lemmas = c3.checkbox("Count lemmas (meeting = meetings)", value=False, key="explore_lemmas")
    counting = {"word_frequency": {"exclude_stopwords": no_stopwords, "lemmatize": lemmas, "max_words": 200}}
    left, right = st.columns(2)
    with left:
        st.subheader("Top words")
        chart = show("frequency_chart", {"top_n": top_n}, counting)
        if chart:
            show_figure(chart, key="explore_freq_chart")
    with right:
        st.subheader("Word cloud")
        cloud = show("wordcloud_viz", {"max_words": max(top_n, 50)}, counting)
        if cloud:
            render_result("wordcloud_viz", names[scope], cloud, key="explore_cloud")
    st.subheader("Where does a word occur?")
    word = st.text_input("Word or phrase", key="explore_dispersion_word", placeholder="e.g. remote control")
    if word.strip():
        strip = show("dispersion_plot", None, {"keyword_in_context": {"query": word.strip(), "max_hits": 100000}})
        if strip:
            show_figure(strip, key="explore_dispersion")

with kwic_tab:
    st.caption("Every place a word or phrase is said, with its speaker, time and the words around it.")
    c1, c2, c3 = st.columns([3, 1, 1])
    query = c1.text_input("Word or phrase", key="explore_kwic_query", placeholder="e.g. budget")
    window = c2.number_input("Words each side", 1, 50, 8, key="explore_kwic_window")
    whole = c3.checkbox("Whole words", value=True, key="explore_kwic_whole")
    if query.strip():
        kwic = show("keyword_in_context", {"query": query.strip(), "window": window, "whole_words": whole})
        if kwic:
            hits = kwic["hits"]
            more = " (showing the first {})".format(len(hits)) if kwic["truncated"] else ""
            by_speaker = ", ".join(f"{s} {n}" for s, n in kwic["per_speaker"].items())
            st.markdown(f"**{kwic['total_hits']}** occurrence{'s' if kwic['total_hits'] != 1 else ''}{more}"
                        + (f" · {by_speaker}" if by_speaker else ""))
            if hits:
                table = pd.DataFrame([{"#": i + 1, "time": clock(h["start"]), "speaker": h["speaker"] or "",
                                       "left": h["left"], "match": h["match"], "right": h["right"],
                                       "turn": h["utterance_index"]} for i, h in enumerate(hits)])
                st.dataframe(table, hide_index=True, key="explore_kwic_table", column_config={
                    "left": st.column_config.TextColumn(width="large"),
                    "right": st.column_config.TextColumn(width="large")})
                pick = st.number_input("Show the whole turn of occurrence #", 1, len(hits), 1, key="explore_kwic_pick")
                hit = hits[pick - 1]
                doc = get_document(scope)
                i = hit["utterance_index"]
                for j in range(max(0, i - 1), min(len(doc.utterances), i + 2)):
                    u = doc.utterances[j]
                    with st.container(border=j == i):
                        st.caption(f"turn {j} · {u.speaker or 'no speaker'} · {clock(u.start)}")
                        st.text(u.text)
            elif kwic.get("message"):
                st.info(kwic["message"])

with sentiment_tab:
    st.caption("TextBlob polarity (−1 negative … +1 positive) over the course of the meeting and per speaker.")
    sentiment = show("sentiment_analyzer")
    if sentiment:
        if sentiment.get("warning"):
            st.warning(sentiment["warning"])
        chart = show("sentiment_viz", {"chart": "both"})
        if chart:
            show_figure(chart, key="explore_sentiment_chart")
        cols = st.columns(2)
        for col, key, title in ((cols[0], "most_positive", "Most positive"), (cols[1], "most_negative", "Most negative")):
            col.markdown(f"**{title}**")
            rows = [{"speaker": s["speaker"], "time": clock(s["start"]), "polarity": round(s["polarity"], 2),
                     "sentence": s.get("text", "")} for s in sentiment[key]]
            col.dataframe(pd.DataFrame(rows), hide_index=True, key=f"explore_{key}")

with speakers_tab:
    comparison = show("speaker_comparison", None, {"speaker_stats": {"exclude_speakers": ["System"]}})
    if comparison:
        table = pd.DataFrame(comparison["comparison"])
        st.dataframe(table, hide_index=True, key="explore_speakers", column_config={
            "word_share": st.column_config.ProgressColumn("share of words", min_value=0, max_value=1, format="percent"),
            "talk_share": st.column_config.ProgressColumn("share of talk time", min_value=0, max_value=1,
                                                          format="percent"),
            "mean_polarity": st.column_config.NumberColumn("mean sentiment", format="%.2f"),
            "mean_subjectivity": st.column_config.NumberColumn("subjectivity", format="%.2f")})
        if not comparison["has_timestamps"]:
            st.caption("This transcript has no timestamps, so talk time is unknown; shares are by words.")
