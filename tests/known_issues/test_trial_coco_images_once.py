"""A new-user trial's finding: a COCO-only image delivery held every image twice, once in the
package's ``images/`` folder (named by content hash) and once in ``coco/images/`` (named by
item id, what ``annotations.json`` names), doubling the package for nothing. Each image format
holds its own copy of the images, so an image package now keeps no shared media folder
besides: in a COCO-only package each image is stored once, the manifest lists it once, and
the annotations still load with pycocotools and read back with datamill's COCO importer."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

from datamill.compliance.models import User
from datamill.modalities.image.importers.coco import CocoImporter
from datamill.production.delivery import deliver_batch
from datamill.runtime import Runtime
from tests._tools import require_module
from tests.unit.production.test_image_loop import accepted_image_batch


def test_a_coco_only_package_stores_each_image_once(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    _, batch_id, truth = accepted_image_batch(runtime, users, tmp_path / "in")
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["coco"])
    root = Path(d.path)
    stored = [p for p in root.rglob("*") if p.is_file()]
    digests = Counter(hashlib.sha256(p.read_bytes()).hexdigest() for p in stored)
    assert not [h for h, n in digests.items() if n > 1]  # no file is there twice
    manifest = json.loads((root / "manifest.json").read_text())["files"]
    images = [name for name in manifest if name.startswith("coco/images/")]
    assert len(images) == d.delivered_items and not (root / "images").exists()
    assert set(manifest) == {p.relative_to(root).as_posix() for p in stored} - {"manifest.json"}
    coco = json.loads((root / "coco" / "annotations.json").read_text())
    for image in coco["images"]:  # each name resolves inside the package
        assert (root / "coco" / image["file_name"]).is_file()
    back = {p.stem: a for p, a, _ in CocoImporter().iter_items(root / "coco")}
    assert back == {k: v for k, v in truth.items() if k in back} and len(back) == len(images)
    coco_api = require_module("pycocotools.coco")
    api = coco_api.COCO(str(root / "coco" / "annotations.json"))
    assert len(api.getImgIds()) == len(images) and api.getAnnIds()
