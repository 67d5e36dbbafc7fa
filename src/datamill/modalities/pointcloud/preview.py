"""What the web workbench draws of a frame: its valid points as little-endian float32
``x, y, z, intensity`` quadruples (at most :data:`PREVIEW_MAX_POINTS`, an even random thinning
with a fixed seed, so a frame always looks the same), cached per blob under
``<cache>/derived/cloud-preview/<sha[:2]>/<sha>.v2.f32`` (written to a temporary name and renamed
into place; ``v2``: a PCD's VIEWPOINT places the points, so a preview made before it is not
served). The browser reads it straight into a ``Float32Array``; no parser runs there.
A frame in map or UTM coordinates, which float32 would move by centimetres to half a metre,
is sent as float64 quadruples instead (``<sha>.v2.f64``, content type
``application/octet-stream; dtype=float64``), read into a ``Float64Array``.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datamill.modalities.pointcloud.cloud import float32_moves, read_cloud

__all__ = ["PREVIEW_MAX_POINTS", "CloudPreview", "cached_preview", "preview_points"]

#: enough for a bird's-eye view of one sweep; ~3 MiB over the wire
PREVIEW_MAX_POINTS = 200_000


@dataclass(frozen=True)
class CloudPreview:
    """A rendered preview: its file, content type and point count."""

    path: Path
    media_type: str
    points: int


def preview_points(points: np.ndarray, limit: int = PREVIEW_MAX_POINTS,
                   dtype: str = "<f4") -> np.ndarray:
    """The valid points of ``points`` thinned to at most ``limit``, as ``dtype`` (float32)
    N x 4."""
    valid = points[np.isfinite(points[:, :3]).all(axis=1)]
    if len(valid) > limit:
        keep = np.sort(np.random.default_rng(0).choice(len(valid), limit, replace=False))
        valid = valid[keep]
    return np.ascontiguousarray(valid[:, :4], dtype=dtype)


def cached_preview(src: Path, sha256: str, cache_dir: Path) -> CloudPreview:
    """The preview of the blob ``sha256`` (bytes at ``src``), made once, then served from the
    cache; CloudDecodeError when the file is not a readable point cloud."""
    if len(sha256) < 2 or not sha256.isalnum():  # noqa: PLR2004 - a fan-out folder needs 2
        raise ValueError(f"not a content hash: {sha256!r}")
    folder = cache_dir / "derived" / "cloud-preview" / sha256[:2]
    narrow, wide = folder / f"{sha256}.v2.f32", folder / f"{sha256}.v2.f64"
    if not narrow.exists() and not wide.exists():
        points = read_cloud(src).points
        path = wide if float32_moves(points) else narrow
        data = preview_points(points, dtype="<f8" if path is wide else "<f4")
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
        data.tofile(tmp)
        os.replace(tmp, path)
    if wide.exists():
        return CloudPreview(wide, "application/octet-stream; dtype=float64",
                            wide.stat().st_size // 32)
    return CloudPreview(narrow, "application/octet-stream", narrow.stat().st_size // 16)
