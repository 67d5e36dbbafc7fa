"""Image checks on real files made with Pillow: measured values, odd modes, broken files."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter
from pydantic import ValidationError

from datamill.modalities.image.checks import (
    ImageRequirements,
    hamming_distance,
    measure_image,
    nearest_hash,
    probe_image,
    run_image_checks,
)
from datamill.modalities.image.errors import ImageDecodeError

REQ = ImageRequirements(
    allowed_formats=("jpeg", "PNG"),
    max_pixels=10_000_000,
    min_width=64,
    min_height=64,
    min_aspect_ratio=0.5,
    max_aspect_ratio=2.0,
    min_sharpness=100.0,
    max_overexposed_fraction=0.05,
    max_underexposed_fraction=0.05,
    min_mean_luminance=40.0,
    max_mean_luminance=220.0,
    max_duplicate_distance=6,
    sharpness_side=240,  # the 320x240 scenes measured as they are (the threshold is set on them)
)


def _scene(width: int = 320, height: int = 240, seed: int = 0) -> Image.Image:
    """A sharp, mid-grey, textured RGB picture (blocks of random colours)."""
    rng = np.random.default_rng(seed)
    blocks = rng.integers(40, 215, size=(height // 16 + 1, width // 16 + 1, 3), dtype=np.uint8)
    pixels = np.kron(blocks, np.ones((16, 16, 1), dtype=np.uint8))[:height, :width]
    return Image.fromarray(pixels, "RGB")


def _by_name(outcomes):
    return {o.name: o for o in outcomes}


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def _png_bomb(path: Path, side: int) -> Path:
    """A tiny 1-bit PNG declaring ``side`` x ``side`` pixels."""
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    data = zlib.compress(b"\x00" * (side // 8 + 1) * 64, 9)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
                     + _png_chunk(b"IDAT", data) + _png_chunk(b"IEND", b""))
    return path


def test_good_jpeg_passes_every_check_with_measured_values(tmp_path: Path) -> None:
    path = tmp_path / "good.jpg"
    _scene().save(path, quality=95)
    outcomes = _by_name(run_image_checks(path, REQ, seen_hashes=[]))
    assert all(o.passed for o in outcomes.values()), outcomes
    assert set(outcomes) == {"decodable", "format", "resolution", "aspect_ratio", "sharpness",
                             "overexposure", "underexposure", "mean_luminance",
                             "exif_orientation", "near_duplicate"}
    assert outcomes["decodable"].value == 320 * 240
    assert outcomes["aspect_ratio"].value == pytest.approx(320 / 240)
    assert outcomes["sharpness"].value > 300
    assert 100 < outcomes["mean_luminance"].value < 150
    assert outcomes["overexposure"].value == 0.0
    assert outcomes["exif_orientation"].value == 1.0
    assert outcomes["exif_orientation"].extra == {"applied": False}


def test_blurred_image_fails_sharpness(tmp_path: Path) -> None:
    sharp, blurred = tmp_path / "sharp.png", tmp_path / "blurred.png"
    _scene().save(sharp)
    _scene().filter(ImageFilter.GaussianBlur(8)).save(blurred)
    sharp_value = _by_name(run_image_checks(sharp, REQ))["sharpness"].value
    outcome = _by_name(run_image_checks(blurred, REQ))["sharpness"]
    assert not outcome.passed
    assert outcome.value < 100 < sharp_value
    assert "sharpness (variance of the Laplacian)" in outcome.reason
    assert "below the minimum 100.0" in outcome.reason


@pytest.mark.parametrize(
    ("level", "failing", "fraction_check"),
    [(255, "overexposure", "overexposure"), (0, "underexposure", "underexposure")],
)
def test_clipped_exposure_fails(tmp_path: Path, level: int, failing: str,
                                fraction_check: str) -> None:
    pixels = np.asarray(_scene()).copy()
    pixels[:, :200] = level  # 62.5 % of the pixels clipped
    path = tmp_path / "clipped.png"
    Image.fromarray(pixels).save(path)
    outcomes = _by_name(run_image_checks(path, REQ))
    assert not outcomes[failing].passed
    assert outcomes[fraction_check].value == pytest.approx(200 / 320)
    assert "share of" in outcomes[failing].reason


def test_dark_image_fails_mean_luminance(tmp_path: Path) -> None:
    path = tmp_path / "dark.png"
    Image.fromarray((np.asarray(_scene()) // 8).astype(np.uint8)).save(path)
    outcome = _by_name(run_image_checks(path, REQ))["mean_luminance"]
    assert not outcome.passed and outcome.value < 40
    assert "below the minimum 40.0" in outcome.reason


def test_small_wide_and_wrong_format(tmp_path: Path) -> None:
    path = tmp_path / "strip.bmp"
    _scene(300, 50).save(path)
    outcomes = _by_name(run_image_checks(path, REQ))
    assert not outcomes["format"].passed
    assert outcomes["format"].reason == "format BMP is not allowed (JPEG, PNG)"
    assert not outcomes["resolution"].passed
    assert outcomes["resolution"].reason == "300x50 is below the minimum 64x64"
    assert not outcomes["aspect_ratio"].passed and outcomes["aspect_ratio"].value == 6.0


def test_exif_rotated_image_reports_orientation_and_displayed_size(tmp_path: Path) -> None:
    upright, rotated = tmp_path / "upright.jpg", tmp_path / "rotated.jpg"
    scene = _scene(320, 200)
    scene.transpose(Image.Transpose.ROTATE_270).save(upright, quality=95)  # displayed 200x320
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    scene.save(rotated, quality=95, exif=exif)
    m = measure_image(rotated, max_pixels=REQ.max_pixels)
    assert (m.width, m.height, m.exif_orientation) == (200, 320, 6)
    outcome = _by_name(run_image_checks(rotated, REQ))["exif_orientation"]
    assert outcome.value == 6.0 and outcome.extra == {"applied": True}
    # the hash is taken of the displayed picture: the same as the upright copy's
    reference = measure_image(upright, max_pixels=REQ.max_pixels).phash
    assert hamming_distance(m.phash, reference) <= 2
    assert probe_image(rotated, max_pixels=REQ.max_pixels).exif_orientation_applied


@pytest.mark.parametrize(
    ("mode", "suffix"),
    [("CMYK", ".jpg"), ("P", ".png"), ("I;16", ".png"), ("L", ".png"), ("RGBA", ".png"),
     ("1", ".png")],
)
def test_odd_modes_are_measured_alike(tmp_path: Path, mode: str, suffix: str) -> None:
    scene = _scene()
    path = tmp_path / f"img{suffix}"
    if mode == "I;16":
        wide = np.asarray(scene.convert("L")).astype(np.uint16) * 257
        Image.fromarray(wide).save(path)
    else:
        scene.convert(mode).save(path)
    m = measure_image(path, max_pixels=REQ.max_pixels)
    assert m.mode == ("I;16" if mode == "I;16" else mode)
    assert (m.width, m.height) == (320, 240)
    if mode != "1":  # 1-bit dithering changes the picture
        baseline = measure_image(_save(scene, tmp_path / "base.png"), max_pixels=REQ.max_pixels)
        assert m.mean_luminance == pytest.approx(baseline.mean_luminance, abs=4)
        assert hamming_distance(m.phash, baseline.phash) <= 4


def _save(image: Image.Image, path: Path) -> Path:
    image.save(path)
    return path


def test_truncated_jpeg_is_a_failing_outcome_not_an_exception(tmp_path: Path) -> None:
    good = _save(_scene(), tmp_path / "good.jpg")
    data = good.read_bytes()
    truncated = tmp_path / "truncated.jpg"
    truncated.write_bytes(data[: len(data) // 2])
    outcomes = run_image_checks(truncated, REQ)
    assert len(outcomes) == 1
    assert outcomes[0].name == "decodable" and not outcomes[0].passed
    assert outcomes[0].reason.startswith("truncated.jpg: cannot decode JPEG data (image file is "
                                         "truncated")
    with pytest.raises(ImageDecodeError) as err:
        measure_image(truncated, max_pixels=REQ.max_pixels)
    assert err.value.code == "image_not_decodable"


def test_png_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = _png_bomb(tmp_path / "bomb.png", 12_000)  # 144 Mpx; under Pillow's own hard limit
    assert bomb.stat().st_size < 10_000
    [outcome] = run_image_checks(bomb, REQ)
    assert not outcome.passed
    assert outcome.reason == (
        "bomb.png: declares 12000x12000 = 144000000 pixels, above the limit of 10000000 "
        "(decompression-bomb guard); not decoded")
    assert outcome.extra["width"] == 12_000


def test_gigapixel_png_bomb_is_refused_by_pillow_limit_too(tmp_path: Path) -> None:
    bomb = _png_bomb(tmp_path / "giga.png", 50_000)
    loose = REQ.model_copy(update={"max_pixels": 10**10})
    [outcome] = run_image_checks(bomb, loose)
    assert not outcome.passed
    assert "refused as a decompression bomb" in outcome.reason


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"this is not an image", "not.png: not an image format Pillow can read"),
     (None, "not.png: file not found")],
)
def test_unreadable_files(tmp_path: Path, content: bytes | None, reason: str) -> None:
    path = tmp_path / "not.png"
    if content is not None:
        path.write_bytes(content)
    [outcome] = run_image_checks(path, REQ)
    assert (outcome.name, outcome.passed, outcome.reason) == ("decodable", False, reason)


def test_near_duplicate_by_perceptual_hash(tmp_path: Path) -> None:
    original = _save(_scene(seed=1), tmp_path / "a.png")
    recompressed = tmp_path / "b.jpg"
    Image.open(original).resize((300, 225)).save(recompressed, quality=70)
    other = _save(_scene(seed=2), tmp_path / "c.png")
    hashes = [measure_image(p, max_pixels=REQ.max_pixels).phash
              for p in (original, recompressed, other)]
    assert nearest_hash(hashes[1], []) is None
    distance, index = nearest_hash(hashes[1], [hashes[2], hashes[0]])
    assert index == 1 and distance <= 6
    dup = _by_name(run_image_checks(recompressed, REQ, seen_hashes=[hashes[2], hashes[0]]))
    assert not dup["near_duplicate"].passed
    assert dup["near_duplicate"].extra["nearest_index"] == 1
    assert "near-duplicate" in dup["near_duplicate"].reason
    fresh = _by_name(run_image_checks(other, REQ, seen_hashes=[hashes[0]]))["near_duplicate"]
    assert fresh.passed and fresh.value > 6


def test_requirements_have_no_silent_defaults() -> None:
    with pytest.raises(ValidationError) as err:
        ImageRequirements(allowed_formats=("PNG",))
    missing = {e["loc"][0] for e in err.value.errors() if e["type"] == "missing"}
    assert "min_sharpness" in missing and "max_pixels" in missing
    with pytest.raises(ValidationError, match="min_aspect_ratio"):
        REQ.model_validate({**REQ.model_dump(), "min_aspect_ratio": 3.0})


def test_probe_reads_device_from_exif(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "Acme"
    exif[0x0110] = "Cam 3"
    path = tmp_path / "cam.jpg"
    _scene().save(path, exif=exif)
    attrs = probe_image(path, max_pixels=REQ.max_pixels, scene="street")
    assert (attrs.device, attrs.scene, attrs.format, attrs.width) == ("Acme Cam 3", "street",
                                                                      "JPEG", 320)
    assert probe_image(path, max_pixels=REQ.max_pixels, device="phone").device == "phone"


@pytest.mark.parametrize("scale", [1 << 12, 1 << 24])
def test_32_bit_greyscale_beyond_16_bits_is_measured_not_clipped(tmp_path: Path,
                                                                  scale: int) -> None:
    """A 32-bit TIFF (Pillow mode ``I``) with samples above 65535 read as white everywhere
    (and unsigned samples above 2**31 as negative, also white): scaled from the bits it uses
    (20, 32), it measures like its 8-bit picture (x 2**24 lies above 2**31: unsigned)."""
    import tifffile

    scene = _scene()
    grey = np.asarray(scene.convert("L")).astype(np.uint32) * scale
    path = tmp_path / "wide.tif"
    tifffile.imwrite(path, grey)
    m = measure_image(path, max_pixels=REQ.max_pixels)
    baseline = measure_image(_save(scene, tmp_path / "base.png"), max_pixels=REQ.max_pixels)
    assert m.mode == "I"
    assert m.mean_luminance == pytest.approx(baseline.mean_luminance, abs=4)
    assert hamming_distance(m.phash, baseline.phash) <= 4


def test_a_file_past_pillows_limit_gets_the_specs_refusal_naming_its_limit(
    tmp_path: Path,
) -> None:
    """h10: a 2.5 Gpx PNG in a project whose spec allows 10 Mpx was refused "as a
    decompression bomb" (Pillow's limit, 178,956,970, hit first), not by the spec's limit a
    project manager can act on; it gets the spec's refusal now, worded in zh-CN too."""
    from datamill.modalities.problem_words import word_reason

    bomb = _png_bomb(tmp_path / "giga.png", 50_000)
    [outcome] = run_image_checks(bomb, REQ)
    assert (outcome.name, outcome.passed) == ("decodable", False)
    assert outcome.reason == ("giga.png: declares 2500000000 pixels, above the limit of "
                              "10000000 (decompression-bomb guard); not decoded")
    assert outcome.extra["reason_code"] == "img_too_many_pixels"
    assert word_reason(outcome.extra, "zh-CN") == (
        "giga.png：声明 2,500,000,000 像素，超过上限 10,000,000（防解压炸弹），未解码")
