"""A labelled licence-plate test set, rendered (no downloads): street-like scenes with plates.

Each :class:`PlateScene` is a BGR image plus the exact corner polygon of every plate in it.
Plates come in six styles — Chinese blue (``京A·12345``), yellow and green new-energy plates with
provincial prefixes, and Latin EU, US and Russian-style ones — at varied sizes, angles,
perspective, blur, noise, lighting and JPEG quality, on cars of random colours over cluttered
backgrounds (gradients, textures, shapes, shop signs with text). ``plates=False`` renders the
same kind of scenes without a plate, for the false-alarm rate.

Two disjoint splits: ``"tune"`` (what a detector may be tuned on) and ``"heldout"`` (other
fonts, other seeds, wider size/angle ranges; what recall is reported on). Fonts are Debian's
DejaVu and WenQuanYi (``fonts-dejavu-core``, ``fonts-wqy-zenhei``/``-microhei``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import cv2
import numpy as np

__all__ = ["PROVINCES", "STYLES", "PlateScene", "box_on_plate", "evaluate_plate_masking",
           "fonts_for", "generate_plate_scenes", "plate_coverage",
           "plate_fonts_available"]

Split = Literal["tune", "heldout"]
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_DIGITS = "0123456789"
STYLES = ("cn_blue", "cn_yellow", "cn_green", "eu", "us", "ru")
_FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/wqy"))
_LATIN = {"tune": ("DejaVuSans-Bold.ttf", "DejaVuSansCondensed.ttf"),
          "heldout": ("DejaVuSansMono-Bold.ttf", "DejaVuSerif-Bold.ttf",
                      "DejaVuSansCondensed-Bold.ttf", "DejaVuSerifCondensed-Bold.ttf")}
_CJK = {"tune": ("wqy-microhei.ttc",), "heldout": ("wqy-zenhei.ttc",)}
_SEED_OFFSET = {"tune": 0, "heldout": 7_919_000}


@dataclass
class PlateScene:
    """One rendered image; ``plates`` holds each plate's 4 corners (x, y) and its text."""

    image: np.ndarray
    plates: list[np.ndarray] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    styles: list[str] = field(default_factory=list)

    def boxes(self) -> list[tuple[int, int, int, int]]:
        """Axis-aligned (x, y, w, h) of each plate."""
        out = []
        for poly in self.plates:
            x, y, w, h = cv2.boundingRect(poly.astype(np.float32))
            out.append((int(x), int(y), int(w), int(h)))
        return out


def _find(name: str) -> Path | None:
    for d in _FONT_DIRS:
        if (d / name).is_file():
            return d / name
    return None


def fonts_for(split: Split) -> tuple[list[Path], list[Path]]:
    """(Latin fonts, CJK fonts) present on this machine for ``split``."""
    latin = [p for p in (_find(n) for n in _LATIN[split]) if p is not None]
    cjk = [p for p in (_find(n) for n in _CJK[split]) if p is not None]
    return latin, cjk


def plate_fonts_available() -> bool:
    return all(all(fonts_for(s)) for s in ("tune", "heldout"))


