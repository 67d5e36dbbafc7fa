"""Issue 10 §3: the near-duplicate check compares an image with every image already in the
project (earlier imports too, not only the same import run), by perceptual hash, within the
spec's ``max_duplicate_distance``; its value (distance in bits) is stored with the nearest
image's name."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import CheckResult, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.testing.images import render_object_scene
from tests.unit.production.image_helpers import image_spec


def _check(rt: Runtime, pid: int, folder: Path) -> None:
    with rt.session() as s:
        import_source(s, rt.blobs, pid, folder)
    with rt.session() as s:
        run_checks(s, rt.blobs, pid, workers=1)


def _results(rt: Runtime, pid: int) -> dict[str, tuple[str, CheckResult | None]]:
    with rt.session() as s:
        out = {}
        for item in s.scalars(select(Item).where(Item.project_id == pid)):
            r = s.scalars(select(CheckResult).where(CheckResult.item_id == item.id,
                                                    CheckResult.name == "near_duplicate")).first()
            if r is not None:
                s.expunge(r)
            out[item.external_id] = (item.status, r)
        return out


def test_near_duplicates_across_imports_and_within_one(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    with runtime.session() as s:
        pid = create_project(s, image_spec(name="dups")).id
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    render_object_scene(0, objects=3).save(first / "scene0.png")
    render_object_scene(1, objects=3).save(first / "scene1.png")
    _check(runtime, pid, first)
    # a later import: scene0 re-encoded as JPEG (other bytes, same picture), a new scene, and
    # the new scene again, slightly darker, in the same run
    with Image.open(first / "scene0.png") as img:
        img.convert("RGB").save(second / "scene0_copy.jpg", quality=90)
    render_object_scene(2, objects=3).save(second / "scene2.png")
    with Image.open(second / "scene2.png") as img:
        img.point(lambda v: max(0, v - 6)).save(second / "scene2_darker.png")
    _check(runtime, pid, second)

    got = _results(runtime, pid)
    assert got["scene0"][0] == "passed" and got["scene1"][0] == "passed"
    status, r = got["scene0_copy"]
    assert status == "rejected" and r is not None and not r.passed
    assert r.value is not None and r.value <= 4 and r.extra["nearest"] == "scene0"
    assert "scene0" in (r.reason or "") and len(r.extra["phash"]) == 16
    assert got["scene2"][0] == "passed"
    status, r = got["scene2_darker"]
    assert status == "rejected" and r is not None and r.extra["nearest"] == "scene2"
    # the value of a passing image is stored too: its distance to the nearest other image
    _, r = got["scene2"]
    assert r is not None and r.passed and r.value is not None and r.value > 4


def test_the_threshold_is_the_spec_setting(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    spec = image_spec(name="dups-strict")
    spec["requirements"] = {**spec["requirements"],
                            "image": {**spec["requirements"]["image"], "max_duplicate_distance": 0}}
    with runtime.session() as s:
        pid = create_project(s, spec).id
    folder = tmp_path / "f"
    folder.mkdir()
    render_object_scene(3, objects=2).save(folder / "a.png")
    with Image.open(folder / "a.png") as img:  # a visible change: more than 0 bits away
        img.rotate(3).save(folder / "b.png")
    _check(runtime, pid, folder)
    got = _results(runtime, pid)
    assert got["a"][0] == "passed" and got["b"][0] == "passed"
    assert got["b"][1] is not None and got["b"][1].value and got["b"][1].value > 0
