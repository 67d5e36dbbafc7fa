"""Sensor poses of point-cloud frames, and carrying cuboids from one frame into the next.

A frame captured in a sequence may carry its sensor's pose in the collection manifest's ``pose``
column: the transform from the frame's own (sensor) coordinates into one fixed world frame
(the map, the drive's first frame). Accepted, as JSON text (or a JSON value in a JSONL
manifest) or as numbers separated by spaces or commas:

* 16 numbers, a 4x4 matrix row by row (its last row ``0 0 0 1``), or 4 rows of 4;
* 12 numbers, the top 3x4 of it (a KITTI odometry ``poses.txt`` line);
* 7 numbers ``tx ty tz qw qx qy qz``: translation and a unit quaternion, scalar first;
* ``{"translation": [tx, ty, tz], "rotation": [qw, qx, qy, qz]}`` (a nuScenes ``ego_pose``).

The rotation must be a rotation (orthonormal within 1e-3, determinant +1); a quaternion is
normalised (refused when its length is not within 1e-3 of 1 or it is zero). The item stores the
4x4 row by row (``pose``). A refusal is coded ``pc_pose_*`` (English and zh-CN words).

A PCD's header ``VIEWPOINT`` has already placed the frame's points when they are read
(:mod:`.cloud`), so a pose applies after it: ``world = pose @ viewpoint @ p``. That is the
nuScenes and KITTI chain: the VIEWPOINT as the sensor's mount on the vehicle (nuScenes'
``calibrated_sensor``, "with respect to the ego vehicle body frame"; KITTI's velodyne-to-camera
``Tr``) and the pose as the vehicle's in the world (``ego_pose``; a KITTI ``poses.txt`` line),
which is why the ``nuscenes`` delivery writes the pose as ``ego_pose`` and the identity as
``calibrated_sensor``. A VIEWPOINT that already places the scan in the world (a map-registered
scan) wants no pose: both would move it twice.

"Copy previous frame" then moves each cuboid from the earlier frame's coordinates into this
frame's: ``inv(pose_now) @ pose_before`` applied to its centre, and the turn about z added to
its heading (cuboids turn about z only; the relative roll and pitch of two frames of one drive
are small and are not represented). Without a pose on both frames the cuboids are copied as
they are (the annotator moves them).
"""

from __future__ import annotations

import json
import math
from typing import Any, Final

import numpy as np

from datamill.core.errors import InvalidInput

__all__ = ["MAX_TRANSLATION_M", "carry_cuboids", "parse_pose"]

_TOLERANCE: Final = 1e-3
_ROWS: Final = 4
#: the farthest a pose may place its sensor: UTM northings stay below 1e7 m; 1e300 made a
#: copied cuboid's x infinite (and the API's JSON invalid)
MAX_TRANSLATION_M: Final = 1e8


