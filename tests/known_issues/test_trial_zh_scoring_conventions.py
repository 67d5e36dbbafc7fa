"""A trial customer of a Mandarin ASR delivery could not tell from its datasheet how the data
had been scored: which metric accepted it, and how numerals, tags such as ``[noise]``,
punctuation, case and full-width forms were treated. The datasheet now states its scoring
conventions, generated from the project's configuration (acceptance thresholds, the speech
normalisation, the spec's ``text_normalization``): ``scoring`` in datasheet.json (codes and an
English statement), ``delivery show`` and the deliveries page in English and Chinese
(SQLite and PostgreSQL).

The section is compared with a golden file; when it changes on purpose, run::

    DATAMILL_UPDATE_GOLDEN=1 python -m pytest tests/known_issues/test_trial_zh_scoring_conventions.py

and review the diff.
"""

from __future__ import annotations

import json
import os
import re
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.demo.catalog_demo import seed_product_batch, tone_wav
from datamill.production.delivery import deliver_batch
from datamill.production.models import Project
from datamill.runtime import Runtime
from tests.known_issues._web import web_login

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "speech" / "datasheet"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"
ZH_SPEC: dict[str, Any] = {
    "acceptance": {"mixed_accuracy": 0.97, "sentence_accuracy": 0.9},
    "text_normalization": {"chinese_script": "simplified", "numerals": "hanzi"},
}


def _delivered(runtime: Runtime, users: dict[str, User], tmp_path: Path, name: str,
               spec: dict[str, Any]) -> tuple[int, int, dict[str, Any]]:
    files = [{"name": f"utt{i}.wav", "data": tone_wav(300 + 50 * i, ms=500), "volume": 500,
              "text": "我想买一台iPhone 15手机", "attributes": {
                  "duration_ms": 500, "sample_rate_hz": 16000, "channels": 1,
                  "speaker_id": "spk1"}} for i in range(2)]
    with runtime.session() as s:
        pid, batch_id = seed_product_batch(s, runtime, name, files,
                                           project_type="custom_service", workdir=tmp_path)
        project = s.get(Project, pid)
        assert project is not None
        project.spec = {**project.spec, **spec}
        add_member(s, pid, users["pm"], actor_id=None)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / f"out-{name}", formats=["kaldi"])
    assert d.path is not None
    return pid, d.id, json.loads((Path(d.path) / "datasheet.json").read_text())


def _rows(page: str) -> list[str]:
    table = re.search(r'<table data-testid="dlv-scoring">(.*?)</table>', page, re.S)
    assert table, page
    return [" | ".join(unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                       for cell in re.findall(r"<t[hd]>(.*?)</t[hd]>", row, re.S))
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.S)]


def _compare_golden(name: str, doc: dict[str, Any]) -> None:
    actual = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    golden = GOLDEN / name
    if UPDATE_GOLDEN:
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"missing golden file {golden}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual == golden.read_text(encoding="utf-8"), f"{name} differs from golden"


def test_the_datasheet_states_the_projects_scoring_conventions(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from fastapi.testclient import TestClient

    from datamill.cli import _common
    from datamill.cli.main import app
    from datamill.server import create_app

    pid, delivery_id, sheet = _delivered(runtime, users, tmp_path, "zh-scoring", ZH_SPEC)
    scoring = sheet["scoring"]
    assert [m["name"] for m in scoring["metrics"]] == ["mixed_accuracy", "sentence_accuracy"]
    assert scoring["normalization"]["numerals"] == "hanzi"
    assert scoring["normalization"]["chinese_script"] == "simplified"
    with TestClient(create_app(runtime)) as client:
        web_login(client, "pm")
        pages = {}
        for lang in ("en", "zh-CN"):
            client.cookies.set("lang", lang)
            pages[lang] = client.get(f"/projects/{pid}/deliveries").text
    rendered = {"datasheet.json": scoring, "page en": _rows(pages["en"]),
                "page zh-CN": _rows(pages["zh-CN"])}
    _compare_golden("scoring_zh.json", rendered)
    assert "dlv.sc." not in pages["en"] + pages["zh-CN"]  # every key has its words
    monkeypatch.setattr(_common, "_runtime", [runtime])
    monkeypatch.setenv("COLUMNS", "200")
    shown = CliRunner().invoke(app, ["delivery", "show", str(delivery_id), "--as", "pm"])
    assert shown.exit_code == 0, shown.stdout
    assert "scoring conventions:" in shown.stdout
    assert "Digits are read as Chinese numerals before scoring" in shown.stdout
    as_json = CliRunner().invoke(app, ["delivery", "show", str(delivery_id), "--as", "pm",
                                       "--json"])
    assert json.loads(as_json.stdout)["datasheet"]["scoring"] == scoring


def test_a_project_without_conventions_states_that_they_differ(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    _, _, sheet = _delivered(runtime, users, tmp_path, "zh-plain", {
        "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9}})
    scoring = sheet["scoring"]
    assert [(m["name"], m["threshold"], m["counts"]) for m in scoring["metrics"]] == [
        ("character_accuracy", 0.97, "characters"), ("sentence_accuracy", 0.9, "texts")]
    assert scoring["normalization"] == {
        "unicode": "nfkc", "case": "casefold", "punctuation": "removed", "tags": "removed",
        "spacing": "cjk", "chinese_script": "as_written", "numerals": "as_written"}
    assert "Digits and Chinese numerals differ (3 is not 三)." in scoring["statement"]
