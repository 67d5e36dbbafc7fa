"""Reading point-cloud files: PCD (PCL's format, through ``pypcd4``), KITTI ``.bin`` (float32
x, y, z, intensity) or nuScenes ``.pcd.bin`` (float32 x, y, z, intensity, ring index: told
apart by its 20-byte rows whose fifth value is a whole number 0..255), PLY (through ``plyfile``) and NumPy ``.npy`` (N x 3 or N x 4, OpenPCDet's
custom layout).

:func:`read_cloud` gives an ``(N, 4)`` array (x, y, z, intensity; intensity 0 where the
file has none) and the file's field names: float32, or float64 where the file's coordinates
are float64 (PLY ``double``, PCD ``F`` of size 8) and float32 would move them (map or UTM
coordinates: at 4,000 km float32 is 0.25-0.5 m coarse); :func:`float32_shift_m` says how far. The point count is read from the header first and
refused above :data:`MAX_POINTS`, so a hostile header cannot make us allocate gigabytes.

A PCD's ``VIEWPOINT tx ty tz qw qx qy qz`` (the sensor's pose, PCL's ``sensor_origin_`` and
``sensor_orientation_``) places its points as PCL's viewer does: each point is turned by the
quaternion, then moved by the translation; :attr:`Cloud.viewpoint` keeps it (None for the
identity ``0 0 0 1 0 0 0``). A quaternion whose length is not 1 (within 1e-3), a number that is
not finite, or a translation beyond 1e8 m is refused (``pc_viewpoint_*``).
A manifest ``pose`` (:mod:`.pose`) applies after the VIEWPOINT: the VIEWPOINT is read as the
sensor's mount on the vehicle, the pose as the vehicle's in the world (nuScenes'
``calibrated_sensor`` then ``ego_pose``).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from datamill.modalities.pointcloud.errors import CloudDecodeError

__all__ = ["FLOAT32_TOLERANCE_M", "MAP_FRAME_M", "MAX_POINTS", "Cloud", "cloud_format",
           "file_viewpoint", "float32_moves", "float32_shift_m", "map_origin", "read_cloud",
           "summarize"]

#: more points than any one lidar frame holds (a 128-beam sensor gives ~2.6 M per sweep)
MAX_POINTS = 20_000_000
_MAX_BYTES = 1 << 30  # a PCD row may hold many fields: bound the bytes too
_MAX_HEADER_LINE = 4096  # bytes of one PCD header line
_MAX_HEADER_LINES = 256  # PCD header lines, comments included
#: LZF turns 3 bytes into at most 264 (a back reference): a larger ratio is a lie
_LZF_MAX_RATIO = 90
_MAX_COLUMNS = 64  # of an .npy array (x, y, z, intensity and a few more)
_INTENSITY = ("intensity", "i", "reflectance", "remission")
_SUFFIXES = {".pcd": "pcd", ".bin": "bin", ".ply": "ply", ".npy": "npy"}


@dataclass(frozen=True)
class Cloud:
    """Points as ``(N, 4)`` float32, or float64 where float32 would move a coordinate
    (x, y, z, intensity), and what the file called its fields."""

    points: np.ndarray
    format: str
    fields: tuple[str, ...]
    has_intensity: bool
    #: a PCD's non-identity ``VIEWPOINT`` (tx ty tz qw qx qy qz), already applied to ``points``
    viewpoint: tuple[float, ...] | None = None


def cloud_format(path: Path) -> str:
    """The file's format: by its first bytes (PLY's ``ply``, NumPy's magic, a PCD header),
    else by its suffix (KITTI ``.bin`` has no header); a file without a suffix (a stored blob)
    that none of the magics match is read as KITTI ``.bin``. CloudDecodeError for any other
    suffix."""
    try:
        with path.open("rb") as fh:
            head = fh.read(256)
    except OSError as err:
        raise CloudDecodeError(f"{path.name} cannot be read: {err.strerror or err}",
                               file=path.name, reason_code="pc_unreadable",
                               why=str(err.strerror or err)) from err
    if head.startswith(b"ply\n") or head.startswith(b"ply\r\n"):
        return "ply"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    first = head.lstrip().split(b"\n", 1)[0]
    if first.startswith(b"# .PCD") or first.startswith(b"VERSION") or first.startswith(b"FIELDS"):
        return "pcd"
    if not path.suffix:
        return "bin"
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise CloudDecodeError(
            f"{path.name}: not a point-cloud file (use {', '.join(_SUFFIXES)})", file=path.name,
            reason_code="pc_not_cloud_file", suffixes=list(_SUFFIXES))
    return fmt


def _too_many(path: Path, count: int) -> None:
    if count > MAX_POINTS:
        raise CloudDecodeError(
            f"{path.name} declares {count:,} points, more than the {MAX_POINTS:,} one frame may "
            "hold", file=path.name, reason_code="pc_too_many_points", count=f"{count:,}",
            limit=f"{MAX_POINTS:,}")


def _stack(path: Path, fmt: str, columns: dict[str, np.ndarray]) -> Cloud:
    names = tuple(columns)
    missing = [axis for axis in ("x", "y", "z") if axis not in columns]
    if missing:
        raise CloudDecodeError(
            f"{path.name} has no {'/'.join(missing)} field (fields: {', '.join(names) or 'none'})",
            file=path.name, reason_code="pc_no_xyz", missing="/".join(missing),
            fields=", ".join(names) or "-")
    intensity = next((columns[n] for n in _INTENSITY if n in columns), None)
    n = len(columns["x"])
    out = np.empty((n, 4), dtype=np.float64 if any(
        _needs_float64(columns[axis]) for axis in ("x", "y", "z")) else np.float32)
    for i, axis in enumerate(("x", "y", "z")):
        out[:, i] = columns[axis]
    out[:, 3] = intensity if intensity is not None else 0.0
    return Cloud(out, fmt, names, intensity is not None)


def _needs_float64(column: np.ndarray) -> bool:
    """Whether float32 would change a value of ``column`` (a float64 or wide integer field)."""
    if column.dtype == np.float32 or column.dtype.itemsize < 4:  # noqa: PLR2004 - 16-bit fits
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        narrow = column.astype(np.float32)
    return not bool(np.array_equal(narrow, column, equal_nan=True))


#: how far float32 may move a point before a frame counts as one float32 cannot hold (1 mm)
FLOAT32_TOLERANCE_M = 1e-3


def float32_moves(points: np.ndarray) -> bool:
    """Whether writing ``points`` as float32 moves one by more than
    :data:`FLOAT32_TOLERANCE_M` (a frame in map or UTM coordinates)."""
    return float32_shift_m(points) > FLOAT32_TOLERANCE_M


def float32_shift_m(points: np.ndarray) -> float:
    """How far (metres, the largest coordinate change) writing ``points`` as float32 moves a
    point: 0 for float32 points (NaN and inf rows left out)."""
    if points.dtype == np.float32 or not len(points):
        return 0.0
    xyz = points[:, :3]
    with np.errstate(over="ignore", invalid="ignore"):
        shift = np.abs(xyz.astype(np.float32).astype(np.float64) - xyz)
    finite = shift[np.isfinite(shift)]
    return float(finite.max()) if finite.size else 0.0


def _header_lines(path: Path, fh: BinaryIO) -> list[str]:
    """The PCD header's lines (comments left out), read a bounded line at a time: a header
    that never ends, or a line of megabytes, is refused at once."""
    lines: list[str] = []
    for _ in range(_MAX_HEADER_LINES):
        raw = fh.readline(_MAX_HEADER_LINE + 1)
        if len(raw) > _MAX_HEADER_LINE:
            raise CloudDecodeError(f"{path.name}: a PCD header line is longer than "
                                   f"{_MAX_HEADER_LINE:,} bytes", file=path.name,
                                   reason_code="pc_header_line_long",
                                   limit=f"{_MAX_HEADER_LINE:,}")
        if not raw:
            break
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError as err:
            raise CloudDecodeError(f"{path.name}: the PCD header is not UTF-8 text (byte "
                                   f"{err.start} of a header line)", file=path.name,
                                   reason_code="pc_header_not_utf8") from err
        if line and not line.startswith("#"):
            lines.append(line)
        if line.startswith("DATA") or len(lines) >= 10:  # noqa: PLR2004 - pypcd4 reads 10
            return lines
    raise CloudDecodeError(f"{path.name}: the PCD header has no DATA line", file=path.name,
                           reason_code="pc_no_data_line")


def _pcd_meta(path: Path, lines: list[str]) -> Any:
    from pydantic import ValidationError
    from pypcd4.pypcd4 import MetaData

    try:
        return MetaData.parse_header(lines)
    except ValidationError as err:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}"
                             for e in err.errors(include_url=False))
        raise CloudDecodeError(f"{path.name}: bad PCD header ({problems})",
                               file=path.name, reason_code="pc_bad_header",
                               problem=problems) from err
    except ValueError as err:  # int("abc") in WIDTH, POINTS ...
        raise CloudDecodeError(f"{path.name}: bad PCD header ({err})", file=path.name,
                               reason_code="pc_bad_header", problem=str(err)) from err


def _check_pcd_sizes(path: Path, fh: BinaryIO, meta: Any) -> None:
    """The header's counts against each other and against the bytes that follow it, before
    pypcd4 allocates anything: POINTS = WIDTH x HEIGHT, at most MAX_POINTS, enough bytes
    for a binary body, and a binary_compressed body whose sizes fit the file and LZF's
    largest ratio (so a few bytes cannot claim a gigabyte)."""
    points = int(meta.points)
    if int(meta.width) * int(meta.height) != points:
        raise CloudDecodeError(
            f"{path.name}: the PCD header declares WIDTH {int(meta.width):,} x HEIGHT "
            f"{int(meta.height):,} but POINTS {points:,}", file=path.name,
            reason_code="pc_points_not_width_height", width=f"{int(meta.width):,}",
            height=f"{int(meta.height):,}", points=f"{points:,}")
    _too_many(path, points)
    row = sum(int(s) * int(c) for s, c in zip(meta.size, meta.count, strict=True))
    if row * points > _MAX_BYTES:
        raise CloudDecodeError(
            f"{path.name} declares {row * points:,} bytes of points, more than {_MAX_BYTES:,}",
            file=path.name, reason_code="pc_too_many_bytes", bytes=f"{row * points:,}",
            limit=f"{_MAX_BYTES:,}")
    data_at = fh.tell()
    left = path.stat().st_size - data_at
    data = str(getattr(meta.data, "value", meta.data))
    values = points * sum(int(c) for c in meta.count)
    if data == "binary" and left < row * points:
        raise CloudDecodeError(
            f"{path.name} is truncated: its header declares {points:,} points "
            f"({row * points:,} bytes) but {left:,} bytes follow it", file=path.name,
            reason_code="pc_truncated", points=f"{points:,}", need=f"{row * points:,}",
            left=f"{left:,}")
    if data == "ascii" and left < values:  # each value takes a byte at least
        raise CloudDecodeError(
            f"{path.name} is truncated: its header declares {points:,} points of ASCII text "
            f"but only {left:,} bytes follow it", file=path.name,
            reason_code="pc_truncated_text", points=f"{points:,}", left=f"{left:,}")
    if data != "ascii" and data != "binary" and points:
        sizes = fh.read(8)
        if len(sizes) < 8:  # noqa: PLR2004 - two uint32
            raise CloudDecodeError(f"{path.name} is truncated: no compressed data follow its "
                                   "header", file=path.name, reason_code="pc_no_compressed")
        packed, unpacked = struct.unpack("<II", sizes)
        if unpacked != row * points or packed > left - 8 or (
                unpacked > packed * _LZF_MAX_RATIO + 64):  # noqa: PLR2004 - a short literal run
            raise CloudDecodeError(
                f"{path.name}: its compressed data claim {packed:,} bytes that unpack to "
                f"{unpacked:,}, but the header needs {row * points:,} bytes and {left - 8:,} "
                "follow it (a corrupt or hostile binary_compressed PCD)", file=path.name,
                reason_code="pc_compressed_sizes")
    fh.seek(data_at)


_IDENTITY_VIEWPOINT = (0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0)
_VIEWPOINT_FAR_M = 1e8  # as a manifest pose (pose.MAX_TRANSLATION_M)


def _viewpoint(path: Path, meta: Any) -> tuple[float, ...] | None:
    """The header's VIEWPOINT when it is not the identity; refused when it is not a pose."""
    view = tuple(float(v) for v in meta.viewpoint)
    if view == _IDENTITY_VIEWPOINT:
        return None
    text = " ".join(f"{v:g}" for v in view)
    if not all(np.isfinite(view)) or max(abs(v) for v in view[:3]) > _VIEWPOINT_FAR_M:
        raise CloudDecodeError(
            f"{path.name}: its VIEWPOINT ({text}) holds a number that is not finite or a "
            f"translation beyond {_VIEWPOINT_FAR_M:.0e} m", file=path.name,
            reason_code="pc_viewpoint_numbers", viewpoint=text,
            limit=f"{_VIEWPOINT_FAR_M:.0e}")
    length = float(np.linalg.norm(view[3:]))
    if abs(length - 1.0) > 1e-3:  # noqa: PLR2004 - as a manifest pose's quaternion
        raise CloudDecodeError(
            f"{path.name}: its VIEWPOINT's quaternion (qw qx qy qz = {' '.join(text.split()[3:])}"
            f") has length {length:g}, not 1: the file's points cannot be placed",
            file=path.name, reason_code="pc_viewpoint_quaternion", viewpoint=text,
            length=f"{length:g}")
    return view


