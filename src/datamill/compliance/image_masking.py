"""Desensitize images: blur, pixelate or box faces and licence plates into a new derivative file.

Regions come from two places, and a call may use both:

* **given regions** — boxes from annotations or a reviewer (``(x, y, w, h)`` tuples, COCO-style
  ``[x, y, w, h]`` lists, ``{"x", "y", "w", "h"}`` dicts or :class:`Region`); always masked;
* **detection** with OpenCV's Haar cascades (frontal and profile faces; Russian-style plates)
  plus :func:`datamill.compliance.plate_finder.find_plates` (colour, edges and a row of
  character-like contours: Chinese blue/yellow/green plates, EU, US and other Latin plates).
  The cascades are found in ``cv2.data.haarcascades`` or in a ``cascade_dir`` the caller names.
  OpenCV 5 builds have neither the ``CascadeClassifier`` class nor the cascade files: there
  :func:`detector_status` says so, detection returns no regions and :class:`MaskResult` carries a
  warning, so a pipeline can flag the item for manual masking rather than pass it as clean.
  Haar cascades miss faces and plates (small, rotated, occluded, non-Russian plates): use them as
  a first pass, not as proof that an image is clean.

The original file is never written: :func:`mask_image_file` refuses a destination that is the
source (or a link to it) and writes the derivative through a temporary file.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np

from datamill.core.errors import InvalidInput

_EXIF_ORIENTATION = 0x0112

__all__ = [
    "FACE_CASCADES",
    "PLATE_CASCADES",
    "MaskResult",
    "Region",
    "detect_regions",
    "detected_mask_regions",
    "detector_status",
    "mask_array",
    "mask_image_file",
    "to_regions",
]

Method = Literal["blur", "pixelate", "box"]
FACE_CASCADES = ("haarcascade_frontalface_default.xml", "haarcascade_profileface.xml")
PLATE_CASCADES = ("haarcascade_russian_plate_number.xml",
                  "haarcascade_license_plate_rus_16stages.xml")


@dataclass(frozen=True)
class Region:
    """An axis-aligned box in pixels; ``label`` says what it hides, ``source`` who found it."""

    x: int
    y: int
    w: int
    h: int
    label: str = "region"
    source: str = "given"
    score: float | None = None

    def clip(self, width: int, height: int) -> Region | None:
        x0, y0 = max(0, self.x), max(0, self.y)
        x1, y1 = min(width, self.x + self.w), min(height, self.y + self.h)
        if x1 <= x0 or y1 <= y0:
            return None
        return Region(x0, y0, x1 - x0, y1 - y0, self.label, self.source, self.score)

    def pad(self, fraction: float) -> Region:
        dx, dy = round(self.w * fraction), round(self.h * fraction)
        return Region(self.x - dx, self.y - dy, self.w + 2 * dx, self.h + 2 * dy, self.label,
                      self.source, self.score)

    def iou(self, other: Region) -> float:
        ix = max(0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        inter = ix * iy
        union = self.w * self.h + other.w * other.h - inter
        return inter / union if union else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h, "label": self.label,
                "source": self.source, "score": self.score}


@dataclass
class MaskResult:
    """What :func:`mask_image_file` did."""

    path: Path
    regions: list[Region]
    detection: str  # "off", "haar" or "unavailable"
    warnings: list[str] = field(default_factory=list)


def to_regions(items: Iterable[Any], label: str = "region") -> list[Region]:
    """Normalise boxes given as tuples, COCO lists, dicts or :class:`Region`."""
    out: list[Region] = []
    for item in items:
        if isinstance(item, Region):
            out.append(item)
            continue
        try:
            if isinstance(item, Mapping):
                x, y, w, h = (item[k] for k in ("x", "y", "w", "h"))
                lab = str(item.get("label", label))
            else:
                x, y, w, h = item
                lab = label
            box = Region(round(float(x)), round(float(y)), round(float(w)), round(float(h)), lab)
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(f"not a box (x, y, w, h): {item!r}") from exc
        if box.w <= 0 or box.h <= 0:
            raise InvalidInput(f"a box needs a positive width and height: {item!r}")
        out.append(box)
    return out


# -- detection -------------------------------------------------------------------------------


def _cascade_dirs(cascade_dir: str | os.PathLike[str] | None) -> list[Path]:
    dirs = [Path(cascade_dir)] if cascade_dir else []
    base = getattr(getattr(cv2, "data", None), "haarcascades", None)
    if base:
        dirs.append(Path(base))
    return dirs


@cache
def _load_cascade(path: str) -> Any:
    clf = cv2.CascadeClassifier(path)
    return None if clf.empty() else clf


def _cascades(names: Sequence[str], cascade_dir: str | os.PathLike[str] | None) -> list[Any]:
    if not hasattr(cv2, "CascadeClassifier"):
        return []
    found = []
    for name in names:
        for d in _cascade_dirs(cascade_dir):
            if (d / name).is_file():
                clf = _load_cascade(str(d / name))
                if clf is not None:
                    found.append(clf)
                    break
    return found


def detector_status(cascade_dir: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Whether Haar detection can run here, and which cascades were found."""
    has_class = hasattr(cv2, "CascadeClassifier")
    faces = len(_cascades(FACE_CASCADES, cascade_dir))
    plates = len(_cascades(PLATE_CASCADES, cascade_dir))
    reason = ""
    if not has_class:
        reason = (f"OpenCV {cv2.__version__} has no CascadeClassifier (removed in OpenCV 5): "
                  "install opencv-python-headless<5 for detection, or pass regions")
    elif not faces and not plates:
        reason = "no Haar cascade files found (cv2.data.haarcascades or cascade_dir)"
    return {"opencv": cv2.__version__, "available": bool(has_class and (faces or plates)),
            "face_cascades": faces, "plate_cascades": plates, "reason": reason}


