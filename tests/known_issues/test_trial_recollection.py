"""Found by a trial user: the checks say a rejected item is "set aside for re-collection", but
importing the re-collected file under the same name was refused. Now an item the checks
rejected, before anyone worked on it, takes the new file: described afresh, its old check
results gone, checked again. Any other item keeps refusing a different file under its id."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import CheckResult, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_spec


def _scene(path: Path, size: tuple[int, int], shade: int) -> None:
    image = Image.new("RGB", size, (shade, 90, 140))
    draw = ImageDraw.Draw(image)
    for i in range(0, size[0], 16):  # sharp edges: the blur check passes
        draw.line((i, 0, i, size[1]), fill=(250, 250, 250), width=3)
    draw.ellipse((size[0] // 3, size[1] // 4, size[0] // 2, size[1] // 2), fill=(20, 20, 20))
    image.save(path)


def test_a_rejected_item_takes_its_recollected_file(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    first = tmp_path / "first"
    first.mkdir()
    _scene(first / "good.png", (320, 240), 60)
    _scene(first / "small.png", (32, 24), 120)  # below min_width 64: rejected by the checks
    with runtime.session() as s:
        pid = create_project(s, image_spec(name="recollect")).id
    with runtime.session() as s:
        assert import_source(s, runtime.blobs, pid, first).imported == 2
        run_checks(s, runtime.blobs, pid)
        s.commit()
    with runtime.session() as s:
        status = dict(s.execute(select(Item.external_id, Item.status)
                                .where(Item.project_id == pid)).all())
        assert status == {"good": "passed", "small": "rejected"}

    again = tmp_path / "again"
    again.mkdir()
    rng = np.random.default_rng(7)  # re-collected at full size (another scene altogether)
    Image.fromarray(rng.integers(40, 220, (240, 320, 3), dtype=np.uint8)).save(
        again / "small.png")
    _scene(again / "good.png", (320, 240), 30)  # a different file for a passed item
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, again)
    assert (report.imported, report.replaced, report.rejected) == (1, 1, 1)
    assert "item 'good' already exists" in report.rejections[0]["reason"]
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid,
                                            Item.external_id == "small")).one()
        assert (item.status, item.reject_reasons, item.attributes["width"]) == (
            "imported", [], 320)
        assert s.scalars(select(CheckResult).where(CheckResult.item_id == item.id)).first() \
            is None
        run_checks(s, runtime.blobs, pid)
        s.commit()
    with runtime.session() as s:
        status = dict(s.execute(select(Item.external_id, Item.status)
                                .where(Item.project_id == pid)).all())
        reasons = s.scalars(select(Item.reject_reasons).where(Item.project_id == pid)).all()
        assert status == {"good": "passed", "small": "passed"}, reasons
