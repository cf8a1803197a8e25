"""The admin password rule (ops/backup/admin.py): the Backups page only shows the box."""

from __future__ import annotations

import pytest

from ops.backup import admin


def test_without_a_password_nothing_is_required_and_anything_passes(monkeypatch):
    monkeypatch.setenv("QUALIA_ADMIN_PASSWORD", "")
    assert not admin.password_required()
    assert admin.check_password("") and admin.check_password("whatever")


@pytest.mark.parametrize("typed, ok", [("s3cret é", True), ("s3cret", False), ("s3cret é ", False), ("", False),
                                       ("S3CRET É", False)])
def test_with_a_password_only_the_exact_text_passes(monkeypatch, typed, ok):
    monkeypatch.setenv("QUALIA_ADMIN_PASSWORD", "s3cret é")
    assert admin.password_required()
    assert admin.check_password(typed) is ok


def test_the_comparison_takes_constant_time(monkeypatch):
    calls = []
    real = admin.hmac.compare_digest
    monkeypatch.setattr(admin.hmac, "compare_digest", lambda a, b: calls.append((a, b)) or real(a, b))
    monkeypatch.setenv("QUALIA_ADMIN_PASSWORD", "s3cret")
    assert not admin.check_password("guess")
    assert calls == [(b"guess", b"s3cret")]
