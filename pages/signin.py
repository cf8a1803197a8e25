"""Sign in: the only page anyone sees while sign-in is on and they are not signed in."""

import streamlit as st

from pages.access import accounts, remember
from qualia_core.errors import SignInError

st.title("Sign in to Qualia")
st.caption("This study's transcripts are confidential: sign in with the account an admin gave you.")

with st.form("signin_form"):
    name = st.text_input("Account name", key="signin_name", autocomplete="username")
    password = st.text_input("Password", type="password", key="signin_password", autocomplete="current-password")
    submitted = st.form_submit_button("Sign in", type="primary")

if submitted:
    store_accounts = accounts()
    try:
        account = store_accounts.sign_in(name, password)
    except SignInError as exc:
        st.error(str(exc), icon=":material/lock:")
    else:
        remember(store_accounts.open_session(account))
        st.rerun()
