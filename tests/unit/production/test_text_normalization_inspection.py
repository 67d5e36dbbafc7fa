"""A Mandarin project whose spec says traditional/simplified characters and digits/Chinese
numerals are the same (``text_normalization``): its sampling inspection accepts the batch that
the same work in a project without the option fails, and scores a model's pre-annotations
against the read prompts the same way; the CLI and the API take the option with the spec and
name a bad value by its path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.assist.runner import preannotation_accuracy
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    inspection_scores,
    record_correction,
    start_inspection,
)
from datamill.production.models import Annotation, Item
from datamill.production.schemas import SegmentIn
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login
from tests._cli import run_cli
from tests.known_issues._web import web_login
from tests.unit.production.helpers import ready_project, spec

DELIVERED = "然後我們在2026年買了3.5公斤"  # what the annotator wrote (traditional, digits)
CORRECTED = "然后我们在二〇二六年买了三点五公斤"  # the inspector's (simplified, numerals)
CONVENTIONS = {"chinese_script": "simplified", "numerals": "hanzi"}


def _deliver(rt: Runtime, users: dict[str, User], pid: int, text: str) -> None:
    with rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    while True:
        with rt.session() as s:
            t = claim_next_task(s, users["ann1"], pid, "annotate")
            if t is None:
                break
            submit_annotation(s, users["ann1"], t.id,
                              [SegmentIn(start_ms=0, end_ms=t.duration_ms or 0, text=text)],
                              base_version=t.current_version)
    while True:
        with rt.session() as s:
            r = claim_next_task(s, users["rev"], pid, "review")
            if r is None:
                break
            review_task(s, users["rev"], r.id, "accept")


def _inspect(rt: Runtime, users: dict[str, User], pid: int) -> tuple[str, str, dict[str, Any]]:
    """Correct every sample, look at the inspection page (zh-CN, then English), complete the
    inspection."""
    with rt.session() as s:
        insp = start_inspection(s, create_batch(s, pid).id, users["insp"])
    with rt.session() as s:
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], CORRECTED)
        assert inspection_scores(s, insp.id)["scored"] == len(insp.sample)
    with TestClient(create_app(rt), headers={"Accept-Language": "zh-CN"}) as client:
        web_login(client, "insp")
        page = client.get(f"/inspections/{insp.id}")
        assert page.status_code == 200, page.text
    with TestClient(create_app(rt), headers={"Accept-Language": "en"}) as client:
        web_login(client, "insp")
        english = client.get(f"/inspections/{insp.id}")
        assert english.status_code == 200, english.text
    with rt.session() as s:
        return (page.text, english.text,
                complete_inspection(s, insp.id, users["insp"]).model_dump())


def test_the_inspection_verdict_follows_the_spec_conventions(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    verdicts = {}
    for name, option in (("zh-conventions", CONVENTIONS), ("zh-as-written", None)):
        pid = ready_project(runtime, users, tmp_path, 2, name=name, language="zh-CN",
                            text_normalization=option)
        _deliver(runtime, users, pid, DELIVERED)
        verdicts[name] = _inspect(runtime, users, pid)
    page, english, done = verdicts["zh-conventions"]
    assert done["verdict"] == "accepted", done["reasons"]
    assert done["scores"]["character_accuracy"] == 1.0 and done["scores"]["defective_items"] == 0
    # the page says how it compares, scores 1.0 as the inspector works and marks no change
    assert "比对约定：\n 按简体字比对（後 = 后）；数字按汉字比对（2026年 = 二〇二六年" in page
    # and the comparison rules for 两, numbers read digit by digit and years, in both languages
    assert "作数字用的“两”按“二”算：两百 = 200；" in page
    assert "一三八 = 138；“年”前只有四位数字才算年份：30年 = 三十年；" in page
    assert "词里的数字字不转换：一起 ≠ 1起，星期一 ≠ 星期1；50% ≠ 50，-5 ≠ 5）" in page
    assert "两 counts as 二 where it is a number: 两百 = 200" in english
    assert "一三八 = 138; only 4 digits before 年 are a year: 30年 = 三十年;" in english
    assert "a numeral inside a word stays: 一起 ≠ 1起, 星期一 ≠ 星期1; 50% ≠ 50, -5 ≠ 5)" in english
    assert 'data-score="character_accuracy">1.0000<' in page
    assert "<del>" not in page and "<ins>" not in page
    page, _english, done = verdicts["zh-as-written"]
    assert done["verdict"] == "rejected"
    assert done["scores"]["character_accuracy"] < 0.97 and done["scores"]["defective_items"] == 2
    assert 'data-testid="conventions"' not in page and "<del>後</del>" in page
    # nothing the annotator wrote was rewritten
    with runtime.session() as s:
        texts = set(s.scalars(select(Annotation.text).where(Annotation.kind == "annotation")))
    assert DELIVERED in texts


def test_the_cli_takes_the_option_and_names_a_bad_value(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run_cli(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump(spec(name="zh-bad", language="zh-CN",
                                       text_normalization={"numerals": "chinese"}),
                                   allow_unicode=True), encoding="utf-8")
    proc = run_cli(home, "project", "create", str(bad), "--as", "root", ok=False)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "text_normalization.numerals: Input should be 'hanzi' or 'arabic'" in proc.stderr
    proc = run_cli(home, "project", "create", str(bad), "--as", "root", "--json", ok=False)
    assert "text_normalization.numerals" in json.loads(proc.stdout)["error"]["message"]
    good = tmp_path / "good.yaml"
    good.write_text(yaml.safe_dump(spec(name="zh-good", language="zh-TW",
                                        text_normalization={"chinese_script": "traditional"})),
                    encoding="utf-8")
    run_cli(home, "project", "create", str(good), "--as", "root", "--json")


@pytest.fixture
def client(sqlite_runtime: Runtime) -> Iterator[TestClient]:
    """The API over one backend: the spec is parsed before any database work."""
    with sqlite_runtime.session() as s:
        create_user(s, "admin", "password1", "admin")
    with TestClient(create_app(sqlite_runtime)) as c:
        yield c


def test_the_api_takes_the_option_with_the_spec(client: TestClient) -> None:
    admin = login(client, "admin")
    bad = client.post(f"{API}/projects", headers=admin, json=spec(
        name="zh-api-bad", language="zh-CN", text_normalization={"chinese_script": "simple"}))
    assert bad.status_code == 422, bad.text
    assert "text_normalization.chinese_script" in bad.text
    made = client.post(f"{API}/projects", headers=admin, json=spec(
        name="zh-api", language="zh-CN", text_normalization=CONVENTIONS))
    assert made.status_code == 201, made.text


def test_preannotation_accuracy_against_read_prompts_follows_the_conventions(
    sqlite_runtime: Runtime, tmp_path: Path,
) -> None:
    """The model's transcript of a read prompt (written with traditional characters and
    digits) against the prompt itself: equal under the project's conventions only."""
    accuracy = {}
    for name, option in (("zh-pre-conventions", CONVENTIONS), ("zh-pre-as-written", None)):
        pid = ready_project(sqlite_runtime, {}, tmp_path, 2, name=name, language="zh-CN",
                            text_normalization=option)
        with sqlite_runtime.session() as s:
            for item in s.scalars(select(Item).where(Item.project_id == pid)):
                item.prompt = CORRECTED
                s.add(Annotation(item_id=item.id, version=item.current_version + 1,
                                 stage="preannotate", kind="preannotation", model="test-model",
                                 payload=[], text=DELIVERED))
        with sqlite_runtime.session() as s:
            accuracy[name] = preannotation_accuracy(s, pid)
    assert accuracy["zh-pre-conventions"]["character_accuracy"] == 1.0
    assert accuracy["zh-pre-as-written"]["character_accuracy"] < 0.7
    with sqlite_runtime.session() as s:  # the prompt and the model's text stay as written
        assert set(s.scalars(select(Item.prompt))) == {CORRECTED}
