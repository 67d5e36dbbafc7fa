"""Image pre-annotators on real rendered images (no mocks): rapidocr, tesseract, OpenCV faces."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PIL import Image

from datamill.core.errors import InvalidInput
from datamill.modalities.image.errors import ImageDecodeError, PreannotatorUnavailable
from datamill.modalities.image.metric import score_text_lines
from datamill.modalities.image.preannotators import (
    ImagePreannotator,
    OpenCvFacePreannotator,
    RapidOcrPreannotator,
    TesseractPreannotator,
    load_display_image,
    normalise_ocr_language,
    parse_tesseract_tsv,
    require_python_packages,
)
from datamill.modalities.image.schema import (
    PREANNOTATION_ATTRIBUTE,
    Box,
    ImageAnnotation,
    ImageLabelSchema,
    LabelSpec,
    TextLine,
    validate_annotation,
)
from datamill.testing.images import OcrScene, fonts_available, render_ocr_scenes
from tests._tools import require_module, require_tool

SCHEMA = ImageLabelSchema(labels=(LabelSpec(name="text", kinds=("text_line",)),
                                  LabelSpec(name="face", kinds=("box",))))
# Character / line accuracy measured on these 8 scenes (standard variety, seed 2; see
# bench/ocr_accuracy.py for larger and held-out runs): rapidocr 1.0 en and zh; tesseract
# 1.0 en, 0.98 zh. The thresholds leave room for other library builds.
RAPIDOCR_MIN = {"en": 0.9, "zh": 0.9}
TESSERACT_MIN = {"en": 0.9, "zh": 0.8}


@pytest.fixture(scope="module")
def scenes(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[OcrScene, Path]]:
    if not fonts_available():
        require_tool("DejaVu and a CJK font (fonts-wqy-zenhei) are not installed; run scripts/setup.sh")
    folder = tmp_path_factory.mktemp("ocr")
    return [(scene, scene.save(folder / f"scene{i}.png"))
            for i, scene in enumerate(render_ocr_scenes(2, 8))]


@pytest.fixture(scope="module")
def rapidocr() -> RapidOcrPreannotator:
    if importlib.util.find_spec("rapidocr") is None or importlib.util.find_spec("onnxruntime") is None:
        require_tool("rapidocr/onnxruntime are not installed: pip install -e '.[dev]'")
    return RapidOcrPreannotator(threads=1)


@pytest.fixture(scope="module")
def tesseract() -> TesseractPreannotator:
    try:
        return TesseractPreannotator()
    except PreannotatorUnavailable as err:
        require_tool(f"tesseract is not installed ({err}); run scripts/setup.sh --dev")
        raise


def _check_proposals(engine: ImagePreannotator, scenes: list[tuple[OcrScene, Path]],
                     minimum: dict[str, float]) -> None:
    hyps = [engine.predict_file(path, scene.language) for scene, path in scenes]
    for (scene, _), hyp in zip(scenes, hyps, strict=True):
        assert validate_annotation(hyp, SCHEMA, *scene.image.size) == []
        for line in hyp.objects:
            assert isinstance(line, TextLine)
            meta = line.attributes[PREANNOTATION_ATTRIBUTE]
            assert meta["model"] == engine.model
            assert 0.0 <= meta["confidence"] <= 1.0
    for language, floor in minimum.items():
        picked = [i for i, (scene, _) in enumerate(scenes) if scene.language == language]
        score = score_text_lines([scenes[i][0].annotation for i in picked],
                                 [hyps[i] for i in picked], iou_threshold=0.5)
        assert score.character_accuracy >= floor, (language, score)
        assert score.matched >= 0.8 * score.reference, (language, score)


def test_rapidocr_reads_english_and_chinese(
    rapidocr: RapidOcrPreannotator, scenes: list[tuple[OcrScene, Path]]
) -> None:
    assert isinstance(rapidocr, ImagePreannotator)
    assert RapidOcrPreannotator.name == "rapidocr"
    assert rapidocr.model.startswith("rapidocr-")
    assert "/onnxruntime-" in rapidocr.model and "det" in rapidocr.model and "rec" in rapidocr.model
    _check_proposals(rapidocr, scenes, RAPIDOCR_MIN)


def test_rapidocr_models_ship_in_the_wheel(rapidocr: RapidOcrPreannotator) -> None:
    spec = importlib.util.find_spec("rapidocr")
    assert spec is not None and spec.submodule_search_locations
    package = Path(next(iter(spec.submodule_search_locations)))
    for path in rapidocr._models.values():
        assert path.is_file() and path.parent == package / "models"
        assert path.name in rapidocr.model


def test_rapidocr_blank_image_and_exif_orientation(
    rapidocr: RapidOcrPreannotator, scenes: list[tuple[OcrScene, Path]], tmp_path: Path
) -> None:
    blank = tmp_path / "blank.png"
    Image.new("RGB", (320, 200), "white").save(blank)
    assert rapidocr.predict_file(blank, "en") == ImageAnnotation()
    # Stored rotated, tagged to be shown upright: coordinates refer to the upright image.
    scene, _ = scenes[0]
    stored = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # displayed = stored rotated 90 degrees clockwise
    scene.image.transpose(Image.Transpose.ROTATE_90).save(stored, quality=95, exif=exif)
    hyp = rapidocr.predict_file(stored, scene.language)
    score = score_text_lines([scene.annotation], [hyp], iou_threshold=0.5)
    assert score.matched == score.reference and score.character_accuracy >= 0.9


def test_tesseract_reads_english_and_chinese(
    tesseract: TesseractPreannotator, scenes: list[tuple[OcrScene, Path]]
) -> None:
    assert isinstance(tesseract, ImagePreannotator)
    assert tesseract.model.startswith("tesseract-")
    assert "chi_sim" in tesseract.model and "eng" in tesseract.model
    _check_proposals(tesseract, scenes, TESSERACT_MIN)


def test_tesseract_missing_gives_a_clear_error(monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    with pytest.raises(PreannotatorUnavailable) as caught:
        TesseractPreannotator(executable="datamill-no-such-tesseract")
    assert "tesseract-ocr" in str(caught.value) and "tesseract-ocr-chi-sim" in str(caught.value)
    assert caught.value.code == "preannotator_unavailable"
    assert caught.value.details["install"].startswith("apt-get install tesseract-ocr")
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty PATH: the program is not found
    with pytest.raises(PreannotatorUnavailable, match="not installed or not on PATH"):
        TesseractPreannotator()


def test_tesseract_tsv_lines_join_words_by_script() -> None:
    header = ("level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight"
              "\tconf\ttext")
    rows = [
        "1\t1\t0\t0\t0\t0\t0\t0\t300\t100\t-1\t",
        "5\t1\t1\t1\t1\t1\t10\t12\t40\t20\t96.5\tOpen",
        "5\t1\t1\t1\t1\t2\t55\t10\t50\t24\t91.5\tdaily",
        "5\t1\t1\t1\t2\t1\t10\t50\t20\t20\t90\t营业",
        "5\t1\t1\t1\t2\t2\t31\t50\t20\t20\t80\t时间",
        "5\t1\t1\t1\t2\t3\t60\t50\t20\t20\t70\t9",
        "5\t1\t1\t1\t3\t1\t10\t80\t20\t20\t-1\t ",
    ]
    lines = parse_tesseract_tsv("\n".join([header, *rows]) + "\n")
    assert lines[0][0] == (10, 10, 105, 34) and lines[0][1] == "Open daily"
    assert lines[0][2] == pytest.approx(0.94)
    assert lines[1][1] == "营业时间9"
    assert len(lines) == 2  # the blank word makes no line


def test_unsupported_language_and_bad_files(tmp_path: Path) -> None:
    assert normalise_ocr_language("zh_Hans_CN") == "zh"
    with pytest.raises(InvalidInput, match="not supported"):
        normalise_ocr_language("fr")
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ImageDecodeError):
        load_display_image(broken)
    with pytest.raises(ImageDecodeError, match="not found"):
        load_display_image(tmp_path / "missing.png")
    big = tmp_path / "big.png"
    Image.new("L", (100, 100)).save(big)
    with pytest.raises(ImageDecodeError, match="above the limit"):
        load_display_image(big, max_pixels=5_000)


def test_missing_python_package_names_the_install() -> None:
    with pytest.raises(PreannotatorUnavailable) as caught:
        require_python_packages("rapidocr", {"datamill_no_such_module": "no-such-dist"},
                                "pip install 'datamill[ocr]'")
    message = str(caught.value)
    assert "no-such-dist" in message and "datamill[ocr]" in message
    assert caught.value.details["missing"] == ["no-such-dist"]


def test_preannotation_attribute_is_accepted_by_any_schema() -> None:
    meta = {PREANNOTATION_ATTRIBUTE: {"model": "m", "confidence": 0.5}}
    line = TextLine(points=((0, 0), (10, 0), (10, 5), (0, 5)), transcription="a", attributes=meta)
    assert validate_annotation(ImageAnnotation(objects=(line,)), SCHEMA, 20, 20) == []
    other = line.model_copy(update={"attributes": {**meta, "colour": "red"}})
    assert validate_annotation(ImageAnnotation(objects=(other,)), SCHEMA, 20, 20) == [
        "objects[0].attributes.colour: unknown attribute for label 'text'"]


# ----------------------------------------------------------------------------- faces


def _face_preannotator(**options: object) -> OpenCvFacePreannotator | None:
    """The face pre-annotator, or None after checking the OpenCV 5 error (no cascades there)."""
    import cv2

    try:
        return OpenCvFacePreannotator(**options)  # type: ignore[arg-type]
    except PreannotatorUnavailable as err:
        assert int(cv2.__version__.split(".")[0]) >= 5, err  # OpenCV 4 wheels ship the cascade
        assert "opencv-python-headless>=4.8,<5" in str(err)
        return None


def test_face_preannotator_blank_and_rendered(
    scenes: list[tuple[OcrScene, Path]], tmp_path: Path
) -> None:
    faces = _face_preannotator()
    if faces is None:
        return
    assert faces.model.startswith("opencv-") and faces.model.endswith(
        "haarcascade_frontalface_default.xml")
    blank = tmp_path / "blank.png"
    Image.new("RGB", (400, 300), (128, 128, 128)).save(blank)
    assert faces.predict_file(blank, "") == ImageAnnotation()
    scene, path = scenes[0]
    found = faces.predict_file(path, "en")
    assert validate_annotation(found, SCHEMA, *scene.image.size) == []


def _astronaut(tmp_path: Path) -> Path:
    """A real portrait that ships inside a package (scikit-image's sample data, a dev dependency)."""
    data = require_module("skimage.data")
    from PIL import Image

    path = tmp_path / "astronaut.png"
    Image.fromarray(data.astronaut()).save(path)
    return path


def test_face_preannotator_finds_a_real_face(tmp_path: Path) -> None:
    photo = _astronaut(tmp_path)
    faces = _face_preannotator(label="person_face")
    assert faces is not None, "OpenCV with Haar cascades is a dev dependency (opencv<5)"
    width, height = load_display_image(photo).size
    found = faces.predict_file(photo, "")
    assert len(found.objects) == 1
    box = found.objects[0]
    assert isinstance(box, Box) and box.label == "person_face"
    assert box.attributes[PREANNOTATION_ATTRIBUTE] == {"model": faces.model}
    # the face is in the upper middle of the portrait and a sizeable part of it
    assert 0.2 * width < box.x + box.w / 2 < 0.8 * width
    assert box.y + box.h / 2 < 0.6 * height
    assert box.w * box.h > 0.02 * width * height


def test_face_label_must_not_be_empty() -> None:
    with pytest.raises(InvalidInput):
        OpenCvFacePreannotator(label=" ")


def test_no_network_is_attempted(rapidocr: RapidOcrPreannotator,
                                 scenes: list[tuple[OcrScene, Path]],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    fresh = RapidOcrPreannotator(threads=1)  # loads its models from the wheel, offline
    scene, path = scenes[1]
    assert fresh.predict_file(path, scene.language).objects
