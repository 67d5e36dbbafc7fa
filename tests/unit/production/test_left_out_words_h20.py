"""h20: the delivery note (DELIVERY-NOTE.md, English and zh-CN) printed most of what exporters
leave out as their raw codes in both languages (``pascal_voc: image_classes 2, polygon 1``;
only ``tie``, ``other_task`` and ``nested_span`` were worded). Every code an exporter can
write has words now, and the catalogue test reads the exporters' source for their codes, so a
new one without words fails here."""

from __future__ import annotations

import ast
from pathlib import Path

import datamill.modalities as modalities_pkg
from datamill.modalities.image.exporters.voc import VocExporter
from datamill.modalities.image.item import ImageExportItem
from datamill.modalities.image.schema import ImageAnnotation
from datamill.production.delivery_note import _WORDS, render_delivery_note

_MODALITIES = Path(modalities_pkg.__file__).parent


def _returned_strings(fn: ast.FunctionDef) -> set[str]:
    return {n.value for r in ast.walk(fn) if isinstance(r, ast.Return) and r.value
            for n in ast.walk(r.value) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _object_kinds() -> set[str]:
    """The image objects' kinds (``kind: Literal["polygon"] = "polygon"``): a format counts an
    object it has no shape for by its kind (``left_out[obj.kind]``)."""
    tree = ast.parse((_MODALITIES / "image" / "schema.py").read_text(encoding="utf-8"))
    return {n.value.value for n in ast.walk(tree) if isinstance(n, ast.AnnAssign)
            and isinstance(n.target, ast.Name) and n.target.id == "kind"
            and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)}


def _exporter_codes() -> set[str]:
    """Every code the modalities' source counts in a ``left_out``: ``left_out["x"]``,
    ``left_out={"x": n}``, ``left_out[why]`` with ``why = f(...)`` (the strings ``f`` returns)
    and ``left_out[obj.kind]`` (the image objects' kinds)."""
    codes: set[str] = set()
    for path in sorted(_MODALITIES.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        if "left_out" not in source:
            continue
        tree = ast.parse(source)
        functions = {f.name: f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)}
        calls = {t.id: n.value.func.id for n in ast.walk(tree) if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Call) and isinstance(n.value.func, ast.Name)
                 for t in n.targets if isinstance(t, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) \
                    and node.value.id == "left_out":
                key = node.slice
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    codes.add(key.value)
                elif isinstance(key, ast.Attribute) and key.attr == "kind":
                    codes |= _object_kinds()
                elif isinstance(key, ast.Name) and calls.get(key.id) in functions:
                    codes |= _returned_strings(functions[calls[key.id]])
            if isinstance(node, ast.keyword) and node.arg == "left_out":
                codes |= {k.value for d in ast.walk(node.value) if isinstance(d, ast.Dict)
                          for k in d.keys if isinstance(k, ast.Constant)
                          and isinstance(k.value, str)}
    return codes


def test_every_code_an_exporter_leaves_out_has_words_in_both_languages() -> None:
    codes = _exporter_codes()
    # the reading finds each way the exporters count (a literal, a dict, a why, a kind)
    assert {"crowd_regions", "track_ids", "nested_span", "tie", "other_task", "polygon",
            "float32_rounded_frames"} <= codes, codes
    for lang, say in _WORDS.items():
        missing = sorted(c for c in codes if f"kind.{c}" not in say)
        assert not missing, f"{lang}: no words for left-out codes {missing}"
    assert _WORDS["en"].keys() & {f"kind.{c}" for c in codes} == \
        _WORDS["zh-CN"].keys() & {f"kind.{c}" for c in codes}


def test_the_note_words_what_pascal_voc_left_out(tmp_path: Path) -> None:
    ann = ImageAnnotation.model_validate({"classes": ["夜间"], "objects": [
        {"kind": "box", "label": "车", "x": 1, "y": 1, "w": 5, "h": 5},
        {"kind": "polygon", "label": "车", "points": [[1, 1], [6, 1], [3, 6]]}]})
    item = ImageExportItem(id="i1", image_path=tmp_path / "i1.png", sha256="0" * 64,
                           width=10, height=10, annotation=ann)
    manifest = VocExporter(on_unsupported="skip").export([item], tmp_path / "voc")
    assert dict(manifest.left_out) == {"image_classes": 1, "polygon": 1}
    sheet = {"project": "p", "batch": "b", "items": 1,
             "left_out": {"pascal_voc": dict(sorted(manifest.left_out.items()))}}
    en, zh = render_delivery_note(sheet, 2, "en"), render_delivery_note(sheet, 2, "zh-CN")
    assert "pascal_voc: image-level classes 1, polygons 1" in en, en
    assert "pascal_voc: 图像级类别 1, 多边形 1" in zh, zh
    assert "image_classes" not in en + zh and "polygon 1" not in en + zh  # were printed raw
