"""Engine and session factory. SQLite gets WAL, a busy timeout and IMMEDIATE transactions.

This module is the one adapter for driver quirks. On SQLite every transaction starts with
``BEGIN IMMEDIATE`` so that two writers never deadlock upgrading a read lock ("database is
locked"). Inside one process, transactions also queue on a lock of our own before ``BEGIN``:
SQLite's busy handler polls with sleeps of up to 100 ms, which under 32 concurrent requests
turned into multi-second tails, while a lock hands over in microseconds. Between processes (two
server workers, a CLI next to the server) an ``flock`` on a file beside the database does the
same; ``busy_timeout`` stays as the last resort.

A request's first reads (who is calling: the bearer-token lookup) need no writer lock:
:func:`reads_first` runs them outside any write transaction (on SQLite in autocommit mode, each
read its own snapshot, which WAL gives without blocking or being blocked by the writer), so the
single writer lock is taken only by the statements that follow, not across the request's thread
hops in between. Such a connection refuses any statement but a read.
"""

from __future__ import annotations

import collections
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from datamill.db.loop_gate import LOOP_WAIT_S, LoopGate, LoopWouldWait, install_loop_gate

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["append_lock", "make_engine", "make_session_factory", "private_sqlite_file",
           "read_snapshot", "reads_first", "session_scope"]

#: the embedded database's mode: its owner only (SQLite gives its -wal and -shm files the same)
SQLITE_FILE_MODE = 0o600
#: the folder a new embedded database is made in (the home): not listable by everyone
SQLITE_DIR_MODE = 0o750

#: Connection execution option: this transaction only reads, take no writer lock (SQLite)
READS_ONLY = "datamill_reads_only"
#: with :data:`READS_ONLY`: the reads are one transaction, one snapshot (see read_snapshot)
SNAPSHOT = "datamill_snapshot"
_READS = ("SELECT", "PRAGMA", "EXPLAIN")


class _ProcessLock:
    """An exclusive ``flock`` on ``<database>-writer.lock``: SQLite writers of several processes
    (``datamill serve --workers 2``, a CLI beside the server) hand over through the kernel
    instead of SQLite's busy handler, which sleeps up to 100 ms between polls. A no-op for an
    in-memory database or where ``fcntl`` is missing; the lock dies with its process.

    Hand-over between processes is prompt and fair. A process may wait for the writer lock only
    while it holds a second lock, ``<database>-writer.queue``, and keeps that until it has the
    writer lock. So when process A releases while B waits, A's next writer finds the queue lock
    taken and queues behind B instead of taking the writer lock straight back (polling with
    sleeps, B lost that race again and again: 32 clients on two workers, claim p99 ~300 ms);
    with both busy, turns alternate. The waiting is a blocking ``flock`` (the kernel wakes the
    waiter the moment the holder lets go; the GIL is free meanwhile), done by a helper thread
    so that the caller keeps its timeout: it waits for the helper's answer, and if it gives up,
    the helper lets go of what it gets once nobody of its process wants it any more. Without
    another process in the way, ``acquire`` takes both locks at once, in the caller's thread.
    """

    def __init__(self, database: str | None) -> None:
        self.path = (
            None if fcntl is None or not database or database == ":memory:"
            or database.startswith("file:") else f"{database}-writer.lock"
        )
        self._fds = (-1, -1)  # (writer lock, queue lock), opened by the current process
        self._pid = 0

    def _handles(self) -> tuple[int, int]:
        if self._pid != os.getpid():  # first use, or a forked child: open our own
            path = str(self.path)
            writer = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                queue = os.open(path.removesuffix(".lock") + ".queue",
                                os.O_RDWR | os.O_CREAT, 0o600)
            except OSError:
                os.close(writer)
                raise
            self._fds = (writer, queue)
            # no helper thread survives a fork, nor a lock another thread held in it
            self._cond = threading.Condition()
            self._asked = False  # the helper is (to be) queued for the writer lock
            self._got = False  # the helper has it, for the first caller to take
            self._waiting = 0  # callers waiting for the helper
            self._helper: threading.Thread | None = None  # started on the first wait
            self._pid = os.getpid()
        return self._fds

    def acquire(self, timeout: float) -> bool:
        if self.path is None or fcntl is None:
            return True
        try:
            writer, queue = self._handles()
        except OSError:  # a read-only folder: fall back to SQLite's own busy handler
            self.path = None
            return True
        deadline = time.monotonic() + timeout
        with self._cond:
            self._waiting += 1
            try:
                while not self._got:
                    if not self._asked:
                        if _try_flock(queue):  # nobody queued: is the writer lock free?
                            got = _try_flock(writer)
                            fcntl.flock(queue, fcntl.LOCK_UN)
                            if got:
                                return True
                        self._asked = True  # another process has it or waits: queue
                        if self._helper is None:
                            self._helper = threading.Thread(
                                target=self._queue, name="datamill-writer-queue", daemon=True)
                            self._helper.start()
                        self._cond.notify_all()
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return False
                    self._cond.wait(left)
                self._got = False
                return True
            finally:
                self._waiting -= 1

    def _queue(self) -> None:
        """The helper thread: when asked, wait in the queue, then for the writer lock."""
        cond, (writer, queue) = self._cond, self._fds
        while True:
            with cond:
                cond.wait_for(lambda: self._asked)
            fcntl.flock(queue, fcntl.LOCK_EX)
            fcntl.flock(writer, fcntl.LOCK_EX)
            fcntl.flock(queue, fcntl.LOCK_UN)  # the next process may queue now
            with cond:
                self._asked = False
                if self._waiting:
                    self._got = True
                    cond.notify_all()
                else:  # whoever asked gave up meanwhile: let the other processes have it
                    fcntl.flock(writer, fcntl.LOCK_UN)

    def release(self) -> None:
        if self.path is not None and fcntl is not None and self._pid == os.getpid():
            fcntl.flock(self._fds[0], fcntl.LOCK_UN)


