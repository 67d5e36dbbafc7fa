"""The collection demo builds: two subjects record all five prompts, one cell ends full and a
third subject is refused."""

from __future__ import annotations

from pathlib import Path

from datamill.demo.collection import build_collection_demo
from datamill.testing.fixtures import make_runtime
from datamill.testing.synth import espeak_available
from tests._tools import require_tool


def test_build_collection_demo(tmp_path: Path) -> None:
    if not espeak_available():
        require_tool("espeak-ng is not installed")
    rt = make_runtime(tmp_path, "sqlite")
    try:
        out = build_collection_demo(rt, tmp_path)
    finally:
        rt.close()
    assert out["prompts"] == 5 and out["consent_version"] == 1
    assert [s["recorded"] for s in out["subjects"]] == [5, 5]
    assert all(s["passed"] == 5 for s in out["subjects"]), out["subjects"]
    assert out["refused"] and "women 18-39 is full" in out["refused"]
    full = [c["label"] for c in out["quotas"]["cells"] if c["full"]]
    assert full == ["women 18-39"]
    men = next(c for c in out["quotas"]["cells"] if c["label"] == "men 18-39")
    assert men["accepted"]["speakers"] == 1 and men["accepted"]["items"] == 5
