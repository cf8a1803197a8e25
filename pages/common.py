"""What every page shares: the one QualiaCore of this server process."""

from __future__ import annotations

import streamlit as st

from qualia_core import QualiaCore


@st.cache_resource(show_spinner="Loading plugins…")
def get_core() -> QualiaCore:
    core = QualiaCore()
    core.discover_plugins()
    return core
