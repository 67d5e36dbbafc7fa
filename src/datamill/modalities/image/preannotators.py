"""Image pre-annotators: machine proposals that annotators correct instead of drawing.

Every pre-annotator has a class-level ``name``, an instance ``model`` string (engine, version
and model files) and ``predict(image_path, language) -> ImageAnnotation``. Each proposed
object records the model (and the engine's confidence, where it has one) in its reserved
attribute :data:`~.schema.PREANNOTATION_ATTRIBUTE`, which :func:`~.schema.validate_annotation`
accepts on any label. Coordinates are those of the image as displayed (EXIF orientation
applied), clipped to the image.

* :class:`RapidOcrPreannotator`: PaddleOCR's PP-OCR text detection and recognition (Chinese and
  English in one model) run by ``rapidocr`` on ONNX Runtime, with the model files that ship
  inside the ``rapidocr`` wheel; nothing is downloaded. Lines are quadrilaterals.
* :class:`TesseractPreannotator`: Debian's ``tesseract`` program (``tesseract-ocr`` and
  ``tesseract-ocr-chi-sim``). Lines are axis-aligned boxes.
* :class:`OpenCvFacePreannotator`: OpenCV's bundled frontal-face Haar cascade; boxes.

The optional engines are looked up without importing them (``importlib.util.find_spec``,
``shutil.which``); a missing one raises :class:`~.errors.PreannotatorUnavailable` naming what to
install. Engines load lazily on the first ``predict`` and are reused (one per instance, guarded
by a lock: a pre-annotator may be shared by threads).
"""

from __future__ import annotations

import importlib.util
import io
import math
import shutil
import subprocess
import threading
import unicodedata
import warnings
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final, Protocol, runtime_checkable

from datamill.core.errors import InvalidInput
from datamill.modalities.base import ItemRecord
from datamill.modalities.image.errors import ImageDecodeError, PreannotatorUnavailable
from datamill.modalities.image.schema import (
    PREANNOTATION_ATTRIBUTE,
    Box,
    ImageAnnotation,
    TextLine,
)

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray
    from PIL import Image

__all__ = [
    "DEFAULT_MAX_PIXELS",
    "OCR_LANGUAGES",
    "ImagePreannotator",
    "OpenCvFacePreannotator",
    "RapidOcrPreannotator",
    "TesseractPreannotator",
    "load_display_image",
    "load_display_image_reduced",
    "normalise_ocr_language",
    "require_python_packages",
]

DEFAULT_MAX_PIXELS: Final = 64_000_000
"""Images declaring more pixels than this are refused before decoding (bomb guard)."""

OCR_LANGUAGES: Final[dict[str, str]] = {
    "en": "en", "en-us": "en", "en-gb": "en",
    "zh": "zh", "zh-cn": "zh", "zh-hans": "zh", "zh-hans-cn": "zh", "zh-sg": "zh",
}
"""Accepted language tags (lower-case, ``-`` separated) and the OCR language each means."""

_OCR_EXTRA: Final = "pip install 'datamill[ocr]'"


@runtime_checkable
class ImagePreannotator(Protocol):
    """What the loop asks of an image pre-annotator."""

    name: ClassVar[str]
    model: str

    def predict(self, item: ItemRecord) -> ImageAnnotation: ...

    def predict_file(self, image_path: Path, language: str) -> ImageAnnotation: ...


def normalise_ocr_language(language: str) -> str:
    """Map a BCP 47 tag to ``"en"`` or ``"zh"`` (Simplified Chinese).

    Raises:
        InvalidInput: Any other language.

    Examples:
        >>> normalise_ocr_language("zh_Hans"), normalise_ocr_language("en-US")
        ('zh', 'en')
    """
    wanted = language.strip().replace("_", "-").lower()
    if wanted not in OCR_LANGUAGES:
        raise InvalidInput(
            f"OCR pre-annotation supports English and Simplified Chinese; language {language!r} "
            f"is not supported (supported: {', '.join(OCR_LANGUAGES)})",
            field="language",
            value=language,
            supported=list(OCR_LANGUAGES),
        )
    return OCR_LANGUAGES[wanted]


