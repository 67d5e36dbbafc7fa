"""h20: ``datamill security clearance USER LEVEL`` lowering a clearance releases the tasks the
person held above it (and unassigns their packages), but its text line said only "ann1
cleared for internal": the release showed in ``--json`` and the API alone. The line says it
now, in English and zh-CN."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from datamill.compliance.classification import set_classification, set_clearance
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.production.models import Task
from datamill.production.packages import assign_package
from datamill.runtime import Runtime
from tests._cli import run_cli
from tests.unit.production.helpers import claimed_task, packaged_project


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    get_settings.cache_clear()


def test_the_text_line_says_which_tasks_a_lowered_clearance_released(
    runtime: Runtime, users: dict[str, User], lang: pytest.MonkeyPatch,
) -> None:
    ann1 = users["ann1"]
    pid = packaged_project(runtime, [ann1, users["admin"]], 2)
    with runtime.session() as s:
        admin = s.merge(users["admin"])
        set_clearance(s, admin, ann1.id, "secret")
        set_classification(s, admin, pid, "confidential")
    first = claimed_task(runtime, ann1, pid)
    url = str(runtime.settings.database_url)

    def clearance(level: str, language: str, *extra: str) -> str:
        lang.setenv("DATAMILL_LANG", language)
        get_settings.cache_clear()
        return " ".join(run_cli(runtime.settings.home, "security", "clearance", "ann1", level,
                                "--as", "admin", *extra, DATAMILL_DATABASE_URL=url).stdout.split())

    en = clearance("internal", "en")
    assert en == "ann1 cleared for internal; released 1 held task(s) classified above it " \
                 f"(ids {first}) back to the pool", en  # before: "ann1 cleared for internal"
    with runtime.session() as s:
        set_clearance(s, s.merge(users["admin"]), ann1.id, "secret")
    second = claimed_task(runtime, ann1, pid)
    with runtime.session() as s:  # and the package of the task given to them
        package = s.get(Task, second)
        assert package is not None and package.package_id is not None
        assign_package(s, package.package_id, s.merge(ann1))
    zh = clearance("public", "zh-CN")
    assert zh.endswith(f"；已把其持有的 1 个密级高于该许可的任务（编号 {second}）放回任务池；"
                       "已取消分配 1 个工作包，放回任务池"), zh
    clearance("internal", "en")
    lowered = json.loads(clearance("public", "en", "--json"))  # nothing held: as before
    assert (lowered["released_tasks"], lowered["unassigned_packages"]) == ([], [])
    clearance("internal", "en")
    assert clearance("public", "en") == "ann1 cleared for public"
