"""Trial h6 (M5, known from the round before): a folder holding ``x.jpg`` and ``x.png`` (two
photos, one saved twice by a phone app, or a PNG screenshot beside a JPEG) imported one of them:
items were named by the file's stem, so the second was refused as "duplicate item id 'x'" and
could not come in from the folder at all. Two media files of one folder that differ only in
their suffix are now two items, each named by its whole file name; a file alone keeps the name
without its suffix, and a second import of the folder finds both present."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from sqlalchemy import select

from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_spec


def test_x_jpg_and_x_png_in_one_folder_are_two_items(runtime: Runtime, tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    (folder / "sub").mkdir(parents=True)
    Image.new("RGB", (96, 80), (200, 30, 30)).save(folder / "x.jpg", quality=90)
    Image.new("RGB", (96, 80), (30, 30, 200)).save(folder / "x.png")
    Image.new("RGB", (96, 80), (30, 200, 30)).save(folder / "sub" / "x.png")  # another folder
    Image.new("RGB", (96, 80), (90, 90, 90)).save(folder / "alone.png")
    with runtime.session() as s:
        pid = create_project(s, image_spec(name="same-stem")).id
    with runtime.session() as s:
        report = import_source(s, runtime.blobs, pid, folder)
    assert (report.imported, report.rejected) == (4, 0), report.rejections
    with runtime.session() as s:
        items = {i.external_id: i.filename for i in s.scalars(
            select(Item).where(Item.project_id == pid))}
    assert items == {"x.jpg": "x.jpg", "x.png": "x.png", "sub/x": "x.png",
                     "alone": "alone.png"}, items
    with runtime.session() as s:
        again = import_source(s, runtime.blobs, pid, folder)
    assert (again.imported, again.duplicates, again.rejected) == (0, 4, 0)
