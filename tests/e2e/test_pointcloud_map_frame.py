"""Trial h3, round 4: a lidar frame in map (UTM) coordinates, float64 in its PLY file, in a
project whose spec allows such ranges. The workbench's view took in the sensor at (0, 0) as
well as the points 4,400 km away, so the frame was one dot; and the points came as float32,
0.25-0.5 m off at a northing of 4.4e6. The view now frames the points alone, and the points
come as float64; a box drawn around a car is fitted on the server in float64 and lands on it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from plyfile import PlyData, PlyElement

from datamill.modalities.pointcloud.metric import cuboid_iou
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.testing.pointclouds import render_scene
from tests.e2e.conftest import Site, _package, _with_everyone, pointcloud_spec
from tests.e2e.test_pointcloud_task import WB, _first_task

pytestmark = pytest.mark.slow

NORTH, EAST = 4_412_345.0, 512_345.0


def test_a_map_frame_is_framed_and_fitted_in_float64(site: Site, context: Any) -> None:
    folder = site.scratch("utm")
    points, cuboids = render_scene(711, objects=2, labels=("car",))
    xyz = points.astype(np.float64)
    xyz[:, 0] += NORTH
    xyz[:, 1] += EAST
    rows = np.empty(len(xyz), dtype=[("x", "f8"), ("y", "f8"), ("z", "f8"), ("intensity", "f4")])
    for i, name in enumerate(("x", "y", "z", "intensity")):
        rows[name] = xyz[:, i]
    PlyData([PlyElement.describe(rows, "vertex")]).write(str(folder / "utm000.ply"))
    spec = pointcloud_spec(f"pc-{folder.name}")
    spec["requirements"]["cloud"]["max_range_m"] = 10_000_000.0
    pid = _with_everyone(site, spec)
    with site.rt.session() as s:
        assert import_source(s, site.rt.blobs, pid, folder).imported == 1
    with site.rt.session() as s:
        assert run_checks(s, site.rt.blobs, pid, workers=1).passed == 1
    _package(site, pid)

    page, errors, _task, _frame = _first_task(context, pid)
    shown = page.evaluate(f"""() => {{ const w = {WB};
        return {{kind: w.points.constructor.name, first: Array.from(w.points.slice(0, 3)),
                 scale: w.view.s, n: w.points.length / 4}}; }}""")
    assert shown["kind"] == "Float64Array" and shown["n"] == len(xyz)
    assert np.abs(np.array(shown["first"]) - xyz[0, :3]).max() < 1e-6, shown
    assert shown["scale"] > 1, shown  # pixels a metre: the frame fills the view, not a dot

    car = cuboids[0]
    rough = {"x": car.x + NORTH, "y": car.y + EAST, "yaw": car.yaw,
             "length": car.length * 1.3, "width": car.width * 1.3}
    page.evaluate(f"(c) => {WB}.createFromFootprint(c)", rough)
    page.wait_for_function(f"() => {WB}.objects.length === 1")
    got = page.evaluate(f"() => {WB}.annotation().objects[0]")
    moved = car.model_copy(update={"x": car.x + NORTH, "y": car.y + EAST})
    from datamill.modalities.pointcloud.schema import Cuboid

    assert cuboid_iou(Cuboid.model_validate({**got, "label": "car"}), moved) > 0.5, got
    assert not errors
