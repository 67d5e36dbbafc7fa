"""KITTI object labels and nuScenes tables for point-cloud cuboids, and float64 coordinates.

No KITTI or nuScenes package is installed (nuscenes-devkit pulls OpenCV, matplotlib and
Shapely), so each delivery is read back by an independent reader written here from the formats'
own documents: KITTI's ``devkit_object/readme.txt`` (15 fields; the camera box turned back into a
lidar box with the frame's calib file, as OpenPCDet's ``kitti_dataset.get_infos`` does) and the
nuScenes schema (scene -> sample chain -> sample_data + ego_pose; annotations in the global frame,
quaternions read with SciPy). Golden files in ``tests/golden/pointcloud/``
(``DATAMILL_UPDATE_GOLDEN=1`` rewrites them).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import numpy as np
import pytest
from plyfile import PlyData, PlyElement
from scipy.spatial.transform import Rotation

from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.modalities.pointcloud.exporters import OpenPcdetExporter, SemanticKittiExporter
from datamill.modalities.pointcloud.item import PointCloudExportItem
from datamill.modalities.pointcloud.kitti_objects import KittiObjectExporter
from datamill.modalities.pointcloud.nuscenes import VERSION, NuScenesExporter
from datamill.modalities.pointcloud.schema import Cuboid, PointCloudAnnotation
from datamill.modalities.registry import get_modality

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "pointcloud"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"
UTM = (512_345.0, 4_412_345.0, 31.0)  # easting, northing, height: float32 steps 0.03 / 0.5 m


def _golden(rel: str, actual: str) -> None:
    path = GOLDEN / rel
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"missing golden file {path}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual == path.read_text(encoding="utf-8"), f"{rel} differs from golden"


def _ply(points: np.ndarray, path: Path, dtype: str = "f8") -> Path:
    rows = np.empty(len(points), dtype=[("x", dtype), ("y", dtype), ("z", dtype),
                                        ("intensity", "f4")])
    for i, name in enumerate(("x", "y", "z", "intensity")):
        rows[name] = points[:, i]
    PlyData([PlyElement.describe(rows, "vertex")]).write(str(path))
    return path


def _box_points(c: Cuboid, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` points strictly inside cuboid ``c`` (lidar frame), intensity 0.5."""
    local = rng.uniform(-0.45, 0.45, (n, 3)) * [c.length, c.width, c.height]
    cos, sin = math.cos(c.yaw), math.sin(c.yaw)
    xyz = np.column_stack([c.x + local[:, 0] * cos - local[:, 1] * sin,
                           c.y + local[:, 0] * sin + local[:, 1] * cos, c.z + local[:, 2]])
    return np.column_stack([xyz, np.full(n, 0.5)])


def _frames(folder: Path, offset: tuple[float, float, float] = (0.0, 0.0, 0.0)
            ) -> list[PointCloudExportItem]:
    """Three frames: two of sequence ``drive1`` (a car tracked across both), one alone; each
    cuboid with a known number of points inside, and 5 points outside every cuboid."""
    rng = np.random.default_rng(7)
    ox, oy, oz = offset
    boxes = [
        [Cuboid(id="a", label="car", x=ox + 10, y=oy + 2, z=oz - 0.8, length=4.2, width=1.8,
                height=1.5, yaw=0.3, track_id="t1", attributes={"occluded": "partly"}),
         Cuboid(id="b", label="pedestrian", x=ox - 5, y=oy - 3, z=oz - 0.9, length=0.6,
                width=0.6, height=1.7, yaw=-2.8)],
        [Cuboid(id="a", label="car", x=ox + 11, y=oy + 2.2, z=oz - 0.8, length=4.2,
                width=1.8, height=1.5, yaw=0.32, track_id="t1")],
        [Cuboid(id="c", label="cyclist", x=ox + 3, y=oy - 7, z=oz - 1.0, length=1.8,
                width=0.7, height=1.6, yaw=3.1, attributes={"moving": True})],
    ]
    out = []
    for i, (objects, (sequence, frame)) in enumerate(zip(
            boxes, (("drive1", 4), ("drive1", 5), (None, None)), strict=True)):
        parts = [_box_points(c, 20 + 10 * k, rng) for k, c in enumerate(objects)]
        parts.append(np.column_stack([rng.uniform(-40, 40, (5, 2)) + np.array([ox + 60, oy + 60]),
                                      np.full(5, oz - 2.0), np.zeros(5)]))
        points = np.vstack(parts)
        path = _ply(points, folder / f"f{i}.ply")
        out.append(PointCloudExportItem(
            id=f"f{i}", cloud_path=path, cloud_name=f"clouds/f{i}.ply", sha256="0" * 64,
            points=len(points), sequence=sequence, frame=frame,
            annotation=PointCloudAnnotation(objects=tuple(objects),
                                            classes=("urban",) if i == 2 else ())))
    return out


