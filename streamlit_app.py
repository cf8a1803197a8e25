"""Qualia: the app's frame and router. Pages live in pages/; they only call qualia_core."""

import streamlit as st

st.set_page_config(page_title="Qualia", page_icon=":material/forum:", layout="wide")

page = st.navigation([
    st.Page("pages/plugins.py", title="Plugins", icon=":material/extension:", default=True),
])
page.run()
