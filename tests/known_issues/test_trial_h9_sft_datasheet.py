"""Found by a new-user trial of LLM instruction (SFT) data: 12 dialogues of 2 turns each were
delivered and ``datasheet.json`` said ``"turns": 12`` (the delivered ``messages.jsonl`` held 24)
with ``characters`` counting the imported record, the discarded draft response included. The
datasheet counts what is delivered: the annotated conversation. The zh-CN ``work next`` showed
"轮次 1" for an answer of 2 turns: it counts the answer's turns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.assist.runner import preannotate_project
from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.config import get_settings
from datamill.core.errors import InvalidInput
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from tests.unit.modalities.llm._cases import spec

DRAFT = "This is a draft answer written by a model; the annotator rewrites it completely."


def sft_source(tmp: Path, n: int) -> Path:
    """``n`` prompts, each with one draft response (the trial's shape)."""
    src = tmp / "sft.jsonl"
    src.write_text("".join(json.dumps({"id": f"s{i}", "messages": [
        {"role": "user", "content": f"What is {i} plus {i}?"}],
        "responses": [{"id": "r1", "content": DRAFT}]}) + "\n" for i in range(n)),
        encoding="utf-8")
    return src


def sft_spec(**over: object) -> dict[str, object]:
    out = spec("sft", package_size=10, **over)
    out["requirements"]["record"].update(min_responses=1, max_responses=1)  # type: ignore[index]
    return out


@pytest.fixture
def people(sqlite_runtime: Runtime) -> dict[str, User]:
    with sqlite_runtime.session() as s:
        return {n: create_user(s, n, "password1", r) for n, r in (
            ("pm", "project_manager"), ("ann1", "annotator"), ("rev", "reviewer"),
            ("insp", "inspector"), ("admin", "admin"))}


def sft_project(rt: Runtime, people: dict[str, User], tmp: Path, n: int) -> int:
    with rt.session() as s:
        pid = create_project(s, sft_spec()).id
        for u in people.values():
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, pid, sft_source(tmp, n))
        assert run_checks(s, rt.blobs, pid, workers=1).passed == n
    with rt.session() as s:
        preannotate_project(s, rt.blobs, pid, workers=1)
        create_packages(s, pid, "annotate")
    return pid


def work_through(rt: Runtime, people: dict[str, User], pid: int) -> None:
    """Annotate (a short rewritten answer) and review every task."""
    with rt.session() as s:
        while (t := claim_next_task(s, people["ann1"], pid, "annotate")) is not None:
            assert t.current is not None
            turns = [*t.current.segments["turns"][:-1], {"role": "assistant", "content": "Four."}]
            submit_annotation(s, people["ann1"], t.id, {"type": "llm_sft", "turns": turns},
                              base_version=t.current_version)
        create_packages(s, pid, "review")
        while (t := claim_next_task(s, people["rev"], pid, "review")) is not None:
            review_task(s, people["rev"], t.id, "accept")


def test_the_sft_datasheet_counts_the_delivered_conversations(
    sqlite_runtime: Runtime, people: dict[str, User], tmp_path: Path,
) -> None:
    rt = sqlite_runtime
    pid = sft_project(rt, people, tmp_path, 3)
    work_through(rt, people, pid)
    with rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, people["insp"])
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        assert complete_inspection(s, insp.id, people["insp"]).verdict == "accepted"
        d = deliver_batch(s, rt.blobs, batch.id, tmp_path / "out")
    rows = [json.loads(x) for x in
            (Path(d.path) / "llm_messages" / "messages.jsonl").read_text().splitlines()]
    sheet = json.loads((Path(d.path) / "datasheet.json").read_text())
    delivered_turns = sum(len(r["messages"]) for r in rows)
    assert delivered_turns == 6
    assert sheet["turns"] == delivered_turns  # was 3: the records' prompt turns
    assert sheet["characters"] == sum(len(m["content"]) for r in rows for m in r["messages"])
    assert sheet["responses"] == 3  # the assistant turns delivered
    assert sheet["dialogues"] == 3