def _nms(regions: list[Region], threshold: float = 0.3) -> list[Region]:
    kept: list[Region] = []
    for r in sorted(regions, key=lambda r: r.w * r.h, reverse=True):
        if all(r.label != k.label or r.iou(k) < threshold for k in kept):
            kept.append(r)
    return sorted(kept, key=lambda r: (r.y, r.x))


def _gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        gray = image
    elif image.shape[2] == 4:
        gray = cv2.cvtColor(image, cv2.COLOR_BGRA2GRAY)
    else:
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if gray.dtype != np.uint8:
        gray = cv2.normalize(gray, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)  # type: ignore[call-overload]
    return cv2.equalizeHist(gray)


def detect_regions(
    image: np.ndarray, *, faces: bool = True, plates: bool = True,
    cascade_dir: str | os.PathLike[str] | None = None, min_size: int = 20,
    min_neighbors: int = 5, scale_factor: float = 1.1,
) -> list[Region]:
    """Faces and plates found by the Haar cascades and the plate finder (faces: an empty list
    where the cascades are unavailable; see :func:`detector_status`)."""
    if image.ndim not in (2, 3) or image.size == 0:
        raise InvalidInput("an image is a non-empty 2-D (gray) or 3-D (colour) array")
    gray = _gray(image)
    width = gray.shape[1]
    found: list[Region] = []
    jobs = []
    if faces:
        jobs.append(("face", _cascades(FACE_CASCADES, cascade_dir)))
    if plates:
        jobs.append(("plate", _cascades(PLATE_CASCADES, cascade_dir)))
    if plates:
        from datamill.compliance.plate_finder import find_plates, looks_like_plate
    for label, cascades in jobs:
        for i, clf in enumerate(cascades):
            mirrored = label == "face" and i == 1  # the profile cascade knows one side only
            for flip in (False, True) if mirrored else (False,):
                src = cv2.flip(gray, 1) if flip else gray
                boxes = clf.detectMultiScale(src, scaleFactor=scale_factor,
                                             minNeighbors=min_neighbors,
                                             minSize=(min_size, min_size))
                for x, y, w, h in np.asarray(boxes).reshape(-1, 4).tolist():
                    x = width - x - w if flip else x
                    if label == "plate" and not looks_like_plate(gray, (x, y, w, h)):
                        continue  # the plate cascades fire on much that is not a plate
                    found.append(Region(int(x), int(y), int(w), int(h), label, "haar"))
    if plates:  # the cascades know Russian plates only: colour/edge/character finder too
        found += [Region(x, y, w, h, "plate", "contour")
                  for x, y, w, h in find_plates(image, min_width=max(2 * min_size, 40))]
    return _nms(found)


def detected_mask_regions(
    image: np.ndarray, *, faces: bool = True, plates: bool = True, padding: float = 0.1,
    cascade_dir: str | os.PathLike[str] | None = None,
) -> list[Region]:
    """What :func:`mask_image_file` masks of its own accord: detected regions grown by
    ``padding`` and clipped to the image (the path recall is measured on)."""
    height, width = image.shape[:2]
    grown = (r.pad(padding).clip(width, height)
             for r in detect_regions(image, faces=faces, plates=plates, cascade_dir=cascade_dir))
    return [r for r in grown if r is not None]


# -- masking ---------------------------------------------------------------------------------


