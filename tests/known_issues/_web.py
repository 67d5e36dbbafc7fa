"""Signing in through the real web form (login CSRF cookie + form) for the issue-8 tests."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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


class _VisibleText(HTMLParser):
    """The visible text nodes of a page (scripts, styles and the language switcher left out)."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style") or ("data-testid", "languages") in attrs:
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if self._skip and tag in ("script", "style", "nav"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        text = data.strip().strip(":·").strip()
        if text and not self._skip:
            self.nodes.append(text)


def visible_text_nodes(html: str) -> list[str]:
    """What a person reads on the page, node by node (edge colons and dots trimmed)."""
    parser = _VisibleText()
    parser.feed(html)
    return parser.nodes
