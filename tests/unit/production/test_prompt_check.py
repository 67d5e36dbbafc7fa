"""The prompt check's listener in the loop and its stored per-project calibration (SQLite and
PostgreSQL; real espeak-ng audio, real PocketSphinx)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import Conflict, InvalidInput
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import CheckResult, Item, Task, TaskAssignment
from datamill.production.projects import create_project
from datamill.production.speech.prompt_check import (
    LISTENER_REJECT_REASON,
    LabelledClip,
    answer_listen_task,
    calibrate_prompt_check,
    claim_listen_task,
    list_calibrations,
    read_labels,
)
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.testing.sentences import SENTENCES
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import process_folder, require_tool
from tests.unit.production.helpers import spec

_FOLDERS: dict[str, Path] = {}
#: every clip goes to a listener (the lowest word ratio is always between these)
ALL_LISTEN = {"reject_below": -1000.0, "pass_from": 1000.0}


@pytest.fixture(autouse=True)
def _espeak() -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed (scripts/setup.sh installs it)")


def _folder() -> Path:
    """Three clips read right (utt000-002), one with a one-word change in its prompt (utt003)
    and one with a wholly different prompt (utt004)."""
    if "f" not in _FOLDERS:
        folder = process_folder("datamill-promptcheck-")
        prompts = [SENTENCES[0], SENTENCES[1], SENTENCES[4],
                   SENTENCES[2].replace("window", "garden"), SENTENCES[40]]
        spoken = [SENTENCES[0], SENTENCES[1], SENTENCES[4], SENTENCES[2], SENTENCES[3]]
        for i, (said, prompt) in enumerate(zip(spoken, prompts, strict=True)):
            synthesize(said, folder / f"utt{i:03d}.wav", voice="en-us+m3", seed=i)
            (folder / f"utt{i:03d}.txt").write_text(prompt, encoding="utf-8")
        _FOLDERS["f"] = folder
    return _FOLDERS["f"]


def _project(rt: Runtime, users: dict[str, User], **req: object) -> int:
    with rt.session() as s:
        p = create_project(s, spec(name="prompt-check", requirements={"read_speech": True, **req}))
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
        pid = p.id
    with rt.session() as s:
        import_source(s, rt.blobs, pid, _folder())
    return pid


def test_listener_moves_items_on(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users, prompt_check=ALL_LISTEN)
    with runtime.session() as s:
        summary = run_checks(s, runtime.blobs, pid, workers=1)
    # a wholly different prompt does not align at all: rejected whatever the thresholds
    assert summary.listening == 4 and summary.passed == 0 and summary.rejected == 1
    with runtime.session() as s:
        assert {i.external_id: i.status for i in s.scalars(
            select(Item).where(Item.project_id == pid))} == {
            "utt000": "listening", "utt001": "listening", "utt002": "listening",
            "utt003": "listening", "utt004": "rejected"}
        tasks = s.scalars(select(Task).where(Task.project_id == pid)).all()
        assert {(t.stage, t.kind, t.status) for t in tasks} == {("listen", "work", "open")}
        # listen tasks are packaged like other work (so a vendor's people can be handed them)
        packages = create_packages(s, pid, "listen")
        assert [p.stage for p in packages] == ["listen", "listen"]  # package_size 2
        # an annotator's claim never hands out listening items as annotation work
        ann1 = s.get(User, users["ann1"].id)
        assert ann1 is not None
        assert claim_next_task(s, ann1, pid, "annotate") is None

    with runtime.session() as s:
        ann1 = s.get(User, users["ann1"].id)
        assert ann1 is not None
        first = claim_listen_task(s, ann1, pid)
        assert first is not None and first.prompt and first.external_id == "utt000"
        again = claim_listen_task(s, ann1, pid)  # the held task comes back
        assert again is not None and again.task_id == first.task_id
        done = answer_listen_task(s, ann1, first.task_id, reads_prompt=True)
        assert done.item_status == "passed" and done.reasons == []
        with pytest.raises(Conflict):
            answer_listen_task(s, ann1, first.task_id, reads_prompt=False)
    with runtime.session() as s:
        ann2 = s.get(User, users["ann2"].id)
        assert ann2 is not None
        second = claim_listen_task(s, ann2, pid)
        assert second is not None and second.task_id != first.task_id
        no = answer_listen_task(s, ann2, second.task_id, reads_prompt=False, note="says garden")
        assert no.item_status == "rejected"
        assert no.reasons == [f"{LISTENER_REJECT_REASON} (says garden)"]
    with runtime.session() as s:
        passed = s.scalars(select(Item).where(Item.project_id == pid, Item.status == "passed")
                           ).all()
        assert [i.external_id for i in passed] == ["utt000"]
        listener = s.scalars(select(CheckResult).where(CheckResult.name == "listener")).all()
        assert sorted(r.passed for r in listener) == [False, True]
        # the listener's work is a submitted hold on a work task: settled like other work
        holds = s.scalars(select(TaskAssignment).where(
            TaskAssignment.task_id.in_([first.task_id, second.task_id]))).all()
        assert {h.status for h in holds} == {"submitted"}
        # the passed item goes on to annotation, the rejected one does not
        create_packages(s, pid, "annotate")
        annotate = s.scalars(select(Task).where(Task.project_id == pid,
                                                Task.stage == "annotate")).all()
        assert [t.item_id for t in annotate] == [passed[0].id]
        pm = s.get(User, users["pm"].id)
        assert pm is not None


def test_defaults_pass_clean_and_reject_wrong_prompt(
    runtime: Runtime, users: dict[str, User]
) -> None:
    pid = _project(runtime, users)
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        status = {i.external_id: i.status for i in s.scalars(
            select(Item).where(Item.project_id == pid))}
    # without a calibration or the spec's prompt_check nobody is asked to listen
    assert status["utt004"] == "rejected"
    assert {status[f"utt00{i}"] for i in range(3)} == {"passed"}
    assert "listening" not in status.values()


def test_calibration_is_stored_and_used(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users)
    labels = [LabelledClip(item=f"utt00{i}", label="good") for i in range(3)] + [
        LabelledClip(item="utt003", label="bad"), LabelledClip(item="utt004", label="bad")]
    with runtime.session() as s:
        pm = s.get(User, users["pm"].id)
        assert pm is not None
        cal = calibrate_prompt_check(s, runtime.blobs, pm, pid, labels, max_false_reject=0.0,
                                     min_catch=1.0)
    assert cal.n_good == 3 and cal.n_bad == 2 and cal.created_by == "pm"
    assert cal.reject_below <= cal.pass_from
    assert cal.report["confusion"]["good"]["reject"] == 0
    assert cal.report["confusion"]["bad"]["pass"] == 0
    assert len(cal.report["samples"]) == 5
    with runtime.session() as s:
        listed = list_calibrations(s, pid)
        assert [c.id for c in listed] == [cal.id]
        run_checks(s, runtime.blobs, pid, workers=1)
    with runtime.session() as s:
        rows = s.scalars(select(CheckResult).where(
            CheckResult.name == "audio_text_consistency")).all()
        assert {(r.extra["reject_below"], r.extra["pass_from"]) for r in rows} == {
            (cal.reject_below, cal.pass_from)}
        status = {i.external_id: i.status for i in s.scalars(
            select(Item).where(Item.project_id == pid))}
    # on its own sample the calibration meets its targets: no good clip rejected, both bad
    # ones stopped (rejected or waiting for a listener)
    assert all(status[f"utt00{i}"] != "rejected" for i in range(3))
    assert status["utt003"] in ("listening", "rejected") and status["utt004"] == "rejected"


def test_calibration_needs_both_labels(runtime: Runtime, users: dict[str, User]) -> None:
    pid = _project(runtime, users)
    with runtime.session() as s:
        pm = s.get(User, users["pm"].id)
        assert pm is not None
        with pytest.raises(InvalidInput):
            calibrate_prompt_check(s, runtime.blobs, pm, pid,
                                   [LabelledClip(item="utt000", label="good")])


def test_calibration_refuses_chinese_prompts_and_reads_excel_csv(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _project(runtime, users)
    folder = tmp_path / "clips"
    folder.mkdir()
    synthesize("今天天气很好。", folder / "zh.wav", voice="cmn")
    labels = folder / "labels.csv"  # Excel's "CSV UTF-8" starts with a byte-order mark
    labels.write_text("label,file,prompt\ngood,zh.wav,今天天气很好。\n", encoding="utf-8-sig")
    clips = read_labels(labels)
    assert [c.label for c in clips] == ["good"]
    with runtime.session() as s:
        pm = s.get(User, users["pm"].id)
        assert pm is not None
        with pytest.raises(InvalidInput, match=r"sample 1: .* English prompts only"):
            calibrate_prompt_check(s, runtime.blobs, pm, pid, clips, folder=folder)
