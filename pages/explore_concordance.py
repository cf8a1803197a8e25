"""Explore's concordance and collocates, for one meeting or the whole library (explore_document and
explore_library call these): the settings, the lines with a click to the whole turn, the collocates table, and
their CSV and XLSX downloads (built when clicked: openpyxl is loaded only then)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from pages.common import clock, get_document
from qualia_core.collocation import SCORES
from qualia_core.concordance import SORTS, lines_table
from qualia_core.exports import csv_with_header, provenance, xlsx_with_header
from qualia_core.plain_text import markdown_text

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIDE = {"left": st.column_config.TextColumn(width="large"), "right": st.column_config.TextColumn(width="large")}


def kwic_settings() -> dict[str, Any]:
    """The concordance settings on screen, as keyword_in_context parameters."""
    st.caption("Every place a word or phrase is said, with its speaker, time and the words around it. Case and "
               "accents do not matter (comunicacao finds comunicação); * stands for any letters and ? for one "
               "(design*, *ção); a phrase may be typed in quotes. Click the box at the left of a line to read its "
               "whole turn.")
    c1, c2, c3, c4, c5 = st.columns([3, 1, 1.3, 1, 1])
    query = c1.text_input("Word or phrase", key="explore_word", placeholder="e.g. budget, design*, \"next meeting\"")
    window = c2.number_input("Words each side", 1, 50, 8, key="explore_kwic_window")
    sort = c3.selectbox("Sort by", list(SORTS), format_func=SORTS.get, key="explore_kwic_sort")
    whole = c4.checkbox("Whole words", value=True, key="explore_kwic_whole")
    accents = c5.checkbox("Accents matter", value=False, key="explore_kwic_accents")
    return {"query": query.strip(), "window": int(window), "sort": sort, "whole_words": whole,
            "accent_sensitive": accents}


def ran(settings: dict[str, Any], document: str) -> dict[str, Any]:
    """What ran, for the downloads: the concordance settings in the form's words."""
    return provenance("Keyword in context", document, {
        "Word or phrase": settings["query"], "Words each side": settings["window"],
        "Sort by": SORTS[settings["sort"]], "Whole words": settings["whole_words"],
        "Accents matter": settings["accent_sensitive"]})


def show_lines(lines: list, total: int, header: dict[str, Any], *, meetings: dict[str, str] | None = None,
               doc_id: str | None = None, message: str | None = None) -> None:
    """The concordance: how many, the lines (meeting column over the library), downloads, and the whole turn of
    the line clicked (or numbered)."""
    places = len({line.document_id for line in lines}) if meetings is not None else None
    more = f" (showing the first {len(lines)}: the list is capped; narrow the search to see the rest)" \
        if total > len(lines) else ""
    where = f" in {places} meeting{'s' if places != 1 else ''}" if places is not None else ""
    st.caption(f"{total} occurrence{'s' if total != 1 else ''}{where}{more}")
    if not lines:
        if message:
            st.info(markdown_text(message))
        return
    table = lines_table(lines, meetings)
    shown = st.dataframe(table.drop(columns=["position"]), hide_index=True, key="explore_kwic_table",
                         column_config=WIDE, on_select="rerun", selection_mode="single-row")
    downloads(table, header, "concordance", "explore_kwic")
    picked = list(shown.selection.rows) if shown is not None and hasattr(shown, "selection") else []
    if picked and picked != st.session_state.get("explore_kwic_clicked"):  # a new click; the box stays usable
        st.session_state["explore_kwic_pick"] = min(picked[0] + 1, len(lines))
    st.session_state["explore_kwic_clicked"] = picked
    if st.session_state.get("explore_kwic_pick", 1) > len(lines):  # fewer lines than before
        st.session_state["explore_kwic_pick"] = 1
    pick = st.number_input("Show the whole turn of occurrence #", 1, len(lines), key="explore_kwic_pick",
                           help="Or click the box at the left of a line in the table.")
    line = lines[min(int(pick), len(lines)) - 1]
    if meetings is not None:
        st.text(meetings.get(line.document_id, line.document_id))  # a meeting's name is text, never Markdown
        show_turn(line.document_id, line.turn, key="explore_kwic_turn")
    else:
        show_turn(doc_id, line["utterance_index"], key="explore_kwic_turn")


