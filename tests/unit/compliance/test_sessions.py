"""compliance.sessions.signed_in: the one service that turns a web session into an active user
(issue 10 §2: web/auth.py only reads the cookie and translates)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.models import User
from datamill.compliance.sessions import NotSignedIn, end_session, open_session, signed_in
from datamill.compliance.users import change_password, create_user, deactivate_user
from datamill.core.errors import Unauthorized


@pytest.fixture
def alice(session: Session) -> User:
    return create_user(session, "alice", "password1", "annotator")


def test_live_session_gives_its_active_user(session: Session, alice: User) -> None:
    grant = open_session(session, alice, timedelta(hours=1))
    got = signed_in(session, grant.token)
    assert got.user.id == alice.id and got.csrf == grant.csrf and got.token == grant.token


@pytest.mark.parametrize("token", [None, "", "not-a-session"])
def test_no_or_unknown_token_is_not_signed_in(session: Session, alice: User,
                                              token: str | None) -> None:
    open_session(session, alice, timedelta(hours=1))
    with pytest.raises(NotSignedIn) as err:
        signed_in(session, token)
    assert isinstance(err.value, Unauthorized) and err.value.code == "not_signed_in"


def test_expired_session_is_refused(session: Session, alice: User) -> None:
    grant = open_session(session, alice, timedelta(seconds=-1))
    with pytest.raises(NotSignedIn):
        signed_in(session, grant.token)


def test_sign_out_password_change_and_deactivation_end_sessions(session: Session,
                                                               alice: User) -> None:
    out = open_session(session, alice, timedelta(hours=1))
    kept = open_session(session, alice, timedelta(hours=1))
    end_session(session, out.token)
    with pytest.raises(NotSignedIn):
        signed_in(session, out.token)
    assert signed_in(session, kept.token).user.id == alice.id  # only that session ended

    change_password(session, alice, "password1", "another-pass-2")
    with pytest.raises(NotSignedIn):
        signed_in(session, kept.token)

    again = open_session(session, alice, timedelta(hours=1))
    deactivate_user(session, alice)
    with pytest.raises(NotSignedIn):
        signed_in(session, again.token)
    alice.is_active = True  # reactivating restores no session
    with pytest.raises(NotSignedIn):
        signed_in(session, again.token)


def test_inactive_user_is_refused_even_with_a_session_row(session: Session, alice: User) -> None:
    grant = open_session(session, alice, timedelta(hours=1))
    alice.is_active = False  # flipped without revoking (e.g. by a bulk update)
    session.flush()
    with pytest.raises(NotSignedIn):
        signed_in(session, grant.token)