def parse_pose(value: Any) -> tuple[float, ...] | None:
    """The 4x4 pose (16 floats, row by row) ``value`` gives (see the module); None for none.

    Raises:
        InvalidInput: ``value`` is not one of the accepted forms or not a rigid transform.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = json.loads(text) if text[:1] in "[{" else [
                float(v) for v in text.replace(",", " ").split()]
        except ValueError as err:
            raise _refused("pc_pose_text", f"not JSON nor numbers ({err})") from err
    if isinstance(value, dict):
        value = list(_from_quaternion([*_numbers(value.get("translation"), 3, "translation"),
                                       *_numbers(value.get("rotation"), 4, "rotation")]))
    if isinstance(value, list) and value and all(isinstance(row, list) for row in value):
        value = [v for row in value for v in row]
    numbers = _numbers(value, None, "pose")
    if len(numbers) == 7:  # noqa: PLR2004
        numbers = list(_from_quaternion(numbers))
    if len(numbers) == 12:  # noqa: PLR2004
        numbers = [*numbers, 0.0, 0.0, 0.0, 1.0]
    if len(numbers) != 16:  # noqa: PLR2004
        raise _refused("pc_pose_count", f"{len(numbers)} numbers; give 16 (4x4), 12 (3x4) or "
                       "7 (tx ty tz qw qx qy qz)", count=len(numbers))
    matrix = np.array(numbers, dtype=np.float64).reshape(_ROWS, _ROWS)
    if not np.allclose(matrix[3], (0.0, 0.0, 0.0, 1.0), atol=_TOLERANCE):
        raise _refused("pc_pose_last_row", "the last row of a 4x4 pose must be 0 0 0 1")
    rotation = matrix[:3, :3]
    if (not np.allclose(rotation.T @ rotation, np.eye(3), atol=_TOLERANCE)
            or np.linalg.det(rotation) <= 0):
        raise _refused("pc_pose_not_rotation",
                       "its 3x3 part is not a rotation (orthonormal, determinant +1)")
    if np.abs(matrix[:3, 3]).max() > MAX_TRANSLATION_M:
        raise _refused("pc_pose_far", f"its translation is beyond {MAX_TRANSLATION_M:.0e} m",
                       limit=f"{MAX_TRANSLATION_M:.0e}")
    matrix[3] = (0.0, 0.0, 0.0, 1.0)
    return tuple(float(v) for v in matrix.reshape(-1))


def _refused(code: str, why: str, **values: Any) -> InvalidInput:
    """The refusal of a pose, coded (``pc_pose_*``, worded in English and zh-CN)."""
    return InvalidInput(f"pose: {why}", field="pose", reason_code=code, why=why, **values)


def _numbers(value: Any, count: int | None, name: str) -> list[float]:
    if not isinstance(value, list) or (count is not None and len(value) != count):
        raise _refused("pc_pose_numbers", f"{name} must be a list of {count or 'some'} numbers",
                       part=name)
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise _refused("pc_pose_numbers", f"{name} must hold numbers only", part=name)
    numbers = [float(v) for v in value]
    if not all(math.isfinite(v) for v in numbers):
        raise _refused("pc_pose_numbers", f"{name} holds a number that is not finite",
                       part=name)
    return numbers


def _from_quaternion(numbers: list[float]) -> tuple[float, ...]:
    tx, ty, tz, w, x, y, z = numbers
    norm = math.sqrt(w * w + x * x + y * y + z * z)
    if abs(norm - 1.0) > _TOLERANCE:
        raise _refused("pc_pose_quaternion", f"the quaternion's length is {norm:g}, not 1",
                       length=f"{norm:g}")
    w, x, y, z = w / norm, x / norm, y / norm, z / norm
    return (1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w), tx,
            2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w), ty,
            2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y), tz,
            0.0, 0.0, 0.0, 1.0)


def carry_cuboids(payload: Any, before: Any, now: Any) -> tuple[Any, bool]:
    """``payload`` (an annotation document of the frame posed ``before``) with its cuboids
    moved into the coordinates of the frame posed ``now`` (16-number poses, see the module),
    and whether they were moved; as it is when either pose is missing or the document holds
    no list of objects."""
    if (not isinstance(payload, dict) or not isinstance(payload.get("objects"), list)
            or not _pose_ok(before) or not _pose_ok(now)):
        return payload, False
    relative = (np.linalg.inv(np.array(now, dtype=np.float64).reshape(_ROWS, _ROWS))
                @ np.array(before, dtype=np.float64).reshape(_ROWS, _ROWS))
    turn = math.atan2(relative[1, 0], relative[0, 0])
    objects = []
    for obj in payload["objects"]:
        if not isinstance(obj, dict) or not all(
                isinstance(obj.get(k), int | float) for k in ("x", "y", "z")):
            objects.append(obj)
            continue
        x, y, z, _ = relative @ np.array([obj["x"], obj["y"], obj["z"], 1.0])
        if not all(math.isfinite(v) for v in (x, y, z)):
            objects.append(obj)
            continue
        yaw = float(obj.get("yaw") or 0.0) + turn
        yaw = math.atan2(math.sin(yaw), math.cos(yaw))
        objects.append({**obj, "x": round(float(x), 6), "y": round(float(y), 6),
                        "z": round(float(z), 6), "yaw": round(yaw, 9)})
    return {**payload, "objects": objects}, True


def _pose_ok(pose: Any) -> bool:
    return (isinstance(pose, list | tuple) and len(pose) == _ROWS * _ROWS
            and all(isinstance(v, int | float) and math.isfinite(v) for v in pose))
