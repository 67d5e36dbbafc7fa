"""Migration pz001: a point-cloud cuboid saved before a PCD's VIEWPOINT placed its points (the
2026-12-07 change) was drawn on the unplaced points; read now it sat 10 m and a quarter turn
away from its object. The migration moves such rows where the placed points are; a version
drawn since, and an item described since, stay as they are; downgrading moves them back."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from alembic import command
from sqlalchemy import create_engine, text

from datamill.config import get_settings
from datamill.db.migrate import alembic_config
from datamill.modalities.pointcloud.cloud import read_cloud
from datamill.storage.blobstore import BlobStore
from tests._migrations import drop_schema, migration_url

_SCHEMA = "mig_pz001"
_S = math.sqrt(0.5)
#: a quarter turn about z, then 10 20 30 metres
VIEWPOINT = f"10 20 30 {_S!r} 0 0 {_S!r}"


def _pcd(path: Path) -> Path:
    """A car-sized block of points around (5, 0, 1) in the sensor's frame."""
    rng = np.random.default_rng(7)
    pts = rng.uniform([3, -1, 0.2], [7, 1, 1.8], size=(400, 3))
    body = "\n".join(f"{x:.4f} {y:.4f} {z:.4f} 1" for x, y, z in pts)
    path.write_text("# .PCD v0.7\nVERSION 0.7\nFIELDS x y z intensity\nSIZE 4 4 4 4\n"
                    "TYPE F F F F\nCOUNT 1 1 1 1\nWIDTH 400\nHEIGHT 1\n"
                    f"VIEWPOINT {VIEWPOINT}\nPOINTS 400\nDATA ascii\n{body}\n", encoding="ascii")
    return path


def _cuboid(x: float, y: float, z: float, yaw: float) -> dict[str, object]:
    return {"id": "o1", "label": "car", "x": x, "y": y, "z": z, "length": 4.0, "width": 2.0,
            "height": 1.6, "yaw": yaw, "track_id": None, "attributes": {}}


