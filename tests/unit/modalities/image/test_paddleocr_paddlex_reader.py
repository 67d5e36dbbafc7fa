"""The PaddleOCR det/rec exports, read by PaddleOCR's own maintained reader: PaddleX's checkers.

PaddleX 3.7.2 lives in ``.venv-paddlex`` (``scripts/setup.sh --dev``; its numpy/PyYAML pins
clash with ``.venv``), so ``tests/tools/paddlex_check.py`` runs there in a subprocess and prints
what PaddleX read as JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from datamill.modalities.image.exporters.paddleocr import (
    PaddleOcrDetExporter,
    PaddleOcrRecExporter,
)
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import ImageAnnotation, TextLine
from tests._tools import require_tool
from tests.unit.modalities.image._cases import three_items

REPO = Path(__file__).resolve().parents[4]
PADDLEX_PY = REPO / ".venv-paddlex" / "bin" / "python"
CHECKER = REPO / "tests" / "tools" / "paddlex_check.py"

RECEIPT_LINES = [[[4, 4], [60, 4], [60, 16], [4, 16]], [[4, 20], [40, 22], [40, 34], [4, 32]],
                 [[62, 20], [76, 20], [76, 36], [62, 36]]]
TALL = [[10, 2], [20, 2], [20, 38], [10, 38]]
HEXAGON = [[30, 10], [50, 10], [60, 15], [50, 20], [30, 20], [25, 15]]


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The golden 3-image case plus a tall line and a 6-point polygon, exported as det and rec."""
    if not PADDLEX_PY.is_file():
        require_tool(f"PaddleX venv {PADDLEX_PY} is missing (scripts/setup.sh --dev builds it)")
    root = tmp_path_factory.mktemp("paddleocr")
    items = three_items(root / "src")
    receipt = items[2]
    items.append(ImageExportItem(
        id="r", image_path=receipt.image_path, sha256=receipt.sha256, width=80, height=40,
        annotation=ImageAnnotation(objects=(
            TextLine(points=tuple((x, y) for x, y in TALL), transcription="tall"),
            TextLine(points=tuple((x, y) for x, y in HEXAGON), transcription="hexagon"),
        ))))
    PaddleOcrDetExporter(on_unsupported="skip").export(items, root / "det")
    PaddleOcrRecExporter(on_unsupported="skip").export(items, root / "rec")
    return root


def _paddlex(kind: str, export_dir: Path, cwd: Path) -> tuple[int, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONOPTIMIZE", "PYTHONPATH"}}
    env["PADDLE_PDX_CACHE_HOME"] = str(cwd / "pdx-cache")  # never ~/.paddlex
    proc = subprocess.run([str(PADDLEX_PY), str(CHECKER), kind, str(export_dir)], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode in (0, 1), f"paddlex_check.py failed:\n{proc.stdout}{proc.stderr}"
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


def test_paddlex_reads_the_det_export(export: Path, tmp_path: Path) -> None:
    rc, got = _paddlex("det", export / "det", tmp_path)
    assert rc == 0 and got["accepted"], got
    assert got["paddlex"] == "3.7.2"
    assert not got["paddle_imported"]  # the checkers alone, without paddlepaddle
    assert got["train_samples"] == got["val_samples"] == 4
    assert got["images"] == ["images/street-001.jpg", "images/portrait-002.png",
                             "images/receipt-003.png", "images/r.png"]
    assert {image: len(boxes) for image, boxes in got["boxes"].items()} == {
        "images/street-001.jpg": 0, "images/portrait-002.png": 0,
        "images/receipt-003.png": 3, "images/r.png": 2}
    assert got["boxes"]["images/receipt-003.png"] == RECEIPT_LINES
    assert got["boxes"]["images/r.png"] == [TALL, HEXAGON]
    assert got["texts"] == {"images/street-001.jpg": [], "images/portrait-002.png": [],
                            "images/receipt-003.png": ["Total 12,50", "Merci ü", "###"],
                            "images/r.png": ["tall", "hexagon"]}


def test_paddlex_reads_the_rec_export(export: Path, tmp_path: Path) -> None:
    rc, got = _paddlex("rec", export / "rec", tmp_path)
    assert rc == 0 and got["accepted"], got
    assert got["train_samples"] == got["val_samples"] == 4
    assert got["images"] == ["crop_img/receipt-003_crop_0.png", "crop_img/receipt-003_crop_1.png",
                             "crop_img/r_crop_0.png", "crop_img/r_crop_1.png"]
    assert got["texts"] == ["Total 12,50", "Merci ü", "tall", "hexagon"]


@pytest.mark.parametrize(("kind", "label_file", "mangle", "error"), [
    ("det", "Label.txt", lambda line: line.replace("\t", " ", 1), "AssertionError"),
    ("det", "Label.txt", lambda line: line.replace('"points"', '"pts"'), "AssertionError"),
    ("rec", "rec_gt.txt", lambda line: line + "\textra", "CheckFailedError"),
], ids=["det-space-not-tab", "det-no-points", "rec-three-fields"])
def test_paddlex_rejects_a_malformed_label_file(export: Path, tmp_path: Path, kind: str,
                                                label_file: str, mangle: Any, error: str) -> None:
    bad = tmp_path / kind
    shutil.copytree(export / kind, bad)
    lines = (bad / label_file).read_text(encoding="utf-8").splitlines()
    lines[2] = mangle(lines[2])  # the receipt's line (det) / the third crop (rec)
    (bad / label_file).write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    rc, got = _paddlex(kind, bad, tmp_path)
    assert rc == 1 and not got["accepted"], got
    assert got["error"].startswith(f"{error}:"), got


def test_checker_refuses_python_o(export: Path, tmp_path: Path) -> None:
    """PaddleX's det checks are asserts: under -O they would pass anything."""
    proc = subprocess.run([str(PADDLEX_PY), "-O", str(CHECKER), "det", str(export / "det")],
                          cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2 and "without -O" in proc.stderr