# ------------------------------------------------------------------ an independent KITTI reader

def _kitti_calib(path: Path) -> dict[str, np.ndarray]:
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        key, values = line.split(":", 1)
        out[key] = np.array([float(v) for v in values.split()])
    return out


def _kitti_boxes(root: Path, frame: str) -> list[tuple[str, int, np.ndarray]]:
    """The lidar boxes ``(type, occluded, [x, y, z, l, w, h, yaw])`` of one KITTI frame, read as
    OpenPCDet does: location (rect camera, bottom centre) -> lidar with R0_rect and
    Tr_velo_to_cam inverted, z raised by h / 2, yaw = -(pi / 2 + rotation_y)."""
    calib = _kitti_calib(root / "training" / "calib" / f"{frame}.txt")
    r0 = calib["R0_rect"].reshape(3, 3)
    v2c = np.vstack([calib["Tr_velo_to_cam"].reshape(3, 4), [0, 0, 0, 1]])
    out = []
    for line in (root / "training" / "label_2" / f"{frame}.txt").read_text().splitlines():
        f = line.split()
        assert len(f) == 15, line  # type trunc occ alpha bbox(4) h w l x y z ry
        h, w, length = map(float, f[8:11])
        rect = np.array([float(v) for v in f[11:14]])
        cam = np.linalg.solve(r0, rect)
        lidar = (np.linalg.inv(v2c) @ np.append(cam, 1.0))[:3]
        lidar[2] += h / 2
        out.append((f[0], int(f[2]), np.array([*lidar, length, w, h,
                                               -(math.pi / 2 + float(f[14]))])))
    return out


def _same_yaw(a: float, b: float) -> bool:
    return abs(math.remainder(a - b, 2 * math.pi)) < 1e-5


def test_kitti_objects_golden_and_read_back(tmp_path: Path) -> None:
    items = _frames(tmp_path)
    out = tmp_path / "kitti"
    manifest = KittiObjectExporter().export(iter(items), out)
    assert manifest.items == 3
    assert manifest.left_out == {"attributes": 1, "scene_classes": 1, "track_ids": 2}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk
    for frame in ("f0", "f2"):
        _golden(f"kitti_objects/label_2/{frame}.txt",
                (out / "training" / "label_2" / f"{frame}.txt").read_text(encoding="utf-8"))
    _golden("kitti_objects/calib.txt", (out / "training/calib/f0.txt").read_text("utf-8"))
    assert (out / "ImageSets" / "train.txt").read_text() == "f0\nf1\nf2\n"
    for item in items:
        got = _kitti_boxes(out, item.id)
        assert len(got) == len(item.annotation.objects)
        for (label, occluded, box), c in zip(got, item.annotation.objects, strict=True):
            assert label == c.label
            assert occluded == (1 if c.attributes.get("occluded") == "partly" else 0)
            assert np.allclose(box[:6], [c.x, c.y, c.z, c.length, c.width, c.height],
                               atol=2e-6), (item.id, box, c)
            assert _same_yaw(box[6], c.yaw)
        velodyne = np.fromfile(out / "training" / "velodyne" / f"{item.id}.bin",
                               dtype="<f4").reshape(-1, 4)
        assert np.allclose(velodyne, read_cloud(item.cloud_path).points, atol=1e-5)


