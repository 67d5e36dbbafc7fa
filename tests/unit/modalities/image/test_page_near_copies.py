"""Near copies of text pages: a re-saved or shrunk copy of a page is a near-duplicate, another
page set in the same layout is not. The 64-bit perceptual hash alone read distinct pages 2..6
bits apart and JPEG re-saves up to 10 (trial h3 H2); the detail hash decides now."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

from PIL import Image

from datamill.modalities.image.checks import ImageRequirements, measure_image, run_image_checks
from datamill.modalities.image.duplicates import NearDuplicateChecker
from datamill.modalities.image.schema import ImageItemAttributes
from datamill.testing.heldout import photo_like, text_page

REQ = ImageRequirements(
    allowed_formats=("PNG", "JPEG"), max_pixels=40_000_000, min_width=64, min_height=64,
    min_aspect_ratio=0.2, max_aspect_ratio=8.0, min_sharpness=5.0,
    max_overexposed_fraction=0.5, max_underexposed_fraction=0.5, min_mean_luminance=20.0,
    max_mean_luminance=250.0, max_duplicate_distance=4)


def _save(image: Image.Image, path: Path, **kw: object) -> Path:
    image.save(path, **kw)
    return path


def _resaved(image: Image.Image, path: Path) -> Path:
    buf = io.BytesIO()
    image.resize((image.width * 4 // 5, image.height * 4 // 5)).save(buf, "JPEG", quality=70)
    path.write_bytes(buf.getvalue())
    return path


def test_pages_of_one_layout_are_kept_and_their_copies_refused(tmp_path: Path) -> None:
    for w, h, chinese in ((620, 877, False), (640, 480, True)):
        pages = [text_page(w, h, seed, chinese=chinese) for seed in range(4)]
        ms = [measure_image(_save(p, tmp_path / f"p{i}.png"), max_pixels=REQ.max_pixels)
              for i, p in enumerate(pages)]
        checker = NearDuplicateChecker(max_distance=REQ.max_duplicate_distance,
                                       max_detail_distance=REQ.max_detail_distance)
        for i, m in enumerate(ms):  # each distinct page passes against the earlier ones
            attrs = {"phash": m.phash, "detail_hash": m.detail_hash}
            (outcome,) = checker.check(attrs)
            assert outcome.passed, (w, chinese, i, outcome.reason)
            checker.add(f"p{i}", attrs)
        for i, page in enumerate(pages[:2]):
            copy = measure_image(_resaved(page, tmp_path / "c.jpg"), max_pixels=REQ.max_pixels)
            (outcome,) = checker.check({"phash": copy.phash, "detail_hash": copy.detail_hash})
            assert not outcome.passed and outcome.extra["nearest"] == f"p{i}", (w, chinese)
            assert "detail distance" in (outcome.reason or "")
        # the same through run_image_checks with (phash, detail) pairs
        seen = [(m.phash, m.detail_hash) for m in ms[1:]]
        by = {o.name: o for o in run_image_checks(tmp_path / "p0.png", REQ, seen_hashes=seen)}
        assert by["near_duplicate"].passed


def test_photo_copies_still_refused_and_old_items_judged_by_phash(tmp_path: Path) -> None:
    photo = photo_like(400, 300, 7)
    m = measure_image(_save(photo, tmp_path / "a.png"), max_pixels=REQ.max_pixels)
    copy = measure_image(_resaved(photo, tmp_path / "a.jpg"), max_pixels=REQ.max_pixels)
    by = {o.name: o for o in run_image_checks(
        tmp_path / "a.jpg", REQ, seen_hashes=[(m.phash, m.detail_hash)])}
    assert not by["near_duplicate"].passed
    checker = NearDuplicateChecker(max_distance=4)
    checker.add("old", {"phash": m.phash})  # stored before detail hashes existed
    assert not checker.check({"phash": copy.phash, "detail_hash": copy.detail_hash})[0].passed
    tiny = photo_like(64, 64, 0)  # too small for a detail hash: the perceptual hash decides
    t = measure_image(_save(tiny, tmp_path / "t.png"), max_pixels=REQ.max_pixels)
    assert t.detail_hash == ""
    by = {o.name: o for o in run_image_checks(_resaved(tiny, tmp_path / "t.jpg"), REQ,
                                              seen_hashes=[(t.phash, None)])}
    assert not by["near_duplicate"].passed
    attrs = ImageItemAttributes(width=m.width, height=m.height, format="PNG", mode="RGB",
                                phash=m.phash, detail_hash=m.detail_hash)
    assert attrs.detail_hash == m.detail_hash


def test_distinct_pages_read_far_apart_in_detail() -> None:
    from datamill.modalities.image.fingerprint import detail_distance, detail_hash

    hashes = [detail_hash(text_page(800, 1100, s).convert("L"), 1) for s in range(4)]
    assert min(detail_distance(a, b) for a, b in itertools.combinations(hashes, 2)) > 0.1
