"""Reading point-cloud files: PCD (PCL's format, through ``pypcd4``), KITTI ``.bin`` (float32
x, y, z, intensity), PLY (through ``plyfile``) and NumPy ``.npy`` (N x 3 or N x 4, OpenPCDet's
custom layout).

:func:`read_cloud` gives an ``(N, 4)`` float32 array (x, y, z, intensity; intensity 0 where the
file has none) and the file's field names. The point count is read from the header first and
refused above :data:`MAX_POINTS`, so a hostile header cannot make us allocate gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from datamill.modalities.pointcloud.errors import CloudDecodeError

__all__ = ["MAX_POINTS", "Cloud", "cloud_format", "read_cloud", "summarize"]

#: more points than any one lidar frame holds (a 128-beam sensor gives ~2.6 M per sweep)
MAX_POINTS = 20_000_000
_MAX_BYTES = 1 << 30  # a PCD row may hold many fields: bound the bytes too
_INTENSITY = ("intensity", "i", "reflectance", "remission")
_SUFFIXES = {".pcd": "pcd", ".bin": "bin", ".ply": "ply", ".npy": "npy"}


@dataclass(frozen=True)
class Cloud:
    """Points as ``(N, 4)`` float32 (x, y, z, intensity) and what the file called its fields."""

    points: np.ndarray
    format: str
    fields: tuple[str, ...]
    has_intensity: bool


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
                               file=path.name) from err
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
            f"{path.name}: not a point-cloud file (use {', '.join(_SUFFIXES)})", file=path.name)
    return fmt


def _too_many(path: Path, count: int) -> None:
    if count > MAX_POINTS:
        raise CloudDecodeError(
            f"{path.name} declares {count:,} points, more than the {MAX_POINTS:,} one frame may "
            "hold", file=path.name)


def _stack(path: Path, fmt: str, columns: dict[str, np.ndarray]) -> Cloud:
    names = tuple(columns)
    missing = [axis for axis in ("x", "y", "z") if axis not in columns]
    if missing:
        raise CloudDecodeError(
            f"{path.name} has no {'/'.join(missing)} field (fields: {', '.join(names) or 'none'})",
            file=path.name)
    intensity = next((columns[n] for n in _INTENSITY if n in columns), None)
    n = len(columns["x"])
    out = np.empty((n, 4), dtype=np.float32)
    for i, axis in enumerate(("x", "y", "z")):
        out[:, i] = columns[axis]
    out[:, 3] = intensity if intensity is not None else 0.0
    return Cloud(out, fmt, names, intensity is not None)


def _read_pcd(path: Path) -> Cloud:
    from pypcd4.pypcd4 import MetaData, PointCloud

    try:
        with path.open("rb") as fh:
            lines: list[str] = []  # the header, read as pypcd4 reads it
            for raw in fh:
                line = raw.decode("utf-8").strip()
                if line and not line.startswith("#"):
                    lines.append(line)
                if line.startswith("DATA") or len(lines) >= 10:
                    break
            meta = MetaData.parse_header(lines)
            _too_many(path, int(meta.points))
            row = sum(int(s) * int(c) for s, c in zip(meta.size, meta.count, strict=True))
            if row * int(meta.points) > _MAX_BYTES:
                raise CloudDecodeError(
                    f"{path.name} declares {row * int(meta.points):,} bytes of points, more than "
                    f"{_MAX_BYTES:,}", file=path.name)
            data_at = fh.tell()
            size = path.stat().st_size
            if str(getattr(meta.data, "value", meta.data)) == "binary" and (
                    size - data_at < row * int(meta.points)):
                raise CloudDecodeError(
                    f"{path.name} is truncated: its header declares {int(meta.points):,} points "
                    f"({row * int(meta.points):,} bytes) but {size - data_at:,} bytes follow it",
                    file=path.name)
            fh.seek(0)
            cloud = PointCloud.from_fileobj(fh)
        names = tuple(str(f) for f in cloud.fields)
        data = cloud.numpy()
    except CloudDecodeError:
        raise
    except Exception as err:  # pypcd4 raises ValueError, KeyError, struct/lzf errors ...
        raise CloudDecodeError(f"{path.name} is not a readable PCD file (truncated or corrupt?): "
                               f"{err}",
                               file=path.name) from err
    if data.ndim != 2 or data.shape[1] != len(names) or len(data) != int(meta.points):
        raise CloudDecodeError(f"{path.name}: PCD data do not match its header (truncated?)",
                               file=path.name)
    return _stack(path, "pcd", {name: data[:, i] for i, name in enumerate(names)})


def _read_bin(path: Path) -> Cloud:
    size = path.stat().st_size
    if size % 16:
        raise CloudDecodeError(
            f"{path.name} is {size:,} bytes, not a whole number of KITTI points (16 bytes: "
            "float32 x, y, z, intensity); the file is truncated or not a KITTI .bin",
            file=path.name)
    _too_many(path, size // 16)
    data = np.fromfile(path, dtype="<f4").reshape(-1, 4)
    return Cloud(data.astype(np.float32, copy=False), "bin", ("x", "y", "z", "intensity"), True)


def _read_ply(path: Path) -> Cloud:
    from plyfile import PlyData

    try:
        with path.open("rb") as fh:
            header = PlyData._parse_header(fh)  # the counts, before any data is read
            vertex = next((e for e in header.elements if e.name == "vertex"), None)
            if vertex is None:
                raise CloudDecodeError(f"{path.name}: PLY file without vertices", file=path.name)
            _too_many(path, int(vertex.count))
        ply = PlyData.read(str(path))
        data = ply["vertex"].data
        columns = {name: np.asarray(data[name], dtype=np.float32) for name in data.dtype.names}
    except CloudDecodeError:
        raise
    except Exception as err:  # plyfile raises PlyParseError, ValueError, EOFError ...
        raise CloudDecodeError(f"{path.name} is not a readable PLY file: {err}",
                               file=path.name) from err
    return _stack(path, "ply", columns)


def _read_npy(path: Path) -> Cloud:
    try:
        data = np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as err:  # ValueError (pickled / bad header), EOFError, OSError
        raise CloudDecodeError(f"{path.name} is not a readable .npy array: {err}",
                               file=path.name) from err
    if data.ndim != 2 or data.shape[1] < 3 or data.dtype.kind != "f":
        raise CloudDecodeError(
            f"{path.name} holds a {data.dtype} array of shape {data.shape}; a point cloud is N x 3 "
            "or N x 4 floats (x, y, z[, intensity])", file=path.name)
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
                               file=path.name) from err


def summarize(points: np.ndarray) -> dict[str, object]:
    """Counts, bounds and the 99th-percentile horizontal range of the valid points.

    Works on the three coordinate columns made contiguous (reductions over strided columns of
    an N x 4 array cost ten times more) and finds the percentile with a partial sort."""
    cols = np.ascontiguousarray(points[:, :3].T)
    finite = np.isfinite(cols[0] + cols[1] + cols[2])  # NaN, or inf - inf, spreads to the sum
    valid = int(np.count_nonzero(finite))
    out: dict[str, object] = {"points": len(points), "invalid_points": len(points) - valid}
    if valid < len(points):
        cols = cols[:, finite]
    if valid:
        low, high = cols.min(axis=1), cols.max(axis=1)
        out["bounds"] = tuple(round(float(v), 4) for v in (*low, *high))
        squared = cols[0] * cols[0] + cols[1] * cols[1]
        k = min(valid - 1, int(np.ceil(0.99 * (valid - 1))))
        out["range_p99_m"] = round(float(np.sqrt(np.partition(squared, k)[k])), 3)
    return out
