"""annotations and drafts: point-cloud cuboids drawn before a PCD's VIEWPOINT placed its points are moved
where the placed points are

Revision ID: pz001
Revises: pi002

Since 2026-12-07 (16:10 UTC, the change's landing) a PCD file's ``VIEWPOINT tx ty tz qw qx qy
qz`` turns its points by the quaternion and moves them by the translation when read (workbench,
checks, exports). A cuboid saved before then was drawn on the unplaced points: read now, it sat
away from its object by the VIEWPOINT (10 m and a quarter turn for a sensor 10 m along, turned).

Which rows: every annotation version (pre-annotation, annotation, review edit, aggregate...)
created before that moment, and every workbench draft last saved before it, of an item of a
point-cloud project whose file is a PCD described
before the change (its attributes record neither ``viewpoint`` nor ``viewpoint_applied``: an
item described since cannot hold an older cuboid, and an older item's later versions were drawn
on the placed points). Each cuboid's centre is turned and moved as its points are, its ``yaw``
turned with its heading (a VIEWPOINT tilted in pitch or roll gives the turned heading's yaw: a
cuboid has no pitch or roll); sizes, labels, ids and attributes stay. An identity VIEWPOINT
changes nothing.

The VIEWPOINT is read from the item's file header (the blob store the settings name, or the file
an in-place item points at); an item whose file cannot be read or whose header is no pose is
left as it was and named in the log. The rows are rewritten in place: the version history is
kept, only the frame its coordinates are in changes. Downgrading turns the same rows back.
"""
from __future__ import annotations

import json
import logging
import math
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "pz001"
down_revision = "pi002"
branch_labels = None
depends_on = None

#: when the VIEWPOINT change landed: versions created before it were drawn unplaced
CUTOFF = datetime(2026, 12, 7, 16, 10, 20, tzinfo=UTC)
_HEADER_LINES = 64
_LINE_BYTES = 4096
_log = logging.getLogger("alembic.runtime.migration")


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str | bytes) else value


def _when(value: Any) -> datetime | None:
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:  # not a time this code wrote: left as it is
            return None
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def header_viewpoint(path: Path) -> tuple[float, ...] | None:
    """The PCD header's VIEWPOINT (tx ty tz qw qx qy qz) when it is a pose other than the
    identity; None for the identity, a header without one, or one that is no pose."""
    with path.open("rb") as fh:
        for _ in range(_HEADER_LINES):
            words = fh.readline(_LINE_BYTES).decode("utf-8", "replace").split()
            if not words or words[0].startswith("#"):
                continue
            if words[0].upper() == "DATA":
                return None
            if words[0].upper() != "VIEWPOINT" or len(words) != 8:  # noqa: PLR2004 - 7 numbers
                continue
            try:
                view = tuple(float(w) for w in words[1:])
            except ValueError:
                return None
            if not all(math.isfinite(v) for v in view) \
                    or abs(math.sqrt(sum(q * q for q in view[3:])) - 1) > 1e-3:  # noqa: PLR2004
                return None
            return None if view == (0, 0, 0, 1, 0, 0, 0) else view
    return None


def _rotation(view: tuple[float, ...]) -> list[list[float]]:
    w, x, y, z = view[3:]
    n = math.sqrt(w * w + x * x + y * y + z * z)
    w, x, y, z = w / n, x / n, y / n, z / n
    return [[1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)]]


def place_cuboid(cuboid: dict[str, Any], view: tuple[float, ...], *,
                 back: bool = False) -> dict[str, Any]:
    """``cuboid`` (a stored object) with its centre and heading turned and moved by ``view``
    as :mod:`datamill.modalities.pointcloud.cloud` places the points (``back``: undone)."""
    rot = _rotation(view)
    if back:
        rot = [list(col) for col in zip(*rot, strict=True)]  # the inverse turn
    centre = [float(cuboid["x"]), float(cuboid["y"]), float(cuboid["z"])]
    if back:
        centre = [c - t for c, t in zip(centre, view[:3], strict=True)]
    yaw = float(cuboid.get("yaw") or 0.0)
    heading = (math.cos(yaw), math.sin(yaw), 0.0)
    moved = [sum(r * c for r, c in zip(row, centre, strict=True)) for row in rot]
    if not back:
        moved = [m + t for m, t in zip(moved, view[:3], strict=True)]
    turned = [sum(r * h for r, h in zip(row, heading, strict=True)) for row in rot]
    return {**cuboid, "x": moved[0], "y": moved[1], "z": moved[2],
            "yaw": math.atan2(turned[1], turned[0])}


def _file(blobs: Any, source_uri: str | None, sha256: str) -> Path:
    from datamill.production.media import item_path

    return item_path(blobs, SimpleNamespace(source_uri=source_uri, sha256=sha256))


def _old_pcd(attributes: dict[str, Any], filename: str) -> bool:
    fmt = attributes.get("format")
    pcd = fmt == "pcd" or (fmt is None and filename.lower().endswith(".pcd"))
    return pcd and not attributes.get("viewpoint") and not attributes.get("viewpoint_applied")


def _convert(*, back: bool) -> None:
    conn = op.get_bind()
    items = [row for row in conn.execute(sa.text(
        "SELECT i.id, i.attributes, i.filename, i.sha256, i.source_uri FROM items i "
        "JOIN projects p ON p.id = i.project_id WHERE p.modality = 'pointcloud'"))
        if _old_pcd(_json(row[1]) or {}, row[2] or "")]
    if not items:
        return
    blobs: Any = None
    update = sa.text("UPDATE annotations SET payload = :payload WHERE id = :id").bindparams(
        sa.bindparam("payload", type_=sa.JSON()))
    drafts = sa.text("UPDATE web_drafts SET payload = :payload WHERE id = :id").bindparams(
        sa.bindparam("payload", type_=sa.JSON()))
    for item_id, _attributes, filename, sha256, source_uri in items:
        rows = [(update, ann_id, _json(payload)) for ann_id, payload, created in conn.execute(
            sa.text("SELECT id, payload, created_at FROM annotations WHERE item_id = :item"),
            {"item": item_id}) if (_when(created) or CUTOFF) < CUTOFF]
        # an autosaved draft last saved before then: drawn on the unplaced points too
        rows += [(drafts, draft_id, _json(payload)) for draft_id, payload, saved in conn.execute(
            sa.text("SELECT d.id, d.payload, d.updated_at FROM web_drafts d JOIN tasks t "
                    "ON t.id = d.task_id WHERE t.item_id = :item"), {"item": item_id})
            if (_when(saved) or CUTOFF) < CUTOFF]
        rows = [(q, i, p) for q, i, p in rows if isinstance(p, dict) and p.get("objects")]
        if not rows:
            continue
        try:
            if blobs is None:  # the store the settings name (DATAMILL_HOME, storage_url)
                from datamill.config import get_settings
                from datamill.storage.blobstore import BlobStore

                blobs = BlobStore.from_settings(get_settings())
            view = header_viewpoint(_file(blobs, source_uri, sha256 or ""))
        except Exception as err:  # noqa: BLE001 - any unreadable file: leave it, say which
            _log.warning("pz001: item %s (%s): its file cannot be read (%s); its cuboids are "
                         "left where they were", item_id, filename, err)
            continue
        if view is None:
            continue
        for query, row_id, payload in rows:
            objects = [place_cuboid(o, view, back=back) if isinstance(o, dict) else o
                       for o in payload["objects"]]
            conn.execute(query, {"payload": {**payload, "objects": objects}, "id": row_id})


def upgrade() -> None:
    _convert(back=False)


def downgrade() -> None:
    _convert(back=True)
