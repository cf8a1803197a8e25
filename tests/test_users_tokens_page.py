"""API tokens on the Users page (admins): created with the secret shown once as code, listed, revoked."""

from __future__ import annotations

from qualia_core.tokens import PREFIX, Tokens
from tests.test_access_pages import goto, sign_in, study  # noqa: F401 - study is a fixture


def token_table(at):
    return next(d.value for d in at.dataframe if "label" in d.value.columns)


def test_an_admin_creates_a_token_sees_it_once_and_revokes_it(study):  # noqa: F811
    core, _ = study
    tokens = Tokens(core.library.store)
    at = goto(sign_in("ada"), "pages/users.py")
    at.selectbox(key="users_token_owner").set_value("rita")
    at.text_input(key="users_token_label").set_value("R scripts <b>")
    next(b for b in at.button if b.label == "Create token").click()
    at.run()
    shown = [c.value for c in at.code]
    assert len(shown) == 1 and shown[0].startswith(PREFIX)
    assert tokens.account_for(shown[0]).name == "rita"
    table = token_table(at)
    assert list(table["account"]) == ["rita"] and list(table["label"]) == ["R scripts <b>"]  # as plain text
    assert all("R scripts" not in m.value for m in at.markdown)
    at.run()
    assert not at.code  # shown once: the next run does not show it again
    at.selectbox(key="users_token_revoke_id").set_value(tokens.list()[0].id)
    at.button(key="users_token_revoke").click().run()
    assert tokens.account_for(shown[0]) is None
    assert "active" not in list(token_table(at)["revoked"])
