"""New processes for tests, forked from multiprocessing's fork server.

A spawned process imports datamill, FastAPI and the test module anew: 1.4-1.6 s of CPU before
it does anything. The fork server is a clean process (no threads, no connections, nothing of a
test's state) started on first use in a test process, that has imported :data:`PRELOAD` once;
each process forked from it starts with them loaded and is still a process of its own.
"""

from __future__ import annotations

import multiprocessing
import os
import runpy
import signal
import sys
from pathlib import Path
from typing import Any

__all__ = ["PRELOAD", "ScriptRun", "forkserver_context", "run_script"]

#: imported once by the fork server
PRELOAD = ["datamill.server", "datamill.runtime", "datamill.config", "datamill.core.errors",
           "datamill.testing.server", "rich.console", "rich.table",
           "tests.unit.production.helpers", "tests.unit.ledger.races"]


def forkserver_context() -> Any:
    """The ``forkserver`` multiprocessing context, its server preloading :data:`PRELOAD`."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # takes effect when the fork server starts (once)
    return ctx


def _run(script: str, args: list[str], env: dict[str, str], cwd: str, out: str) -> None:
    """In the forked process: ``python script *args`` as a session of its own (its servers and
    pools go with it on a kill of the group), stdout and stderr into ``out``."""
    os.setsid()
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    from datamill.config import get_settings

    get_settings.cache_clear()  # settings read from the fork server's environment, if any
    sys.argv = [script, *args]
    sys.path.insert(0, str(Path(script).parent))  # as ``python script`` puts it first
    runpy.run_path(script, run_name="__main__")


class ScriptRun:
    """``python script *args`` forked from the fork server (the preloaded modules spare it
    their imports, ~1 s of CPU a script), in a session of its own, its output into a file."""

    def __init__(self, script: Path, args: list[str], env: dict[str, str], cwd: Path,
                 out: Path) -> None:
        self.out = out
        self.process = forkserver_context().Process(
            target=_run, args=(str(script), args, env, str(cwd), str(out)))
        self.process.start()

    @property
    def pid(self) -> int:
        return int(self.process.pid or 0)

    def finish(self, timeout_s: float) -> tuple[int | None, str]:
        """(exit code, output) once it ends; ``None`` and its output so far when it ran past
        ``timeout_s`` (then its whole session is killed)."""
        self.process.join(timeout_s)
        code = self.process.exitcode
        if code is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except ProcessLookupError:  # not yet its own session
                self.process.kill()
            self.process.join()
        return code, self.out.read_text(encoding="utf-8", errors="replace")


def run_script(script: Path, args: list[str], env: dict[str, str], cwd: Path,
               out: Path) -> ScriptRun:
    """Start ``python script *args`` forked from the fork server; see :class:`ScriptRun`."""
    return ScriptRun(script, args, env, cwd, out)
