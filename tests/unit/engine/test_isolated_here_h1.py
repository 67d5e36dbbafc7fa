"""An isolating executor (the CLI's ``data check`` and ``data preannotate``) never runs a job
that names ``on_crash`` in the caller's process: with one worker, for the timed first items and
for a run the pool does not pay for, the items run in ``run_apart``'s warm worker instead, so a
file whose decoder segfaults fails alone (``decoder_crashed``) and the command lives to print
its ``--json`` (tests/unit/cli/test_cli.py checks that its files decode in a worker process).
Before, those items ran in the CLI's own process: the crasher ended it with exit
139 and no output, whichever item it was."""

from __future__ import annotations

from datamill.engine import LocalExecutor
from tests.unit.engine._crashing import crashed, dies_on


def test_an_isolating_executor_runs_no_crasher_here() -> None:
    args = [(x, 0) for x in range(5)]  # the first item kills its process
    assert list(LocalExecutor(1, isolate=True).map(dies_on, args, on_crash=crashed)) == [
        0, 1, 4, 9, 16]
    measured = LocalExecutor(4, isolate=True)  # too few light items for its pool to pay
    args = [(x, 3) for x in range(5)]  # one after the two timed ones (run apart too)
    assert list(measured.map(dies_on, args, on_crash=crashed)) == [0, 1, 4, -3, 16]
    assert measured.last_mode == "inline"  # chosen as before, run in run_apart's worker
    # without on_crash nothing changes: the job runs here, as fast as before
    assert list(LocalExecutor(1, isolate=True).map(dies_on, [(x, -1) for x in range(3)])) == [
        0, 1, 4]
