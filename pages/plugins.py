"""The plugins Qualia found, what each does and takes, and any that failed to load."""

import pandas as pd
import streamlit as st

from pages.access import require
from pages.common import get_core

require("admin", "The plugins page")

st.title("Plugins")
st.caption("Every analysis in Qualia is a plugin. Drop a folder into plugins/ and it appears here.")

core = get_core()
metadata = core.plugin_metadata()
if metadata:
    rows = [{"id": m.id, "type": m.type.value, "name": m.name, "version": m.version,
             "requires": ", ".join(m.requires), "parameters": ", ".join(m.parameters)} for m in metadata.values()]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    # Descriptions are whole sentences: a grid cell would cut them off, so each is written out in full.
    st.subheader("What each plugin does")
    for m in metadata.values():
        st.markdown(f"**{m.name}** (`{m.id}`, {m.type.value} {m.version})")
        st.text(m.description)
else:
    st.info(f"No plugins found in {core.plugins_dir}. Add a plugin folder there and reload the page.")

for failure in core.load_failures:
    st.error(f"Plugin **{failure.name}** was not loaded ({failure.origin}): {failure.reason}")
for problem in core.dependency_problems():
    st.warning(problem)