def require_python_packages(preannotator: str, modules: dict[str, str], install: str) -> None:
    """Raise unless every module is importable; nothing is imported.

    Args:
        preannotator: The pre-annotator's name, for the message.
        modules: Import name -> distribution name, e.g. ``{"cv2": "opencv-python-headless"}``.
        install: What to run, e.g. ``pip install 'datamill[ocr]'``.

    Raises:
        PreannotatorUnavailable: Some module is missing; the message lists them.
    """
    missing = [dist for module, dist in modules.items() if importlib.util.find_spec(module) is None]
    if missing:
        raise PreannotatorUnavailable(
            f"the {preannotator} pre-annotator needs the Python package(s) {', '.join(missing)}, "
            f"which are not installed: {install}",
            preannotator=preannotator,
            missing=missing,
            install=install,
        )


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


def load_display_image(image_path: Path, max_pixels: int = DEFAULT_MAX_PIXELS) -> Image.Image:
    """Decode ``image_path`` as 8-bit RGB as displayed (EXIF orientation applied).

    Raises:
        ImageDecodeError: Missing, unreadable, truncated or corrupt file, or more than
            ``max_pixels`` pixels (refused before decoding).
    """
    return load_display_image_reduced(image_path, max_pixels)[0]


def load_display_image_reduced(
    image_path: Path, max_pixels: int = DEFAULT_MAX_PIXELS, least_scale: float = 1.0,
) -> tuple[Image.Image, tuple[int, int]]:
    """:func:`load_display_image`, but a JPEG may be decoded smaller (libjpeg's 1/2, 1/4 or
    1/8, never below ``least_scale`` of each side: several times faster than every pixel of a
    48 MP photo), and the displayed full size ``(width, height)`` with it."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    from datamill.modalities.image.checks import _DECODE_ERRORS
    from datamill.modalities.image.checks import _luminance as luminance

    path = Path(image_path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
    except FileNotFoundError as err:
        raise ImageDecodeError(f"{path.name}: file not found", file=str(path)) from err
    except (UnidentifiedImageError, Image.DecompressionBombError, *_DECODE_ERRORS) as err:
        raise ImageDecodeError(f"{path.name}: not a readable image ({err})", file=str(path)) from err
    with image:
        width, height = image.size
        if width * height > max_pixels:
            raise ImageDecodeError(
                f"{path.name}: {width}x{height} pixels is above the limit of {max_pixels}",
                file=str(path), width=width, height=height,
            )
        orientation = image.getexif().get(0x0112, 1)
        full = (height, width) if orientation in (5, 6, 7, 8) else (width, height)
        try:
            if image.format == "JPEG" and least_scale < 1:
                image.draft(image.mode, (max(1, math.ceil(width * least_scale)),
                                         max(1, math.ceil(height * least_scale))))
            image.load()
            if image.mode.startswith("I") or image.mode == "F":  # 16/32-bit, float greyscale
                exif = image.getexif()  # (read from the file: the TIFF tags say unsigned)
                grey = luminance(image)
                grey.info["exif"] = exif.tobytes()
                shown = ImageOps.exif_transpose(grey)
            else:
                shown = ImageOps.exif_transpose(image)
            return shown.convert("RGB"), full
        except _DECODE_ERRORS as err:
            raise ImageDecodeError(
                f"{path.name}: cannot decode {image.format or 'image'} data ({err})",
                file=str(path),
            ) from err


def _opencv_version() -> str:
    for dist in ("opencv-python-headless", "opencv-contrib-python-headless", "opencv-python",
                 "opencv-contrib-python"):
        version = _version(dist)
        if version != "unknown":
            return version
    return "unknown"


def _clip_points(points: Any, width: int, height: int) -> tuple[tuple[float, float], ...] | None:
    """Round and clip a quadrilateral to the image; None when it degenerates to no area."""
    clipped = tuple((round(min(max(float(x), 0.0), width), 2), round(min(max(float(y), 0.0), height), 2))
                    for x, y in points)
    area = 0.0
    for (x1, y1), (x2, y2) in zip(clipped, clipped[1:] + clipped[:1], strict=True):
        area += x1 * y2 - x2 * y1
    return clipped if abs(area) >= 1.0 else None


def _meta(model: str, confidence: float | None) -> dict[str, Any]:
    record: dict[str, Any] = {"model": model}
    if confidence is not None:
        record["confidence"] = round(float(confidence), 4)
    return {PREANNOTATION_ATTRIBUTE: record}


# ----------------------------------------------------------------------------- RapidOCR


class RapidOcrPreannotator:
    """PP-OCR (detection, direction classifier, recognition) via ``rapidocr`` and ONNX Runtime.

    The three ONNX files are the ones inside the installed ``rapidocr`` wheel (its ``models``
    folder); they are passed to the engine by path, so it never looks anything up online. One
    model reads both Chinese and English, so ``language`` is only validated.

    Detection runs on the image resized so that its longer side is ``detection_side`` pixels
    at most (PaddleOCR's own default, 960); smaller images are not enlarged. rapidocr's default
    instead enlarges every image until its *shorter* side is 736 pixels, which on short, wide
    images (a single line) splits lines into words and is several times slower. For large
    photographs with small print, raise ``detection_side``.

    Args:
        threads: ONNX Runtime intra-op threads (None: its default, all cores).
        text_score: Lines recognised with a lower confidence are dropped (rapidocr's default 0.5).
        detection_side: Longest side, in pixels, of the image the detector sees.
        max_pixels: Bomb guard for the input image.
    """

    name: ClassVar[str] = "rapidocr"
    #: the (class, object kind) pairs it proposes, before the spec's mapping
    proposes: ClassVar[tuple[tuple[str, str], ...]] = (("text", "text_line"),)

    def __init__(self, *, threads: int | None = None, text_score: float = 0.5,
                 detection_side: int = 960, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        if detection_side < 32:
            raise InvalidInput("detection_side must be at least 32 pixels", field="detection_side")
        require_python_packages(
            self.name, {"rapidocr": "rapidocr", "onnxruntime": "onnxruntime"}, _OCR_EXTRA
        )
        self._models = self._bundled_models()
        self._threads = threads
        self._text_score = text_score
        self._detection_side = detection_side
        self._max_pixels = max_pixels
        self._engine: Any = None
        self._lock = threading.Lock()
        files = "+".join(self._models[k].name for k in ("det", "cls", "rec"))
        self.model = (f"rapidocr-{_version('rapidocr')}/onnxruntime-{_version('onnxruntime')}/"
                      f"{files}/side{detection_side}")

    @staticmethod
    def _bundled_models() -> dict[str, Path]:
        spec = importlib.util.find_spec("rapidocr")
        folders = list(spec.submodule_search_locations or []) if spec else []
        models: dict[str, Path] = {}
        for kind in ("det", "cls", "rec"):
            found = sorted(p for folder in folders for p in (Path(folder) / "models").glob("*.onnx")
                           if f"_{kind}" in p.name)
            if len(found) != 1:
                raise PreannotatorUnavailable(
                    f"the installed rapidocr does not ship exactly one {kind} model in its "
                    f"models folder (found {[p.name for p in found]}); install the rapidocr "
                    f"version datamill's 'ocr' extra names: {_OCR_EXTRA}",
                    preannotator="rapidocr", install=_OCR_EXTRA,
                )
            models[kind] = found[0]
        return models

    def _get_engine(self) -> Any:
        with self._lock:
            if self._engine is None:
                from rapidocr import RapidOCR

                params: dict[str, Any] = {
                    "Global.log_level": "error",
                    "Global.text_score": self._text_score,
                    "Det.model_path": str(self._models["det"]),
                    "Cls.model_path": str(self._models["cls"]),
                    "Rec.model_path": str(self._models["rec"]),
                    "Det.limit_type": "max",
                    "Det.limit_side_len": self._detection_side,
                }
                if self._threads is not None:
                    params["EngineConfig.onnxruntime.intra_op_num_threads"] = self._threads
                    params["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
                self._engine = RapidOCR(params=params)
            return self._engine

    def predict(self, item: ItemRecord) -> ImageAnnotation:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file."""
        return self.predict_file(item.readable, item.language)

    def predict_file(self, image_path: Path, language: str) -> ImageAnnotation:
        """Detect and read the text lines of one image.

        Raises:
            InvalidInput: ``language`` is neither English nor Simplified Chinese.
            ImageDecodeError: The file is not a readable image.
        """
        import numpy as np

        normalise_ocr_language(language)
        image = load_display_image(image_path, self._max_pixels)
        bgr: NDArray[np.uint8] = np.ascontiguousarray(np.asarray(image)[:, :, ::-1])
        engine = self._get_engine()
        result = engine(bgr)
        boxes = getattr(result, "boxes", None)
        if boxes is None:  # nothing detected
            return ImageAnnotation()
        objects = []
        for quad, text, score in zip(boxes, result.txts, result.scores, strict=True):
            points = _clip_points(quad, image.width, image.height)
            if points is None or not str(text).strip():
                continue
            objects.append(TextLine(points=points, transcription=str(text),
                                    attributes=_meta(self.model, score)))
        return ImageAnnotation(objects=tuple(objects))


# ----------------------------------------------------------------------------- Tesseract


def _is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def _join_words(words: list[str]) -> str:
    """Join Tesseract's words: a space between Latin words, none next to a CJK character."""
    text = ""
    for word in words:
        if text and not (_is_cjk(text[-1]) or _is_cjk(word[0])):
            text += " "
        text += word
    return text


def parse_tesseract_tsv(tsv: str) -> list[tuple[tuple[int, int, int, int], str, float | None]]:
    """Group Tesseract's TSV word rows (level 5) into lines.

    Returns:
        One ``((left, top, right, bottom), text, confidence)`` per line with text, in reading
        order; confidence is the mean word confidence in [0, 1] (None if no word has one).
    """
    lines: dict[tuple[str, ...], dict[str, Any]] = {}
    rows = tsv.splitlines()
    if not rows:
        return []
    header = rows[0].split("\t")
    for row in rows[1:]:
        cells = row.split("\t")
        if len(cells) != len(header):
            continue
        record = dict(zip(header, cells, strict=True))
        word = record.get("text", "").strip()
        if record.get("level") != "5" or not word:
            continue
        key = tuple(record[k] for k in ("page_num", "block_num", "par_num", "line_num"))
        left, top = int(record["left"]), int(record["top"])
        right, bottom = left + int(record["width"]), top + int(record["height"])
        line = lines.setdefault(key, {"box": [left, top, right, bottom], "words": [], "conf": []})
        box = line["box"]
        box[:] = [min(box[0], left), min(box[1], top), max(box[2], right), max(box[3], bottom)]
        line["words"].append(word)
        conf = float(record.get("conf", "-1"))
        if conf >= 0:
            line["conf"].append(conf / 100.0)
    return [
        (tuple(line["box"]), _join_words(line["words"]),
         sum(line["conf"]) / len(line["conf"]) if line["conf"] else None)
        for line in lines.values()
    ]


class TesseractPreannotator:
    """Tesseract OCR (Debian's ``tesseract`` program) with its LSTM models.

    The image is decoded here (EXIF orientation applied) and handed to ``tesseract`` as PNG on
    its standard input; its TSV output is parsed here. We call the program directly rather than
    through pytesseract: that wrapper adds a dependency only to run the same command line and
    parse the same TSV, and it writes temporary files.

    ``en`` reads with ``eng``; ``zh`` with ``chi_sim+eng`` (Chinese text carries Latin letters
    and digits). Lines are the axis-aligned union of their words' boxes.

    Args:
        executable: The program, a name on ``PATH`` or a path.
        page_segmentation: Tesseract's ``--psm`` (11, sparse text, suits scene text and labels;
            3, automatic, suits pages).
        timeout_s: Per-image time limit.
        max_pixels: Bomb guard for the input image.
    """

    name: ClassVar[str] = "tesseract"
    #: the (class, object kind) pairs it proposes, before the spec's mapping
    proposes: ClassVar[tuple[tuple[str, str], ...]] = (("text", "text_line"),)
    _LANGS: ClassVar[dict[str, str]] = {"en": "eng", "zh": "chi_sim+eng"}
    _PACKAGES: ClassVar[dict[str, str]] = {"eng": "tesseract-ocr-eng",
                                            "chi_sim": "tesseract-ocr-chi-sim"}

    def __init__(self, *, executable: str = "tesseract", page_segmentation: int = 11,
                 timeout_s: float = 120.0, max_pixels: int = DEFAULT_MAX_PIXELS) -> None:
        found = shutil.which(executable)
        if found is None:
            raise PreannotatorUnavailable(
                f"the tesseract pre-annotator needs the program {executable!r}, which is not "
                "installed or not on PATH: install the Debian packages tesseract-ocr and "
                "tesseract-ocr-chi-sim (scripts/setup.sh does)",
                preannotator=self.name,
                install="apt-get install tesseract-ocr tesseract-ocr-chi-sim",
            )
        self._executable = found
        self._psm = page_segmentation
        self._timeout_s = timeout_s
        self._max_pixels = max_pixels
        self._installed = self._list_languages()
        self.model = (f"tesseract-{self._program_version()}/psm{page_segmentation}/"
                      f"{'+'.join(sorted(self._installed & set(self._PACKAGES)))}.traineddata")

    def _run(self, args: list[str], stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        try:
            return subprocess.run([self._executable, *args], input=stdin, capture_output=True,
                                  timeout=self._timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PreannotatorUnavailable(
                f"running {self._executable} failed: {err}", preannotator=self.name,
                install="apt-get install tesseract-ocr tesseract-ocr-chi-sim",
            ) from err

    def _program_version(self) -> str:
        out = self._run(["--version"])
        first = (out.stdout or out.stderr).decode(errors="replace").split()
        return first[1] if len(first) > 1 else "unknown"

    def _list_languages(self) -> set[str]:
        out = self._run(["--list-langs"]).stdout.decode(errors="replace").splitlines()
        return {line.strip() for line in out[1:] if line.strip()}

    def predict(self, item: ItemRecord) -> ImageAnnotation:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file."""
        return self.predict_file(item.readable, item.language)

    def predict_file(self, image_path: Path, language: str) -> ImageAnnotation:
        """Read the text lines of one image.

        Raises:
            InvalidInput: ``language`` is neither English nor Simplified Chinese.
            PreannotatorUnavailable: The language's Tesseract data is not installed, or
                Tesseract failed.
            ImageDecodeError: The file is not a readable image.
        """
        langs = self._LANGS[normalise_ocr_language(language)]
        missing = [self._PACKAGES[lang] for lang in langs.split("+") if lang not in self._installed]
        if missing:
            raise PreannotatorUnavailable(
                f"tesseract has no data for {langs}: install the Debian package(s) "
                f"{', '.join(missing)}",
                preannotator=self.name, install=f"apt-get install {' '.join(missing)}",
            )
        image = load_display_image(image_path, self._max_pixels)
        png = io.BytesIO()
        image.save(png, "PNG", compress_level=1)
        out = self._run(["stdin", "stdout", "-l", langs, "--psm", str(self._psm), "tsv"],
                        stdin=png.getvalue())
        if out.returncode != 0:
            raise PreannotatorUnavailable(
                f"tesseract failed on {Path(image_path).name} (exit {out.returncode}): "
                f"{out.stderr.decode(errors='replace').strip()[-500:]}",
                preannotator=self.name, file=str(image_path),
                install="apt-get install tesseract-ocr tesseract-ocr-chi-sim",
            )
        objects = []
        for (left, top, right, bottom), text, confidence in parse_tesseract_tsv(
                out.stdout.decode("utf-8", errors="replace")):
            points = _clip_points(((left, top), (right, top), (right, bottom), (left, bottom)),
                                  image.width, image.height)
            if points is not None:
                objects.append(TextLine(points=points, transcription=text,
                                        attributes=_meta(self.model, confidence)))
        return ImageAnnotation(objects=tuple(objects))


# ----------------------------------------------------------------------------- faces


class OpenCvFacePreannotator:
    """Frontal faces with OpenCV's bundled Haar cascade (Viola-Jones), as boxes.

    Fast and dependency-free beyond OpenCV, but only for roughly frontal, upright faces; it
    has no confidence score. ``language`` is ignored.

    The cascade file is the one the OpenCV 4 wheels ship (``cv2.data.haarcascades``). OpenCV 5
    wheels ship neither the cascade files nor, outside the contrib build, the
    ``CascadeClassifier``: with them, pass ``cascade_path`` (and install the contrib build) or
    install ``opencv-python-headless>=4.8,<5``; otherwise construction raises
    :class:`~.errors.PreannotatorUnavailable` saying so.

    Args:
        label: The label of the proposed boxes.
        scale_factor: Image pyramid step of ``detectMultiScale``.
        min_neighbors: Overlapping detections needed to keep one (higher: fewer false alarms).
        min_size: Smallest face side in pixels.
        max_pixels: Bomb guard for the input image.
        cascade_path: A Haar cascade XML to use instead of OpenCV's bundled frontal-face one.
    """

    name: ClassVar[str] = "opencv-face"
    #: the (class, object kind) pairs it proposes as registered (``label`` is its class)
    proposes: ClassVar[tuple[tuple[str, str], ...]] = (("face", "box"),)
    CASCADE: ClassVar[str] = "haarcascade_frontalface_default.xml"

    def __init__(self, *, label: str = "face", scale_factor: float = 1.1, min_neighbors: int = 5,
                 min_size: int = 30, max_pixels: int = DEFAULT_MAX_PIXELS,
                 cascade_path: Path | None = None) -> None:
        if not label.strip():
            raise InvalidInput("label must not be empty", field="label")
        require_python_packages(self.name, {"cv2": "opencv-python-headless"},
                                "pip install 'datamill[vision]'")
        self._cascade_path = Path(cascade_path) if cascade_path else self._bundled_cascade()
        self.label = label
        self._scale_factor = scale_factor
        self._min_neighbors = min_neighbors
        self._min_size = min_size
        self._max_pixels = max_pixels
        self._cascade: Any = None
        self._lock = threading.Lock()
        self.model = f"opencv-{_opencv_version()}/{self._cascade_path.name}"

    def _bundled_cascade(self) -> Path:
        spec = importlib.util.find_spec("cv2")
        for folder in (spec.submodule_search_locations or []) if spec else []:
            path = Path(folder) / "data" / self.CASCADE
            if path.is_file():
                return path
        raise PreannotatorUnavailable(
            f"the installed OpenCV ({_opencv_version()}) does not ship {self.CASCADE}: OpenCV 5 "
            "wheels dropped the Haar cascades; install 'opencv-python-headless>=4.8,<5' or pass "
            "cascade_path",
            preannotator=self.name, install="pip install 'opencv-python-headless>=4.8,<5'",
        )

    def _get_cascade(self) -> Any:
        with self._lock:
            if self._cascade is None:
                import cv2

                classifier = getattr(cv2, "CascadeClassifier", None)
                if classifier is None:
                    raise PreannotatorUnavailable(
                        f"OpenCV {cv2.__version__} has no CascadeClassifier (OpenCV 5 moved it to "
                        "the contrib build): install 'opencv-python-headless>=4.8,<5'",
                        preannotator=self.name,
                        install="pip install 'opencv-python-headless>=4.8,<5'",
                    )
                cascade = classifier(str(self._cascade_path))
                if cascade.empty():
                    raise PreannotatorUnavailable(
                        f"the cascade {self._cascade_path} is missing or not a cascade",
                        preannotator=self.name, install="pip install 'datamill[vision]'",
                    )
                self._cascade = cascade
            return self._cascade

    def predict(self, item: ItemRecord) -> ImageAnnotation:
        """The generic pre-annotator call (:class:`datamill.modalities.base.Preannotator`):
        the item's media file."""
        return self.predict_file(item.readable, item.language)

    def predict_file(self, image_path: Path, language: str = "") -> ImageAnnotation:
        """Propose one box per detected face (``language`` is ignored).

        Raises:
            ImageDecodeError: The file is not a readable image.
        """
        import cv2
        import numpy as np

        image = load_display_image(image_path, self._max_pixels)
        gray = cv2.equalizeHist(np.asarray(image.convert("L")))
        faces = self._get_cascade().detectMultiScale(
            gray, scaleFactor=self._scale_factor, minNeighbors=self._min_neighbors,
            minSize=(self._min_size, self._min_size),
        )
        objects = []
        for x, y, w, h in sorted(tuple(int(v) for v in face) for face in faces):
            w, h = min(w, image.width - x), min(h, image.height - y)
            if w > 0 and h > 0:
                objects.append(Box(label=self.label, x=x, y=y, w=w, h=h,
                                   attributes=_meta(self.model, None)))
        return ImageAnnotation(objects=tuple(objects))
