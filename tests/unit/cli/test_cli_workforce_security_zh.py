"""``datamill workforce`` under ``DATAMILL_LANG=zh-CN``: vendor kinds and settlement cycles,
the workers table, the worker lines and the qualification/golden commands printed English
("studio", "weekly", "worker 1 (ann) registered", "no qualification test yet") around
Chinese refusals and column heads; so did ``datamill security`` (``status``, ``classify``,
``clearance``, ``consents``, ``keys``: "project 1: classified internal; surveying not
required")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tests.unit.cli._text_project import text_spec
from tests.unit.cli.test_cli import run

ZH = {"DATAMILL_LANG": "zh-CN"}


@pytest.mark.slow  # ~3-5 s: a dozen CLI calls on a fresh home
def test_workforce_lines_speak_chinese(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "user", "create", "ann", "--role", "annotator", "--password", "password1",
        "--as", "root")
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(text_spec("wf-zh"), allow_unicode=True), encoding="utf-8")
    run(home, "project", "create", str(spec), "--as", "root", "--json")
    run(home, "workforce", "vendor-add", "Acme", "studio", "--cycle", "half_monthly",
        "--as", "root", **ZH)
    vendors = run(home, "workforce", "vendors", "--as", "root", **ZH).stdout
    assert "工作室" in vendors and "按半月" in vendors, vendors
    assert "studio" not in vendors and "half_monthly" not in vendors, vendors
    added = run(home, "workforce", "worker-add", "ann", "--vendor", "1", "--as", "root", **ZH).stdout
    assert added.strip() == "人员 1（ann）已登记", added
    workers = run(home, "workforce", "workers", "--as", "root", **ZH).stdout
    assert "用户名" in workers and "在职" in workers and "username" not in workers, workers
    shown = run(home, "workforce", "qualification", "show", "wf-zh", "--as", "root", **ZH).stdout
    assert shown.strip() == "尚未设置资格测试；是否必需：否", shown
    rate = run(home, "workforce", "golden-rate", "wf-zh", "--as", "root", **ZH).stdout
    assert rate.startswith("项目 1 的黄金题比例："), rate
    results = run(home, "workforce", "qualification", "results", "wf-zh", "--as", "root", **ZH).stdout
    assert results.strip() == "尚无测试记录", results
    golden = run(home, "workforce", "golden", "list", "wf-zh", "--as", "root", **ZH).stdout
    accuracy = run(home, "workforce", "accuracy", "wf-zh", "--as", "root", **ZH).stdout
    for table in (golden, accuracy):
        assert not re.search(r"[a-z]{4,}", table), table
    assert "黄金题作答数" in accuracy and "计入生产" in golden, (accuracy, golden)
    # datamill security, on the same home
    run(home, "security", "classify", "wf-zh", "confidential", "--as", "root", **ZH)
    status = run(home, "security", "status", "wf-zh", "--as", "root", **ZH).stdout
    assert status.splitlines() == ["项目 1：密级 机密；测绘资质 不需要", "数据出境：境内；交付：允许",
                                   "授权同意：0 份，未处理的撤回标记：0 个"], status
    cleared = run(home, "security", "clearance", "ann", "internal", "--as", "root", **ZH).stdout
    assert cleared.strip() == "ann 的涉密许可已设为 内部", cleared
    consents = run(home, "security", "consents", "wf-zh", "--as", "root", **ZH).stdout
    assert "主体" in consents and "0 个已交付条目被标记" in consents and "subject" not in consents
    keys = run(home, "security", "keys", **ZH).stdout
    assert keys.startswith("静态加密：未开启"), keys
    written = run(home, "security", "generate-master-key", str(tmp_path / "mk"), **ZH).stdout
    assert written.startswith("主密钥 mk-") and "已写入" in written, written
    # English keeps the codes scripts may look for
    assert "classified confidential; surveying not required" in run(
        home, "security", "status", "wf-zh", "--as", "root").stdout
    assert "studio" in run(home, "workforce", "vendors", "--as", "root").stdout
    # an export rule's requirement was its code ("security_assessment") in both languages
    added = run(home, "security", "export-rule-add", "US", "--requirement", "security_assessment",
                "--as", "root", **ZH).stdout
    assert added.strip() == "出境至 US 需要：安全评估", added
    assert "US: 安全评估" in run(home, "security", "export-rules", "--as", "root", **ZH).stdout
    assert "US: security assessment" in run(home, "security", "export-rules", "--as",
                                            "root").stdout
    # a unit price's unit was its code ("单价 5.00/hour")
    priced = run(home, "workforce", "price-set", "2026H1", "annotate", "text", "chinese", "item",
                 "5", "--as", "root", **ZH).stdout
    assert priced.strip() == "单价 5.00/条", priced
