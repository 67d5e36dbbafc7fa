"""Synthetic images with exact ground truth, for the demo, the tests and the benchmarks.

Everything is drawn with Pillow from a seed, so the same seed gives the same pixels and the same
annotation on any machine with the same fonts. Nothing is downloaded: the fonts are Debian
packages (DejaVu for Latin text, WenQuanYi Zen Hei or Micro Hei, or Noto CJK, for Chinese), which
``scripts/setup.sh`` installs.

* :func:`render_ocr_scene`: English or Chinese text lines on a flat, gradient or noisy background,
  some rotated a few degrees, some blurred or noisy; the annotation holds one
  :class:`~.schema.TextLine` per line (its rotated box, padded by :data:`LINE_PADDING` of the
  text height, and its transcription). ``variety="wide"`` draws from more fonts, sizes, angles
  and degradations than ``"standard"``; benchmarks use it on seeds the tests never see.
* :func:`render_object_scene`: rectangles labelled ``car`` and ellipses labelled ``person``,
  each with its exact :class:`~.schema.Box`.
* :func:`write_bad_images`: files that the automatic checks must reject or flag (blurred, tiny,
  dark, truncated, an exact and a near duplicate).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Literal

from datamill.core.errors import InvalidInput
from datamill.modalities.image.schema import Box, ImageAnnotation, TextLine

if TYPE_CHECKING:
    from PIL import Image, ImageFont

__all__ = [
    "CJK_FONT_PACKAGES",
    "LINE_PADDING",
    "ObjectScene",
    "OcrScene",
    "find_font",
    "render_object_scene",
    "render_ocr_scene",
    "render_ocr_scenes",
    "write_bad_images",
]

Language = Literal["en", "zh"]
Variety = Literal["standard", "wide"]

LINE_PADDING: Final = 0.15
"""Ground-truth line boxes extend the ink box by this share of the text height on every side."""

CJK_FONT_PACKAGES: Final = ("fonts-wqy-zenhei", "fonts-wqy-microhei", "fonts-noto-cjk")
"""Debian packages any one of which provides the Chinese font the OCR scenes need."""

_FONT_DIRS: Final = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
# Font files by role, in order of preference; the first that exists is used.
_FONTS: Final[dict[str, tuple[str, ...]]] = {
    "sans": ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"),
    "sans-bold": ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"),
    "serif": ("DejaVuSerif.ttf", "LiberationSerif-Regular.ttf"),
    "mono": ("DejaVuSansMono.ttf", "LiberationMono-Regular.ttf"),
    "cjk": ("wqy-zenhei.ttc", "NotoSansCJK-Regular.ttc", "wqy-microhei.ttc"),
    "cjk-alt": ("wqy-microhei.ttc", "NotoSerifCJK-Regular.ttc", "NotoSansCJK-Regular.ttc",
                "wqy-zenhei.ttc"),
}
_STANDARD_FONTS: Final = {"en": ("sans",), "zh": ("cjk",)}
_WIDE_FONTS: Final = {"en": ("sans", "sans-bold", "serif", "mono", "cjk"), "zh": ("cjk", "cjk-alt")}

_EN_WORDS: Final = (
    "open", "daily", "from", "to", "store", "hours", "exit", "only", "parking", "permit",
    "required", "total", "amount", "due", "invoice", "number", "order", "date", "customer",
    "service", "call", "us", "now", "fresh", "bread", "coffee", "tea", "sale", "discount",
    "free", "delivery", "over", "items", "per", "person", "please", "keep", "left", "no",
    "smoking", "emergency", "station", "platform", "gate", "arrivals", "departures", "north",
    "south", "east", "west", "street", "road", "avenue", "building", "floor", "room",
    "welcome", "back", "thank", "you", "for", "visiting", "price", "list", "special", "offer",
    "today", "limited", "time", "ticket", "office", "closed", "on", "sundays", "and",
    "holidays", "fragile", "handle", "with", "care", "this", "side", "up",
)
_ZH_CHARS: Final = (
    "今天天气很好我们去公园散步营业时间每日上午下午至出口入口停车场请勿吸烟注意安全小心地滑"
    "欢迎光临谢谢惠顾特价优惠新鲜面包咖啡茶饮料总金额发票号码订单日期客户服务电话北京上海广州"
    "深圳火车站地铁公交车票价格表限时促销办公室周末节假日休息易碎物品轻拿轻放向上东西南北街道"
    "大楼层房间医院学校银行超市餐厅图书馆博物馆机场航班到达出发候车室售票处"
)
_ZH_PHRASES: Final = (
    "营业时间", "欢迎光临", "请勿吸烟", "注意安全", "小心地滑", "停车场入口", "特价优惠",
    "新鲜面包", "总金额", "发票号码", "订单日期", "客户服务电话", "火车站", "地铁出口",
    "售票处", "候车室", "图书馆", "博物馆", "超市", "餐厅", "银行", "医院", "学校",
    "限时促销", "周末休息", "节假日", "轻拿轻放", "易碎物品", "机场大巴", "航班到达",
)


@dataclass(frozen=True)
class OcrScene:
    """A rendered OCR image, its ground truth and the language of its lines."""

    image: Image.Image
    annotation: ImageAnnotation
    language: Language
    seed: int

    def save(self, path: Path) -> Path:
        """Write the image (format from the suffix; PNG is lossless) and return ``path``."""
        self.image.save(path)
        return path


@dataclass(frozen=True)
class ObjectScene:
    """A rendered object-detection image and its ground-truth boxes."""

    image: Image.Image
    annotation: ImageAnnotation
    seed: int

    def save(self, path: Path) -> Path:
        """Write the image and return ``path``."""
        self.image.save(path)
        return path


def find_font(role: str) -> Path:
    """Return the font file for ``role`` (``sans``, ``sans-bold``, ``serif``, ``mono``, ``cjk``,
    ``cjk-alt``), searching the system font folders.

    Raises:
        InvalidInput: No font for that role is installed (the message names the packages).
    """
    names = _FONTS.get(role)
    if names is None:
        raise InvalidInput(f"unknown font role {role!r}", field="role", value=role)
    for name in names:
        for folder in _FONT_DIRS:
            if folder.is_dir():
                found = next(iter(sorted(folder.rglob(name))), None)
                if found is not None:
                    return found
    packages = CJK_FONT_PACKAGES if role.startswith("cjk") else ("fonts-dejavu-core",)
    raise InvalidInput(
        f"no {role} font found ({', '.join(names)}); install one of the Debian packages "
        f"{', '.join(packages)} (scripts/setup.sh does)",
        field="font",
        role=role,
    )


_font_cache: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}


def _font(role: str, size: int) -> ImageFont.FreeTypeFont:
    from PIL import ImageFont

    key = (role, size)
    if key not in _font_cache:
        _font_cache[key] = ImageFont.truetype(str(find_font(role)), size)
    return _font_cache[key]


def _english_line(rng: random.Random) -> str:
    words = [rng.choice(_EN_WORDS) for _ in range(rng.randint(2, 5))]
    if rng.random() < 0.5:
        words.insert(rng.randint(0, len(words)), str(rng.randint(1, 9999)))
    if rng.random() < 0.5:
        words[0] = words[0].capitalize()
    if rng.random() < 0.15:
        words = [w.upper() for w in words]
    return " ".join(words)


def _chinese_line(rng: random.Random) -> str:
    parts = [rng.choice(_ZH_PHRASES)]
    if rng.random() < 0.6:
        parts.append("".join(rng.choice(_ZH_CHARS) for _ in range(rng.randint(2, 5))))
    if rng.random() < 0.4:
        parts.append(str(rng.randint(1, 999)))
    rng.shuffle(parts)
    return "".join(parts)


def _background(rng: random.Random, width: int, height: int, wide: bool,
                dark: bool = False) -> Image.Image:
    import numpy as np
    from PIL import Image

    low, high = (10, 80) if dark else (170, 255)
    base = np.array([rng.randint(low, high) for _ in range(3)], dtype=np.float32)
    kind = rng.choice(("flat", "gradient", "noise", "gradient" if wide else "flat"))
    if kind == "flat":
        pixels = np.broadcast_to(base, (height, width, 3)).copy()
    elif kind == "gradient":
        other = np.array([rng.randint(low, high - 20) for _ in range(3)], dtype=np.float32)
        if rng.random() < 0.5:
            t = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :, None]
        else:
            t = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
        pixels = np.broadcast_to(base * (1 - t) + other * t, (height, width, 3)).copy()
    else:
        noise_rng = np.random.default_rng(rng.getrandbits(32))
        sigma = rng.uniform(8, 25 if wide else 16)
        pixels = base + noise_rng.normal(0.0, sigma, (height, width, 3)).astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _line_layer(
    text: str, font: ImageFont.FreeTypeFont, colour: tuple[int, int, int], angle: float
) -> tuple[Image.Image, list[tuple[float, float]]]:
    """The line drawn on a transparent layer, rotated; and its padded box's corners in it."""
    from PIL import Image, ImageDraw

    left, top, right, bottom = font.getbbox(text)
    pad = LINE_PADDING * (bottom - top)
    margin = math.ceil(pad) + 2
    width, height = right - left + 2 * margin, bottom - top + 2 * margin
    # FreeTypeFont.getbbox gives whole pixels (typed as floats)
    layer = Image.new("RGBA", (int(width), int(height)), (0, 0, 0, 0))
    ImageDraw.Draw(layer).text((margin - left, margin - top), text, font=font, fill=(*colour, 255))
    corners = [(margin - pad, margin - pad), (width - margin + pad, margin - pad),
               (width - margin + pad, height - margin + pad), (margin - pad, height - margin + pad)]
    if angle == 0:
        return layer, corners
    rotated = layer.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True)
    # Pillow rotates counter-clockwise about the centre; expand keeps every pixel.
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    cx, cy = width / 2, height / 2
    ncx, ncy = rotated.width / 2, rotated.height / 2
    turned = [(ncx + (x - cx) * cos + (y - cy) * sin, ncy - (x - cx) * sin + (y - cy) * cos)
              for x, y in corners]
    return rotated, turned


