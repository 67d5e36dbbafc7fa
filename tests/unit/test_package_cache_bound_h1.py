"""h1 trial: the local caches of packages on object storage (deliveries, releases, licence
transfer packages each worker fetched from S3) grew without end, one full copy of every
package ever handed out. They are bounded together now: the least recently used go first,
never one in use."""

from __future__ import annotations

import os
import time
from pathlib import Path

from datamill.config import Settings
from datamill.storage.remote_folders import IN_USE_SECONDS, bound_caches


def _entry(home: Path, cache: str, name: str, size: int, age_s: float) -> Path:
    entry = home / cache / name
    entry.mkdir(parents=True)
    (entry / "data.bin").write_bytes(b"x" * size)
    entry.with_name(f"{name}.complete").touch()
    used = time.time() - age_s
    os.utime(entry, (used, used))
    return entry


def test_the_package_caches_are_bounded_least_recently_used_first(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, package_cache_bytes=2500)  # type: ignore[arg-type]
    old = IN_USE_SECONDS + 3600
    oldest = _entry(tmp_path, "delivery-cache", "delivery-1-aaaa", 1000, old + 300)
    release = _entry(tmp_path, "release-cache", "release-4", 1000, old + 200)
    transfer = _entry(tmp_path, "transfer-cache", "link-2", 1000, old + 100)
    in_use = _entry(tmp_path, "delivery-cache", "delivery-2-bbbb", 1000, 10)  # handed out now
    assert bound_caches(settings, keep=in_use) == [oldest, release]
    assert not oldest.exists() and not oldest.with_name("delivery-1-aaaa.complete").exists()
    assert transfer.is_dir() and in_use.is_dir()  # 2000 bytes: within the bound
    tight = Settings(home=tmp_path, package_cache_bytes=0)  # type: ignore[arg-type]
    assert bound_caches(tight) == [transfer]  # the one in use stays, over the bound or not
    assert in_use.is_dir()
