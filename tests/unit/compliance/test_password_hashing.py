"""Passwords are hashed with argon2id at production's parameters. The tests hash with the
cheapest ones (tests/conftest.py: 0.2 s of CPU a hash, thousands of users made); these tests
hash and check as datamill does outside them, on both databases."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import authenticate, change_password, create_user
from datamill.core.errors import Unauthorized
from datamill.runtime import Runtime


def test_passwords_are_hashed_with_rfc_9106_parameters(
    runtime: Runtime, production_password_hashing: PasswordHasher
) -> None:
    # RFC 9106's second recommended option: 64 MiB, 3 passes, 4 lanes
    with runtime.session() as s:
        create_user(s, "alice", "password1", "annotator")
    with runtime.session() as s:
        stored = s.scalars(select(User.password_hash).where(User.username == "alice")).one()
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored
        assert authenticate(s, "alice", "password1").username == "alice"
        for username, password in [("alice", "password2"), ("nobody", "password1")]:
            with pytest.raises(Unauthorized):
                authenticate(s, username, password)


def test_a_changed_password_is_hashed_with_rfc_9106_parameters(
    runtime: Runtime, production_password_hashing: PasswordHasher
) -> None:
    with runtime.session() as s:
        user = create_user(s, "bob", "password1", "annotator")
        change_password(s, user, "password1", "new-secret-9")
    with runtime.session() as s:
        stored = s.scalars(select(User.password_hash).where(User.username == "bob")).one()
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$"), stored
        assert authenticate(s, "bob", "new-secret-9").username == "bob"
        with pytest.raises(Unauthorized):
            authenticate(s, "bob", "password1")
