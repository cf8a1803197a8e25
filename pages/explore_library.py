"""Explore's views of the whole library (pages/explore.py chooses which one is on screen). Every table names the
meeting of each row: a speaker is a speaker of one meeting, never merged across meetings."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages import explore_document as one
from pages.common import ALL_DOCUMENTS, clock, get_core, library_corpus
from pages.explore_concordance import (collocates_ran, collocates_settings, kwic_settings, ran, show_collocates,
                                       show_lines)
from qualia_core.errors import QualiaError
from pages.results import show_figure, show_plotly
from qualia_core.labels import NOT_SCORED, display_table, is_scored, uniform
from qualia_core.plain_text import markdown_text
from qualia_core.results import decode_image


def _corpus(plugin_ids: list[str], names: dict) -> dict:
    """The library as a corpus, for these plugins (computed once per library version, in the worker pool)."""
    from qualia_core.corpus import failures

    bar = st.progress(0.0, text="Analyzing the library…")
    result = library_corpus(plugin_ids, progress=lambda d, t, doc: bar.progress(d / t, text=f"{d}/{t} meetings"))
    bar.empty()
    for doc_id, plugin_id, error_type, message in failures(result):
        st.error(f"{plugin_id} failed on a meeting: {markdown_text(message)}")
        st.text(names.get(doc_id, doc_id))  # a document name is text, never Markdown
    return result


def words(entries, names) -> None:
    top_n, counting = one.word_settings()
    left, right = st.columns(2)
    with left:
        st.subheader("Top words of the library")
        chart = one._run(ALL_DOCUMENTS, "frequency_chart", {"top_n": top_n}, counting)
        if chart:
            show_figure(chart, key="explore_freq_chart")
    with right:
        st.subheader("Word cloud")
        cloud = one._run(ALL_DOCUMENTS, "wordcloud_viz", {"max_words": max(top_n, 50)}, counting)
        if cloud:
            st.image(decode_image(cloud))
    one.show_left_out(ALL_DOCUMENTS, counting)
    st.subheader("Where does a word occur?")
    word = st.text_input("Word or phrase", key="explore_word", placeholder="e.g. remote control").strip()
    if not word:
        return
    lines, total = get_core().library_views.concordance(word, max_lines=100_000)
    meetings = list(dict.fromkeys(line.meeting for line in lines))
    st.caption(f"{total} occurrence{'s' if total != 1 else ''} in {len(meetings)} of {len(entries)} meetings; "
               "each meeting on its own row, from its start (0 %) to its end (100 %)")
    if not lines:
        return
    fig = go.Figure(go.Scatter(x=[line.position * 100 for line in lines], y=[line.meeting for line in lines],
                               mode="markers", marker=dict(symbol="line-ns-open", size=14, line=dict(width=2)),
                               customdata=[[line.speaker or "", clock(line.start)] for line in lines],
                               hovertemplate="%{y} · %{customdata[0]} %{customdata[1]}<extra></extra>"))
    fig.update_layout(height=120 + 22 * len(meetings), margin=dict(l=10, r=10, t=10, b=40), showlegend=False,
                      xaxis=dict(title="% of the meeting", range=[0, 100]))
    fig.update_yaxes(type="category", autorange="reversed")
    show_plotly(fig, key="explore_library_dispersion")  # meeting and speaker names are text, not HTML


def kwic(entries, names) -> None:
    settings = kwic_settings()
    if not settings["query"]:
        return
    try:
        lines, total = get_core().library_views.concordance(**settings)
    except QualiaError as exc:  # a pattern refused: the message names the setting
        st.error(markdown_text(str(exc)), icon=":material/error:")
        return
    show_lines(lines, total, ran(settings, "Whole library"), meetings=names)


def collocates(entries, names) -> None:
    config = collocates_settings()
    if not config["node"]:
        return
    try:
        bar = st.progress(0.0, text="Counting the library…")
        result = get_core().library_views.collocates(
            config, progress=lambda done, total: bar.progress(done / total, text=f"{done}/{total} meetings"))
        bar.empty()
    except QualiaError as exc:
        st.error(markdown_text(str(exc)), icon=":material/error:")
        return
    if result["meetings"]:
        said = pd.DataFrame([{"meeting": name, "occurrences": n} for _, name, n in result["meetings"]])
        st.dataframe(said, hide_index=True, key="explore_collocates_meetings")
    show_collocates(result, collocates_ran(config, "Whole library"))


def sentiment(entries, names) -> None:
    st.caption("Mean polarity (−1 negative … +1 positive) of each meeting, and the most positive and negative "
               "sentences of the library. English is scored with TextBlob, Portuguese with the LeIA lexicon and "
               "Qualia's rules; each meeting names its method and language, other languages are marked.")
    result = _corpus(["sentiment_analyzer"], names)
    rows, extremes = [], {"most_positive": [], "most_negative": []}
    for doc_id, entries_of in result.items():
        mood = entries_of.get("sentiment_analyzer")
        if not isinstance(mood, dict) or "polarity" not in mood:
            continue
        scored = is_scored(mood)  # a meeting no method can read is "not scored", never a neutral 0
        rows.append({"meeting": names.get(doc_id, doc_id),
                     "mean polarity": round(mood["polarity"], 3) if scored else NOT_SCORED,
                     "sentences": mood["sentence_count"], "language": mood.get("language", ""),
                     "method": ", ".join(m["method"] for m in mood.get("methods", []) if m["scored"]) or NOT_SCORED,
                     "note": mood.get("warning") or ""})
        for key in extremes:
            extremes[key] += [{"meeting": names.get(doc_id, doc_id), "speaker": s["speaker"], "time": clock(s["start"]),
                               "polarity": round(s["polarity"], 2), "sentence": s.get("text", "")}
                              for s in mood[key] if scored and s.get("scored", True)]
    table = uniform(pd.DataFrame(rows))
    if table.empty:
        return
    unscored = sum(1 for r in rows if r["mean polarity"] == NOT_SCORED)
    if unscored:
        st.warning(f"{unscored} of {len(rows)} meetings are not scored: Qualia reads sentiment in English and "
                   "Portuguese only, so their polarity would read as a neutral 0. They are left out of the chart "
                   "and the sentences below.",
                   icon=":material/warning:")
    charted = [r for r in rows if r["mean polarity"] != NOT_SCORED]
    fig = go.Figure(go.Bar(x=[r["mean polarity"] for r in charted], y=[r["meeting"] for r in charted], orientation="h"))
    fig.update_layout(height=120 + 18 * len(charted), margin=dict(l=10, r=10, t=10, b=40),
                      xaxis_title="mean polarity of the meeting's sentences")
    fig.update_yaxes(autorange="reversed")
    show_plotly(fig, key="explore_library_sentiment")
    st.dataframe(table, hide_index=True, key="explore_library_sentiment_table")
    cols = st.columns(2)
    for col, key, title, sign in ((cols[0], "most_positive", "Most positive", -1), (cols[1], "most_negative",
                                                                                    "Most negative", 1)):
        col.subheader(title)
        best = sorted(extremes[key], key=lambda r: sign * r["polarity"])[:20]
        col.dataframe(pd.DataFrame(best), hide_index=True, key=f"explore_{key}")


def speakers(entries, names) -> None:
    from qualia_core.corpus_views import speakers_table

    st.caption("Each speaker of each meeting: the same label in two meetings is two rows, unless you said on the "
               "Library page (Speakers) that they are the same participant of the study.")
    table = speakers_table(_corpus(["speaker_stats"], names))
    people = {e.id: {e.speaker_map.get(orig, orig): person for orig, person in e.participants.items()} for e in entries}
    table.insert(0, "meeting", [names.get(d, d) for d in table["document"]])
    table.insert(2, "participant", [people.get(d, {}).get(s, "") for d, s in zip(table["document"], table["speaker"])])
    mapped = table[table["participant"] != ""]
    if not mapped.empty:
        st.subheader("Participants")
        st.dataframe(mapped.groupby("participant", as_index=False).agg(
            meetings=("meeting", "nunique"), turns=("turns", "sum"), words=("words", "sum")),
            hide_index=True, key="explore_participants")
    st.subheader("Speakers of each meeting")
    st.dataframe(display_table(table.drop(columns="document")), hide_index=True, key="explore_corpus_speakers")


def drill_into(doc_id: str) -> None:
    st.session_state["explore_scope"] = doc_id


def meetings(entries, names) -> None:
    from qualia_core.corpus_views import documents_table, keyness

    result = _corpus(["speaker_stats", "word_frequency"], names)
    table = documents_table(result)
    table.insert(0, "meeting", [names.get(d, d) for d in table["document"]])
    st.dataframe(display_table(table.drop(columns=["document", "mean_sentiment", "sentiment_method"])), hide_index=True,
                 key="explore_corpus_documents")
    ids = [e.id for e in entries]
    st.selectbox("Drill into a meeting", ids, index=None, format_func=names.get, key="explore_drill",
                 placeholder="Choose a meeting to explore on its own",
                 on_change=lambda: drill_into(st.session_state["explore_drill"]))
    st.subheader("Distinctive words")
    st.caption("Dunning's log-likelihood against the rest of the library.")
    counts = get_core().library_views.word_counts()
    c1, c2 = st.columns(2)
    target_doc = c1.selectbox("of the meeting", [None, *ids], format_func=lambda i: "any" if i is None else names[i],
                              key="explore_key_doc")
    target_speaker = c2.selectbox("and/or the speaker", [None, *counts.speakers],
                                  format_func=lambda s: "any" if s is None else s, key="explore_key_speaker")
    if target_doc or target_speaker:
        try:
            st.dataframe(display_table(keyness(counts, document=target_doc, speaker=target_speaker, limit=30)),
                         hide_index=True, key="explore_keyness")
        except (ValueError, KeyError) as exc:  # the core names the document by its id: the page names it
            message = str(exc).strip("'\"")
            if target_doc:
                message = message.replace(repr(target_doc), f"“{names[target_doc]}”").replace(target_doc, names[target_doc])
            st.info(markdown_text(message))
    else:
        st.caption("Choose a meeting or a speaker to see the words they use more (or less) than the rest.")


VIEWS = {"words": words, "kwic": kwic, "collocates": collocates, "sentiment": sentiment, "speakers": speakers,
         "meetings": meetings}


def show(view: str, entries, names) -> None:
    VIEWS[view](entries, names)
