"""``datamill workforce procurement`` under ``DATAMILL_LANG=zh-CN``: its tables, lines and
volume check were English with raw codes (``next: dept_manager``, ``20.0000 item``,
``approved``, ``OVER project 1 stage annotate: the sheet settles ...``) around Chinese help and
refusals. English prints what it always printed; ``--json`` is unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli._words_procurement_h4 import PROCUREMENT_H4_EN, PROCUREMENT_H4_ZH_CN
from datamill.cli.main import app
from datamill.compliance.models import User
from datamill.config import get_settings
from datamill.runtime import Runtime
from datamill.workforce.purchase_orders import create_purchase_order
from tests._cli import run_cli
from tests._zh_text import half_width_in_chinese
from tests.known_issues import _vendor_world as vw
from tests.unit.workforce.test_procurement import (
    _approved_item_request,
    _approvers,
    _sheet_of_ten,
)


@pytest.fixture
def lang(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    yield monkeypatch
    get_settings.cache_clear()


def test_the_procurement_words_are_complete_and_full_width() -> None:
    assert set(PROCUREMENT_H4_ZH_CN) == set(PROCUREMENT_H4_EN)
    assert half_width_in_chinese(PROCUREMENT_H4_ZH_CN) == {}


def test_procurement_commands_speak_chinese(
    runtime: Runtime, users: dict[str, User], lang: pytest.MonkeyPatch
) -> None:
    lang.setattr(_common, "_runtime", [runtime])
    lang.setattr(_common.out, "width", 200)  # tables on one line each
    admin = users["admin"]
    with runtime.session() as s:
        admin = s.merge(admin)
        ap = _approvers(s, admin)
        pid, v, sheet_id, _mgr = _sheet_of_ten(s, admin, users["insp"])
        req = _approved_item_request(s, admin, ap, "20")
        create_purchase_order(s, admin, request_id=req, vendor_id=v, project_id=pid,
                              quantity="6", on=vw.WEEK)
        s.commit()
    pc = ["workforce", "procurement"]

    def cli(language: str, *args: str) -> str:
        lang.setenv("DATAMILL_LANG", language)
        get_settings.cache_clear()
        r = CliRunner().invoke(app, [*pc, *args, "--as", "admin"])
        assert r.exit_code == 0, r.output
        return " ".join(r.output.split())

    said = cli("zh-CN", "requests")
    assert "单号" in said and "20.0000 条" in said and "已批准" in said, said
    assert "approved" not in said and " item" not in said and "quantity" not in said
    assert cli("en", "requests").count("approved") == 1  # English as before

    said = cli("zh-CN", "orders")
    assert "6.0000 条" in said and "标注" in said and "剩余" in said, said
    assert "remaining" not in said and "annotate" not in said

    said = cli("zh-CN", "volume", str(sheet_id))
    assert said == (f"超出订单项目 {pid} 环节标注：结算单结算 10.0000 条，采购订单只剩 6.0000"
                    "（已订购 6.0000，此前已结算 0）；请追加订单或更正结算单"), said
    english = cli("en", "volume", str(sheet_id))
    assert english.startswith(f"OVER project {pid} stage annotate: the sheet settles 10.0000 "
                              "item but the purchase orders leave 6.0000"), english

    said = cli("zh-CN", "budget-add", "2024", "speech", "--collection-qty", "10",
               "--collection-price", "1", "--labelling-qty", "10", "--labelling-price", "2")
    assert "年度采购预算" in said and "（2024 年，speech）" in said, said
    assert said.endswith("下一级审批：部门经理"), said
    said = cli("en", "budgets")
    assert "submitted" in said and "dept_manager" in said, said


def test_procurement_input_refusals_speak_chinese(tmp_path: Path) -> None:
    """A date that is not one and a price list that cannot be read were English refusals
    ("--on '2024-13-01' is not a date", "cannot read a price list from …: [Errno 2] …")."""
    home = tmp_path / "home"
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    (tmp_path / "broken.json").write_text("[1,\n", encoding="utf-8")
    (tmp_path / "object.json").write_text("{}", encoding="utf-8")
    pc = ["workforce", "procurement"]
    agreement = [*pc, "agreement-add", "1", "FA-1", "2024-01-01", "2024-12-31"]

    def said(*args: str, language: str = "zh-CN") -> str:
        proc = run_cli(home, *args, "--as", "root", ok=False, DATAMILL_LANG=language)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        return " ".join((proc.stdout + proc.stderr).split())

    assert said(*pc, "request-add", "speech", "labelling", "annotate", "speech.asr", "chinese",
                "hour", "3", "--on", "2024-13-01") \
        == "错误（invalid_input）：--on '2024-13-01' 不是日期（格式 YYYY-MM-DD）"
    missing = str(tmp_path / "missing.json")
    assert said(*agreement, missing) \
        == f"错误（invalid_input）：无法读取 {missing}（文件不存在）：请检查路径与文件权限。"
    broken = str(tmp_path / "broken.json")
    assert said(*agreement, broken) == (f"错误（invalid_input）：价格表 {broken} 不是有效的 JSON："
                                        "此处应有一个值（第 2 行第 1 列）")
    assert "须为由对象组成的 JSON 列表" in said(*agreement, str(tmp_path / "object.json"))
    assert said(*agreement, broken, language="en").startswith(
        f"error (invalid_input): cannot read a price list from {broken}: Expecting value")
