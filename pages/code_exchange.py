"""Exchange: the study (or chosen meetings) out as a REFI-QDA project (.qdpx) for NVivo, ATLAS.ti, MAXQDA or
QualCoder, and a .qdpx from any of them in. The core does the work (core.export_qdpx, core.import_qdpx: all or
nothing, a refused archive changes nothing); this tab holds the widgets.

Exporting needs "read" (the page's door); importing adds documents as well as coding, so it needs both the "code"
and the "edit" permission (researchers up). The archive is written only when the download is clicked. Every
source in an imported archive is bounded by QUALIA_MAX_DOCUMENT_MB, as a Library upload is, and the archive as a
whole by the upload cap (STREAMLIT_SERVER_MAX_UPLOAD_SIZE)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from pages.access import allowed, check
from pages.code_common import can_code, check_code, coder
from pages.common import get_core
from qualia_core import QualiaError
from qualia_core.plain_text import file_name

MIME = "application/zip"  # a .qdpx is a zip (REFI-QDA 1.5)
ROUND = "code_qdpx_round"  # a new uploader after each import, so the archive is not imported twice
OUTCOME = "code_qdpx_outcome"  # (imported?, the summary or the reason), shown once on the next run


def can_import() -> bool:
    return can_code() and allowed("edit")


def qdpx_bytes(documents: list[str] | None) -> bytes:
    """The study (or `documents`, by id) as .qdpx bytes, written in a private temporary folder."""
    with tempfile.TemporaryDirectory(prefix="qualia-qdpx-") as tmp:
        return Path(get_core().export_qdpx(Path(tmp) / "study.qdpx", documents)).read_bytes()


def import_upload(name: str, data: bytes) -> None:
    """Import an uploaded archive; the summary or the reason it was refused is shown on the next run."""
    check_code("Importing a REFI-QDA project")
    check("edit", "Importing a REFI-QDA project (it adds documents to the library)")
    with tempfile.TemporaryDirectory(prefix="qualia-qdpx-") as tmp:
        path = Path(tmp) / (file_name(Path(name).stem, 100) + ".qdpx")
        path.write_bytes(data)
        try:
            summary = get_core().import_qdpx(path, coder=coder())
        except QualiaError as exc:  # ExchangeError names the member, source or element that is wrong
            st.session_state[OUTCOME] = (False, str(exc))
        else:
            st.session_state[OUTCOME] = (True, summary.summary())


def _outcome() -> None:
    """The last import's summary, or why the archive was refused, as plain text (it quotes names from the file)."""
    outcome = st.session_state.pop(OUTCOME, None)
    if outcome is None:
        return
    imported, text = outcome
    if imported:
        st.success("The project was imported.", icon=":material/check_circle:")
    else:
        st.error("The project was not imported; nothing in the study changed.", icon=":material/error:")
    st.text(text)


def draw(entries: dict) -> None:
    st.markdown("**Export a REFI-QDA project (.qdpx)**")
    st.caption("The meetings' text (speakers as shown: pseudonyms go out in place of names), the codebook, every "
               "coded passage with its coder, and the memos, for NVivo, ATLAS.ti, MAXQDA or QualCoder.")
    if not entries:
        st.info("No meetings in the library yet: add some on the Library page first.")
    else:
        chosen = st.multiselect("Meetings", list(entries), format_func=lambda i: entries[i].name,
                                key="code_qdpx_docs", placeholder="every meeting")
        what = f"{len(chosen)} meeting{'s' if len(chosen) != 1 else ''}" if chosen else "the whole study"
        # written when clicked (a callable): the page does not build the archive on every run
        st.download_button(f"Download {what} (.qdpx)", lambda ids=tuple(chosen): qdpx_bytes(list(ids) or None),
                           file_name="qualia_study.qdpx", mime=MIME, key="code_qdpx_download", on_click="ignore")

    st.markdown("**Import a REFI-QDA project (.qdpx)**")
    allowed_here = can_import()
    limit = st.get_option("server.maxUploadSize")
    per_source = get_core().max_document_bytes // 2**20
    st.caption(f"Its sources become meetings (read as transcripts when they look like one) with their codebook, "
               f"coded passages, coders and notes; what is already here is not added twice. Each source up to "
               f"{per_source} MB (the `QUALIA_MAX_DOCUMENT_MB` setting), the archive up to {limit} MB "
               f"(`STREAMLIT_SERVER_MAX_UPLOAD_SIZE`). An archive that cannot be read changes nothing.")
    _outcome()
    if not allowed_here:
        st.info("Importing adds meetings and coding: it needs the researcher role.", icon=":material/lock:")
        return
    upload = st.file_uploader("REFI-QDA project", type=["qdpx"], key=f"code_qdpx_upload_{st.session_state.get(ROUND, 0)}")
    if upload is not None and st.button("Import it", key="code_qdpx_import", type="primary"):
        with st.spinner("Importing…"):
            import_upload(upload.name, upload.getvalue())
        st.session_state[ROUND] = st.session_state.get(ROUND, 0) + 1
        st.rerun()
