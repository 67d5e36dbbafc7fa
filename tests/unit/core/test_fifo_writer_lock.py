"""The SQLite writer lock inside one process hands over in arrival order."""

from __future__ import annotations

import threading
import time

from datamill.db.session import _FifoLock


def test_waiters_get_the_lock_in_the_order_they_asked() -> None:
    lock = _FifoLock()
    assert lock.acquire(timeout=1)
    order: list[int] = []
    threads = []
    for i in range(8):  # each starts waiting before the next is started
        t = threading.Thread(target=lambda i=i: (lock.acquire(timeout=5), order.append(i),
                                                 lock.release()))
        t.start()
        threads.append(t)
        while len(lock._waiters) < i + 1:
            time.sleep(0.001)
    assert lock.acquire(timeout=0.05) is False  # held, and 8 are queued ahead of us
    lock.release()
    for t in threads:
        t.join(5)
    assert order == list(range(8))
    assert lock.acquire(timeout=0.1)  # free again, taken at once
    lock.release()


def test_a_waiter_that_gives_up_leaves_the_queue_and_the_lock_usable() -> None:
    lock = _FifoLock()
    assert lock.acquire(timeout=1)
    started = time.monotonic()
    assert lock.acquire(timeout=0.05) is False
    assert time.monotonic() - started >= 0.05
    assert not lock._waiters  # nothing left behind to be handed the lock
    lock.release()
    assert lock.acquire(timeout=0.1)
    lock.release()


def test_many_threads_never_hold_it_together() -> None:
    lock = _FifoLock()
    inside = [0]
    worst = [0]

    def work() -> None:
        for _ in range(200):
            assert lock.acquire(timeout=10)
            inside[0] += 1
            worst[0] = max(worst[0], inside[0])
            inside[0] -= 1
            lock.release()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert worst[0] == 1 and inside[0] == 0
