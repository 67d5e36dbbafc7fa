"""Errors of the point-cloud modality, each with a stable ``code``."""

from __future__ import annotations

from datamill.core.errors import InvalidInput

__all__ = ["CloudDecodeError", "LabelFileError"]


class CloudDecodeError(InvalidInput):
    """The file cannot be read as a point cloud (unknown format, truncated, corrupt, too big)."""

    code = "pointcloud_not_decodable"


class LabelFileError(InvalidInput):
    """A pre-labelled cuboid file (OpenPCDet ``labels/*.txt``) is malformed; ``details`` carry
    ``file`` and ``line``."""

    code = "cuboid_file_invalid"