@cache
def _font(path: str, size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def _plate_text(style: str, rng: random.Random) -> str:
    alnum = _LETTERS + _DIGITS * 2
    if style in ("cn_blue", "cn_yellow"):
        return rng.choice(PROVINCES) + rng.choice(_LETTERS) + "·" + "".join(
            rng.choice(alnum) for _ in range(5))
    if style == "cn_green":
        return rng.choice(PROVINCES) + rng.choice(_LETTERS) + "·" + rng.choice("DF") + "".join(
            rng.choice(_DIGITS) for _ in range(5))
    if style == "eu":
        return "".join(rng.choice(_LETTERS) for _ in range(2)) + "-" + "".join(
            rng.choice(_LETTERS) for _ in range(2)) + " " + "".join(
            rng.choice(_DIGITS) for _ in range(rng.randint(2, 4)))
    if style == "us":
        return "".join(rng.choice(_DIGITS)) + "".join(rng.choice(_LETTERS) for _ in range(3)) + \
            "".join(rng.choice(_DIGITS) for _ in range(3))
    return (rng.choice("ABEKMHOPCTYX") + "".join(rng.choice(_DIGITS) for _ in range(3))
            + "".join(rng.choice("ABEKMHOPCTYX") for _ in range(2)) + " "
            + "".join(rng.choice(_DIGITS) for _ in range(rng.choice((2, 3)))))


# style → (width/height ratio, background RGB, text RGB, border RGB)
_LOOK: dict[str, tuple[float, tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]] = {
    "cn_blue": (3.14, (16, 72, 190), (250, 250, 250), (235, 235, 235)),
    "cn_yellow": (3.14, (245, 190, 20), (15, 15, 15), (20, 20, 20)),
    "cn_green": (3.43, (120, 210, 130), (15, 15, 15), (30, 30, 30)),
    "eu": (4.7, (246, 246, 240), (10, 10, 10), (20, 20, 20)),
    "us": (2.0, (240, 240, 235), (20, 40, 120), (60, 60, 60)),
    "ru": (4.64, (248, 248, 248), (10, 10, 10), (10, 10, 10)),
}


def _render_plate(style: str, text: str, latin: Path, cjk: Path, height: int,
                  rng: random.Random) -> np.ndarray:
    """The plate alone, RGB, ``height`` pixels high (rendered at 2x, then shrunk)."""
    from PIL import Image, ImageDraw

    ratio, bg, fg, border = _LOOK[style]
    big = max(40, height * 2)
    w, h = round(big * ratio), big
    img = Image.new("RGB", (w, h), bg)
    draw = ImageDraw.Draw(img)
    if style == "cn_green":  # new-energy plates fade from white to green
        arr = np.asarray(img).copy()
        t = np.linspace(0, 1, h)[:, None, None]
        arr[:] = (np.array([245, 250, 245]) * (1 - t) + np.array(bg) * t).astype(np.uint8)
        img = Image.fromarray(arr)
        draw = ImageDraw.Draw(img)
    pad = max(2, h // 14)
    draw.rounded_rectangle((1, 1, w - 2, h - 2), radius=h // 10, outline=border,
                           width=max(1, h // 28))
    left = pad * 2
    if style == "eu":  # the blue band with the country letters
        band = round(h * 0.42)
        draw.rectangle((pad, pad, pad + band, h - pad), fill=(0, 51, 153))
        draw.text((pad + band / 2, h * 0.72), rng.choice(["D", "F", "NL", "PL", "I"]),
                  font=_font(str(latin), max(8, h // 4)), fill=(255, 255, 255), anchor="mm")
        left = pad + band + pad
    if style == "us":
        draw.text((w / 2, h * 0.14), rng.choice(["TEXAS", "OHIO", "NEVADA", "OREGON"]),
                  font=_font(str(latin), max(8, h // 7)), fill=(160, 30, 30), anchor="mm")
    size = round(h * (0.5 if style == "us" else 0.66))
    chars = list(text)
    width_avail = w - left - pad * 2
    # measure at the nominal size, then shrink to fit
    def measure(sz: int) -> float:
        total: float = sum(_font(str(cjk if c in PROVINCES else latin), sz).getlength(c) for c in chars)
        return total
    while size > 8 and measure(size) > width_avail * 0.95:
        size -= 2
    x = left + (width_avail - measure(size)) / 2
    cy = h * (0.56 if style == "us" else 0.52)
    for c in chars:
        f = _font(str(cjk if c in PROVINCES else latin), size)
        draw.text((x, cy), c, font=f, fill=fg, anchor="lm")
        x += f.getlength(c)
    out = np.asarray(img)
    return cv2.resize(out, (round(height * ratio), height), interpolation=cv2.INTER_AREA)


def _background(rng: random.Random, nrng: np.random.Generator, width: int, height: int,
                latin: Path, cjk: Path) -> np.ndarray:
    kind = rng.choice(("gradient", "texture", "shapes", "street"))
    c1 = np.array([rng.randint(0, 255) for _ in range(3)], np.float32)
    c2 = np.array([rng.randint(0, 255) for _ in range(3)], np.float32)
    t = np.linspace(0, 1, height, dtype=np.float32)[:, None, None]
    img = (c1 * (1 - t) + c2 * t) * np.ones((1, width, 1), np.float32)
    if kind in ("texture", "street"):
        noise: np.ndarray = nrng.normal(0, 1, (height // 4 + 1, width // 4 + 1, 3)).astype(np.float32)
        noise = cv2.resize(cv2.GaussianBlur(noise, (0, 0), rng.uniform(0.5, 3)),
                           (width, height))
        img += noise * rng.uniform(10, 40)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if kind in ("shapes", "street"):
        for _ in range(rng.randint(3, 12)):
            col = tuple(rng.randint(0, 255) for _ in range(3))
            x0, y0 = rng.randint(0, width), rng.randint(0, height)
            shape = rng.choice(("rect", "circle", "line"))
            if shape == "rect":
                cv2.rectangle(img, (x0, y0), (x0 + rng.randint(10, 200), y0 + rng.randint(10, 200)),
                              col, -1 if rng.random() < 0.6 else rng.randint(1, 4))
            elif shape == "circle":
                cv2.circle(img, (x0, y0), rng.randint(5, 80), col, -1)
            else:
                cv2.line(img, (x0, y0), (rng.randint(0, width), rng.randint(0, height)), col,
                         rng.randint(1, 6))
    if kind == "street" or rng.random() < 0.3:  # a shop sign: text that is not a plate
        from PIL import Image, ImageDraw

        pil = Image.fromarray(img)
        draw = ImageDraw.Draw(pil)
        words = rng.choice(["超市", "OPEN", "SALE 50%", "药店", "CAFE", "书店 BOOKS", "停车场"])
        size = rng.randint(14, 40)
        font = _font(str(cjk), size)
        x, y = rng.randint(0, max(1, width - 200)), rng.randint(0, max(1, height // 3))
        tw = font.getlength(words)
        draw.rectangle((x - 6, y - 4, x + tw + 6, y + size + 8),
                       fill=tuple(rng.randint(0, 255) for _ in range(3)))
        draw.text((x, y), words, font=font, fill=tuple(rng.randint(0, 255) for _ in range(3)))
        img = np.asarray(pil).copy()
    return img


def _car(img: np.ndarray, rng: random.Random, cx: int, cy: int, plate_w: int) -> None:
    """A car-coloured body (with bumper) behind where the plate goes."""
    col = tuple(rng.randint(0, 255) for _ in range(3))
    bw, bh = round(plate_w * rng.uniform(3.2, 4.5)), round(plate_w * rng.uniform(1.4, 2.0))
    x0, y0 = cx - bw // 2, cy - round(bh * 0.7)
    cv2.rectangle(img, (x0, y0), (x0 + bw, y0 + bh), col, -1)
    shade = tuple(max(0, c - 60) for c in col)
    cv2.rectangle(img, (x0, cy + plate_w // 5), (x0 + bw, cy + plate_w // 3), shade, -1)
    for sx in (x0 + bw // 8, x0 + bw - bw // 8):  # lamps
        cv2.circle(img, (sx, y0 + bh // 3), max(3, plate_w // 8),
                   (rng.randint(180, 255), rng.randint(0, 120), 0), -1)


def _paste(img: np.ndarray, plate: np.ndarray, cx: float, cy: float, angle: float,
           skew: float) -> np.ndarray:
    """Warp ``plate`` into ``img`` centred at (cx, cy); returns the 4 corners."""
    h, w = plate.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    a = np.deg2rad(angle)
    rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]], np.float32)
    centred = src - np.array([w / 2, h / 2], np.float32)
    centred[:, 0] *= 1 + skew * np.array([-1, 1, 1, -1], np.float32) * (centred[:, 1] / h)
    centred[:, 1] *= 1 + skew * np.array([1, -1, -1, 1], np.float32)
    dst: np.ndarray = (centred @ rot.T + np.array([cx, cy], np.float32)).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    size = (img.shape[1], img.shape[0])
    warped = cv2.warpPerspective(plate, m, size, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255)[:, :, None]
    img[:] = (img * (1 - alpha) + warped * alpha).astype(np.uint8)
    return dst


def generate_plate_scenes(seed: int, n: int, split: Split = "heldout", *,
                          plates: bool = True) -> list[PlateScene]:
    """``n`` scenes (one or two plates each, or none with ``plates=False``)."""
    latin_fonts, cjk_fonts = fonts_for(split)
    if not latin_fonts or not cjk_fonts:
        raise RuntimeError(f"fonts for the {split!r} plate set are missing (DejaVu, WenQuanYi)")
    rng = random.Random(seed + _SEED_OFFSET[split] + (0 if plates else 1))  # noqa: S311 - test data
    nrng = np.random.default_rng(seed + _SEED_OFFSET[split] + (0 if plates else 1))
    held = split == "heldout"
    out = []
    for _ in range(n):
        width, height = rng.randint(480, 800), rng.randint(360, 600)
        latin, cjk = rng.choice(latin_fonts), rng.choice(cjk_fonts)
        img = _background(rng, nrng, width, height, latin, cjk)
        scene = PlateScene(img)
        count = (1 if rng.random() < 0.8 else 2) if plates else rng.choice((0, 1))
        specs = []
        for k in range(count if plates else 0):
            style = rng.choice(STYLES)
            plate_w = rng.randint(60 if held else 70, 280 if held else 240)
            plate_w = min(plate_w, width // (2 * count) - 10)
            cx = (k + 0.5) * width / count + rng.uniform(-20, 20)
            cx = min(max(cx, plate_w * 0.6 + 5), width - plate_w * 0.6 - 5)
            cy = rng.uniform(height * 0.35, height * 0.85)
            specs.append((style, plate_w, cx, cy))
        for _style, plate_w, cx, cy in specs:  # cars first: a car never covers another plate
            _car(img, rng, round(cx), round(cy), plate_w)
        for style, plate_w, cx, cy in specs:
            text = _plate_text(style, rng)
            ph = max(12, round(plate_w / _LOOK[style][0]))
            plate = _render_plate(style, text, latin, cjk, ph, rng)
            angle = rng.uniform(-15, 15) if held else rng.uniform(-10, 10)
            poly = _paste(img, plate, cx, cy, angle, rng.uniform(-0.08, 0.08))
            scene.plates.append(poly)
            scene.texts.append(text)
            scene.styles.append(style)
        if not plates and count:
            _car(img, rng, rng.randint(150, width - 150), rng.randint(height // 2, height - 80),
                 rng.randint(60, 180))
        # the camera: lighting, blur, noise, compression
        img = cv2.convertScaleAbs(img, alpha=rng.uniform(0.7, 1.2), beta=rng.uniform(-30, 30))
        sigma = rng.uniform(0, 1.6 if held else 1.2)
        if sigma > 0.3:
            img = cv2.GaussianBlur(img, (0, 0), sigma)
        img = np.clip(img + nrng.normal(0, rng.uniform(0, 8), img.shape), 0, 255).astype(np.uint8)
        bgr = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
        ok, enc = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(45, 95)])
        decoded = cv2.imdecode(enc, cv2.IMREAD_COLOR) if ok else bgr
        assert decoded is not None  # a JPEG encoded just above decodes
        scene.image = decoded
        out.append(scene)
    return out


def plate_coverage(scene: PlateScene, boxes: list[tuple[int, int, int, int]]) -> list[float]:
    """For each plate, the fraction of its pixels inside the union of ``boxes``."""
    h, w = scene.image.shape[:2]
    covered = np.zeros((h, w), np.uint8)
    for x, y, bw, bh in boxes:
        covered[max(0, y):max(0, y + bh), max(0, x):max(0, x + bw)] = 1
    out = []
    for poly in scene.plates:
        m = np.zeros((h, w), np.uint8)
        cv2.fillPoly(m, [np.round(poly).astype(np.int32)], 1)
        area = int(m.sum())
        out.append(float((m & covered).sum()) / area if area else 1.0)
    return out


def box_on_plate(scene: PlateScene, box: tuple[int, int, int, int]) -> bool:
    """Is ``box`` a true detection: does it cover half of some plate, or lie a quarter on
    plates?"""
    if any(c >= 0.5 for c in plate_coverage(scene, [box])):
        return True
    h, w = scene.image.shape[:2]
    m = np.zeros((h, w), np.uint8)
    for poly in scene.plates:
        cv2.fillPoly(m, [np.round(poly).astype(np.int32)], 1)
    x, y, bw, bh = box
    part = m[max(0, y):max(0, y + bh), max(0, x):max(0, x + bw)]
    return bool(part.size) and float(part.sum()) >= 0.25 * bw * bh


def evaluate_plate_masking(
    scenes: list[PlateScene], negatives: list[PlateScene],
    detect: Any, *, covered: float = 0.8,
) -> dict[str, Any]:
    """Recall (plates whose pixels are ≥ ``covered`` inside the masked boxes), precision of the
    boxes, and the false-alarm rate on plate-free scenes; ``detect(image)`` → boxes."""
    plates = hits = boxes = good = 0
    by_style: dict[str, list[int]] = {}
    for scene in scenes:
        found = list(detect(scene.image))
        for style, cov in zip(scene.styles, plate_coverage(scene, found), strict=True):
            plates += 1
            ok = cov >= covered
            hits += ok
            tally = by_style.setdefault(style, [0, 0])
            tally[0] += ok
            tally[1] += 1
        boxes += len(found)
        good += sum(box_on_plate(scene, b) for b in found)
    alarms = sum(bool(list(detect(n.image))) for n in negatives)
    return {
        "plates": plates, "masked": hits, "recall": hits / plates if plates else 0.0,
        "boxes": boxes, "precision": good / boxes if boxes else 1.0,
        "negatives": len(negatives), "false_alarm_images": alarms,
        "false_alarm_rate": alarms / len(negatives) if negatives else 0.0,
        "recall_by_style": {k: v[0] / v[1] for k, v in sorted(by_style.items())},
    }