def file_viewpoint(path: Path) -> tuple[float, ...] | None:
    """The non-identity ``VIEWPOINT`` a PCD file's header places its points by, read from the
    header alone (None for the identity and for the other formats): what a frame described
    before its VIEWPOINT was kept has not recorded, though :func:`read_cloud` places it."""
    if cloud_format(path) != "pcd":
        return None
    with path.open("rb") as fh:
        return _viewpoint(path, _pcd_meta(path, _header_lines(path, fh)))


def _place(cloud: Cloud, view: tuple[float, ...]) -> Cloud:
    """``cloud`` with its points turned and moved by the PCD ``VIEWPOINT`` ``view`` (float64
    where float32 would move a placed point by more than a millimetre)."""
    from scipy.spatial.transform import Rotation

    placed = cloud.points.astype(np.float64)
    with np.errstate(invalid="ignore"):  # NaN rows stay NaN
        placed[:, :3] = Rotation.from_quat(view[3:], scalar_first=True).apply(
            placed[:, :3]) + np.asarray(view[:3])
    if not float32_moves(placed):
        placed = placed.astype(np.float32)
    return Cloud(placed, cloud.format, cloud.fields, cloud.has_intensity, view)


def _read_pcd(path: Path) -> Cloud:
    from pypcd4.pypcd4 import PointCloud

    try:
        with path.open("rb") as fh:
            meta = _pcd_meta(path, _header_lines(path, fh))
            _check_pcd_sizes(path, fh, meta)
            view = _viewpoint(path, meta)
            fh.seek(0)
            cloud = PointCloud.from_fileobj(fh)
        # pypcd4 renames each padding field ``_`` to a random name: give it back its own
        names = tuple("_" if str(f).startswith("#$%&~~") else str(f) for f in cloud.fields)
        data = cloud.numpy()
    except CloudDecodeError:
        raise
    except Exception as err:  # pypcd4 raises ValueError, KeyError, struct/lzf errors ...
        raise CloudDecodeError(f"{path.name} is not a readable PCD file (truncated or corrupt?): "
                               f"{err}", file=path.name, reason_code="pc_corrupt",
                               format="PCD", why=str(err)) from err
    if data.ndim != 2 or data.shape[1] != len(names) or len(data) != int(meta.points):
        raise CloudDecodeError(f"{path.name}: PCD data do not match its header (truncated?)",
                               file=path.name, reason_code="pc_data_not_header")
    stacked = _stack(path, "pcd",
                     {name: data[:, i] for i, name in enumerate(names) if name != "_"})
    return _place(stacked, view) if view is not None else stacked


