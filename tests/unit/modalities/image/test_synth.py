"""The synthetic scene generator: deterministic, valid ground truth, the bad files it promises."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from datamill.core.errors import InvalidInput
from datamill.modalities.image.checks import measure_image
from datamill.modalities.image.errors import ImageDecodeError
from datamill.modalities.image.schema import (
    Box,
    ImageLabelSchema,
    LabelSpec,
    TextLine,
    validate_annotation,
)
from datamill.testing.images import (
    find_font,
    fonts_available,
    render_object_scene,
    render_ocr_scene,
    render_ocr_scenes,
    write_bad_images,
)
from tests._tools import require_tool

SCHEMA = ImageLabelSchema(labels=(
    LabelSpec(name="text", kinds=("text_line",)),
    LabelSpec(name="car", kinds=("box",)),
    LabelSpec(name="person", kinds=("box",)),
))


@pytest.fixture(autouse=True)
def _fonts() -> None:
    if not fonts_available():
        require_tool("DejaVu and a CJK font (fonts-wqy-zenhei) are not installed; run scripts/setup.sh")


@pytest.mark.parametrize("variety", ["standard", "wide"])
def test_ocr_scene_is_deterministic_and_valid(variety: str) -> None:
    for seed in range(6):
        a = render_ocr_scene(seed, variety=variety)
        b = render_ocr_scene(seed, variety=variety)
        assert a.annotation == b.annotation and a.language == b.language
        assert np.array_equal(np.asarray(a.image), np.asarray(b.image))
        width, height = a.image.size
        assert validate_annotation(a.annotation, SCHEMA, width, height) == []
        lines = a.annotation.objects
        assert 1 <= len(lines) <= 4
        for line in lines:
            assert isinstance(line, TextLine) and line.transcription.strip()
            if a.language == "zh":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in line.transcription)
            else:
                assert line.transcription.isascii()


def test_text_lies_inside_its_line_box() -> None:
    scene = render_ocr_scene(3, language="en")
    background = np.asarray(scene.image.convert("L"), dtype=np.int16)
    canvas = Image.new("L", scene.image.size, 0)
    for line in scene.annotation.objects:
        ImageDraw.Draw(canvas).polygon(line.points, fill=255)
    mask = np.asarray(canvas) > 0
    # the text is dark: outside the line boxes there is no ink darker than the background noise
    assert background[mask].min() < 100
    assert background[~mask].min() > background[mask].min() + 40


def test_scene_sets_alternate_languages_and_differ_by_seed() -> None:
    scenes = render_ocr_scenes(5, 4)
    assert [s.language for s in scenes] == ["en", "zh", "en", "zh"]
    other = render_ocr_scenes(6, 4)
    assert [s.annotation for s in scenes] != [s.annotation for s in other]


def test_bad_arguments() -> None:
    with pytest.raises(InvalidInput, match="language"):
        render_ocr_scene(0, language="fr")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="variety"):
        render_ocr_scene(0, variety="extreme")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="font role"):
        find_font("gothic")


def test_object_scene_boxes_are_exact() -> None:
    scene = render_object_scene(4, objects=4)
    assert scene.annotation == render_object_scene(4, objects=4).annotation
    pixels = np.asarray(scene.image, dtype=np.int16)
    boxes = scene.annotation.objects
    assert boxes and validate_annotation(scene.annotation, SCHEMA, *scene.image.size) == []
    for box in boxes:
        assert isinstance(box, Box) and box.label in {"car", "person"}
        x, y, w, h = int(box.x), int(box.y), int(box.w), int(box.h)
        centre = pixels[y + h // 2, x + w // 2]
        # the shape is filled with one colour; the pixel just outside the box is background
        assert np.array_equal(centre, pixels[y + h // 2, x + w // 2 + 1])
        if x + w < scene.image.width:
            assert not np.array_equal(centre, pixels[y + h // 2, x + w])
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y


def test_bad_images(tmp_path: Path) -> None:
    paths = write_bad_images(tmp_path / "bad", seed=2)
    good = measure_image(paths["good"], max_pixels=10**7)
    assert measure_image(paths["blurred"], max_pixels=10**7).sharpness < good.sharpness / 10
    tiny = measure_image(paths["tiny"], max_pixels=10**7)
    assert (tiny.width, tiny.height) == (32, 24)
    assert measure_image(paths["dark"], max_pixels=10**7).mean_luminance < 10
    with pytest.raises(ImageDecodeError):
        measure_image(paths["truncated"], max_pixels=10**7)
    assert paths["duplicate"].read_bytes() == paths["good"].read_bytes()
    near = measure_image(paths["near_duplicate"], max_pixels=10**7)
    assert near.format == "JPEG"
    assert bin(int(near.phash, 16) ^ int(good.phash, 16)).count("1") <= 4
