"""Masked copies an older release made sideways are found, refused and masked again (h5).

Before masking turned photos upright, the masked copy of a phone photo stored sideways (EXIF
orientation 6) was written as its pixels lay and without the tag; a re-run skipped it (same
original) and deliveries shipped it sideways. Now ``desensitize`` masks it again upright and a
delivery refuses it (``masked_copy_sideways``) until then.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import select

from datamill.compliance.audit import record_audit
from datamill.compliance.delivery_masking import delivery_masking
from datamill.compliance.desensitize import desensitize_item_images
from datamill.compliance.masked_orientation import masked_turned
from datamill.compliance.models import User
from datamill.compliance.security_models import MaskedBlob
from datamill.core.errors import Conflict
from datamill.production.models import Annotation, Batch, BatchItem
from datamill.runtime import Runtime
from tests.unit.compliance._security_world import make_project

_SHOWN = np.full((120, 80, 3), 40, dtype=np.uint8)  # displayed 80 wide, 120 high
_SHOWN[70:100, 10:30] = (220, 20, 20)
_SHOWN[5:20, 50:75] = (20, 200, 20)
_TURN = {3: Image.Transpose.ROTATE_180, 6: Image.Transpose.ROTATE_90}


def _photo(path: Path, orientation: int) -> Path:
    exif = Image.Exif()
    exif[0x0112] = orientation
    Image.fromarray(_SHOWN).transpose(_TURN[orientation]).save(path, quality=92,
                                                               exif=exif.tobytes())
    return path


def _old_masked_copy(src: Path, dst: Path) -> Path:
    """What masking wrote before it turned photos upright: the pixels as stored, no tag."""
    stored = cv2.imdecode(np.fromfile(src, dtype=np.uint8), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(dst), stored)
    return dst


@pytest.mark.parametrize("orientation", [3, 6])
def test_a_sideways_copy_is_told_from_an_upright_one(tmp_path: Path, orientation: int) -> None:
    from datamill.compliance.image_masking import mask_image_file

    src = _photo(tmp_path / "phone.jpg", orientation)
    old = _old_masked_copy(src, tmp_path / "old.jpg")
    new = mask_image_file(src, tmp_path / "new.jpg", regions=[(10, 70, 20, 30)],
                          detect=False).path
    assert masked_turned(src, old) and not masked_turned(src, new)
    plain = tmp_path / "plain.jpg"
    Image.fromarray(_SHOWN).save(plain)
    assert not masked_turned(plain, old)  # no orientation tag: never turned


def test_desensitize_masks_it_again_and_deliveries_refuse_it_until_then(
        runtime: Runtime, users: dict[str, User], tmp_path: Path) -> None:
    src = _photo(tmp_path / "phone.jpg", 6)
    digest = runtime.blobs.put_file(src)
    old = runtime.blobs.put_file(_old_masked_copy(src, tmp_path / "old.jpg"))
    with runtime.session() as s:
        pm: Any = s.get(User, users["pm"].id)
        pid, (iid,) = make_project(s, "phones", [pm],
                                   [{"filename": "phone.jpg", "sha256": digest,
                                     "exif_orientation_applied": True}])  # as the probe says
        s.add(MaskedBlob(item_id=iid, sha256_original=digest, sha256_masked=old, regions=[]))
        record_audit(s, actor_id=pm.id, action="security.images_desensitized",
                     object_type="project", object_id=pid, project_id=pid, data={})
        ann = Annotation(item_id=iid, version=1, stage="annotate", kind="annotation",
                         payload={"objects": []})
        batch = Batch(project_id=pid, name="b1", status="accepted")
        s.add_all([ann, batch])
        s.flush()
        s.add(BatchItem(batch_id=batch.id, item_id=iid, annotation_id=ann.id))
        s.commit()
        bid = batch.id
    with runtime.session() as s, pytest.raises(Conflict) as refused:
        delivery_masking(s, pid, bid, "phones", runtime.blobs)
    assert refused.value.details["reason_code"] == "masked_copy_sideways"
    assert refused.value.details["sideways"] == 1 and "phones-0" in refused.value.message
    with runtime.session() as s:
        summary = desensitize_item_images(s, runtime.blobs, pid, actor=s.get(User, users["pm"].id),
                                          detect=False)
        assert summary["images_remasked_upright"] == 1
        row = s.scalars(select(MaskedBlob).where(MaskedBlob.item_id == iid)).one()
        assert row.sha256_masked != old
        with Image.open(runtime.blobs.local_path(row.sha256_masked)) as fixed:
            assert fixed.size == (80, 120)
        masking = delivery_masking(s, pid, bid, "phones", runtime.blobs)
        assert masking is not None and masking.images == {iid: row.sha256_masked}
        again = desensitize_item_images(s, runtime.blobs, pid,
                                        actor=s.get(User, users["pm"].id), detect=False)
        assert again["images_masked"] == again["images_remasked_upright"] == 0