# ---------------------------------------------------------------- an independent nuScenes reader

def _nuscenes(root: Path) -> dict[str, list[dict]]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in (root / VERSION).glob("*.json")}


def _inside_count(points: np.ndarray, ann: dict) -> int:
    """Points inside a sample_annotation box, by rotating them into the box's frame."""
    w, length, h = ann["size"]
    qw, qx, qy, qz = ann["rotation"]
    local = Rotation.from_quat([qx, qy, qz, qw]).inv().apply(points - ann["translation"])
    return int(np.count_nonzero((np.abs(local) <= [length / 2, w / 2, h / 2]).all(axis=1)))


def _read_nuscenes(root: Path) -> dict[str, tuple[str, int, np.ndarray, list[dict]]]:
    """Per frame file stem: (scene name, timestamp, global points, annotations), walking each
    scene's sample chain as the devkit does."""
    t = _nuscenes(root)
    by_token = {name: {r["token"]: r for r in rows} for name, rows in t.items()}
    data_of = {d["sample_token"]: d for d in t["sample_data"]}
    anns_of: dict[str, list[dict]] = {}
    for ann in t["sample_annotation"]:
        anns_of.setdefault(ann["sample_token"], []).append(ann)
    out = {}
    for scene in t["scene"]:
        sample = by_token["sample"][scene["first_sample_token"]]
        seen = 0
        while True:
            seen += 1
            data = data_of[sample["token"]]
            pose = by_token["ego_pose"][data["ego_pose_token"]]
            sensor = by_token["calibrated_sensor"][data["calibrated_sensor_token"]]
            assert by_token["sensor"][sensor["sensor_token"]]["channel"] == "LIDAR_TOP"
            rows = np.fromfile(root / data["filename"], dtype="<f4").reshape(-1, 5)
            xyz = rows[:, :3].astype(np.float64)
            for frame in (sensor, pose):
                qw, qx, qy, qz = frame["rotation"]
                xyz = Rotation.from_quat([qx, qy, qz, qw]).apply(xyz) + frame["translation"]
            stem = Path(data["filename"]).name.removesuffix(".pcd.bin")
            out[stem] = (scene["name"], sample["timestamp"], xyz, anns_of.get(sample["token"],
                                                                               []))
            if not sample["next"]:
                break
            sample = by_token["sample"][sample["next"]]
        assert seen == scene["nbr_samples"]
    return out


def test_nuscenes_golden_and_read_back(tmp_path: Path) -> None:
    items = _frames(tmp_path)
    out = tmp_path / "nuscenes"
    manifest = NuScenesExporter().export(iter(items), out)
    assert manifest.items == 3 and manifest.left_out == {"scene_classes": 1}
    on_disk = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert set(manifest.files) == on_disk
    t = _nuscenes(out)
    for name in ("sample_annotation", "instance", "scene", "category", "attribute"):
        _golden(f"nuscenes/{name}.json",
                json.dumps(t[name], indent=1, sort_keys=True, ensure_ascii=False) + "\n")

    frames = _read_nuscenes(out)
    assert {k: v[:2] for k, v in frames.items()} == {
        "f0": ("drive1", 2_000_000), "f1": ("drive1", 2_500_000), "f2": ("frame:f2", 0)}
    categories = {c["token"]: c["name"] for c in t["category"]}
    instances = {i["token"]: i for i in t["instance"]}
    attributes = {a["token"]: a["name"] for a in t["attribute"]}
    for item in items:
        _, _, xyz, anns = frames[item.id]
        points = read_cloud(item.cloud_path).points
        assert np.allclose(xyz, points[:, :3], atol=1e-5)
        assert len(anns) == len(item.annotation.objects)
        for c in item.annotation.objects:
            ann = next(a for a in anns if np.allclose(a["translation"], [c.x, c.y, c.z]))
            assert categories[instances[ann["instance_token"]]["category_token"]] == c.label
            assert ann["size"] == pytest.approx([c.width, c.length, c.height])
            qw, qx, qy, qz = ann["rotation"]
            assert _same_yaw(Rotation.from_quat([qx, qy, qz, qw]).as_euler("zyx")[0], c.yaw)
            assert ann["num_lidar_pts"] == _inside_count(xyz, ann) > 0
            assert sorted(attributes[a] for a in ann["attribute_tokens"]) == sorted(
                f"{k}.{json.dumps(v) if not isinstance(v, str) else v}"
                for k, v in c.attributes.items())
    tracked = [i for i in t["instance"] if i["nbr_annotations"] == 2]
    assert len(tracked) == 1 and len(t["instance"]) == 3  # car t1 over f0 and f1
    first = next(a for a in t["sample_annotation"]
                 if a["token"] == tracked[0]["first_annotation_token"])
    assert first["next"] == tracked[0]["last_annotation_token"]