def _try_flock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


class _FifoLock:
    """A lock handed to its waiters in arrival order (``threading.Lock`` is not: a thread that
    releases and asks again, or a newcomer, may take it ahead of one that has waited long)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: collections.deque[threading.Lock] = collections.deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held and not self._waiters:
                self._held = True
                return True
            gate = threading.Lock()
            gate.acquire()
            self._waiters.append(gate)
        if gate.acquire(timeout=timeout):
            return True  # handed over by release(): the lock is ours
        with self._mutex:
            try:
                self._waiters.remove(gate)
            except ValueError:  # handed over just as we gave up: take it after all
                return True
        return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # still held: now by the next in line
            else:
                self._held = False


def _sqlite_setup(engine: Engine, gate: LoopGate) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # let us emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    writer = _FifoLock()  # in arrival order: a claim never waits behind later ones
    held: dict[int, bool] = {}
    between = _ProcessLock(engine.url.database)

    def _release(conn: Any) -> None:
        if held.pop(id(conn), False):
            between.release()
            writer.release()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if options.get(READS_ONLY):  # no writer lock: autocommit reads (see reads_first), or
            if options.get(SNAPSHOT):  # one deferred read transaction (see read_snapshot)
                conn.connection.driver_connection.execute("BEGIN DEFERRED")
            return
        on_loop = gate.held_here()  # no other connection of ours is out: the FIFO lock is free
        if not writer.acquire(timeout=60):
            raise OperationalError("BEGIN", {}, Exception("database is busy for over 60 s"))
        if not between.acquire(timeout=LOOP_WAIT_S if on_loop else 60):
            writer.release()
            if on_loop:  # another process holds it: let a worker thread do the waiting
                raise LoopWouldWait("another process holds the SQLite writer lock")
            raise OperationalError("BEGIN", {}, Exception("database is busy for over 60 s"))
        held[id(conn)] = True
        try:
            _begin_immediate(conn)
        except BaseException:
            _release(conn)
            raise

    event.listen(engine, "commit", _release)
    event.listen(engine, "rollback", _release)

    @event.listens_for(engine, "before_cursor_execute")
    def _reads_only(conn: Any, _cur: Any, statement: str, *_args: Any) -> None:
        # a write outside BEGIN IMMEDIATE would skip our locks (and its atomicity): refuse it
        if conn.get_execution_options().get(READS_ONLY) and not (
            statement.lstrip()[:7].upper().startswith(_READS)
        ):
            raise OperationalError(
                statement, {}, Exception("a write in a reads-only transaction (reads_first)")
            )


def _begin_immediate(conn: Any) -> None:
    """``BEGIN IMMEDIATE`` on ``conn``'s driver cursor through SQLAlchemy's own path for
    special-case statements (``Connection._cursor_execute``, as its dialects run sequences):
    the engine's cursor listeners hear it, echo logs it, a driver error is handled as any
    statement's (wrapped as SQLAlchemy's, ``handle_error`` listeners, a lost connection
    invalidated), without the execution context and result ``exec_driver_sql`` builds
    (~30 µs of Python, twice a claim + submit)."""
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        conn._cursor_execute(cursor, _BEGIN, ())
    finally:
        cursor.close()


_BEGIN = "BEGIN IMMEDIATE"


def private_sqlite_file(path: str) -> None:
    """Make the embedded database file ``path`` (and its folder) if missing, readable by its
    owner only, before SQLite creates it with the umask's mode (0644 under the usual 022): it
    holds password hashes, people's demographics and consent signatures, transcripts and the
    books, where the blob store keeps files 0640 and the secrets 0600. An existing file readable
    by everyone loses those bits (the owner's and group's are kept: a team may share it by
    group); SQLite gives its ``-wal`` and ``-shm`` files the database file's mode."""
    import stat
    from pathlib import Path

    if path in ("", ":memory:") or "?" in path:  # in memory, or options SQLite reads itself
        return
    file = Path(path)
    if not file.parent.exists():
        file.parent.mkdir(parents=True, exist_ok=True, mode=SQLITE_DIR_MODE)
    try:
        os.close(os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, SQLITE_FILE_MODE))
        return
    except FileExistsError:
        pass
    for each in (file, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = stat.S_IMODE(each.stat().st_mode)
            if mode & 0o007 and each.stat().st_uid == os.geteuid():
                os.chmod(each, mode & ~0o007)
        except FileNotFoundError:
            continue


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs
        )
        _sqlite_setup(engine, install_loop_gate(engine))
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    kwargs.setdefault("pool_recycle", 1800)
    # psycopg's own automatic preparation is off: its rollback (any, a savepoint's too) sends
    # DEALLOCATE ALL once it has prepared something, which would also drop the statements the
    # hot path prepares itself (db/direct_pg.py)
    kwargs["connect_args"] = {"prepare_threshold": None, **kwargs.get("connect_args", {})}
    engine = create_engine(url, **kwargs)
    install_loop_gate(engine)
    return engine


