"""Code: the study's codebook, coded passages, memos, retrieval with quote exports, matrices, coder agreement, and
REFI-QDA (.qdpx) exchange with NVivo, ATLAS.ti, MAXQDA and QualCoder.

Viewers read everything here; coding (and every change) needs the researcher role. Only the open tab runs. The
coding core (core.codes) does the work: this page holds layout and widgets."""

import streamlit as st

from pages.access import require
from pages.code_common import can_code, codebook, coder_field, entries_by_id, messages

require("read", "The Code page")

st.title("Code")
st.caption("Mark passages of the transcripts with the codes of your codebook, write memos, and read them back by "
           "code, meeting, speaker and coder.")
if not can_code():
    st.info("You can read the coding of this study; coding needs the researcher role.",
            icon=":material/visibility:")
else:
    coder_field()
messages()

entries = entries_by_id()
codes = codebook()
tabs = st.tabs(["Code a meeting", "Codebook", "Retrieve", "Memos", "Matrices", "Agreement", "Exchange"],
               key="code_tab", on_change="rerun")
document, book, retrieve, memos, matrices, agreement, exchange = tabs

with document:
    if document.open:
        from pages import code_document

        code_document.draw(entries, codes)
with book:
    if book.open:
        from pages import code_codebook

        code_codebook.draw(codes)
with retrieve:
    if retrieve.open:
        from pages import code_retrieve

        code_retrieve.draw(codes, entries)
with memos:
    if memos.open:
        from pages import code_memos

        code_memos.draw(entries, codes)
with matrices:
    if matrices.open:
        from pages import code_analysis

        code_analysis.matrices(entries)
with agreement:
    if agreement.open:
        from pages import code_analysis

        code_analysis.agreement(entries)
with exchange:
    if exchange.open:
        from pages import code_exchange

        code_exchange.draw(entries)
