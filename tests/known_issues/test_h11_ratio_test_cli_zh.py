"""``datamill ledger ratio-test`` under ``DATAMILL_LANG=zh-CN``: its lines and table were English
("self-test #1 (annotate, measured): 2.0000 h per hours", "sample 2 items; workers ...") while
its refusals were Chinese."""

from __future__ import annotations

import re
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.config import get_settings
from datamill.runtime import Runtime
from tests.known_issues.test_m9_ratio_self_test_faces import world

__all__ = ["world"]


def test_ratio_test_lines_speak_chinese(
    runtime: Runtime, world: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    # the settings are cached per process: an env given to one invoke alone is not read when
    # an earlier test of the worker built them (English then, whatever the invoke's env)
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    request.addfinalizer(get_settings.cache_clear)
    cli = CliRunner()

    def run(*args: str) -> str:
        r = cli.invoke(cli_app, ["ledger", "ratio-test", *args], env={"DATAMILL_LANG": "zh-CN"})
        assert r.exit_code == 0, r.output
        return r.output

    items = ",".join(map(str, world["items"]))
    started = run("start", str(world["lp"]), "--as", "pm", "--items", items,
                  "--workers", "ann1,ann2")
    assert re.match(r"试标 #\d+（标注，进行中）：-\n样本 2 个条目；参与人员 ann1, ann2", started), started
    test_id = re.findall(r"#(\d+)", started)[0]
    measured = run("measure", test_id, "--as", "pm")
    assert "（标注，已测定）：每小时 2.0000 工时" in measured, measured
    assert "实际参与：ann1, ann2" in measured and "work hours" not in measured, measured
    applied = run("apply", test_id, "--as", "pm")
    assert applied.startswith("预算 ") and "草稿" in applied, applied
    listed = run("list", str(world["lp"]), "--as", "pm")
    assert "来源" in listed and "试标" in listed and "self_test" not in listed, listed
