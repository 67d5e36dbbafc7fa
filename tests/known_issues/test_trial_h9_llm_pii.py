"""Found by a new-user trial of LLM instruction data: a record whose prompt held a mainland
mobile number imported and passed its checks with no flag, while the text
modality has ``pii: flag|reject``. LLM records now have the same ``personal_data`` check over
their turns and responses: ``flag`` (the default) records what it found and passes, ``reject``
refuses the record."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli.main import app as cli_app
from datamill.compliance.models import User
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import CheckResult, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h9_sft_datasheet import (  # fixtures too
    cli_home,  # noqa: F401
    people,  # noqa: F401
    sft_project,
    sft_spec,
    zh,  # noqa: F401
)

PII = {"id": "pii1", "messages": [{"role": "user", "content":
       "My phone is 13812345678; please write a complaint letter for me."}],
       "responses": [{"id": "r1", "content": "Here is a draft of the complaint letter."}]}
CLEAN = {"id": "ok1", "messages": [{"role": "user", "content": "Write a short complaint letter."}],
         "responses": [{"id": "r1", "content": "Here is a short complaint letter for you."}]}


@pytest.mark.parametrize("pii", ["flag", "reject"])
def test_llm_records_are_screened_for_personal_data(
    sqlite_runtime: Runtime, tmp_path: Path, pii: str,
) -> None:
    rt = sqlite_runtime
    spec = sft_spec()
    spec["requirements"]["record"]["pii"] = pii  # type: ignore[index]
    src = tmp_path / "pii.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in (PII, CLEAN)), encoding="utf-8")
    with rt.session() as s:
        pid = create_project(s, spec).id
        import_source(s, rt.blobs, pid, src)
        summary = run_checks(s, rt.blobs, pid, workers=1)
        found = {i.external_id: r for r, i in s.execute(
            select(CheckResult, Item).join(Item, Item.id == CheckResult.item_id)
            .where(Item.project_id == pid, CheckResult.name == "personal_data"))}
    assert set(found) == {"pii1", "ok1"}
    flagged = found["pii1"]
    assert flagged.value == 1.0 and flagged.extra["kinds"] == ["phone"], flagged.extra
    assert flagged.extra["spans"] == [["turn 1 (user)", 12, 23, "phone"]]
    assert found["ok1"].value == 0.0 and found["ok1"].passed
    if pii == "flag":
        assert flagged.passed and summary.rejected == 0
    else:
        assert not flagged.passed and summary.rejected == 1
        assert "personal data found (phone) in turn 1 (user)" in flagged.reason


def test_desensitize_says_which_items_it_skipped(
    cli_home: Runtime, people: dict[str, User], tmp_path: Path, zh: None,  # noqa: F811
) -> None:
    """``security desensitize`` answered ``items 13, texts_written 12``: the record imported
    after pre-annotation had no text yet and was passed over in silence. The summary says how
    many items it skipped and why (API, ``--json``), the table too."""
    rt = cli_home
    pid = sft_project(rt, people, tmp_path, 2)  # imported and pre-annotated
    late = tmp_path / "late.jsonl"
    late.write_text(json.dumps(PII) + "\n", encoding="utf-8")
    with rt.session() as s:
        import_source(s, rt.blobs, pid, late)
    r = CliRunner().invoke(cli_app, ["security", "desensitize", str(pid), "--as", "pm",
                                     "--workers", "1", "--json"])
    assert r.exit_code == 0, r.output
    texts = json.loads(r.stdout)["texts"]
    assert (texts["items"], texts["texts_written"], texts["items_skipped"]) == (3, 2, 1)
    assert texts["skipped_code"] == "no_text_yet" and "pre-annotat" in texts["skipped_reason"]
    r = CliRunner().invoke(cli_app, ["security", "desensitize", str(pid), "--as", "pm",
                                     "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "跳过 1 个条目：尚无可脱敏的文本" in r.output
