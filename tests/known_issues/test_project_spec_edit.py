"""A project's spec can be changed after it was created (before, a bad spec meant re-creating
the project): a JSON merge patch through the API (``PATCH /projects/{id}/spec``) and the CLI
(``datamill project set-spec``), validated whole, audited, with what the project *is* fixed and
how its work is split fixed once it has tasks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli
from datamill.compliance.models import AuditRecord, User
from datamill.production.projects import create_project
from datamill.production.spec_edit import merge_patch
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import packaged_project, spec
from tests.unit.production.test_delivery_rejection import API, _auth

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                max_size=3), max_leaves=10)


@given(st.dictionaries(st.text(max_size=3), json_values, max_size=4),
       st.dictionaries(st.text(max_size=3), json_values, max_size=4))
def test_merge_patch_follows_rfc_7396(target: dict[str, object], patch: dict[str, object]) -> None:
    merged = merge_patch(target, patch)
    for key, value in patch.items():
        if value is None:
            assert key not in merged
        elif not isinstance(value, dict):
            assert merged[key] == value
    for key in set(target) - set(patch):
        assert merged[key] == target[key]
    assert merge_patch(merged, patch) == merged  # idempotent


def test_rfc_7396_examples() -> None:
    assert merge_patch({"a": "b"}, {"a": "c"}) == {"a": "c"}
    assert merge_patch({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}) == {"a": {"b": "d"}}
    assert merge_patch({"a": [{"b": "c"}]}, {"a": [1]}) == {"a": [1]}
    assert merge_patch({"e": None}, {"a": 1}) == {"e": None, "a": 1}
    assert merge_patch([1, 2], {"a": "b", "c": None}) == {"a": "b"}


def test_a_manager_changes_a_spec_through_the_api(
    runtime: Runtime, users: dict[str, User],
) -> None:
    with runtime.session() as s:
        pid = create_project(s, spec(name="editable"), actor_id=users["pm"].id).id
    with TestClient(create_app(runtime)) as api:
        pm, ann = _auth(api, "pm"), _auth(api, "ann1")
        url = f"{API}/projects/{pid}/spec"
        changed = api.patch(url, headers=pm, json={
            "package_size": 5, "acceptance": {"character_accuracy": 0.95},
            "description": "now described", "stages": ["annotate"]})
        assert changed.status_code == 200, changed.text
        got = changed.json()["spec"]
        assert got["package_size"] == 5 and got["description"] == "now described"
        assert got["acceptance"]["character_accuracy"] == 0.95
        assert got["acceptance"]["sentence_accuracy"] == 0.9  # merged, not replaced
        assert got["stages"] == ["annotate"]  # no tasks yet: the split may still change
        # ann1 is no member: the project is missing to them (ids are not probed)
        assert api.patch(url, headers=ann, json={"package_size": 1}).status_code == 404
        bad = api.patch(url, headers=pm, json={"sampling": {"aql": 3.3}})
        assert bad.status_code == 422 and "sampling.aql" in bad.json()["detail"]
        fixed = api.patch(url, headers=pm, json={"modality": "image", "name": "other"})
        assert fixed.status_code == 422 and "create a new project" in fixed.json()["detail"]
        assert api.patch(url, headers=pm, json={}).status_code == 422
        assert api.get(f"{API}/projects/{pid}", headers=pm).json()["spec"]["package_size"] == 5
    with runtime.session() as s:
        audit = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "project.spec_changed")).all()
        assert len(audit) == 1
        assert audit[0].data["changed"] == ["acceptance", "description", "package_size",
                                            "stages"]
        assert audit[0].data["before"]["package_size"] == 2


def test_the_split_of_work_is_fixed_once_there_are_tasks_and_the_cli_says_so(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    pid = packaged_project(runtime, [users["pm"]], 2)
    with runtime.session() as s:
        create_packages(s, pid, "annotate")

    def run(*args: str, code: int = 0) -> dict[str, object]:
        r = CliRunner().invoke(cli, ["project", "set-spec", str(pid), *args, "--as", "pm",
                                     "--json"])
        assert r.exit_code == code, r.stdout + r.stderr
        return dict(json.loads(r.stdout))

    refused = run("overlap=2", code=4)  # conflict
    assert "already split into" in str(refused["error"])
    patch = tmp_path / "patch.yaml"
    patch.write_text("sampling: {inspection_level: S-2}\n", encoding="utf-8")
    done = run("package_size=7", "acceptance.sentence_accuracy=0.8", "--file", str(patch))
    spec_now = done["spec"]
    assert isinstance(spec_now, dict)
    assert spec_now["package_size"] == 7 and spec_now["sampling"]["inspection_level"] == "S-2"
    assert spec_now["acceptance"]["sentence_accuracy"] == 0.8
    assert "error" in run("package_size", code=2)  # not KEY=VALUE: still JSON
    assert "error" in run("package_size=[", code=2)


@pytest.mark.parametrize("value", ["0", "10001"])
def test_out_of_range_values_are_refused_with_their_path(
    runtime: Runtime, users: dict[str, User], value: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    with runtime.session() as s:
        pid = create_project(s, spec(name=f"range-{value}"), actor_id=users["pm"].id).id
    r = CliRunner().invoke(cli, ["project", "set-spec", str(pid), f"package_size={value}",
                                 "--as", "pm", "--json"])
    assert r.exit_code == 2 and "package_size" in json.loads(r.stdout)["error"]["message"]
