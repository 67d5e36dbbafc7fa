"""Desensitization: masked derivatives of prompts, transcripts and images; cleared originals."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from datamill.compliance.classification import set_clearance
from datamill.compliance.desensitize import (
    desensitize_item_images,
    desensitize_item_texts,
    desensitize_text,
    masked_view,
    read_original_text,
)
from datamill.compliance.image_masking import detector_status
from datamill.compliance.models import AuditRecord, User
from datamill.compliance.security_models import MaskedBlob, MaskedText
from datamill.core.errors import Forbidden
from datamill.production.models import Annotation, Item
from datamill.runtime import Runtime
from tests._tools import require_module, require_tool
from tests.unit.compliance._security_world import make_project

PHONE = "13812345678"


def _u(s: Any, users: dict[str, User], name: str) -> User:
    return s.get(User, users[name].id)


def test_desensitize_text_masks_and_names_kinds() -> None:
    masked, kinds = desensitize_text(f"请拨打 {PHONE} 或写信给 zhang@example.com")
    assert PHONE not in masked and "zhang@example.com" not in masked
    assert kinds == ["email", "phone"]
    assert desensitize_text("nothing here") == ("nothing here", [])


def test_item_texts_get_masked_derivatives_and_originals_need_clearance(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        pid, items = make_project(s, "dz", [_u(s, users, n) for n in ("pm", "insp")], [
            {"prompt": f"call {PHONE}"}, {"prompt": "plain"}])
        s.add(Annotation(item_id=items[1], version=1, stage="annotate", kind="annotation",
                         segments=[], text="my mail is li@example.org"))
    with runtime.session() as s:
        with pytest.raises(Forbidden):
            desensitize_item_texts(s, pid, actor=_u(s, users, "insp"))
        seen: list[int] = []
        summary = desensitize_item_texts(s, pid, actor=_u(s, users, "pm"), progress=seen.append)
        assert summary["items"] == 2 and sum(seen) == 2
        assert summary["texts_written"] == 3 and summary["texts_with_pii"] == 2
        assert summary["kinds"] == {"email": 1, "phone": 1}
    with runtime.session() as s:
        rows = {(m.item_id, m.field): m for m in s.scalars(select(MaskedText))}
        assert PHONE not in rows[(items[0], "prompt")].masked
        assert rows[(items[0], "prompt")].kinds == ["phone"]
        assert "li@example.org" not in rows[(items[1], "transcript")].masked
        # originals untouched
        item = s.get(Item, items[0])
        bag = getattr(item, "prompt", None) or (getattr(item, "attributes", None)
                                                or item.meta).get("prompt")
        assert PHONE in bag
        # a re-run rewrites nothing
        again = desensitize_item_texts(s, pid, actor=_u(s, users, "pm"))
        assert again["texts_written"] == 0
    with runtime.session() as s:
        insp = _u(s, users, "insp")
        view = masked_view(s, insp, items[0])
        assert PHONE not in view["texts"]["prompt"]["masked"]
        with pytest.raises(Forbidden, match="confidential"):
            read_original_text(s, insp, items[0], "prompt")
        set_clearance(s, _u(s, users, "admin"), insp.id, "confidential")
    with runtime.session() as s:
        assert PHONE in (read_original_text(s, _u(s, users, "insp"), items[0], "prompt") or "")
        reads = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.original_read")).all()
        assert len(reads) == 1 and reads[0].data == {"field": "prompt"}


def test_images_get_a_masked_derivative_blob(runtime: Runtime, users: dict[str, User],
                                             tmp_path: Path) -> None:
    import cv2

    status = detector_status()
    if not status["available"]:
        require_tool(f"OpenCV Haar detection unavailable: {status['reason']}")
    data = require_module("skimage.data")
    src = tmp_path / "astronaut.png"
    cv2.imwrite(str(src), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    digest = runtime.blobs.put_file(src)
    with runtime.session() as s:
        pid, items = make_project(s, "img", [_u(s, users, "pm")], [
            {"filename": "astronaut.png", "sha256": digest}, {"filename": "a.wav"}])
    with runtime.session() as s:
        summary = desensitize_item_images(s, runtime.blobs, pid, actor=_u(s, users, "pm"))
        assert summary["images"] == 1 and summary["images_masked"] == 1
        assert summary["regions"] >= 1
    with runtime.session() as s:
        row = s.scalars(select(MaskedBlob)).one()
        assert row.item_id == items[0] and row.sha256_original == digest
        assert row.sha256_masked != digest and runtime.blobs.exists(row.sha256_masked)
        assert any(r["label"] == "face" for r in row.regions)
        assert runtime.blobs.local_path(digest).read_bytes() == src.read_bytes()
        again = desensitize_item_images(s, runtime.blobs, pid, actor=_u(s, users, "pm"))
        assert again["images_masked"] == 0


class _Stop(Exception):
    pass


def test_an_interrupted_text_run_resumes_without_duplicates_or_losses(
    runtime: Runtime, users: dict[str, User]
) -> None:
    n = 600  # the run is cut off after its first batch landed
    with runtime.session() as s:
        pid, _ = make_project(s, "dz-resume", [_u(s, users, "pm")],
                              [{"prompt": f"call {PHONE}" if i % 3 == 0 else f"line {i}"}
                               for i in range(n)])

    def cut(_done: int) -> None:
        raise _Stop

    with runtime.session() as s, pytest.raises(_Stop):
        desensitize_item_texts(s, pid, actor=_u(s, users, "pm"), progress=cut, workers=1)
    with runtime.session() as s:
        landed = len(s.scalars(select(MaskedText)).all())
        assert 0 < landed < n  # the first batch is kept
        assert not s.scalars(select(AuditRecord).where(
            AuditRecord.action == "security.texts_desensitized")).all()
    with runtime.session() as s:
        seen: list[int] = []
        summary = desensitize_item_texts(s, pid, actor=_u(s, users, "pm"), progress=seen.append,
                                         workers=1)
        assert summary["items"] == n and sum(seen) == n and summary["engine"] == "local"
        assert summary["texts_written"] == n - landed
        assert summary["texts_with_pii"] == n // 3 and summary["kinds"] == {"phone": n // 3}
    with runtime.session() as s:
        rows = s.scalars(select(MaskedText)).all()
        assert len(rows) == n and len({(r.item_id, r.field) for r in rows}) == n
        assert sum(PHONE in r.masked for r in rows) == 0


def test_a_transcript_without_a_current_pointer_is_its_latest_version(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        pid, items = make_project(s, "dz-latest", [_u(s, users, "pm")], [{"prompt": "plain"}])
        for version, text in ((1, f"old {PHONE}"), (2, "new li@example.org")):
            s.add(Annotation(item_id=items[0], version=version, stage="annotate",
                             kind="annotation", segments=[], text=text))
    with runtime.session() as s:
        summary = desensitize_item_texts(s, pid, actor=_u(s, users, "pm"))
        assert summary["kinds"] == {"email": 1}
        row = s.scalars(select(MaskedText).where(MaskedText.field == "transcript")).one()
        assert "li@example.org" not in row.masked and row.kinds == ["email"]


def test_an_unreadable_image_is_a_warning_and_the_others_are_masked(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    from PIL import Image

    good = tmp_path / "good.png"
    Image.new("RGB", (64, 48), (200, 30, 30)).save(good)
    bad = tmp_path / "bad.png"
    bad.write_bytes(good.read_bytes()[:40])  # a truncated PNG
    digests = [runtime.blobs.put_file(bad), runtime.blobs.put_file(good)]
    with runtime.session() as s:
        pid, items = make_project(s, "img-bad", [_u(s, users, "pm")], [
            {"filename": "bad.png", "sha256": digests[0]},
            {"filename": "good.png", "sha256": digests[1]}])
    with runtime.session() as s:
        seen: list[int] = []
        summary = desensitize_item_images(s, runtime.blobs, pid, actor=_u(s, users, "pm"),
                                          detect=False, progress=seen.append)
        assert summary["images"] == 2 and summary["images_masked"] == 1 and sum(seen) == 2
        assert any(w.startswith(f"item {items[0]}:") for w in summary["warnings"])
        assert s.scalars(select(MaskedBlob)).one().item_id == items[1]
    with runtime.session() as s:  # a re-run tries the unreadable one again, skips the other
        again = desensitize_item_images(s, runtime.blobs, pid, actor=_u(s, users, "pm"),
                                        detect=False)
        assert again["images_masked"] == 0 and len(again["warnings"]) == 1
        assert len(s.scalars(select(MaskedBlob)).all()) == 1
