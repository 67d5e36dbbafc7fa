"""Issue 12 §4 A2: no dead links. ``datamill demo --full`` (``tests/conftest.py`` ``demo_home``) builds
every project and the money story; then each demo role (annotator, reviewer, inspector, PM,
vendor manager, finance, admin) signs in and every same-site link on every page it can reach is
followed: none answers 404 or 500. "My earnings" works for an annotator who is not registered
as a worker, and the dashboard only links a project's accounts when it has them.

Slow (the demo runs ~80 s, the crawl about two minutes); the crawl follows at most ``MAX_PAGES`` pages
per role (set ``DATAMILL_CRAWL_PAGES`` higher to crawl further).
"""

from __future__ import annotations

import os
import re
from collections import deque
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from datamill.compliance.users import create_user
from datamill.config import Settings
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import EN
from datamill.web.i18n_zh import ZH_CN
from tests.known_issues._web import visible_text_nodes, web_login

DEMO_PASSWORD = "datamill-demo"  # noqa: S105 - the demo's documented credential
MAX_PAGES = int(os.environ.get("DATAMILL_CRAWL_PAGES", "80"))
ROLES = {"annotator": "alice", "reviewer": "rita", "inspector": "ivan", "pm": "pm",
         "vendor manager": "huayu-lead", "finance": "fiona", "admin": "admin"}
_HREF = re.compile(r'(?:href|src)="([^"#][^"]*)"')
_SKIP = ("/logout", "/lang/", "/static/vendor/")


def _crawl(client: TestClient) -> tuple[dict[str, int], int]:
    """Every same-site page reachable from the home page: ``{path: status}`` of the bad ones,
    and how many pages were visited."""
    seen: set[str] = set()
    bad: dict[str, int] = {}
    queue = deque(["/"])
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        r = client.get(path, follow_redirects=True)
        if r.status_code in (404, 405) or r.status_code >= 500:  # noqa: PLR2004
            bad[path] = r.status_code
            continue
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        for href in _HREF.findall(r.text):
            target, _ = urldefrag(urljoin(f"http://testserver{path}", href.replace("&amp;", "&")))
            parts = urlsplit(target)
            if parts.netloc != "testserver" or parts.path.startswith(_SKIP):
                continue
            nxt = parts.path + (f"?{parts.query}" if parts.query else "")
            if nxt not in seen:
                queue.append(nxt)
    return bad, len(seen)


@pytest.mark.slow
def test_no_page_links_to_a_404_or_500(demo_home: Path) -> None:
    rt = Runtime.from_settings(Settings(home=demo_home))
    try:
        with rt.session() as s:  # an annotator the money story never registered as a worker
            create_user(s, "newbie", DEMO_PASSWORD, "annotator")
        roles = {**ROLES, "unregistered annotator": "newbie"}
        app = create_app(rt)
        failures = {}
        for role, username in roles.items():
            client = TestClient(app, raise_server_exceptions=False)
            web_login(client, username, DEMO_PASSWORD)
            bad, visited = _crawl(client)
            assert visited >= 2, f"{role}: the crawl reached nothing beyond the home page"  # noqa: PLR2004
            if bad:
                failures[f"{role} ({username})"] = bad
        assert failures == {}
        # the earnings page of someone who is not a worker says so
        client = TestClient(app)
        web_login(client, "newbie", DEMO_PASSWORD)
        r = client.get("/workforce")
        assert r.status_code == 200 and 'data-testid="not-worker"' in r.text
        # a vendor's worker sees their settlement lines per period
        client = TestClient(app)
        web_login(client, "alice", DEMO_PASSWORD)
        r = client.get("/workforce/me")
        assert r.status_code == 200 and 'data-testid="earning-lines"' in r.text
    finally:
        rt.close()