def render_ocr_scene(
    seed: int, *, language: Language | None = None, variety: Variety = "standard"
) -> OcrScene:
    """Render one OCR scene of 1 to 4 lines of one language.

    Args:
        seed: Everything (language when not given, texts, fonts, colours, angles) follows it.
        language: ``"en"`` or ``"zh"``; chosen from the seed when None.
        variety: ``"standard"`` (one font per language, 26-40 px, dark text on a light
            background, up to 3 degrees, light blur or noise) or ``"wide"`` (five Latin and two
            Chinese fonts, 16-48 px, a fifth of the scenes light text on a dark background,
            lower contrast, up to 8 degrees, stronger blur and noise, JPEG artefacts).

    Raises:
        InvalidInput: A bad language or variety, or a font is not installed.
    """
    from PIL import Image, ImageFilter

    if language not in (None, "en", "zh"):
        raise InvalidInput(f"language must be 'en' or 'zh', got {language!r}", field="language")
    if variety not in ("standard", "wide"):
        raise InvalidInput(f"unknown variety {variety!r}", field="variety")
    wide = variety == "wide"
    rng = random.Random(f"ocr-{variety}-{seed}")  # noqa: S311 - reproducible scenes
    lang: Language = language if language is not None else rng.choice(("en", "zh"))
    roles = (_WIDE_FONTS if wide else _STANDARD_FONTS)[lang]
    dark = wide and rng.random() < 0.2
    layers = []
    for _ in range(rng.randint(1, 4)):
        text = _english_line(rng) if lang == "en" else _chinese_line(rng)
        size = rng.randint(16, 48) if wide else rng.randint(26, 40)
        ink = rng.randint(0, 120 if wide else 70)
        colour = (ink, rng.randint(0, ink + 20), rng.randint(0, ink + 20))
        if dark:
            colour = (255 - colour[0], 255 - colour[1], 255 - colour[2])
        max_angle = 8.0 if wide else 3.0
        angle = round(rng.uniform(-max_angle, max_angle), 1) if rng.random() < 0.4 else 0.0
        layers.append((text, *_line_layer(text, _font(rng.choice(roles), size), colour, angle)))
    margin = rng.randint(16, 48)
    gap = rng.randint(10, 30)
    width = max(layer.width for _, layer, _ in layers) + 2 * margin + rng.randint(0, 120)
    height = sum(layer.height for _, layer, _ in layers) + gap * (len(layers) - 1) + 2 * margin
    image = _background(rng, width, height, wide, dark)
    objects = []
    y = margin
    for text, layer, corners in layers:
        x = rng.randint(margin, width - margin - layer.width)
        image.paste(layer, (x, y), layer)
        points = tuple((round(min(max(px + x, 0.0), width), 2), round(min(max(py + y, 0.0), height), 2))
                       for px, py in corners)
        objects.append(TextLine(points=points, transcription=text))
        y += layer.height + gap
    degrade = rng.random()
    if degrade < (0.3 if wide else 0.2):
        image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 2.0 if wide else 1.0)))
    elif degrade < (0.55 if wide else 0.35):
        image = _add_noise(image, rng, rng.uniform(6, 24 if wide else 10))
    if wide and rng.random() < 0.3:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=rng.randint(25, 60))
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    return OcrScene(image=image, annotation=ImageAnnotation(objects=tuple(objects)),
                    language=lang, seed=seed)


