"""Found by a trial vendor manager: an imported recording whose speaker matches no quota cell
(a dialect the quota does not ask for) went through unflagged and counted nowhere, though the
same speaker is refused on the collection page (``allow_outside_cells`` is off by default).
The import now flags it (or sets it aside, per ``on_full``) with the reason; with
``allow_outside_cells`` it goes through as before."""

from __future__ import annotations

import json

from datamill.production.importing import import_source
from datamill.production.models import Item
from datamill.production.projects import create_project
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

from .helpers import PROMPTS, collect_spec

CELLS = [{"accent": "north", "speakers": 5}, {"accent": "south", "speakers": 5}]


def test_import_outside_every_cell(runtime, tmp_path):
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    rows = []
    for i, accent in enumerate(["north", "east"]):
        synthesize(PROMPTS[i], tmp_path / f"v{i}.wav", seed=i)
        rows.append({"path": f"v{i}.wav", "speaker_id": f"s{i}", "accent": accent})
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    got = {}
    with runtime.session() as s:
        for on_full, outside in [("flag", False), ("set_aside", False), ("flag", True)]:
            spec = collect_spec(f"outside-{on_full}-{outside}", cells=CELLS, on_full=on_full,
                                allow_outside_cells=outside)
            pid = create_project(s, spec).id
            import_source(s, runtime.blobs, pid, manifest)
            items = {i.external_id: i for i in s.query(Item).filter_by(project_id=pid)}
            assert not items["v0"].meta.get("quota")
            got[on_full, outside] = (items["v1"].status, items["v1"].meta.get("quota"))
    mark = {"reason": "no quota cell of this project takes speakers with accent=east",
            "code": "no_cell", "params": {"profile": {"accent": "east"}}}
    assert got["flag", False] == ("imported", {"action": "flag", **mark})
    assert got["set_aside", False] == ("rejected", {"action": "set_aside", **mark})
    assert got["flag", True] == ("imported", None)  # allowed outside the cells: as before
