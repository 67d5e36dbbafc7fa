"""The image workbench's preview rendition (``modalities.image.preview``): its size, the cache
per blob, and clear errors for files that are not decodable images."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from datamill.modalities.image.errors import ImageDecodeError
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.image.preview import (
    PREVIEW_MAX_SIDE,
    cached_preview,
    needs_preview,
    preview_size,
    render_preview,
)

SHA = "c0ffee" + "0" * 58


def _photo(path: Path, w: int, h: int, **save: object) -> Path:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:h, 0:w]
    pixels = np.stack([x * 255 // w, y * 255 // h, (x + y) * 255 // (w + h)], axis=-1)
    img = Image.fromarray((pixels + rng.integers(0, 8, pixels.shape)).clip(0, 255).astype(np.uint8))
    img.save(path, **save)
    return path


def test_preview_size_keeps_the_aspect_and_never_enlarges() -> None:
    assert preview_size(3840, 2160) == (1920, 1080)
    assert preview_size(2160, 3840) == (1080, 1920)
    assert preview_size(4000, 3) == (1920, 1)  # never 0
    assert preview_size(1920, 1080) == (1920, 1080)
    assert preview_size(800, 600, max_side=400) == (400, 300)
    with pytest.raises(ValueError):
        preview_size(0, 10)
    assert needs_preview(3840, 2160) and not needs_preview(1920, 1080)
    assert not needs_preview(None, None) and not needs_preview(0, 5000)


def test_4k_jpeg_preview_size_and_content(tmp_path: Path) -> None:
    src = _photo(tmp_path / "a.jpg", 3840, 2160, quality=90)
    p = cached_preview(src, SHA, tmp_path / "cache")
    assert (p.width, p.height, p.media_type, p.cached) == (1920, 1080, "image/jpeg", False)
    assert p.path == tmp_path / "cache" / "derived" / f"preview-{PREVIEW_MAX_SIDE}" / "c0" / f"{SHA}.jpg"
    with Image.open(p.path) as img:
        assert img.size == (1920, 1080) and img.format == "JPEG" and img.mode == "RGB"
        small = np.asarray(img.resize((96, 54)), dtype=np.int16)
    with Image.open(src) as full:
        ref = np.asarray(full.resize((96, 54)), dtype=np.int16)
    assert np.abs(small - ref).mean() < 6  # the same picture, only smaller
    assert not list(p.path.parent.glob("*.tmp-*"))  # written to a temp name, renamed in place


def test_second_request_is_a_cache_hit(tmp_path: Path) -> None:
    src = _photo(tmp_path / "a.png", 2500, 1000)
    first = cached_preview(src, SHA, tmp_path / "cache")
    stamp = first.path.stat().st_mtime_ns
    src.unlink()  # a hit never reads the original again
    again = cached_preview(src, SHA, tmp_path / "cache")
    assert again.cached and again.path == first.path and (again.width, again.height) == (1920, 768)
    assert first.path.stat().st_mtime_ns == stamp
    other = cached_preview(_photo(tmp_path / "b.png", 2500, 1000), SHA, tmp_path / "cache",
                           max_side=1000)  # another size is another rendition
    assert not other.cached and (other.width, other.height) == (1000, 400)


def test_exif_rotated_photo_is_previewed_as_displayed(tmp_path: Path) -> None:
    img = Image.new("RGB", (3000, 2000), (10, 200, 10))
    img.paste((250, 0, 0), (0, 0, 300, 300))  # red in the stored top-left corner
    exif = img.getexif()
    exif[0x0112] = 6  # displayed rotated 90° clockwise: 2000 x 3000, red at the top right
    img.save(tmp_path / "r.jpg", exif=exif, quality=95)
    p = render_preview(tmp_path / "r.jpg", tmp_path / "out" / "r")
    assert (p.width, p.height) == (1280, 1920)
    with Image.open(p.path) as out:
        assert out.size == (1280, 1920)
        r, g, _b = out.getpixel((1250, 30))  # type: ignore[misc]
        assert r > 200 and g < 60


@pytest.mark.parametrize("mode", ["CMYK", "I;16", "P", "L"])
def test_any_mode_gives_an_rgb_jpeg(tmp_path: Path, mode: str) -> None:
    suffix = ".jpg" if mode == "CMYK" else ".png"
    Image.new(mode, (2400, 100)).save(tmp_path / f"m{suffix}")
    p = render_preview(tmp_path / f"m{suffix}", tmp_path / "out" / "m")
    with Image.open(p.path) as out:
        assert out.mode == "RGB" and out.size == (1920, 80) and p.media_type == "image/jpeg"


def test_transparency_gives_a_webp(tmp_path: Path) -> None:
    Image.new("RGBA", (4000, 2000), (0, 0, 255, 100)).save(tmp_path / "t.png")
    p = cached_preview(tmp_path / "t.png", SHA, tmp_path / "cache")
    assert p.media_type == "image/webp" and p.path.suffix == ".webp"
    with Image.open(p.path) as out:
        assert out.mode == "RGBA" and out.size == (1920, 960)
    assert cached_preview(tmp_path / "t.png", SHA, tmp_path / "cache").cached


def test_truncated_jpeg_is_a_clear_error_and_caches_nothing(tmp_path: Path) -> None:
    data = _photo(tmp_path / "full.jpg", 3000, 2000, quality=90).read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageDecodeError) as err:
        cached_preview(tmp_path / "cut.jpg", SHA, tmp_path / "cache")
    assert err.value.code == "image_not_decodable"
    assert "cut.jpg" in err.value.message and "truncated" in err.value.message
    assert not [p for p in (tmp_path / "cache").rglob("*") if p.is_file()]


def test_not_an_image_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "notes.jpg").write_text("not a picture")
    with pytest.raises(ImageDecodeError, match=r"notes\.jpg: not an image format"):
        render_preview(tmp_path / "notes.jpg", tmp_path / "x")
    with pytest.raises(ImageDecodeError, match=r"gone\.png: file not found"):
        render_preview(tmp_path / "gone.png", tmp_path / "x")


def test_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.new("L", (5000, 5000)).save(buf, "PNG")
    (tmp_path / "bomb.png").write_bytes(buf.getvalue())
    with pytest.raises(ImageDecodeError, match="decompression-bomb guard") as err:
        render_preview(tmp_path / "bomb.png", tmp_path / "x", max_pixels=1_000_000)
    assert err.value.details["width"] == 5000


def test_plugin_hooks(tmp_path: Path) -> None:
    plugin = ImagePlugin()
    assert plugin.preview_size({"width": 3840, "height": 2160}) == (3840, 2160)
    assert plugin.preview_size({"width": 1024, "height": 768}) is None
    assert plugin.preview_size({}) is None
    src = _photo(tmp_path / "a.png", 2000, 1000)
    p = plugin.preview(src, SHA, tmp_path / "cache")
    assert (p.width, p.height) == (1920, 960)
    with pytest.raises(ValueError, match="content hash"):
        cached_preview(src, "../../etc", tmp_path / "cache")


def test_a_32_bit_image_beyond_16_bits_is_shown_scaled_not_white(tmp_path: Path) -> None:
    """A 32-bit greyscale TIFF of 0..1,000,000 showed 0 then white (clipped at 65535); its
    preview scales it from the 20 bits it uses, and the file itself is left as it is."""
    ramp = np.tile(np.linspace(0, 1_000_000, 2400).astype(np.int32), (50, 1))
    Image.fromarray(ramp, "I").save(tmp_path / "wide.tif")
    before = (tmp_path / "wide.tif").read_bytes()
    p = render_preview(tmp_path / "wide.tif", tmp_path / "out" / "w")
    with Image.open(p.path) as out:
        row = np.asarray(out.convert("L"))[25]
    assert row[0] <= 2 and abs(int(row[-1]) - 243) <= 2 and abs(int(row[960]) - 122) <= 2  # 500,000 of 2**20-1
    assert (tmp_path / "wide.tif").read_bytes() == before