def _payload(value: object) -> dict[str, object]:
    return json.loads(value) if isinstance(value, str) else dict(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_cuboids_drawn_before_the_viewpoint_move_where_the_points_are(
        backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATAMILL_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATAMILL_STORAGE_URL", raising=False)
    get_settings.cache_clear()
    try:
        _migrate_and_check(backend, tmp_path)
    finally:
        get_settings.cache_clear()  # the other tests' settings, not this home's
        drop_schema(backend, _SCHEMA)


def _migrate_and_check(backend: str, tmp_path: Path) -> None:
    cloud = _pcd(tmp_path / "frame.pcd")
    sha = BlobStore.from_settings(get_settings()).put_file(cloud)
    url = migration_url(backend, tmp_path, _SCHEMA)
    cfg = alembic_config(url)
    command.upgrade(cfg, "pi002")  # the production branch's head before pz001
    engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
    old, late = _cuboid(5, 0, 1, 0), _cuboid(10, 25, 31, math.pi / 2)
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO projects (id, name, modality, language, project_type, data_owner, spec, "
            "spec_version, status, created_at) VALUES (1, 'lidar', 'pointcloud', 'en-US', "
            "'custom_service', 'customer', '{}', 1, 'active', CURRENT_TIMESTAMP)"))
        for item_id, attributes in ((1, {"format": "pcd", "points": 400}),  # described before
                                    (2, {"format": "pcd", "points": 400, "viewpoint_applied": True,
                                         "viewpoint": [10, 20, 30, _S, 0, 0, _S]}),
                                    (3, {"format": "pcd", "points": 400})):  # its file is gone
            conn.execute(text(
                "INSERT INTO items (id, project_id, external_id, sha256, filename, size_bytes, "
                "owner, status, attributes, meta, reject_reasons, current_version, created_at) "
                "VALUES (:id, 1, :ext, :sha, 'frame.pcd', 10, 'customer', 'annotated', :attrs, "
                "'{}', '[]', 2, CURRENT_TIMESTAMP)"),
                {"id": item_id, "ext": f"f{item_id}", "sha": sha if item_id < 3 else "f" * 64,
                 "attrs": json.dumps(attributes)})
        for ann_id, item_id, version, cuboid, when in (
                (1, 1, 1, old, "2026-12-01 09:00:00+00:00"),   # drawn on the unplaced points
                (2, 1, 2, late, "2026-12-07 18:00:00+00:00"),  # drawn since, on placed points
                (3, 2, 1, late, "2026-12-01 09:00:00+00:00"),  # an item described since
                (4, 3, 1, old, "2026-12-01 09:00:00+00:00")):  # no file to read its VIEWPOINT
            conn.execute(text(
                "INSERT INTO annotations (id, item_id, version, stage, kind, payload, text, "
                "created_at) VALUES (:id, :item, :version, 'annotate', 'annotation', :payload, "
                "'car×1', :when)"), {
                    "id": ann_id, "item": item_id, "version": version, "when": when,
                    "payload": json.dumps({"type": "pointcloud_annotation", "schema_version": 1,
                                           "objects": [cuboid], "classes": []})})
        conn.execute(text(
            "INSERT INTO users (id, username, display_name, password_hash, role, is_active, "
            "created_at) VALUES (1, 'ann', 'Ann', 'x', 'annotator', true, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO tasks (id, project_id, item_id, stage, status, overlap, active_claims, "
            "submissions, created_at) VALUES (1, 1, 1, 'annotate', 'open', 1, 1, 0, "
            "CURRENT_TIMESTAMP)"))
        conn.execute(text(  # an autosave from before the change, never submitted
            "INSERT INTO web_drafts (id, task_id, user_id, base_version, payload, "
            "time_spent_ms, revision, updated_at) VALUES (1, 1, 1, 2, :payload, 0, 1, "
            "'2026-12-02 09:00:00+00:00')"), {"payload": json.dumps(
                {"type": "pointcloud_annotation", "objects": [old], "classes": []})})
    engine.dispose()

    def draft() -> dict[str, object]:
        engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
        with engine.connect() as conn:
            value = conn.execute(text("SELECT payload FROM web_drafts")).scalar_one()
        engine.dispose()
        return _payload(value)["objects"][0]  # type: ignore[index,no-any-return]

    def cuboids() -> dict[int, dict[str, object]]:
        engine = create_engine(cfg.get_main_option("sqlalchemy.url") or url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, payload FROM annotations ORDER BY id")).all()
        engine.dispose()
        return {ann_id: _payload(p)["objects"][0] for ann_id, p in rows}  # type: ignore[index]

    command.upgrade(cfg, "heads")
    moved = cuboids()
    placed = read_cloud(cloud).points[:, :3]  # the points as the workbench shows them now
    centre = (placed.min(axis=0) + placed.max(axis=0)) / 2
    got = np.array([moved[1]["x"], moved[1]["y"], moved[1]["z"]], dtype=float)
    assert np.allclose(got, [10, 25, 31], atol=1e-6)
    assert np.linalg.norm(got - centre) < 0.2  # on its object's placed points
    assert math.isclose(float(moved[1]["yaw"]), math.pi / 2, abs_tol=1e-9)  # type: ignore[arg-type]
    assert {k: moved[1][k] for k in ("id", "label", "length", "width", "height")} == {
        "id": "o1", "label": "car", "length": 4.0, "width": 2.0, "height": 1.6}
    assert moved[2] == late and moved[3] == late  # drawn since / described since: as they were
    assert moved[4] == old  # its file cannot be read: left, named in the log, no failure
    saved = draft()
    assert np.allclose([saved["x"], saved["y"], saved["z"]], [10, 25, 31], atol=1e-6)  # type: ignore[list-item]
    command.downgrade(cfg, "pi002")
    back = cuboids()
    assert np.allclose([back[1]["x"], back[1]["y"], back[1]["z"], back[1]["yaw"]],
                       [5, 0, 1, 0], atol=1e-6)
    assert back[2] == late
    assert np.allclose([draft()["x"], draft()["y"]], [5, 0], atol=1e-6)  # type: ignore[list-item]