def show_turn(doc_id: str, index: int, key: str) -> None:
    """The turn (and the turns around it) as plain text, with its speaker and time."""
    doc = get_document(doc_id)
    for j in range(max(0, index - 1), min(len(doc.utterances), index + 2)):
        u = doc.utterances[j]
        with st.container(border=j == index, key=f"{key}_{j}"):
            st.text(f"turn {j} · {u.speaker or 'no speaker'} · {clock(u.start)}")  # names are text, not Markdown
            st.text(u.text)


def downloads(table: pd.DataFrame, header: dict[str, Any], name: str, key: str) -> None:
    """CSV (with `# what ran` lines) and XLSX (a sheet of the table, a sheet of what ran), built when clicked."""
    sheet = name.capitalize()
    c1, c2, _ = st.columns([1, 1, 4])
    c1.download_button("CSV", lambda: csv_with_header(table, header).encode("utf-8"), f"{name}.csv", "text/csv",
                       key=f"{key}_csv", on_click="ignore", icon=":material/download:")
    c2.download_button("XLSX", lambda: xlsx_with_header({sheet: table}, header), f"{name}.xlsx", XLSX_MIME,
                       key=f"{key}_xlsx", on_click="ignore", icon=":material/download:")


# ---------------------------------------------------------------- collocates
def collocates_settings() -> dict[str, Any]:
    """The collocates settings on screen, as collocates parameters."""
    st.caption("The words said near a word, within the window you choose on each side and inside each turn, ranked "
               "by log-Dice (how exclusively they go together, at most 14) or MI (favours rare pairs). Stopwords "
               "and fillers take their place in the window but are not listed.")
    c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1.3])
    node = c1.text_input("Word", key="explore_word", placeholder="e.g. budget, design*")
    left = c2.number_input("Words left", 0, 10, 5, key="explore_coll_left")
    right = c3.number_input("Words right", 0, 10, 5, key="explore_coll_right")
    least = c4.number_input("Said together at least", 1, 10000, 2, key="explore_coll_min")
    sort = c5.selectbox("Rank by", list(SCORES), format_func=SCORES.get, key="explore_coll_sort")
    return {"node": node.strip(), "left_span": int(left), "right_span": int(right), "min_frequency": int(least),
            "sort_by": sort}


def collocates_ran(config: dict[str, Any], document: str) -> dict[str, Any]:
    return provenance("Collocates", document, {
        "Word": config["node"], "Words left": config["left_span"], "Words right": config["right_span"],
        "Said together at least": config["min_frequency"], "Rank by": SCORES[config["sort_by"]]})


def show_collocates(result: dict[str, Any], header: dict[str, Any]) -> None:
    """The collocates table (log-Dice, MI and the frequencies behind them) and its downloads."""
    said = result["node_frequency"]
    st.caption(markdown_text(f"“{header['parameters']['Word']}” is said {said} time{'s' if said != 1 else ''} in "
                             f"{result['total_tokens']} words; {len(result['collocates'])} collocates listed."))
    if result.get("message"):
        st.info(markdown_text(result["message"]))
    if not result["collocates"]:
        return
    table = pd.DataFrame(result["collocates"]).rename(columns={
        "collocate": "collocate", "together": "together f(n,c)", "left": "on the left", "right": "on the right",
        "frequency": "said in all f(c)", "log_dice": "log-Dice", "mi": "MI"})
    st.dataframe(table, hide_index=True, key="explore_collocates_table")
    downloads(table, header, "collocates", "explore_coll")
