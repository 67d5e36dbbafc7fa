"""The local executor: warm pool reused across jobs, measured in-process fallback, survives a
killed worker, and the checks job lands idempotently."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from datamill.config import Settings
from datamill.engine import LocalExecutor, item_seed, make_executor, run_batches
from datamill.engine import local as local_engine
from datamill.production.checking import check_job
from datamill.runtime import Runtime
from tests.unit.engine._project import (
    check_args,
    killing_check_job,
    run_and_land,
    speech_project,
    stored,
)


def _square(x: int) -> int:
    return x * x


def _slow(x: tuple[int, float]) -> int:
    import time

    time.sleep(x[1])
    return x[0]


def _draw(args: tuple[int]) -> float:
    import random

    return random.random()


def test_light_jobs_stay_in_process_and_heavy_ones_use_one_warm_pool() -> None:
    ex = LocalExecutor(2)
    assert list(ex.map(_square, range(50))) == [x * x for x in range(50)]
    assert ex.last_mode == "inline"  # 50 µs jobs: a pool could only lose
    heavy = [(i, 0.1) for i in range(30)]
    assert list(ex.map(_slow, heavy)) == list(range(30))
    assert ex.last_mode == "pool"
    pool = local_engine._POOLS[2]
    again = LocalExecutor(2)
    assert list(again.map(_slow, heavy)) == list(range(30))
    assert again.last_mode == "pool" and local_engine._POOLS[2] is pool  # the same warm pool


def test_seeds_depend_on_job_seed_and_item_only() -> None:
    items = [(i,) for i in range(10)]
    got: list[list[float]] = []
    for bs in (1, 4, 10):
        out: list[float] = []
        run_batches(LocalExecutor(1), _draw, items, land=out.extend, batch_size=bs, seed=3)
        got.append(out)
    assert got[0] == got[1] == got[2]
    assert item_seed(3, 1) != item_seed(4, 1)


def test_settings_choose_the_backend() -> None:
    assert make_executor(Settings(engine="local"), workers=2).name == "local"


def test_checks_job_on_a_pool_survives_a_killed_worker_and_lands_once(
    runtime: Runtime, tmp_path: Path
) -> None:
    pid = speech_project(runtime)
    args = check_args(runtime, pid)
    assert run_and_land(runtime, LocalExecutor(1), check_job, args) == len(args)
    reference = stored(runtime, pid)
    assert reference["_rows"] > 0
    assert reference["utt101"][0] == "rejected" and reference["utt000"][0] == "passed"
    # again on a pool whose worker gets SIGKILLed once: same results, no duplicate rows
    marker = str(tmp_path / "killed")
    victim = args[len(args) // 2][0]
    wrapped = [(a[0], marker, victim, a) for a in args]
    ex = LocalExecutor(2, choose="pool")
    assert run_and_land(runtime, ex, killing_check_job, wrapped) == len(args)
    assert Path(marker).exists()
    assert stored(runtime, pid) == reference



@pytest.mark.slow
def test_preannotation_runs_through_the_configured_engine(sqlite_runtime: Runtime) -> None:
    from sqlalchemy import select

    from datamill.assist.runner import preannotate_project
    from datamill.production.checking import run_checks
    from datamill.production.models import Item

    rt = sqlite_runtime
    pid = speech_project(rt)
    with rt.session() as s:
        assert run_checks(s, rt.blobs, pid, workers=1).passed == 6
    with rt.session() as s:
        out = preannotate_project(s, rt.blobs, pid, workers=2)
    assert out["items"] == 6
    with rt.session() as s:
        statuses = {i.status for i in s.scalars(select(Item).where(Item.project_id == pid))}
    assert statuses == {"preannotated", "rejected"}


def test_an_unknown_engine_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Settings(engine="spark")  # type: ignore[arg-type]


def test_a_job_cut_off_mid_way_and_re_run_neither_duplicates_nor_loses(runtime: Runtime) -> None:
    from datamill.engine import run_batches
    from datamill.production.checking import _store
    from datamill.production.models import Item

    pid = speech_project(runtime)
    args = check_args(runtime, pid)
    landed: list[int] = []

    def land(results: list) -> None:  # type: ignore[type-arg]
        if len(landed) >= 3:  # noqa: PLR2004 - the "crash" after three items
            raise KeyboardInterrupt
        with runtime.session() as s:
            for item_id, outcomes in results:
                item = s.get(Item, item_id)
                assert item is not None
                _store(s, item, outcomes)
                landed.append(item_id)

    with pytest.raises(KeyboardInterrupt):
        run_batches(LocalExecutor(1), check_job, args, land=land, batch_size=1, seed=7)
    half = stored(runtime, pid)
    assert sum(1 for k, v in half.items() if k != "_rows" and v[0] != "imported") == 3
    # the re-run (everything again; results replace per item)
    assert run_and_land(runtime, LocalExecutor(1), check_job, args) == len(args)
    full = stored(runtime, pid)
    assert all(v[0] in ("passed", "rejected") for k, v in full.items() if k != "_rows")
    assert full["_rows"] == sum(len(v[1]) for k, v in full.items() if k != "_rows")
    done_first = {k: v for k, v in half.items() if k != "_rows" and v[0] != "imported"}
    assert {k: full[k] for k in done_first} == done_first


def test_the_pool_streams_its_arguments_instead_of_holding_them_all() -> None:
    pulled = [0]

    def numbers(n: int) -> Iterator[int]:
        for i in range(n):
            pulled[0] += 1
            yield i

    for executor, ahead in ((LocalExecutor(2, choose="pool"), 0), (LocalExecutor(2), 4096)):
        pulled[0] = 0
        results = executor.map(abs, numbers(100_000), chunksize=4)
        assert [next(results) for _ in range(10)] == list(range(10))
        # a window of 4 chunks (of 4) per worker and the chunks already answered, beyond
        # the probe and the choice's look-ahead
        assert pulled[0] <= 2 + ahead + 64, pulled[0]
        assert sum(results) == sum(range(10, 100_000))
        assert pulled[0] == 100_000