def render_ocr_scenes(
    seed: int, count: int, *, variety: Variety = "standard"
) -> list[OcrScene]:
    """``count`` scenes from consecutive sub-seeds, alternating English and Chinese."""
    return [render_ocr_scene(seed * 100_003 + i, language=("en", "zh")[i % 2], variety=variety)
            for i in range(count)]


def _add_noise(image: Image.Image, rng: random.Random, sigma: float) -> Image.Image:
    import numpy as np
    from PIL import Image

    noise = np.random.default_rng(rng.getrandbits(32)).normal(0.0, sigma, (image.height, image.width, 3))
    pixels = np.asarray(image, dtype=np.float32) + noise
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def render_object_scene(
    seed: int, *, width: int = 640, height: int = 480, objects: int | None = None
) -> ObjectScene:
    """Rectangles (``car``) and ellipses (``person``) on a gradient, with their exact boxes.

    Objects do not overlap (up to 50 placement tries each), so every box is fully visible.
    """
    from PIL import ImageDraw

    rng = random.Random(f"objects-{seed}")  # noqa: S311 - reproducible scenes
    image = _background(rng, width, height, wide=False)
    draw = ImageDraw.Draw(image)
    wanted = objects if objects is not None else rng.randint(1, 5)
    boxes: list[Box] = []
    for _ in range(wanted):
        for _try in range(50):
            label = rng.choice(("car", "person"))
            w, h = (rng.randint(60, 180), rng.randint(30, 90)) if label == "car" else (
                rng.randint(25, 60), rng.randint(60, 160))
            x, y = rng.randint(0, width - w), rng.randint(0, height - h)
            if all(x + w <= b.x or b.x + b.w <= x or y + h <= b.y or b.y + b.h <= y for b in boxes):
                break
        else:
            continue
        colour = tuple(rng.randint(0, 140) for _ in range(3))
        shape = draw.rectangle if label == "car" else draw.ellipse
        shape((x, y, x + w - 1, y + h - 1), fill=colour)  # Pillow's corners are inclusive
        boxes.append(Box(label=label, x=x, y=y, w=w, h=h))
    return ObjectScene(image=image, annotation=ImageAnnotation(objects=tuple(boxes)), seed=seed)