def _untranslated(html: str) -> list[str]:
    """Text nodes that are catalogue English (with a different zh-CN entry) or a raw status
    code that has a catalogue label. A code whose English label is the code itself ("speech")
    is left out: a person's data (a department called "speech") looks the same."""
    english = {v for k, v in EN.items() if ZH_CN.get(k, v) != v and re.search("[A-Za-z]", v)
               and v != k.rsplit(".", 1)[-1]}
    codes = {k.split(".", 1)[1] for k in EN if k.startswith("status.")}
    # a list of modality codes (a vendor's worker: "image, llm, speech.asr") shown raw (h9)
    codes |= {k.split(".", 1)[1] for k in EN if k.startswith("modality.")
              and ZH_CN.get(k, EN[k]) != EN[k] and "." in k.split(".", 1)[1]}
    return sorted({n for n in visible_text_nodes(html)
                   if n in english or n in codes or codes & set(n.split(", "))})


@pytest.mark.slow
def test_finance_and_workforce_pages_in_chinese(demo_home: Path) -> None:
    rt = Runtime.from_settings(Settings(home=demo_home))
    try:
        app = create_app(rt)
        found: dict[str, list[str]] = {}
        visited = 0
        for username in ("admin", "alice", "huayu-lead"):
            client = TestClient(app, raise_server_exceptions=False,
                                headers={"Accept-Language": "zh-CN"})
            web_login(client, username, DEMO_PASSWORD)
            queue, seen = deque(["/finance", "/workforce"]), set()
            while queue and len(seen) < MAX_PAGES:
                path = queue.popleft()
                if path in seen:
                    continue
                seen.add(path)
                r = client.get(path)
                if r.status_code != 200 or not r.headers["content-type"].startswith("text/html"):  # noqa: PLR2004
                    continue
                if 'data-testid="languages"' not in r.text:
                    continue  # not a page of the site (the printable settlement sheet)
                visited += 1
                assert 'lang="zh-CN"' in r.text, path
                if bad := _untranslated(r.text):
                    found[path] = bad
                for href in _HREF.findall(r.text):
                    parts = urlsplit(urljoin(f"http://testserver{path}", href.replace("&amp;", "&")))
                    if parts.netloc == "testserver" and re.match(
                            r"/(finance|workforce|projects/\d+/finance)", parts.path):
                        queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert visited >= 8  # noqa: PLR2004 - the finance overview, project pages, sheets, vendors...
        assert found == {}, found
    finally:
        rt.close()


@pytest.mark.slow
def test_readers_of_the_books_reach_every_link_of_a_project_account_page(demo_home: Path) -> None:
    """Helper h9's crawl: a reader of the books who is not on the project (fiona, the finance
    reviewer; a ``finance`` clerk) was linked from each project's accounts page to its dashboard,
    which then answered 404 (7 projects × 3 such readers in the demo). Every same-site link of
    those pages now answers, and the dashboard link is still there for the admin."""
    rt = Runtime.from_settings(Settings(home=demo_home))
    try:
        with rt.session() as s:
            create_user(s, "clerk", DEMO_PASSWORD, "finance")
        app = create_app(rt)
        bad: dict[str, int] = {}
        for username in ("clerk", "admin"):
            client = TestClient(app, raise_server_exceptions=False)
            web_login(client, username, DEMO_PASSWORD)
            overview = client.get("/finance")
            assert overview.status_code == 200  # noqa: PLR2004
            pages = sorted(set(re.findall(r'href="(/projects/\d+/finance)\?', overview.text)))
            assert len(pages) >= 5, username  # noqa: PLR2004 - the demo's projects with accounts
            links: set[str] = set()
            for page in pages[:5]:  # the same page for each project: five are enough
                r = client.get(page)
                assert r.status_code == 200, (username, page)  # noqa: PLR2004
                links |= {h for h in re.findall(r'href="(/projects/\d+[^"?#]*)"', r.text)
                          if not h.endswith(".csv")}
                if username == "admin":
                    assert 'data-testid="dashboard-link"' in r.text, page
            for link in sorted(links):
                if (status := client.get(link).status_code) >= 400:  # noqa: PLR2004
                    bad[f"{username} {link}"] = status
        assert bad == {}
    finally:
        rt.close()
