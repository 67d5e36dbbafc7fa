"""Issue 10 §1: the loop names no modality. Speech's production services (speaker list, the
prompt check's calibration and listener) reach it only through production.hooks' entry points,
the item flag is the modality's, and an import-linter contract covers every loop module."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

import datamill.production
from datamill.compliance.models import User
from datamill.core.errors import DatamillError, InvalidInput
from datamill.production import hooks
from datamill.production.annotating import submit_annotation
from datamill.production.tasks import claim_next_task
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import make_image_project

ROOT = Path(__file__).resolve().parents[2]


def test_every_loop_module_is_bound_by_the_contract() -> None:
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / ".importlinter")
    contract = cfg["importlinter:contract:loop-names-no-modality"]
    sources = set(contract["source_modules"].split())
    package = Path(datamill.production.__file__).parent
    loop = {f"datamill.production.{p.stem}" for p in package.glob("*.py") if p.stem != "__init__"}
    assert loop - sources == set(), "add new production modules to the contract"
    assert "datamill.production.speech" in contract["forbidden_modules"].split()
    assert "datamill.modalities.speech" in contract["forbidden_modules"].split()


def test_speech_services_are_entry_points_of_the_hooks() -> None:
    assert "speakers" in hooks._submission_checks.names()
    assert "prompt_check" in hooks._check_requirements.names()
    assert hooks.verdict_stages() == ["listen"]
    assert hooks.park_for_verdict(None, None, [None, "pass", 3]) is False  # type: ignore[arg-type]
    stale = SimpleNamespace(external_id="utt-1")
    with pytest.raises(DatamillError, match=r"utt-1.*'hear'.*reinstall"):
        hooks.park_for_verdict(None, stale, ["pass", "hear"])  # type: ignore[arg-type]


def test_a_submission_check_refuses_for_every_modality(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A plugin's submission check runs on an image submission as on speech: refused with its
    message naming the item, nothing written; the item flag of a modality without flags is
    refused too."""

    def no_people(session: object, project_id: int, payload: object) -> None:
        if any(o.get("label") == "person" for o in payload.get("objects", [])):  # type: ignore[attr-defined]
            raise InvalidInput("this customer wants no people")

    pid = make_image_project(runtime, users, tmp_path, n=1)
    with runtime.session() as s:
        task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")  # type: ignore[arg-type]
        assert task is not None
        task_id, version = task.id, task.current_version
    doc = {"objects": [{"kind": "box", "label": "car", "x": 1, "y": 1, "w": 5, "h": 5}]}
    hooks._submission_checks.register("test.no_people", no_people)
    try:
        with runtime.session() as s, pytest.raises(InvalidInput, match="no people"):
            submit_annotation(s, s.get(User, users["ann1"].id), task_id,  # type: ignore[arg-type]
                              {"objects": [{**doc["objects"][0], "label": "person"}]},
                              base_version=version)
    finally:
        hooks._submission_checks._extra.pop("test.no_people")
    with runtime.session() as s, pytest.raises(InvalidInput, match="image items take no flags"):
        submit_annotation(s, s.get(User, users["ann1"].id), task_id, doc,  # type: ignore[arg-type]
                          base_version=version, item_flag="noise_only")
    with runtime.session() as s:
        ann = submit_annotation(s, s.get(User, users["ann1"].id), task_id, doc,  # type: ignore[arg-type]
                                base_version=version)
        assert ann.version == version + 1


def test_a_csv_manifest_may_name_its_files_in_an_image_column(tmp_path: Path) -> None:
    """The CSV header check accepted only the audio names of the path column; an ``image``
    column (an alias the JSON-lines reader took) now works in CSV too, and a folder import
    needs the modality's suffixes instead of defaulting to audio."""
    from datamill.production._import_rows import iter_source_rows
    from datamill.testing.images import render_object_scene

    render_object_scene(0, objects=2).save(tmp_path / "a.png")
    (tmp_path / "m.csv").write_text("image,device\na.png,phone\n", encoding="utf-8")
    rows = list(iter_source_rows(tmp_path / "m.csv"))
    assert [(r.error, r.external_id, r.meta.get("device")) for r in rows] == [(None, "a", "phone")]
    (tmp_path / "bad.csv").write_text("picture\na.png\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=re.escape(
            "needs a 'path' column (or one of audio, audio_path, image, image_path, file); "
            "found picture")):
        list(iter_source_rows(tmp_path / "bad.csv"))
    with pytest.raises(InvalidInput, match="needs the modality's media suffixes"):
        list(iter_source_rows(tmp_path))
    assert [r.external_id for r in iter_source_rows(tmp_path, suffixes=(".png",))] == ["a"]


def test_an_image_folder_takes_no_prompt_sidecar_and_a_manifest_keeps_the_scene(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A YOLO label file beside ``a.png`` became the item's prompt, and a manifest's ``scene``
    column was dropped (only ``environment`` reached the image's attributes)."""
    from sqlalchemy import select

    from datamill.production.importing import import_source
    from datamill.production.models import Item
    from datamill.production.projects import create_project
    from datamill.testing.images import render_object_scene
    from tests.unit.production.image_helpers import image_spec

    folder = tmp_path / "photos"
    folder.mkdir()
    render_object_scene(0).save(folder / "a.png")
    render_object_scene(1).save(folder / "b.png")
    (folder / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    (folder / "m.csv").write_text("image,scene,device\nb.png,street,phone\n", encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, image_spec(name="sidecars")).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, folder).imported == 2
    with runtime.session() as s:
        prompts = dict(s.execute(select(Item.external_id, Item.prompt)
                                 .where(Item.project_id == pid)).tuples().all())
    assert prompts == {"a": None, "b": None}
    with runtime.session() as s:
        pid2 = create_project(s, image_spec(name="scenes")).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid2, folder / "m.csv").imported == 1
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid2)).one()
    assert (item.attributes["scene"], item.attributes["device"]) == ("street", "phone")
