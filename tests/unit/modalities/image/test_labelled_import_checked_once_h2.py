"""h2: an image project's pre-labelled import checked each row's objects twice, once to leave
out the sub-pixel ones (``leave_out_imported``) and once to validate what stayed
(``validate_annotation``). A row that keeps every object is now checked once
(``validate_imported``), one that lost an object twice; the rows, left-outs and refusals are
as before. The checks are counted as calls of ``annotation_problems`` (``sys.setprofile``)."""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from datamill.core.errors import InvalidInput
from datamill.modalities.image.schema import annotation_problems
from datamill.runtime import Runtime
from tests.unit.production.image_helpers import image_spec


def _yolo(src: Path, labels: dict[str, str]) -> Path:
    (src / "images").mkdir(parents=True)
    (src / "labels").mkdir()
    (src / "data.yaml").write_text(json.dumps({"names": ["car", "person"]}), encoding="utf-8")
    for i, (name, text) in enumerate(labels.items()):
        Image.new("RGB", (640, 480), (40 * i, 90, 120)).save(src / "images" / f"{name}.png")
        (src / "labels" / f"{name}.txt").write_text(text, encoding="utf-8")
    return src


def _checked(run: Any) -> tuple[int, Any]:
    code = annotation_problems.__code__
    calls = 0

    def watch(frame: Any, event: str, _arg: Any) -> None:
        nonlocal calls
        if event == "call" and frame.f_code is code:
            calls += 1

    sys.setprofile(watch)
    threading.setprofile(watch)  # a row may be checked on a worker thread
    try:
        result = run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return calls, result


def _import(runtime: Runtime, src: Path, name: str) -> Any:
    from datamill.production.labelled_import import import_labelled
    from datamill.production.projects import create_project

    with runtime.session() as s:
        pid = create_project(s, image_spec(name=name)).id
    with runtime.session() as s:
        return import_labelled(s, runtime.blobs, pid, src, fmt="yolo")


def test_a_labelled_row_is_checked_once_unless_it_loses_an_object(
    sqlite_runtime: Runtime, tmp_path: Path
) -> None:
    src = _yolo(tmp_path / "yolo", {
        "a": "0 0.5 0.5 0.25 0.25\n",
        "b": "0 0.5 0.5 0.25 0.25\n1 0.5 0.5 1e-12 0.1\n",  # a sub-pixel person: left out
        "c": "1 0.3 0.3 0.1 0.2\n",
    })
    checks, report = _checked(lambda: _import(sqlite_runtime, src, "once"))
    assert (report.imported, report.labelled, report.left_out) == (3, 3, {"object_too_small": 1})
    assert checks == 4  # a, b, b without its person, c; 6 before


def test_a_row_with_a_problem_is_refused_as_before(sqlite_runtime: Runtime,
                                                   tmp_path: Path) -> None:
    src = _yolo(tmp_path / "yolo", {"a": "0 0.5 0.5 0.25 0.25\n",
                                    "b": "0 0.95 0.5 0.25 0.25\n"})  # past the right edge
    with pytest.raises(InvalidInput) as err:
        _import(sqlite_runtime, src, "refused")
    assert err.value.message == ("nothing imported: 1 problem(s) in the yolo source: "
                                 "images/b.png: objects[0].w: right edge x+w=688 exceeds image "
                                 "width 640")
