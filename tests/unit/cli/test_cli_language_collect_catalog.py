"""``collect`` and ``catalog`` speak ``DATAMILL_LANG`` as ``work`` and ``qc`` do (one catalogue,
``cli._words``): a collection manager and a catalog manager with ``DATAMILL_LANG=zh-CN`` read
the quota table's headers, the invitations, subjects, datasets, releases, licences, transfer
links and the reports in Chinese; English reads as it always has; ``--json`` is unchanged."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from datamill.cli._words import EN_CLI, ZH_CN_CLI
from tests._cli import run_cli as run
from tests._zh_text import half_width_in_chinese

COMMANDS = [
    ["collect", "quotas", "collection-demo"],
    ["collect", "invites", "collection-demo"],
    ["collect", "subjects", "collection-demo"],
    ["catalog", "list"],
    ["catalog", "releases", "1"],
    ["catalog", "licences"],
    ["catalog", "links", "1"],
    ["catalog", "report"],
    ["catalog", "pipeline"],
]

#: the English words of these commands' lines and headers (a line in Chinese holds none)
ENGLISH = re.compile(r"\b(cell|target|in progress|fill|state|full|open|until|consent v\d|"
                     r"recordings|to re-record|files|licences?|dataset \d|customer \d|"
                     r"expires|downloads|revenue|development cost|margin|new|in development|"
                     r"accepted|released)\b")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _said(home: Path, lang: str) -> dict[str, str]:
    return {" ".join(args): run(home, *args, "--as", "admin", DATAMILL_LANG=lang).stdout
            for args in COMMANDS}


def test_collect_and_catalog_speak_chinese(demo_home: Path) -> None:
    said = _said(demo_home, "zh-CN")
    quotas = said["collect quotas collection-demo"]
    for header in ("配额单元", "目标", "已验收", "进行中", "完成度", "状态"):
        assert header in quotas, quotas
    assert "人" in quotas and ("已满" in quotas or "未满" in quotas)
    assert "有效期至" in said["collect invites collection-demo"]
    assert "知情同意第 1 版" in said["collect subjects collection-demo"]
    assert "个文件" in said["catalog releases 1"]
    assert "（数据集 1）" in said["catalog licences"]
    assert "收入" in said["catalog report"] and "开发成本" in said["catalog report"]
    assert "年：新增" in said["catalog pipeline"]
    for command, text in said.items():
        lines = [line for line in text.splitlines() if line.strip()]
        assert lines, command
        # data (names, ids, cells' labels) stays as it is; the words around it are Chinese
        english = {m.group() for line in lines for m in ENGLISH.finditer(
            re.sub(r"\S*(/|-demo|\bwomen|\bmen|[a-z]{2}-[A-Z]{2})\S*", "", line))}
        assert not english, (command, english, text)
        assert any(_HAN.search(line) for line in lines), (command, text)


def test_english_reads_as_before_and_json_is_unchanged(demo_home: Path) -> None:
    said = _said(demo_home, "en")
    quotas = said["collect quotas collection-demo"]
    assert all(h in quotas for h in ("cell", "target", "accepted", "in progress", "fill",
                                     "state")), quotas
    assert not _HAN.search(quotas.replace("women", ""))
    assert re.search(r"spk-\S+  consent v1  \d+ recordings, \d+ to re-record",
                     said["collect subjects collection-demo"])
    assert re.search(r"^ +1 v1 [0-9a-f]{16} \d+ files$", said["catalog releases 1"], re.M)
    assert "(dataset 1) · " in said["catalog licences"]
    assert re.search(r"^\d{4}: \d+ new, \d+ in development$", said["catalog pipeline"], re.M)
    for lang in ("en", "zh-CN"):
        rows = json.loads(run(demo_home, "collect", "invites", "collection-demo", "--as",
                              "admin", "--json", DATAMILL_LANG=lang).stdout)
        assert {r["state"] for r in rows} <= {"active", "revoked", "expired"}


@pytest.mark.parametrize("prefix", ["collect.", "catalog.", "unit.", "invite_state.",
                                    "licence_status."])
def test_the_new_entries_are_chinese_with_full_width_punctuation(prefix: str) -> None:
    zh = {k: v for k, v in ZH_CN_CLI.items() if k.startswith(prefix)}
    assert zh and set(zh) == {k for k in EN_CLI if k.startswith(prefix)}
    # every entry holds a Chinese word, but a separator (a full-width comma)
    assert [k for k, v in zh.items() if not _HAN.search(v)] == (
        ["collect.sep", "collect.fill_parts"] if prefix == "collect." else [])
    assert half_width_in_chinese(zh) == {}
