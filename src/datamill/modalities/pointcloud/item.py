"""What a point-cloud exporter needs to know about one delivered frame (no DB objects)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from datamill.modalities.pointcloud.schema import PointCloudAnnotation

__all__ = ["PointCloudExportItem"]


@dataclass(frozen=True)
class PointCloudExportItem:
    """One frame and its current annotation.

    Attributes:
        id: Item id; becomes a file name stem (no whitespace, control characters or path
            separators).
        cloud_path: The point-cloud file, readable now.
        cloud_name: Where the package holds the file, relative to the package (``clouds/...``).
        sha256: sha256 of the file, as stored by the loop.
        points: Points in the file.
        sequence: The sequence (drive) the frame belongs to, if any.
        frame: The frame's index in its sequence, if any.
        annotation: The cuboids, in the sensor frame (metres, radians).
        pose: The sensor's pose in the sequence's world frame, a 4x4 row by row (the
            manifest's ``pose``), if any.
        viewpoint: The PCD file's non-identity ``VIEWPOINT`` (tx ty tz qw qx qy qz), which
            places the file's points where the cuboids are (turned, then moved), if any.
    """

    id: str
    cloud_path: Path
    cloud_name: str
    sha256: str
    points: int
    annotation: PointCloudAnnotation
    sequence: str | None = None
    frame: int | None = None
    pose: tuple[float, ...] | None = None
    viewpoint: tuple[float, ...] | None = None
