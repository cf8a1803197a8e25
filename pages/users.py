"""Users: the accounts of this study and their roles (admins only). The command line does the same:
`qualia users --help`. Account names are shown in tables and select boxes only (plain text), never in Markdown."""

import pandas as pd
import streamlit as st

from pages.access import accounts, require
from qualia_core.access import ROLES
from qualia_core.errors import AccountError
from qualia_core.tokens import Tokens

me = require("admin", "Managing accounts")
store_accounts = accounts()

st.title("Users")
st.caption("Who may use this study. Viewers read and analyse; researchers also change the library and code; "
           "admins also manage accounts, backups and plugins. A new password or role signs that account out.")

if message := st.session_state.pop("users_message", None):
    getattr(st, message[0])(message[1])


def done(level: str, text: str) -> None:
    st.session_state["users_message"] = (level, text)
    st.rerun()


people = store_accounts.list()
st.dataframe(pd.DataFrame([(a.name, a.role, a.created_at.strftime("%Y-%m-%d %H:%M")) for a in people],
                          columns=["account", "role", "created (UTC)"]), hide_index=True, key="users_table")

with st.form("users_add", clear_on_submit=True):
    st.subheader("Add an account")
    name = st.text_input("Account name", key="users_add_name")
    role = st.selectbox("Role", ROLES, index=1, key="users_add_role")
    password = st.text_input("Password (at least 10 characters)", type="password", key="users_add_password")
    if st.form_submit_button("Add account", type="primary"):
        try:
            account = store_accounts.create(name, password, role)
        except AccountError as exc:
            st.error(str(exc))
        else:
            done("success", f"Account added as {account.role} (see the table).")

names = [a.name for a in people]
if names:
    st.subheader("Change an account")
    who = st.selectbox("Account", names, key="users_change_name")
    current = next(a for a in people if a.name == who)
    left, middle, right = st.columns(3)
    with left:
        new_role = st.selectbox("Role", ROLES, index=ROLES.index(current.role), key="users_change_role")
        if st.button("Save role", key="users_save_role"):
            try:
                store_accounts.set_role(who, new_role)
            except AccountError as exc:
                st.error(str(exc))
            else:
                done("success", f"Role changed to {new_role}; that account was signed out.")
    with middle:
        new_password = st.text_input("New password", type="password", key="users_change_password")
        if st.button("Set password", key="users_set_password"):
            try:
                store_accounts.set_password(who, new_password)
            except AccountError as exc:
                st.error(str(exc))
            else:
                done("success", "New password set; that account was signed out.")
    with right:
        sure = st.checkbox("Yes, remove this account", key="users_remove_sure",
                           disabled=who == me.name)
        if st.button("Remove account", key="users_remove", disabled=not sure or who == me.name,
                     help="You cannot remove your own account."):
            try:
                store_accounts.remove(who)
            except AccountError as exc:
                st.error(str(exc))
            else:
                done("success", "Account removed.")

st.subheader("API tokens")
st.caption("A token lets a script or another service use the REST API as an account, with that account's role as "
           "it is now (`Authorization: Bearer …`). Qualia keeps only a hash: the token is shown once, when created. "
           "Removing an account deletes its tokens. The command line does the same: `qualia token --help`.")
tokens = Tokens(store_accounts.store)
if secret := st.session_state.pop("users_new_token", None):
    st.success("Token created. Copy it now: it is not shown again.")
    st.code(secret, language=None)
listed = tokens.list()
if listed:
    def when(moment) -> str:
        return moment.strftime("%Y-%m-%d %H:%M") if moment else ""

    st.dataframe(pd.DataFrame([(t.id, t.user_name, t.label, when(t.created_at), when(t.last_used_at),
                                when(t.revoked_at) or "active") for t in listed],
                              columns=["id", "account", "label", "created (UTC)", "last used (UTC)", "revoked"]),
                 hide_index=True, key="users_tokens_table")
if names:
    with st.form("users_token_create", clear_on_submit=True):
        owner = st.selectbox("Account the token acts as", names, key="users_token_owner")
        label = st.text_input("Label (what the token is for)", max_chars=100, key="users_token_label")
        if st.form_submit_button("Create token"):
            try:
                _, new_secret = tokens.create(owner, label)
            except AccountError as exc:
                st.error(str(exc))
            else:
                st.session_state["users_new_token"] = new_secret
                st.rerun()
active = [t for t in listed if t.active]
if active:
    revoking = st.selectbox("Token to revoke", [t.id for t in active], key="users_token_revoke_id",
                            format_func=lambda i: f"#{i}")
    if st.button("Revoke token", key="users_token_revoke"):
        tokens.revoke(revoking)
        done("success", f"Token #{revoking} revoked: it no longer works.")
