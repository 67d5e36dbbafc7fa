"""The PM's golden-items and qualification page in a browser (issue 9, defect 8): define and
revise the qualification test, set the golden rate, require qualification, read the workers'
running accuracy; a PM who is no member of the project gets the 403 page; zh-CN strings."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, Project, Task
from datamill.testing.fixtures import make_runtime
from datamill.workforce.golden import claim_with_golden, submit_golden_answer
from datamill.workforce.qualification import take_qualification_test
from datamill.workforce.vendors import register_worker
from tests.e2e.conftest import PASSWORD, serve_in_thread, shot, sign_in

pytestmark = pytest.mark.slow
ANSWERS = {"g0": "one two three", "g1": "four five six", "g2": "seven eight nine"}


@dataclass
class World:
    url: str
    rt: Any
    project: int


def _build(rt: Any) -> int:
    with rt.session() as s:
        admin = create_user(s, "admin", PASSWORD, "admin")
        pm = create_user(s, "pm", PASSWORD, "project_manager")
        create_user(s, "pm2", PASSWORD, "project_manager")
        project = Project(name="gold-e2e", modality="speech.asr", language="en-US",
                          project_type="custom_service", data_owner="customer",
                          spec={"stages": ["annotate"]})
        s.add(project)
        s.flush()
        for i in range(4):
            item = Item(project_id=project.id, external_id=f"g{i}", sha256=f"{i:064d}",
                        filename=f"g{i}.wav", size_bytes=1000, owner="customer",
                        status="reviewed" if i < 3 else "passed", volume=2000,
                        attributes={"duration_ms": 2000})
            s.add(item)
            s.flush()
            s.add(Task(project_id=project.id, item_id=item.id, stage="annotate",
                       status="done" if i < 3 else "open"))
        add_member(s, project.id, pm, actor_id=None)
        w1 = create_user(s, "w1", PASSWORD, "annotator")
        register_worker(s, admin, w1, languages=["en-US"], grade=None)
        add_member(s, project.id, w1, actor_id=None)
        return int(project.id)


class _Always:
    def random(self) -> float:
        return 0.0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    from datamill.server import create_app

    rt = make_runtime(tmp_path_factory.mktemp("golden-e2e"), "sqlite")
    pid = _build(rt)
    with serve_in_thread(create_app(rt)) as url:
        yield World(url=url, rt=rt, project=pid)
    rt.close()


@pytest.fixture
def ctx(browser: Any, world: World) -> Iterator[Any]:
    c = browser.new_context(base_url=world.url, viewport={"width": 1400, "height": 900})
    c.set_default_timeout(10_000)
    yield c
    c.close()


def _answers(*refs: str) -> str:
    return "\n".join(f"{r} = {ANSWERS[r]}" for r in refs)


def test_pm_defines_revises_sets_rate_and_reads_accuracy(world: World, ctx: Any) -> None:
    url = f"/workforce/projects/{world.project}/golden"
    page = sign_in(ctx, "pm")
    page.goto(f"/projects/{world.project}")
    page.get_by_test_id("golden-link").click()
    page.wait_for_url(re.compile(rf"{url}$"))
    assert page.get_by_test_id("qualification-none").is_visible()

    # no test yet: a golden rate is refused on the page, nothing saved
    page.get_by_test_id("golden-rate").fill("0.3")
    page.get_by_test_id("golden-rate-save").click()
    assert "qualification test" in page.get_by_test_id("wf-error").inner_text()

    page.get_by_test_id("qualification-answers").fill(_answers("g0", "g1"))
    page.get_by_test_id("qualification-threshold").fill("0.9")
    page.get_by_test_id("qualification-save").click()
    page.wait_for_url(re.compile(r"\?ok=test$"))
    assert page.get_by_test_id("qualification-revision").inner_text() == "1"

    # the owner revises it (a second definition used to be refused with 409)
    page.get_by_test_id("qualification-answers").fill(_answers("g0", "g2"))
    page.get_by_test_id("qualification-threshold").fill("0.8")
    page.get_by_test_id("qualification-save").click()
    page.wait_for_url(re.compile(r"\?ok=test$"))
    assert page.get_by_test_id("qualification-revision").inner_text() == "2"
    assert "0.8" in page.get_by_test_id("qualification-summary").inner_text()

    page.get_by_test_id("golden-rate").fill("0.5")
    page.get_by_test_id("golden-rate-save").click()
    page.wait_for_url(re.compile(r"\?ok=rate$"))
    assert page.get_by_test_id("golden-rate").input_value() == "0.5000"

    page.get_by_test_id("qualification-required").check()
    page.get_by_test_id("qualification-required-save").click()
    page.wait_for_url(re.compile(r"\?ok=required$"))
    assert page.get_by_test_id("qualification-required").is_checked()

    with world.rt.session() as s:  # w1 passes the revised test and meets one golden check
        w1 = s.scalars(select(User).where(User.username == "w1")).one()
        ids = dict(s.execute(select(Item.external_id, Item.id)).tuples().all())
        take_qualification_test(s, w1, world.project, {ids["g0"]: ANSWERS["g0"],
                                                       ids["g2"]: ANSWERS["g2"]})
        probe = claim_with_golden(s, w1, world.project, "annotate", rng=_Always()).probe
        assert probe is not None
        ref = next(k for k, v in ids.items() if v == probe.item_id)
        submit_golden_answer(s, w1, probe.probe_id, ANSWERS[ref])
    page.reload()
    row = page.locator("[data-testid=accuracy] tr[data-worker=w1]")
    assert row.get_by_test_id("answered").inner_text() == "1"
    assert row.get_by_test_id("running-accuracy").inner_text() == "1.0000"
    assert "passed" in row.get_by_test_id("qualified").inner_text()
    shot(page, "golden-qualification-pm")

    page.goto(f"/lang/zh-CN?next={url}")
    page.wait_for_url(re.compile(rf"{url}$"))
    assert "金标与培训考核" in page.locator("h1").inner_text()
    assert page.get_by_test_id("qualification-save").inner_text() == "修订考核"
    shot(page, "golden-qualification-pm-zh")


def test_a_pm_outside_the_project_gets_404(world: World, ctx: Any) -> None:
    """A project one may not see answers as a missing one (no probing for project ids)."""
    page = sign_in(ctx, "pm2")
    resp = page.goto(f"/workforce/projects/{world.project}/golden")
    assert resp is not None and resp.status == 404