def _obscure(patch: np.ndarray, method: Method, color: tuple[int, ...]) -> np.ndarray:
    h, w = patch.shape[:2]
    if method == "box":
        out = np.empty_like(patch)
        out[...] = np.asarray(color[: 1 if patch.ndim == 2 else patch.shape[2]], patch.dtype)
        return out
    # pixelate to a coarse grid first (so the blur cannot be undone), then smooth
    cells = max(1, min(h, w) // 8)
    small = cv2.resize(patch, (max(1, w // cells), max(1, h // cells)),
                       interpolation=cv2.INTER_AREA)
    out = cv2.resize(small, (w, h), interpolation=cv2.INTER_NEAREST)
    if method == "blur":
        k = max(3, (min(h, w) // 4) | 1)
        out = cv2.GaussianBlur(out, (k, k), 0)
    return out.reshape(patch.shape)


def mask_array(
    image: np.ndarray, regions: Iterable[Region], *, method: Method = "blur",
    color: tuple[int, ...] = (0, 0, 0, 255),
) -> np.ndarray:
    """A copy of ``image`` with every region obscured; pixels outside regions are untouched."""
    if method not in ("blur", "pixelate", "box"):
        raise InvalidInput(f"unknown masking method {method!r}: use blur, pixelate or box")
    out = image.copy()
    height, width = image.shape[:2]
    for region in regions:
        r = region.clip(width, height)
        if r is not None:
            out[r.y:r.y + r.h, r.x:r.x + r.w] = _obscure(
                image[r.y:r.y + r.h, r.x:r.x + r.w], method, color)
    return out


def _read(path: Path) -> np.ndarray:
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        raise InvalidInput(f"cannot read image {path}: {exc.strerror}") from exc
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED) if data.size else None
    if image is None:
        raise InvalidInput(f"{path} is not an image OpenCV can decode")
    return _upright(image, _orientation(path))


def _orientation(path: Path) -> int:
    """``path``'s EXIF orientation (1 when it has none or Pillow cannot read it)."""
    from PIL import Image, UnidentifiedImageError  # noqa: PLC0415 - only here

    try:
        with Image.open(path) as opened:
            value = opened.getexif().get(_EXIF_ORIENTATION, 1)
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        return 1
    return value if isinstance(value, int) else 1


def _upright(image: np.ndarray, orientation: int) -> np.ndarray:
    """``image`` as displayed: ``IMREAD_UNCHANGED`` keeps the pixels as stored and ignores the
    EXIF orientation, and the derivative is written without it. A phone photo stored sideways
    came out sideways, while its annotations (and the regions to mask) are those of the image
    as displayed."""
    if orientation in (5, 7):  # transposed across a diagonal, then turned
        image = cv2.transpose(image)
        orientation = 1 if orientation == 5 else 3
    flip = {2: 1, 3: -1, 4: 0}.get(orientation)
    if flip is not None:
        return cv2.flip(image, flip)
    turn = {6: cv2.ROTATE_90_CLOCKWISE, 8: cv2.ROTATE_90_COUNTERCLOCKWISE}.get(orientation)
    return cv2.rotate(image, turn) if turn is not None else image


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def mask_image_file(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], *,
    regions: Iterable[Any] = (), detect: bool = True, faces: bool = True, plates: bool = True,
    method: Method = "blur", padding: float = 0.1, cascade_dir: str | os.PathLike[str] | None = None,
    overwrite: bool = False,
) -> MaskResult:
    """Write a masked derivative of ``src`` to ``dst`` and say which regions were masked.

    Given ``regions`` are masked as they are; detected ones are grown by ``padding`` (a fraction
    of their size) first. ``dst``'s suffix picks the format. ``src`` is only ever read.
    """
    src_p, dst_p = Path(src), Path(dst)
    if _same_file(src_p, dst_p):
        raise InvalidInput("the masked image must not replace its original", path=str(src_p))
    if dst_p.exists() and not overwrite:
        raise InvalidInput(f"{dst_p} exists (pass overwrite=True to replace a derivative)",
                           path=str(dst_p))
    image = _read(src_p)
    chosen = to_regions(regions)
    warnings: list[str] = []
    detection = "off"
    if detect and (faces or plates):
        status = detector_status(cascade_dir)
        if status["available"]:
            detection = "haar"
            chosen += detected_mask_regions(image, faces=faces, plates=plates, padding=padding,
                                            cascade_dir=cascade_dir)
        else:
            detection = "unavailable"
            warnings.append(f"automatic detection skipped: {status['reason']}")
    height, width = image.shape[:2]
    clipped = [c for c in (r.clip(width, height) for r in chosen) if c is not None]
    masked = mask_array(image, clipped, method=method)
    ok, encoded = cv2.imencode(dst_p.suffix or ".png", masked)
    if not ok:
        raise InvalidInput(f"cannot encode an image as {dst_p.suffix or '.png'}")
    tmp = dst_p.with_name(f".{dst_p.name}.{secrets.token_hex(4)}.part")
    try:
        encoded.tofile(tmp)
        os.replace(tmp, dst_p)
    finally:
        tmp.unlink(missing_ok=True)
    return MaskResult(dst_p, clipped, detection, warnings)
