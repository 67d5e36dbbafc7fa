"""Pre-labelled point clouds: OpenPCDet's custom dataset layout (see :mod:`.exporters`).

``detect`` answers 0.9 for a folder holding ``points/`` and ``labels/``; ``iter_items`` yields
each ``points/<id>.npy`` (or ``.bin``/``.pcd``/``.ply``) with the cuboids of ``labels/<id>.txt``
(``x y z dx dy dz heading_angle category_name`` a line; a frame without a label file has no
cuboids). A malformed line is a :class:`LabelFileError` naming the file and line, before any
item of a bad file is handed on, and so is a label file with no cloud of its name (its cuboids
were lost without a word). Files reached through a link that leaves the folder are
refused.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from pydantic import ValidationError

from datamill.modalities.pointcloud.errors import LabelFileError
from datamill.modalities.pointcloud.schema import MAX_OBJECTS, Cuboid, PointCloudAnnotation

__all__ = ["MAX_LABEL_BYTES", "OpenPcdetImporter", "parse_label_file"]

_CLOUDS = (".npy", ".bin", ".pcd", ".ply")
#: a label line is under 100 bytes; a frame holds at most MAX_OBJECTS of them
MAX_LABEL_BYTES = 1 << 20


def parse_label_file(path: Path) -> PointCloudAnnotation:
    """The cuboids of one OpenPCDet label file (LabelFileError naming the line)."""
    if not path.is_file():  # a FIFO or a device would block or never end
        raise LabelFileError(f"{path.name} is not a regular file", file=path.name,
                             reason_code="pcdet_not_regular")
    if path.stat().st_size > MAX_LABEL_BYTES:
        size = f"{path.stat().st_size:,}"
        raise LabelFileError(f"{path.name} is {size} bytes, more than the "
                             f"{MAX_LABEL_BYTES:,} a frame's cuboids take", file=path.name,
                             reason_code="pcdet_too_large", size=size,
                             most=f"{MAX_LABEL_BYTES:,}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise LabelFileError(f"{path.name} is not UTF-8 text (byte {err.start})",
                             file=path.name, reason_code="pcdet_not_utf8",
                             byte=err.start) from err
    objects = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields:
            continue
        if len(fields) != 8:
            raise LabelFileError(
                f"{path.name} line {number}: {len(fields)} fields, expected 8 "
                "(x y z dx dy dz heading_angle category_name)", file=path.name, line=number,
                reason_code="pcdet_field_count", count=len(fields))
        values = []
        for position, text in enumerate(fields[:7], start=1):
            try:
                values.append(float(text))
            except ValueError as err:
                raise LabelFileError(f"{path.name} line {number}: {err}", file=path.name,
                                     line=number, reason_code="pcdet_not_a_number",
                                     position=position, given=text[:40]) from err
        if not all(math.isfinite(v) for v in values):
            raise LabelFileError(f"{path.name} line {number}: a value is not a finite number",
                                 file=path.name, line=number, reason_code="pcdet_not_finite")
        x, y, z, dx, dy, dz, yaw = values
        try:
            objects.append(Cuboid(label=fields[7], x=x, y=y, z=z, length=dx, width=dy,
                                  height=dz, yaw=yaw))
        except ValidationError as err:
            problem = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                                for e in err.errors(include_url=False))
            raise LabelFileError(f"{path.name} line {number}: {problem}", file=path.name,
                                 line=number, reason_code="pcdet_cuboid_invalid",
                                 detail=problem) from err
        if len(objects) > MAX_OBJECTS:
            raise LabelFileError(f"{path.name} line {number}: more than {MAX_OBJECTS} cuboids "
                                 "in one frame", file=path.name, line=number,
                                 reason_code="pcdet_too_many", most=MAX_OBJECTS)
    return PointCloudAnnotation(objects=tuple(objects))


class OpenPcdetImporter:
    """Reads an OpenPCDet custom dataset folder (see the module's description)."""

    name: ClassVar[str] = "openpcdet"

    def detect(self, path: Path) -> float:
        if not path.is_dir():
            return 0.0
        return 0.9 if (path / "points").is_dir() and (path / "labels").is_dir() else 0.0

    def iter_items(self, path: Path) -> Iterator[tuple[Path, PointCloudAnnotation]]:
        root = path.resolve()
        points = path / "points"
        if not points.is_dir():
            raise LabelFileError(f"{path.name} has no points/ folder: not an OpenPCDet dataset",
                                 file=path.name, reason_code="pcdet_no_points")
        clouds = sorted(p for p in points.iterdir() if p.suffix.lower() in _CLOUDS)
        labels = path / "labels"
        stems = {c.stem for c in clouds}
        orphans = sorted(p.name for p in labels.glob("*.txt") if p.stem not in stems) \
            if labels.is_dir() else []
        if orphans:  # their cuboids would be lost without a word
            shown = ", ".join(f"labels/{n}" for n in orphans[:5])
            more = f" (and {len(orphans) - 5} more)" if len(orphans) > 5 else ""
            raise LabelFileError(
                f"{shown}{more}: no point cloud of that name in points/ "
                f"({', '.join(_CLOUDS)}); each labels/<id>.txt belongs to points/<id>.*",
                file=orphans[0], reason_code="pcdet_label_orphan", shown=f"{shown}{more}")
        for cloud in clouds:
            if not cloud.resolve().is_relative_to(root):
                raise LabelFileError(f"{cloud.name} links outside the dataset folder",
                                     file=cloud.name, reason_code="pcdet_link_outside")
            label = path / "labels" / f"{cloud.stem}.txt"
            if label.exists():
                if not label.resolve().is_relative_to(root):
                    raise LabelFileError(f"{label.name} links outside the dataset folder",
                                         file=label.name, reason_code="pcdet_link_outside")
                yield cloud, parse_label_file(label)
            else:
                yield cloud, PointCloudAnnotation()