def make_session_factory(
    engine: Engine, info: dict[str, Any] | None = None
) -> sessionmaker[Session]:
    """Sessions over ``engine``; ``info`` is copied into every session's ``Session.info``."""
    return sessionmaker(bind=engine, expire_on_commit=False, info=info or {})


def append_lock(session: Session, key: int) -> None:
    """Serialise appends to a chained table until the transaction ends.

    SQLite transactions already start with ``BEGIN IMMEDIATE`` (one writer); PostgreSQL takes a
    transaction-scoped advisory lock, so two writers never chain onto the same predecessor.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


@contextmanager
def reads_first(session: Session) -> Iterator[Session]:
    """Run a request's first, read-only statements without the SQLite writer lock.

    When ``session`` has no transaction yet and its database is SQLite, the block's statements
    run in autocommit mode (no ``BEGIN IMMEDIATE``, no writer lock; each read sees the latest
    commit, so a token revoked or a user deactivated a moment ago is refused), and the block
    ends that read-only transaction: the session's next statement begins the usual
    ``BEGIN IMMEDIATE`` transaction. Objects loaded in the block stay in the session (they are
    not expired). Anything but a read inside the block raises. Elsewhere (PostgreSQL, a session
    already in a transaction) the block simply runs in the session's transaction.
    """
    if session.in_transaction() or session.get_bind().dialect.name != "sqlite":
        yield session
        return
    session.connection(execution_options={READS_ONLY: True})
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()  # nothing to write: ends the read-only transaction, hands back the connection


@contextmanager
def read_snapshot(session: Session) -> Iterator[Session]:
    """Run a long read-only piece of work (a delivery's package) as one read transaction: every
    statement in the block sees the database as of the block's first read, so what it writes
    out never mixes what was before and after another request's commit, and it holds no lock
    a writer waits for.

    SQLite: a deferred ``BEGIN`` (WAL: a reader neither blocks nor is blocked by the writer),
    never the writer lock. PostgreSQL: a ``REPEATABLE READ READ ONLY`` transaction, no row
    locked. Anything but a read inside the block raises. The block ends that transaction (the
    session's next statement begins a new one); objects loaded in it stay in the session. A
    session already in a transaction simply runs the block in it.
    """
    if session.in_transaction():
        yield session
        return
    if session.get_bind().dialect.name == "sqlite":
        options: dict[str, Any] = {READS_ONLY: True, SNAPSHOT: True}
    else:
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    session.connection(execution_options=options)
    try:
        yield session
    except BaseException:
        session.rollback()
        raise
    session.commit()  # nothing to write: ends the read transaction, hands back the connection


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A unit of work: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        if session.in_transaction():  # (a commit of none begins one just to end it: ~25 µs,
            session.commit()  # once a claim and once a submit, whose routes commit themselves)
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