# ------------------------------------------------------------------ float64 (UTM) coordinates

def test_float64_coordinates_are_kept_or_counted(tmp_path: Path) -> None:
    """A trial finding: PLY/PCD doubles were cut to float32, moving UTM points by up to half a
    metre (northing 4.4e6) in every export and in the labels computed from cuboids."""
    items = _frames(tmp_path, offset=UTM)
    truth = PlyData.read(str(items[0].cloud_path))["vertex"].data
    expected = np.column_stack([truth["x"], truth["y"], truth["z"]])
    points = read_cloud(items[0].cloud_path).points
    assert np.abs(points[:, :3] - expected).max() < 1e-9

    OpenPcdetExporter(["car"]).export(iter(items), tmp_path / "pcdet")
    npy = np.load(tmp_path / "pcdet" / "points" / "f0.npy")
    assert np.abs(npy[:, :3] - expected).max() < 1e-9

    frames = _read_nuscenes_after(items, tmp_path / "nuscenes")
    assert np.abs(frames["f0"][2] - expected).max() < 1e-4  # float32 near a whole-metre origin
    assert all(a["num_lidar_pts"] == _inside_count(frames["f0"][2], a) > 0
               for a in frames["f0"][3])

    kitti = KittiObjectExporter().export(iter(items), tmp_path / "kitti")
    assert kitti.left_out["float32_rounded_frames"] == 3
    semantic = SemanticKittiExporter().export(iter(items), tmp_path / "skitti")
    assert semantic.left_out["float32_rounded_frames"] == 3
    (tmp_path / "near").mkdir()
    near = KittiObjectExporter().export(iter(_frames(tmp_path / "near")), tmp_path / "k2")
    assert "float32_rounded_frames" not in near.left_out


def _read_nuscenes_after(items: list[PointCloudExportItem], out: Path) -> dict:
    NuScenesExporter().export(iter(items), out)
    return _read_nuscenes(out)


def test_float32_files_stay_float32(tmp_path: Path) -> None:
    points = np.array([[1.5, 2.25, -0.5, 0.1], [3.0, 4.0, 5.0, 0.2]])
    assert read_cloud(_ply(points, tmp_path / "a.ply", "f4")).points.dtype == np.float32
    assert read_cloud(_ply(points, tmp_path / "b.ply", "f8")).points.dtype == np.float32


def test_the_plugin_offers_both_formats_on_request() -> None:
    plugin = get_modality("pointcloud")
    requirements = {"labels": {"labels": [{"name": "car"}]}}
    assert {"kitti_objects", "nuscenes"} <= set(plugin.exporter_names())
    assert not {"kitti_objects", "nuscenes"} & set(plugin.default_exporter_names(requirements))
    assert isinstance(plugin.make_exporter("nuscenes", requirements), NuScenesExporter)
