"""The ``image_hf`` exporter: Parquet that HF ``datasets`` loads, images embedded (issue 10 §3).

Every export is read back by ``datasets.load_dataset("parquet", ...)``: the image decodes to a
PIL image of the item's size and the objects and classes give back the annotation exported.
The golden file holds the rows (image bytes as their sha256, floats rounded to 6 decimals);
update it with ``DATAMILL_UPDATE_GOLDEN=1``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from datamill.core.errors import InvalidInput
from datamill.core.hashing import sha256_file
from datamill.modalities.base import ExportManifest
from datamill.modalities.image.exporters.hf import (
    PARQUET_FILE,
    SCHEMA,
    ImageHfExporter,
    annotation_from_row,
)
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.plugin import ImagePlugin
from datamill.modalities.image.schema import Box, ImageAnnotation
from datamill.testing.images import render_object_scene
from tests._tools import require_module
from tests.unit.modalities.image._cases import three_items
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS

GOLDEN = Path(__file__).resolve().parents[3] / "golden" / "image" / "image_hf" / "rows.json"
UPDATE_GOLDEN = os.environ.get("DATAMILL_UPDATE_GOLDEN") == "1"


def _scenes(folder: Path, n: int = 4) -> list[ImageExportItem]:
    """``n`` rendered object scenes (PNG and JPEG alternately), with their exact boxes."""
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    for i in range(n):
        scene = render_object_scene(20 + i, width=320 + 16 * i, height=240, objects=3)
        path = folder / f"scene{i}.{'jpg' if i % 2 else 'png'}"
        scene.image.save(path)
        items.append(ImageExportItem(
            id=f"scene-{i}", image_path=path, sha256=sha256_file(path), width=scene.image.width,
            height=scene.image.height,
            annotation=scene.annotation.model_copy(update={"classes": ("day",) if i % 2 else ()}),
        ))
    return items


def _load(path: Path, cache: Path) -> Any:
    datasets = require_module("datasets")
    return datasets.load_dataset("parquet", data_files=str(path), split="train",
                                 cache_dir=str(cache))


def _check_manifest(manifest: ExportManifest, out: Path, count: int) -> None:
    assert manifest.format == "image_hf" and manifest.items == count
    assert {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} == {
        PARQUET_FILE}
    assert manifest.files == {PARQUET_FILE: sha256_file(out / PARQUET_FILE)}


def _check_read_back(ds: Any, items: list[ImageExportItem]) -> None:
    from PIL import Image

    datasets = require_module("datasets")
    assert isinstance(ds.features["image"], datasets.Image)
    assert ds.num_rows == len(items)
    for row, item in zip(ds, items, strict=True):
        image = row["image"]
        assert isinstance(image, Image.Image)
        assert image.size == (item.width, item.height)
        with Image.open(item.image_path) as original:
            assert image.format == original.format
            assert list(image.getdata()) == list(original.getdata())
        assert row["image_id"] == item.id
        assert (row["width"], row["height"], row["sha256"]) == (item.width, item.height,
                                                               item.sha256)
        assert [o["label"] for o in row["objects"]] == [o.label for o in item.annotation.objects]
        assert row["classes"] == list(item.annotation.classes)
        assert annotation_from_row(row) == item.annotation
        assert ImageAnnotation.model_validate_json(row["annotation"]) == item.annotation


def test_rendered_scenes_load_with_datasets(tmp_path: Path) -> None:
    items = _scenes(tmp_path / "src")
    out = tmp_path / "hf"
    manifest = ImageHfExporter(batch_rows=3).export(iter(items), out)
    _check_manifest(manifest, out, len(items))
    meta = pq.ParquetFile(out / PARQUET_FILE).metadata
    assert [meta.row_group(i).num_rows for i in range(meta.num_row_groups)] == [3, 1]
    ds = _load(out / PARQUET_FILE, tmp_path / "hf_cache")
    _check_read_back(ds, items)
    boxes = [[o["bbox"] for o in row["objects"]] for row in ds]
    assert boxes == [[[b.x, b.y, b.w, b.h] for b in item.annotation.objects
                      if isinstance(b, Box)] for item in items]
    row = ds[0]
    assert row["image"].filename == "" and ds.with_format("arrow")[0]["image"][0].as_py()[
        "path"] == "scene-0.png"


def test_every_object_kind_round_trips_and_matches_golden(tmp_path: Path) -> None:
    items = three_items(tmp_path / "src")  # box, rotated box, polygon, polyline, keypoints, mask
    out = tmp_path / "hf"                  # and text lines; JPEG and PNG
    _check_manifest(ImageHfExporter().export(items, out), out, 3)
    _check_read_back(_load(out / PARQUET_FILE, tmp_path / "hf_cache"), items)
    rows = pq.read_table(out / PARQUET_FILE).to_pylist()
    for row, item in zip(rows, items, strict=True):  # the bytes as stored, not re-encoded
        assert hashlib.sha256(row["image"]["bytes"]).hexdigest() == row["sha256"] == item.sha256
        row["image"]["bytes"] = row["sha256"] = f"<sha256:{item.id}>"
    actual = json.dumps(_rounded(rows), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if UPDATE_GOLDEN:
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(actual, encoding="utf-8")
    assert GOLDEN.is_file(), f"missing golden file {GOLDEN}; run with DATAMILL_UPDATE_GOLDEN=1"
    assert actual == GOLDEN.read_text(encoding="utf-8")


def _rounded(value: Any) -> Any:
    """Floats to 6 decimals (the rotated box's corners carry libm last-digit noise)."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    return value


def test_empty_input_is_a_valid_empty_dataset(tmp_path: Path) -> None:
    out = tmp_path / "hf"
    _check_manifest(ImageHfExporter().export(iter(()), out), out, 0)
    schema = pq.read_schema(out / PARQUET_FILE)
    assert schema.equals(SCHEMA) and schema.metadata == SCHEMA.metadata
    assert pq.ParquetFile(out / PARQUET_FILE).metadata.num_row_groups == 0
    datasets = require_module("datasets")
    try:
        ds = _load(out / PARQUET_FILE, tmp_path / "hf_cache")
    except ValueError as err:  # datasets 5 loads no split without rows
        assert "corresponds to no data" in str(err)
        ds = datasets.Dataset(datasets.table.InMemoryTable(pq.read_table(out / PARQUET_FILE)))
    assert ds.num_rows == 0
    assert ds.column_names == SCHEMA.names
    assert isinstance(ds.features["image"], datasets.Image)


def test_the_plugin_delivers_it(tmp_path: Path) -> None:
    plugin = ImagePlugin()
    assert "image_hf" in plugin.exporter_names()
    exporter = plugin.make_exporter("image_hf", IMAGE_REQUIREMENTS)
    assert isinstance(exporter, ImageHfExporter)
    items = _scenes(tmp_path / "src", 2)
    assert exporter.export(items, tmp_path / "hf").items == 2


def test_unreadable_image_names_the_item(tmp_path: Path) -> None:
    items = _scenes(tmp_path / "src", 2)
    items[1].image_path.unlink()
    with pytest.raises(InvalidInput, match=r"item 'scene-1': cannot read its image .*scene1\.jpg"
                       ) as caught:
        ImageHfExporter().export(items, tmp_path / "hf")
    assert caught.value.details["item_id"] == "scene-1"


def test_duplicate_ids_and_bad_options_are_refused(tmp_path: Path) -> None:
    item = _scenes(tmp_path / "src", 1)[0]
    with pytest.raises(InvalidInput, match="duplicate item id 'scene-0'"):
        ImageHfExporter().export([item, item], tmp_path / "hf")
    with pytest.raises(InvalidInput, match="batch_rows"):
        ImageHfExporter(batch_rows=0)
    with pytest.raises(InvalidInput, match="batch_bytes"):
        ImageHfExporter(batch_bytes=0)


def test_row_groups_are_bounded_by_image_bytes(tmp_path: Path) -> None:
    items = _scenes(tmp_path / "src", 4)
    smallest = min(item.image_path.stat().st_size for item in items)
    out = tmp_path / "hf"
    ImageHfExporter(batch_bytes=smallest).export(items, out)  # one image a row group
    assert pq.ParquetFile(out / PARQUET_FILE).metadata.num_row_groups == 4


def test_a_generator_streams_in_bounded_memory(tmp_path: Path) -> None:
    """1,000 rows from a generator: Python's peak stays near one row group, not the export."""
    item = _scenes(tmp_path / "src", 1)[0]
    size = item.image_path.stat().st_size

    def stream() -> Iterator[ImageExportItem]:
        for i in range(1000):
            yield ImageExportItem(id=f"s{i:05d}", image_path=item.image_path, sha256=item.sha256,
                                  width=item.width, height=item.height,
                                  annotation=item.annotation)

    tracemalloc.start()
    try:
        manifest = ImageHfExporter(batch_rows=50).export(stream(), tmp_path / "hf")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert manifest.items == 1000
    assert peak < 150 * size + (4 << 20), f"peak {peak / 2**20:.1f} MiB ({size} bytes an image)"
    assert pq.ParquetFile(tmp_path / "hf" / PARQUET_FILE).metadata.num_row_groups == 20


def test_export_imports_no_pandas(tmp_path: Path) -> None:
    """Arrow's JSON reader and buffers build the columns: ``pa.array`` would import pandas."""
    item = _scenes(tmp_path / "src", 1)[0]
    code = f"""
import sys
from pathlib import Path
from datamill.modalities.image.exporters.hf import ImageHfExporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import Box, ImageAnnotation
ann = ImageAnnotation.model_validate_json({item.annotation.model_dump_json()!r})
item = ImageExportItem("a", Path({str(item.image_path)!r}), "0" * 64, 1, 1, ann)
ImageHfExporter().export([item], Path({str(tmp_path / "hf")!r}))
print("pandas" in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
