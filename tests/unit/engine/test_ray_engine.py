"""The Ray executor on a local 2-CPU Ray cluster: the checks of a real speech project give the
same results as the local engine, a worker SIGKILLed mid-job is survived, and landing twice
leaves no duplicates."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from datamill.config import Settings
from datamill.engine import LocalExecutor, make_executor
from datamill.production.checking import check_job
from datamill.production.models import Item
from datamill.runtime import Runtime
from tests._tools import require_module
from tests.unit.engine._project import (
    check_args,
    killing_check_job,
    run_and_land,
    speech_project,
    stored,
)

pytestmark = pytest.mark.slow

_ROOT = Path(__file__).resolve().parents[3]
_SAID: list[str] = []  # stderr of the killed-worker runs in this process


@pytest.fixture(scope="module")
def ray_executor() -> Iterator[object]:
    require_module("ray")
    old = os.environ.get("PYTHONPATH")
    # Ray's workers import the test helpers (tests.unit.engine._project) like datamill itself
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(_ROOT), old) if p)
    try:
        ex = make_executor(Settings(engine="ray", ray_max_retries=3), workers=2)
        assert ex.name == "ray" and ex.workers == 2
        yield ex
        ex.shutdown()  # type: ignore[attr-defined]
    finally:
        if old is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = old


def test_checks_on_ray_match_local_survive_a_killed_worker_and_land_once(
    runtime: Runtime, ray_executor: LocalExecutor, tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
) -> None:
    pid = speech_project(runtime)
    args = check_args(runtime, pid)
    assert run_and_land(runtime, LocalExecutor(1), check_job, args) == len(args)
    reference = stored(runtime, pid)
    assert reference["utt101"][0] == "rejected" and reference["utt000"][0] == "passed"
    assert reference["utt100"][0] == "rejected"  # clipped
    # the same job on Ray lands exactly the same rows (and replaces, never appends)
    assert run_and_land(runtime, ray_executor, check_job, args) == len(args)
    assert stored(runtime, pid) == reference
    # a Ray worker SIGKILLs itself on one item: Ray re-runs the task, nothing lost or doubled
    marker = tmp_path / "killed"
    victim = args[len(args) // 2][0]
    wrapped = [(a[0], str(marker), victim, a) for a in args]
    assert run_and_land(runtime, ray_executor, killing_check_job, wrapped) == len(args)
    assert marker.exists() and int(marker.read_text()) != os.getpid()
    assert stored(runtime, pid) == reference
    # Ray's word about the dead worker goes to stderr: stdout holds a --json command's JSON.
    # Ray says it once per driver: the module's Ray is shared by both databases' runs, so the
    # second run in one process may hear nothing new (what either heard is kept in _SAID)
    said = ""
    for _ in range(100):
        out, err = capfd.readouterr()
        assert "(raylet)" not in out, out
        said += err
        if "worker died" in (said + "".join(_SAID)).lower():
            break
        time.sleep(0.1)
    _SAID.append(said)
    assert "worker died" in "".join(_SAID).lower()



def test_desensitization_on_ray_writes_what_the_local_engine_writes(
    runtime: Runtime, ray_executor: LocalExecutor, tmp_path: Path
) -> None:
    from PIL import Image
    from sqlalchemy import select

    from datamill.compliance.desensitize import desensitize_project
    from datamill.compliance.security_models import MaskedBlob, MaskedText
    from datamill.compliance.users import create_user
    from tests.unit.compliance._security_world import make_project

    digests = []
    for i in range(6):
        path = tmp_path / f"img{i}.png"
        Image.new("RGB", (40 + i, 30), (10 * i, 80, 160)).save(path)
        digests.append(runtime.blobs.put_file(path))
    items = [{"prompt": f"call 138123456{i:02d}" if i % 2 else f"line {i}"} for i in range(20)]
    items += [{"filename": f"img{i}.png", "sha256": d} for i, d in enumerate(digests)]
    with runtime.session() as s:
        pm = create_user(s, "pm", "password1", "project_manager")
        projects = {name: make_project(s, f"dz-{name}", [pm], items)[0]
                    for name in ("local", "ray")}

    def written(pid: int) -> tuple[list[tuple[str, str, list[str]]], list[tuple[str, str]]]:
        with runtime.session() as s:
            texts = s.execute(select(MaskedText.field, MaskedText.masked, MaskedText.kinds)
                              .join(Item, Item.id == MaskedText.item_id)
                              .where(Item.project_id == pid).order_by(Item.id, MaskedText.field))
            blobs = s.execute(select(MaskedBlob.sha256_original, MaskedBlob.sha256_masked)
                              .join(Item, Item.id == MaskedBlob.item_id)
                              .where(Item.project_id == pid).order_by(Item.id))
            return [tuple(r) for r in texts], [tuple(r) for r in blobs]  # type: ignore[misc]

    summaries = {}
    for name, pid in projects.items():
        with runtime.session() as s:
            s.info["datamill.settings"] = runtime.settings.model_copy(update={"engine": name})
            summaries[name] = desensitize_project(s, runtime.blobs, pid, actor=s.merge(pm),
                                                  detect=False, workers=2)
    assert summaries["ray"]["texts"]["engine"] == "ray"
    assert summaries["ray"]["images"]["engine"] == "ray"
    assert summaries["ray"]["texts"]["texts_with_pii"] == 10
    assert summaries["ray"]["images"]["images_masked"] == 6
    local, on_ray = written(projects["local"]), written(projects["ray"])
    assert on_ray == local and len(local[0]) == 20 and len(local[1]) == 6


def test_a_big_export_runs_in_shards_on_ray_and_merges_into_the_same_package(
    ray_executor: LocalExecutor, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    from datamill.modalities.registry import get_modality
    from datamill.production.export_engine import export_format
    from tests.unit.modalities.speech.test_export_shards import _items

    plugin = get_modality("speech.asr")
    items = _items(tmp_path, 45)
    on_ray = Settings(engine="ray", export_shard_items=10, engine_workers=2)
    for fmt in ("textgrid", "hf"):
        whole = export_format(plugin, fmt, {}, iter(items), tmp_path / "whole" / fmt, total=45,
                              settings=Settings())
        consumed = []

        def stream(fmt: str = fmt) -> Iterator[object]:
            for item in items:
                consumed.append(item)
                yield item

        sharded = export_format(plugin, fmt, {}, stream(), tmp_path / "ray" / fmt, total=45,
                                settings=on_ray)
        assert sharded.items == whole.items == 45 and len(consumed) == 45
        assert set(sharded.files) == set(whole.files)
        assert not (tmp_path / "ray" / f"{fmt}.shards").exists()  # the shards' folders went
        for name, digest in whole.files.items():
            if name.endswith(".parquet"):
                merged = tmp_path / "ray" / fmt / name
                assert pq.read_table(merged).equals(pq.read_table(tmp_path / "whole" / fmt / name))
                # one row group per shard of 10 (unsharded: one for all 45 rows)
                assert pq.ParquetFile(merged).num_row_groups == 5
            else:
                assert sharded.files[name] == digest
