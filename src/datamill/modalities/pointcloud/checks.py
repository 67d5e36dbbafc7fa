"""Automatic checks of one point-cloud frame, every value stored (spec ``requirements.cloud``).

==================  ===================================================================
``decodable``       the file reads as a point cloud (value: points)
``points``          at least ``min_points`` valid points (value: valid points)
``invalid_points``  share of points with a NaN or infinite coordinate at most
                    ``max_invalid_share`` (value: the share)
``range``           99th-percentile horizontal range at most ``max_range_m`` (value: metres;
                    about the middle of a frame in map coordinates, kilometres away);
                    a cloud written in millimetres fails here
``height_extent``   z extent at least ``min_height_extent_m`` (value: metres); a flat cloud
                    is a plane or has its axes mixed up
``intensity``       the file has an intensity field, when ``require_intensity`` (value: 1/0)
==================  ===================================================================
"""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.base import CheckOutcome
from datamill.modalities.pointcloud.cloud import read_cloud, summarize
from datamill.modalities.pointcloud.errors import CloudDecodeError
from datamill.modalities.pointcloud.schema import CheckSettings

__all__ = ["run_cloud_checks"]


def run_cloud_checks(path: Path, settings: CheckSettings) -> list[CheckOutcome]:
    """Every check of ``path`` (a file that cannot be read fails ``decodable`` and nothing
    else is measured)."""
    try:
        cloud = read_cloud(path)
    except CloudDecodeError as err:
        return [CheckOutcome("decodable", False, None, str(err))]
    facts = summarize(cloud.points, cloud.viewpoint)
    total = int(facts["points"])  # type: ignore[call-overload]
    invalid = int(facts["invalid_points"])  # type: ignore[call-overload]
    valid = total - invalid
    out = [CheckOutcome("decodable", True, float(total))]
    out.append(CheckOutcome(
        "points", valid >= settings.min_points, float(valid),
        None if valid >= settings.min_points else
        f"{valid:,} valid points, fewer than the {settings.min_points:,} a frame needs "
        "(an empty or cut-off sweep?)"))
    share = invalid / total if total else 1.0
    out.append(CheckOutcome(
        "invalid_points", share <= settings.max_invalid_share, round(share, 6),
        None if share <= settings.max_invalid_share else
        f"{share:.1%} of the points have a NaN or infinite coordinate (at most "
        f"{settings.max_invalid_share:.1%}); drop them at the sensor's driver or re-export"))
    if valid:
        reach = float(facts["range_p99_m"])  # type: ignore[arg-type]
        out.append(CheckOutcome(
            "range", reach <= settings.max_range_m, reach,
            None if reach <= settings.max_range_m else
            f"99% of the points lie within {reach:,.1f} m, beyond the {settings.max_range_m:g} m "
            "a lidar sees; are the coordinates in millimetres instead of metres?"))
        bounds = facts["bounds"]
        extent = float(bounds[5] - bounds[2])  # type: ignore[index]
        out.append(CheckOutcome(
            "height_extent", extent >= settings.min_height_extent_m, round(extent, 4),
            None if extent >= settings.min_height_extent_m else
            f"the points span only {extent:.3f} m in height (z); a frame needs at least "
            f"{settings.min_height_extent_m:g} m: is it a flat plane, or are the axes mixed up?"))
    if settings.require_intensity:
        out.append(CheckOutcome(
            "intensity", cloud.has_intensity, float(cloud.has_intensity),
            None if cloud.has_intensity else
            f"the file has no intensity field (fields: {', '.join(cloud.fields)}); the spec "
            "asks for intensity"))
    return out

