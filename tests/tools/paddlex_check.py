"""Read a PaddleOCR det or rec export with PaddleX's own dataset checkers; print JSON.

Run with the PaddleX venv that ``scripts/setup.sh --dev`` builds (never with ``-O``: the det
checks are plain asserts)::

    .venv-paddlex/bin/python tests/tools/paddlex_check.py det EXPORT_DIR   # Label.txt + images/
    .venv-paddlex/bin/python tests/tools/paddlex_check.py rec EXPORT_DIR   # rec_gt.txt + crop_img/

PaddleX 3.7.2 (no paddlepaddle needed) wants ``train.txt`` and ``val.txt`` beside the images,
plus ``dict.txt`` for rec, so the export is copied into a temp dir and its label file is written
as both splits. Accepted: exit 0 and ``{"accepted": true, "images": [...], ...}``; det adds
``boxes`` (image -> the points PaddleX parsed) and ``texts`` (image -> transcriptions), rec adds
``texts`` (one per line, split on the tab as PaddleX splits it). Rejected by PaddleX: exit 1 and
``{"accepted": false, "error": "..."}``. Anything else (usage, a broken venv): exit 2.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

LABEL_FILES = {"det": "Label.txt", "rec": "rec_gt.txt"}


def _stage(kind: str, export_dir: Path, work: Path) -> tuple[Path, list[str]]:
    root = work / "dataset"
    shutil.copytree(export_dir, root)
    text = (export_dir / LABEL_FILES[kind]).read_text(encoding="utf-8")
    for split in ("train", "val"):
        (root / f"{split}.txt").write_text(text, encoding="utf-8")
    lines = [line for line in text.split("\n") if line]
    if kind == "rec":
        chars = sorted({c for line in lines for c in line.partition("\t")[2]})
        (root / "dict.txt").write_text("".join(f"{c}\n" for c in chars), encoding="utf-8")
    return root, lines


def _check_det(root: Path, out: Path, lines: list[str]) -> dict[str, Any]:
    from paddlex.modules.text_detection.dataset_checker.dataset_src.analyse_dataset import (
        simple_analyse,
    )
    from paddlex.modules.text_detection.dataset_checker.dataset_src.check_dataset import check

    attrs = check(str(root), str(out), sample_num=10)
    res = simple_analyse(str(root), max_recorded_sample_cnts=float("inf"), show_label=False)
    if res[0] != "完成数据分析":  # "analysis finished"; otherwise PaddleX's error message
        raise ValueError(f"simple_analyse: {res[0]}")
    infos = res[7]  # train split: [{"img_path": str, "box": [ndarray (N, 2), ...]}, ...]
    images = [os.path.relpath(info["img_path"], root) for info in infos]
    # only reached once PaddleX accepted every line: its path<TAB>JSON split
    texts = {line.split("\t")[0]: [e["transcription"] for e in json.loads(line.split("\t")[1])]
             for line in lines}
    return {"train_samples": attrs["train_samples"], "val_samples": attrs["val_samples"],
            "images": images,
            "boxes": {image: [box.tolist() for box in info["box"]]
                      for image, info in zip(images, infos, strict=True)},
            "texts": {image: texts[image] for image in images}}


def _check_rec(root: Path, out: Path, lines: list[str]) -> dict[str, Any]:
    from paddlex.modules.text_recognition.dataset_checker.dataset_src.check_dataset import check

    attrs = check(str(root), str(out), dataset_type="MSTextRecDataset", sample_num=10)
    pairs = [line.split("\t") for line in lines]  # PaddleX checked: exactly 2 fields each
    return {"train_samples": attrs["train_samples"], "val_samples": attrs["val_samples"],
            "images": [path for path, _ in pairs], "texts": [text for _, text in pairs]}


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in LABEL_FILES:
        sys.stderr.write(__doc__ or "")
        return 2
    if sys.flags.optimize:
        sys.stderr.write("paddlex_check: run without -O (PaddleX's det checks are asserts)\n")
        return 2
    kind, export_dir = argv[0], Path(argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        # before paddlex is imported: it writes its cache under ~/.paddlex otherwise
        os.environ.setdefault("PADDLE_PDX_CACHE_HOME", str(Path(tmp) / "pdx-cache"))
        import paddlex
        from paddlex.utils.errors import CheckFailedError

        root, lines = _stage(kind, export_dir, Path(tmp))
        checker = _check_det if kind == "det" else _check_rec
        try:
            result = checker(root, Path(tmp) / "out", lines)
        except (AssertionError, CheckFailedError, ValueError, TypeError, IndexError,
                KeyError) as err:  # what PaddleX's checkers raise on a malformed file
            message = " ".join(str(err).split()).replace(str(root) + "/", "")
            sys.stdout.write(json.dumps({"accepted": False,
                                         "error": f"{type(err).__name__}: {message}"}) + "\n")
            return 1
    sys.stdout.write(json.dumps({"accepted": True, "paddlex": paddlex.__version__,
                                 "paddle_imported": "paddle" in sys.modules, **result},
                                ) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