def _nuscenes_rows(path: Path, size: int) -> np.ndarray | None:
    """The file as nuScenes rows (x, y, z, intensity, ring index) where it is one: 20 bytes a
    point and a fifth column of whole numbers 0..255 (the beam), the coordinates not all whole
    numbers. Read as KITTI's 16 bytes a
    point, such a file scrambles every point (a ring index becomes the next point's x)."""
    if size % 20 or not size:
        return None
    _too_many(path, size // 20)
    rows = np.fromfile(path, dtype="<f4").reshape(-1, 5)
    ring = rows[:, 4]
    with np.errstate(invalid="ignore"):
        whole = bool(np.all((ring >= 0) & (ring <= 255) & (ring == np.round(ring))))
        # a KITTI file of whole-number values (a grid, zeros) reads whole everywhere: not this
        grid = whole and bool(np.all(rows[:, :3] == np.round(rows[:, :3])))
    return rows if whole and not grid else None


def _read_bin(path: Path) -> Cloud:
    size = path.stat().st_size
    nuscenes = _nuscenes_rows(path, size)
    if nuscenes is not None:
        return Cloud(np.ascontiguousarray(nuscenes[:, :4]), "bin",
                     ("x", "y", "z", "intensity", "ring"), True)
    if size % 16:
        raise CloudDecodeError(
            f"{path.name} is {size:,} bytes, not a whole number of KITTI points (16 bytes: "
            "float32 x, y, z, intensity) nor of nuScenes points (20 bytes: x, y, z, "
            "intensity, ring index); the file is truncated or not a lidar .bin",
            file=path.name, reason_code="pc_bin_size", size=f"{size:,}")
    _too_many(path, size // 16)
    data = np.fromfile(path, dtype="<f4").reshape(-1, 4)
    return Cloud(data.astype(np.float32, copy=False), "bin", ("x", "y", "z", "intensity"), True)


def _check_ply_elements(path: Path, header: Any, left: int) -> None:
    """Every element's declared rows against the bytes after the header (each row takes a
    byte per property at least, its full size in a binary file), and no lists among the
    vertices or in another element (a mesh's faces are not a point cloud), before plyfile
    allocates anything."""
    from plyfile import PlyListProperty

    binary = not header.text
    for element in header.elements:
        count = int(element.count)
        if count < 0:
            raise CloudDecodeError(f"{path.name}: PLY element {element.name!r} declares "
                                   f"{count} rows", file=path.name,
                                   reason_code="pc_ply_rows", element=element.name,
                                   rows=str(count), left=f"{left:,}")
        lists = [p.name for p in element.properties if isinstance(p, PlyListProperty)]
        if lists and (element.name == "vertex" or count):
            raise CloudDecodeError(
                f"{path.name}: PLY element {element.name!r} has list properties "
                f"({', '.join(lists)}); a point cloud is vertices of single values (is it a "
                "mesh?)", file=path.name, reason_code="pc_ply_lists", element=element.name,
                names=", ".join(lists))
        least = sum(np.dtype(p.val_dtype).itemsize if binary else 2
                    for p in element.properties)
        if count * max(least, 1) > left + 1:  # an ASCII file may end without a newline
            raise CloudDecodeError(
                f"{path.name}: PLY element {element.name!r} declares {count:,} rows, more "
                f"than the {left:,} bytes after the header hold (truncated or hostile)",
                file=path.name, reason_code="pc_ply_rows", element=element.name,
                rows=f"{count:,}", left=f"{left:,}")


def _read_ply(path: Path) -> Cloud:
    from plyfile import PlyData

    try:
        with path.open("rb") as fh:
            header = PlyData._parse_header(fh)  # the counts, before any data is read
            vertex = next((e for e in header.elements if e.name == "vertex"), None)
            if vertex is None:
                raise CloudDecodeError(f"{path.name}: PLY file without vertices", file=path.name,
                                       reason_code="pc_ply_no_vertex")
            _too_many(path, int(vertex.count))
            _check_ply_elements(path, header, path.stat().st_size - fh.tell())
        ply = PlyData.read(str(path))
        data = ply["vertex"].data
        columns = {name: np.asarray(data[name]) for name in data.dtype.names}
    except CloudDecodeError:
        raise
    except Exception as err:  # plyfile raises PlyParseError, ValueError, EOFError ...
        raise CloudDecodeError(f"{path.name} is not a readable PLY file: {err}",
                               file=path.name, reason_code="pc_corrupt", format="PLY",
                               why=str(err)) from err
    return _stack(path, "ply", columns)


def _read_npy(path: Path) -> Cloud:
    try:
        data = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as err:  # ValueError (pickled / bad header), EOFError, OSError
        raise CloudDecodeError(f"{path.name} is not a readable .npy array: {err}",
                               file=path.name, reason_code="pc_corrupt", format=".npy",
                               why=str(err)) from err
    if data.ndim != 2 or not 3 <= data.shape[1] <= _MAX_COLUMNS or data.dtype.kind != "f":
        raise CloudDecodeError(
            f"{path.name} holds a {data.dtype} array of shape {data.shape}; a point cloud is N x 3 "
            f"or N x 4 floats (x, y, z[, intensity]; at most {_MAX_COLUMNS} columns)",
            file=path.name, reason_code="pc_npy_shape", dtype=str(data.dtype),
            shape=str(data.shape), limit=str(_MAX_COLUMNS))
    _too_many(path, int(data.shape[0]))
    names = ("x", "y", "z", "intensity")[: min(4, data.shape[1])]
    return _stack(path, "npy", {n: np.asarray(data[:, i]) for i, n in enumerate(names)})


_READERS = {"pcd": _read_pcd, "bin": _read_bin, "ply": _read_ply, "npy": _read_npy}


def read_cloud(path: Path) -> Cloud:
    """The points of ``path`` (CloudDecodeError naming the file when they cannot be read)."""
    fmt = cloud_format(path)
    try:
        return _READERS[fmt](path)
    except OSError as err:
        raise CloudDecodeError(f"{path.name} cannot be read: {err.strerror or err}",
                               file=path.name, reason_code="pc_unreadable",
                               why=str(err.strerror or err)) from err


#: a frame whose points lie this far (median horizontal distance, metres) from the sensor's
#: origin is in map coordinates (UTM: millions of metres), as the workbench's view tells it
MAP_FRAME_M = 2000.0
_EARTH_M = 1e8  # farther than any map coordinate on Earth (UTM, ECEF): not a map frame


def map_origin(xyz: np.ndarray) -> np.ndarray | None:
    """The whole-metre middle (medians) of a frame in map coordinates, about which its points
    are clustered (the sensor stands near it, where a sweep's points lie densest), or None for a
    frame in the sensor's own coordinates (or one farther than any place on Earth: millimetres,
    or a float64 file read as float32)."""
    some = xyz[:: max(1, len(xyz) // 100_000), :3]  # an even sample will do
    if not len(some):
        return None
    with np.errstate(over="ignore"):
        middle = float(np.median(np.hypot(some[:, 0], some[:, 1])))
    if not MAP_FRAME_M < middle <= _EARTH_M:  # sensor frame, or no place on Earth (millimetres?)
        return None
    return np.asarray(np.round(np.median(some, axis=0)), dtype=np.float64)


def summarize(points: np.ndarray, sensor: tuple[float, ...] | None = None) -> dict[str, object]:
    """Counts, bounds and the 99th-percentile horizontal range of the valid points (from the
    sensor's origin: ``sensor``'s x and y where given, a PCD's VIEWPOINT translation; for a frame
    in map coordinates, from the frame's middle, :func:`map_origin`).

    Works on the three coordinate columns made contiguous (reductions over strided columns of
    an N x 4 array cost ten times more) and finds the percentile with a partial sort. Sums and
    squares that overflow float32 are redone in float64, so absurd but finite coordinates keep
    a finite range (and the range check sets such a frame aside)."""
    cols = np.ascontiguousarray(points[:, :3].T)
    with np.errstate(over="ignore"):  # a float64 file read as float32 holds values near 1e38
        finite = np.isfinite(cols[0] + cols[1] + cols[2])  # NaN, or inf - inf, spreads to it
    if not finite.all():  # a NaN or inf, or finite values whose float32 sum overflowed
        finite = np.isfinite(cols).all(axis=0)
    valid = int(np.count_nonzero(finite))
    out: dict[str, object] = {"points": len(points), "invalid_points": len(points) - valid}
    if valid < len(points):
        cols = cols[:, finite]
    if valid:
        low, high = cols.min(axis=1), cols.max(axis=1)
        out["bounds"] = tuple(round(float(v), 4) for v in (*low, *high))
        x, y = cols[0], cols[1]
        origin = np.asarray(sensor[:2]) if sensor is not None else map_origin(cols.T)
        if origin is not None:  # map coordinates: the range about the frame's middle
            x, y = x - float(origin[0]), y - float(origin[1])
        with np.errstate(over="ignore"):
            squared = x * x + y * y
        if not np.isfinite(squared).all():  # absurd but finite coordinates: float64 holds them
            squared = np.square(x, dtype=np.float64) + np.square(y, dtype=np.float64)
        k = min(valid - 1, int(np.ceil(0.99 * (valid - 1))))
        out["range_p99_m"] = round(float(np.sqrt(np.partition(squared, k)[k])), 3)
    return out
