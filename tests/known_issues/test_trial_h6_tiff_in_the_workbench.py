"""Trial h6 (image annotator, 2026-12-07): in a project whose spec allows TIFF (scans, medical
and aerial pictures), a TIFF passed its checks, yet its task opened on "The image could not be
loaded" with Submit disabled: the pages pointed the browser at the file itself, and no browser
decodes TIFF. The image pages now take the picture from ``/web/api/items/{id}/display``: the
file itself where a browser decodes its format, else a full-size lossless PNG rendition (EXIF
orientation applied, 16-bit scaled), made once per blob."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.images import render_object_scene
from tests._api import web_sign_in
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_spec


@pytest.mark.slow  # 3.4 s warm, 10 s in a cold worker under load
@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)  # no SQL of its own
def test_a_tiff_task_shows_a_rendition_and_a_png_its_own_file(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    scene = render_object_scene(3, objects=2).image.convert("RGB")
    scene.save(folder / "a.tif")  # TIFF: no browser shows it
    render_object_scene(8, objects=3).image.convert("RGB").save(folder / "b.png")
    image = {**IMAGE_REQUIREMENTS["image"], "allowed_formats": ["PNG", "TIFF"]}
    spec = image_spec(name="tiff-scans", package_size=10,
                      requirements={**IMAGE_REQUIREMENTS, "image": image})
    with runtime.session() as s:
        pid = create_project(s, spec).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, folder)
    with runtime.session() as s:
        assert run_checks(s, runtime.blobs, pid, workers=1).passed == 2
        create_packages(s, pid, "annotate")
    with TestClient(create_app(runtime)) as client:
        web_sign_in(client, "ann1")
        for _ in range(2):
            with runtime.session() as s:
                task = claim_next_task(s, s.get(User, users["ann1"].id), pid, "annotate")
                name = s.get(Item, task.item_id).filename  # type: ignore[union-attr]
                task_id, item_id = task.id, task.item_id
            page = client.get(f"/tasks/{task_id}").text
            assert f'data-image-url="/web/api/items/{item_id}/display"' in page  # was /media
            shown = client.get(f"/web/api/items/{item_id}/display")
            assert shown.status_code == 200, shown.text
            if name.endswith(".png"):  # a format the browser decodes: the file itself
                assert shown.content == (folder / "b.png").read_bytes()
                continue
            assert shown.headers["content-type"] == "image/png"
            got = Image.open(io.BytesIO(shown.content))
            assert got.size == scene.size  # full size, lossless: the very pixels
            assert np.array_equal(np.asarray(got.convert("RGB")), np.asarray(scene))
            again = client.get(f"/web/api/items/{item_id}/display")  # from the cache
            assert again.content == shown.content
            client.post(f"/web/api/tasks/{task_id}/skip")  # leave it; the PNG comes next
