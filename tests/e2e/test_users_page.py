"""The users page in a browser (h3): an admin creates a user with the page's form, the new
person signs in, the admin deactivates them through the confirmation step, and the person can
no longer sign in. Its own small site (no audio needed)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from datamill.compliance.users import create_user
from datamill.testing.fixtures import make_runtime
from tests.e2e.conftest import PASSWORD, serve_in_thread, shot, sign_in

pytestmark = pytest.mark.slow
NEW_PASSWORD = "tulip-river-9"  # noqa: S105 - test credential


@dataclass
class World:
    url: str
    rt: Any


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from datamill.server import create_app

    rt = make_runtime(tmp_path_factory.mktemp("users-e2e"), "sqlite")
    with rt.session() as s:
        create_user(s, "admin", PASSWORD, "admin")
    with serve_in_thread(create_app(rt)) as url:
        yield World(url=url, rt=rt)
    rt.close()


@pytest.fixture
def ctx(browser: Any, world: World) -> Iterator[Any]:
    c = browser.new_context(base_url=world.url, viewport={"width": 1400, "height": 900})
    c.set_default_timeout(30_000)
    yield c
    c.close()


def _sign_in_as(browser: Any, world: World, username: str, password: str) -> Any:
    """A fresh browser's sign-in page after ``username`` and ``password`` were sent."""
    c = browser.new_context(base_url=world.url)
    c.set_default_timeout(30_000)
    page = c.new_page()
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.press("input[name=password]", "Enter")
    page.wait_for_load_state()
    return page


def test_admin_creates_then_deactivates_a_user(world: World, ctx: Any, browser: Any) -> None:
    page = sign_in(ctx, "admin")
    page.get_by_test_id("nav-users").click()
    page.wait_for_url(re.compile(r"/users$"))
    form = page.get_by_test_id("form-create-user")
    form.locator("input[name=username]").fill("dora")
    form.locator("input[name=display_name]").fill("Dora Explorer")
    form.locator("select[name=role]").select_option("reviewer")
    form.locator("input[name=password]").fill(NEW_PASSWORD)
    form.locator("input[name=password_again]").fill(NEW_PASSWORD)
    page.get_by_test_id("create-user-submit").click()
    page.wait_for_url(re.compile(r"\?ok=created"))
    assert "dora was created as reviewer" in page.get_by_test_id("users-ok").inner_text()
    shot(page, "users-created")

    newcomer = _sign_in_as(browser, world, "dora", NEW_PASSWORD)
    assert "/login" not in newcomer.url
    newcomer.context.close()

    row = page.locator("tr", has=page.locator("td", has_text=re.compile(r"^dora$")))
    uid = row.get_attribute("data-user")
    page.get_by_test_id(f"deactivate-{uid}").click()
    page.wait_for_url(re.compile(r"\?confirm=\d+#confirm$"))
    assert "Deactivate dora?" in page.get_by_test_id("deactivate-confirm").inner_text()
    shot(page, "users-deactivate-confirm")
    page.get_by_test_id("deactivate-yes").click()
    page.wait_for_url(re.compile(r"\?ok=deactivated"))
    assert "dora is deactivated" in page.get_by_test_id("users-ok").inner_text()
    assert page.get_by_test_id(f"reactivate-{uid}").is_visible()

    refused = _sign_in_as(browser, world, "dora", NEW_PASSWORD)
    assert "/login" in refused.url
    refused.context.close()