@pytest.fixture
def cli_home(sqlite_runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> Iterator[Runtime]:
    monkeypatch.setattr(_common, "_runtime", [sqlite_runtime])
    yield sqlite_runtime


@pytest.fixture
def zh(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The CLI speaking zh-CN (``DATAMILL_LANG``; the settings are cached)."""
    monkeypatch.setenv("DATAMILL_LANG", "zh-CN")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_work_next_counts_the_answer_turns_in_chinese(
    cli_home: Runtime, people: dict[str, User], tmp_path: Path, zh: None,
) -> None:
    pid = sft_project(cli_home, people, tmp_path, 1)
    r = CliRunner().invoke(cli_app, ["work", "next", str(pid), "--as", "ann1"])
    assert r.exit_code == 0, r.output
    assert "轮次 2" in r.output and "轮次 1" not in r.output  # the answer: prompt + response


def test_an_sft_spec_needs_no_reason_length(sqlite_runtime: Runtime) -> None:
    """SFT has no reasons: ``requirements.min_reason_chars`` was refused as "a project setting
    with no default"; the tasks with reasons or comments still need it."""
    sft = sft_spec()
    del sft["requirements"]["min_reason_chars"]  # type: ignore[attr-defined]
    with sqlite_runtime.session() as s:
        assert create_project(s, sft).id
    pairwise = spec("pairwise")
    del pairwise["requirements"]["min_reason_chars"]
    with sqlite_runtime.session() as s, pytest.raises(InvalidInput, match=(
            r"requirements\.min_reason_chars: required \(a project setting with no default\)")):
        create_project(s, pairwise)


def test_work_next_words_the_roles_in_chinese(
    cli_home: Runtime, people: dict[str, User], tmp_path: Path, zh: None,
) -> None:
    """``DATAMILL_LANG=zh-CN datamill work next`` printed "user:", "response r1:" and
    "answer:"; the labels come from the CLI's catalogue."""
    pid = sft_project(cli_home, people, tmp_path, 1)
    r = CliRunner().invoke(cli_app, ["work", "next", str(pid), "--as", "ann1"])
    assert r.exit_code == 0, r.output
    assert "用户：What is 0 plus 0?" in r.output and "回复 r1：This is a draft" in r.output
    assert "答案：用户：What is 0 plus 0?" in r.output and "助手：This is a draft" in r.output
    for english in ("user:", "response r1:", "answer:", "assistant:"):
        assert english not in r.output, r.output


@pytest.mark.parametrize(("lang", "user", "assistant"), [
    ("zh-CN", "用户：", "助手："), ("en", "user: ", "assistant: ")])
def test_the_inspection_comparison_words_the_roles(lang: str, user: str, assistant: str) -> None:
    """/inspections/1 printed "user:" / "assistant:" on a zh-CN page: the SFT summary and
    each changed turn carry the roles apart, and the page words them."""
    import html

    from datamill.modalities.llm.compare import compare_llm
    from datamill.web.i18n import translator
    from datamill.web.routes._common import code_label, templates

    before = {"type": "llm_sft", "turns": [{"role": "user", "content": "Hi"},
                                           {"role": "assistant", "content": "Draft."}]}
    after = {"type": "llm_sft", "turns": [{"role": "user", "content": "Hi"},
                                          {"role": "assistant", "content": "Hello!"}]}
    tr = translator(lang)
    page = templates.env.from_string(
        "{% from 'llm/_workbench.html' import llm_compare with context %}"
        "{{ llm_compare(a, 'cmp.delivered', 'cmp.inspector') }}")
    out = html.unescape(page.render(a=compare_llm(before, after), t=tr, tc=code_label(tr),
                                    lang=lang))
    assert f"{user}Hi" in out and f"{assistant}Hello!" in out
    assert f"{assistant}Draft." in out  # the changed turn, before
    if lang != "en":
        assert "user:" not in out and "assistant:" not in out, out


def test_throughput_says_work_per_stage(
    cli_home: Runtime, people: dict[str, User], tmp_path: Path,
) -> None:
    """The dashboard's per-day throughput of an SFT project said 24 for 12 dialogues
    (annotation and review added together) without saying so. Each row now has the work per
    stage (API, ``project dashboard``), the page's chart stacks it and says what it counts."""
    import html

    from fastapi.testclient import TestClient

    from datamill.production.dashboard import throughput
    from datamill.server import create_app
    from tests.known_issues._web import web_login

    rt = cli_home
    pid = sft_project(rt, people, tmp_path, 3)
    work_through(rt, people, pid)
    with rt.session() as s:
        day = throughput(s, pid)["per_day"]
    assert len(day) == 1
    assert (day[0]["items"], day[0]["annotated"], day[0]["reviewed"]) == (6, 3, 3)
    assert (day[0]["annotated_volume"], day[0]["reviewed_volume"]) == (3.0, 3.0)
    r = CliRunner().invoke(cli_app, ["project", "dashboard", str(pid), "--as", "pm"])
    assert r.exit_code == 0, r.output
    assert "annotated" in r.output and "reviewed" in r.output and "work (both)" in r.output
    with TestClient(create_app(rt)) as web:
        web_login(web, "pm")
        web.cookies.set("lang", "zh-CN")
        page = web.get(f"/projects/{pid}").text
    assert 'data-testid="throughput-note"' in page and "同一条目标注并审核后" in page
    data = json.loads(html.unescape(page.split('id="dashboard-data">')[1].split("</script>")[0]))
    assert data["labels"]["annotated"] == "已标注" and data["labels"]["reviewed"] == "已审核"
    assert data["throughput"]["per_day"][0]["reviewed"] == 3
