"""Explore: words, keyword in context, sentiment and speakers of a document or the whole library."""

import streamlit as st

st.title("Explore")