def write_bad_images(folder: Path, seed: int = 0) -> dict[str, Path]:
    """Write a good scene and the bad files the automatic checks must catch, into ``folder``.

    Returns:
        Paths by name: ``good`` (PNG), ``blurred`` (heavy Gaussian blur), ``tiny`` (32x24),
        ``dark`` (nearly black), ``truncated`` (a JPEG cut in half), ``duplicate`` (a byte-exact
        copy of ``good``) and ``near_duplicate`` (``good`` re-encoded as JPEG).
    """
    from PIL import Image, ImageFilter

    folder.mkdir(parents=True, exist_ok=True)
    scene = render_ocr_scene(seed, language="en")
    paths = {"good": scene.save(folder / "good.png")}
    paths["blurred"] = folder / "blurred.png"
    scene.image.filter(ImageFilter.GaussianBlur(6)).save(paths["blurred"])
    paths["tiny"] = folder / "tiny.png"
    scene.image.resize((32, 24)).save(paths["tiny"])
    paths["dark"] = folder / "dark.png"
    scene.image.point(lambda v: v // 40).save(paths["dark"])
    buffer = io.BytesIO()
    scene.image.save(buffer, "JPEG", quality=90)
    data = buffer.getvalue()
    paths["truncated"] = folder / "truncated.jpg"
    paths["truncated"].write_bytes(data[: len(data) // 2])
    paths["duplicate"] = folder / "duplicate.png"
    paths["duplicate"].write_bytes(paths["good"].read_bytes())
    paths["near_duplicate"] = folder / "near_duplicate.jpg"
    paths["near_duplicate"].write_bytes(data)
    Image.open(paths["near_duplicate"]).verify()
    return paths
