"""Signing in through the real web form (login CSRF cookie + form) for the issue-8 tests."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "password1"  # noqa: S105 - test credential


def web_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign in; returns the session cookie's value (what a thief would copy)."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/", r.text
    cookie = client.cookies.get("datamill_session")
    assert cookie
    return cookie


def csrf_of(client: TestClient) -> str:
    page = client.get("/")
    assert page.status_code == 200, page.text
    m = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert m
    return m.group(1)


def signed_in(client: TestClient, cookie: str) -> bool:
    """Does another browser carrying only a copy of ``cookie`` reach the home page?"""
    thief = TestClient(client.app, cookies={"datamill_session": cookie})
    r = thief.get("/", follow_redirects=False)
    if r.status_code == 200:
        return True
    assert r.status_code == 303 and r.headers["location"].startswith("/login"), r.text
    return False
