"""Trial h3, round 3 (image left-outs, then point clouds as their users meet them).

1. A second scan of a dense Chinese page turned by 0.5 degrees was levelled by 0 degrees (its
   page distance read 0.295 against the 0.2 threshold): the row profile of ink split each pixel
   between two whole rows, which blurred every turned profile and none at 0 degrees. The profile
   is now taken in quarter rows, and the page is cut to its ink's 2nd..98th percentile (chosen on
   the tuning pages: second scans 0.160 or less, other pages 0.336 or more). Held-out second
   scans caught 81 -> 88 of 90, other pages called copies 0 -> 0 (``bench/page_scans.py``).
   Items record ``page_hash_version``; an older item's page hash is measured again.
2. (HIGH) A nuScenes lidar file (``*.pcd.bin``: float32 x, y, z, intensity, ring index, read by
   nuscenes-devkit's ``LidarPointCloud.from_file`` as ``reshape(-1, 5)``) was read as KITTI's
   four floats a point: with a point count divisible by 4 every point was scrambled silently
   (a frame within 40 m read a 99th-percentile range of 249 m and heights of +-255 m), else
   refused as "not a KITTI .bin". It is now read as the five columns it holds.
3. (MEDIUM) Cuboid inspection paired boxes by the largest summed IoU before the threshold: two
   pairs at 0.468 outweighed one at 0.538 and, both below 0.5, nothing was paired (accuracy
   0 -> now 0.5). Only pairs at the threshold take part, the most pairs first (as image does).
4. (LOW) A blurred page shrunk below 384 px read sharper than at 768 px (enlarged at most twice,
   bicubic: 7.6/12.9/28.7 at 320/256/192 px against 3.3) and passed 5.0. Enlarged by Lanczos up
   to four times it reads 2.6..3.4; a sharp 64 px photo still reads 21.
5. (MEDIUM) An OpenPCDet import whose ``labels/<id>.txt`` had no ``points/<id>.*`` (a renamed
   or missing cloud) dropped those cuboids without a word and reported every frame labelled.
   Such a source is now refused, naming the label files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from datamill.modalities.image.fingerprint import (
    MAX_PAGE_DISTANCE,
    detail_distance,
    page_hash,
    square_up,
)
from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.testing.heldout import text_page


def _second_scan(page: Image.Image, angle: float, crop: float) -> Image.Image:
    turned = page.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=(240, 240, 236))
    w, h = turned.size
    dx, dy = round(w * crop), round(h * crop)
    return turned.crop((dx, dy, w - dx, h - dy))


def test_a_dense_chinese_page_turned_half_a_degree_is_levelled_and_caught() -> None:
    pages = [text_page(1000, 1400, seed, chinese=True, layout=1) for seed in (100, 101)]
    scan = _second_scan(pages[0], -0.5, 0.015).convert("L")
    _, angle = square_up(scan)
    assert abs(angle - 0.5) <= 0.1, angle
    first = page_hash(pages[0].convert("L"), 1)
    assert detail_distance(first, page_hash(scan, 1)) <= MAX_PAGE_DISTANCE
    assert detail_distance(first, page_hash(pages[1].convert("L"), 1)) > MAX_PAGE_DISTANCE


@pytest.mark.parametrize("n", [4000, 4001])
def test_a_nuscenes_lidar_file_reads_as_its_five_columns(tmp_path: Path, n: int) -> None:
    rng = np.random.default_rng(n)
    angle, reach = rng.uniform(-np.pi, np.pi, n), rng.uniform(3, 40, n)
    rows = np.stack([reach * np.cos(angle), reach * np.sin(angle), rng.normal(-1.8, 0.02, n),
                     rng.uniform(0, 255, n), rng.integers(0, 32, n)], axis=1).astype("<f4")
    path = tmp_path / "n015-2018-07-24__LIDAR_TOP__1532402927647951.pcd.bin"
    rows.tofile(path)
    cloud = read_cloud(path)
    expected = np.fromfile(path, dtype=np.float32).reshape(-1, 5)[:, :4]  # the devkit's reading
    assert cloud.fields == ("x", "y", "z", "intensity", "ring")
    np.testing.assert_array_equal(cloud.points, expected)


def test_a_kitti_file_stays_four_columns(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = np.concatenate([rng.uniform(-40, 40, (4000, 3)), rng.uniform(0, 1, (4000, 1))],
                          axis=1).astype("<f4")  # 4000 points: 64,000 bytes, 20 divide it
    grid = np.concatenate([rng.integers(0, 200, (4000, 3)), np.zeros((4000, 1))],
                          axis=1).astype("<f4")  # whole numbers everywhere, zeros too
    for name, kitti in (("000001.bin", rows), ("000002.bin", grid), ("000003.bin", grid * 0)):
        kitti.tofile(tmp_path / name)
        cloud = read_cloud(tmp_path / name)
        assert cloud.fields == ("x", "y", "z", "intensity"), name
        np.testing.assert_array_equal(cloud.points, kitti)


def test_cuboids_pair_by_their_iou_above_the_threshold_only() -> None:
    from datamill.modalities.pointcloud.metric import score_cuboids
    from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation

    def car(x: float) -> Cuboid:
        return Cuboid(label="car", x=x, y=0, z=0, length=4, width=2, height=2)

    # A-X overlap 0.538; A-Y and B-X 0.468 each: the larger sum pairs nothing at 0.5
    reference = PointCloudAnnotation(objects=(car(0.0), car(2.65)))
    delivered = PointCloudAnnotation(objects=(car(-1.45), car(1.2)))
    score = score_cuboids([reference], [delivered], iou_threshold=0.5)
    assert score.matched == 1 and score.cuboid_accuracy == 0.5
    assert round(score.mean_iou, 3) == 0.538


def test_a_blurred_page_below_384_px_reads_as_blurred_as_at_768(tmp_path: Path) -> None:
    from PIL import ImageFilter

    from datamill.modalities.image.checks import measure_image
    from datamill.testing.heldout import photo_like

    def sharpness(image: Image.Image, name: str) -> float:
        image.convert("L").save(tmp_path / name, compress_level=1)
        return measure_image(tmp_path / name, max_pixels=40_000_000).sharpness

    page = text_page(1240, 1754, 3)
    blurred = page.filter(ImageFilter.GaussianBlur(6.2))
    at_reference = sharpness(blurred.resize((768, 1086), Image.Resampling.LANCZOS), "r.png")
    for short in (320, 256, 192):  # read 7.6, 12.9 and 28.7 (reference 3.3)
        size = (short, round(page.height * short / page.width))
        soft = sharpness(blurred.resize(size, Image.Resampling.LANCZOS), f"b{short}.png")
        assert soft < 5.0 and soft < 1.5 * at_reference, (short, soft, at_reference)
        assert sharpness(page.resize(size, Image.Resampling.LANCZOS), f"s{short}.png") > 40
    assert sharpness(photo_like(64, 64, 2), "small.png") > 10  # small and sharp: stays so


def test_an_openpcdet_label_file_without_its_cloud_is_refused(tmp_path: Path) -> None:
    from datamill.modalities.pointcloud.errors import LabelFileError
    from datamill.modalities.pointcloud.importers import OpenPcdetImporter

    (tmp_path / "points").mkdir()
    (tmp_path / "labels").mkdir()
    np.zeros((10, 4), dtype=np.float32).tofile(tmp_path / "points" / "f1.bin")
    (tmp_path / "labels" / "f1.txt").write_text("1 2 -1 4 2 1.5 0.3 car\n", encoding="utf-8")
    (tmp_path / "labels" / "f2.txt").write_text("5 2 -1 4 2 1.5 0.3 car\n", encoding="utf-8")
    with pytest.raises(LabelFileError, match=r"labels/f2\.txt: no point cloud"):
        list(OpenPcdetImporter().iter_items(tmp_path))


def test_a_page_hash_of_the_older_method_is_measured_again(tmp_path: Path) -> None:
    """Round 3 changed the page hash (item 1): the same page hashed by round 2's method and by
    this one read up to 0.94 apart, so an item stored before would have been compared by a
    hash of another method. Such a hash (no ``page_hash_version``) is measured again and never
    compared meanwhile."""
    from datamill.modalities.image.checks import measure_image
    from datamill.modalities.image.duplicates import NearDuplicateChecker, fingerprints
    from datamill.modalities.image.fingerprint import PAGE_HASH_VERSION
    from datamill.modalities.registry import get_modality

    text_page(900, 1200, 5, chinese=True, layout=1).save(tmp_path / "page.png")
    m = measure_image(tmp_path / "page.png", max_pixels=40_000_000)
    stored = {"width": m.width, "height": m.height, "phash": m.phash,
              "detail_hash": m.detail_hash, "page_hash": "7" * 1024}  # as round 2 kept it
    assert get_modality("image").lacks_fingerprints(stored)  # type: ignore[attr-defined]
    assert fingerprints(tmp_path / "page.png", stored, 40_000_000) == {
        "page_hash": m.page_hash, "page_hash_version": PAGE_HASH_VERSION}

    checker = NearDuplicateChecker(max_distance=4)
    other = f"{int(m.phash, 16) ^ 0x3FF:016x}"  # 10 bits away: the page hash would decide
    checker.add("old", {"phash": other, "page_hash": m.page_hash})
    (outcome,) = checker.check({"phash": m.phash, "page_hash": m.page_hash,
                                "page_hash_version": PAGE_HASH_VERSION})
    assert outcome.passed, outcome.reason
