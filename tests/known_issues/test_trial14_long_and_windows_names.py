"""Found by trial 14 (a Mandarin ASR project): an item named by 83 Chinese characters (249
bytes of UTF-8, a file name the import took) passed inspection and could not be delivered in
the default formats — ``<id>.TextGrid`` is longer than the 255 bytes a file name may hold
("File name too long") — and the failed delivery left its ``batch-….partial`` folder behind.
Ids holding ``:`` ``?`` ``*`` were delivered as file names Windows cannot unpack.

Delivery keys now leave out what Windows refuses in a file name and are at most
``MAX_KEY_BYTES`` bytes (a longer id is cut at a character and gets its hash suffix, mapped back
in ``id_map.tsv``); a delivery that fails removes its half-written folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.production.delivery import deliver_batch
from datamill.production.delivery_keys import MAX_KEY_BYTES, plain_key
from datamill.production.inspection import create_batch
from datamill.production.models import Batch, Delivery, Item
from datamill.runtime import Runtime
from tests.known_issues.test_trial_delivery_keys import _nested_project, ids_needing_a_key
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect

LONG = "长" * 83  # 249 bytes: the file imports, ``LONG.TextGrid`` (258 bytes) cannot be written
_LAYOUT = (LONG, "speaker:三", "take?2*", "plain")


def _project(rt: Runtime, users: dict[str, User], tmp: Path) -> int:
    pid = _nested_project(rt, users, tmp, _LAYOUT)
    _annotate_and_review(rt, users, pid)
    return pid


def _batch(rt: Runtime, users: dict[str, User], pid: int) -> int:
    with rt.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(rt, users, batch.id, wrong=False)["verdict"] == "accepted"
    return batch.id


@pytest.mark.parametrize("external_id", [
    "speaker:三", 'a"b', "a<b>", "a|b", "a*b", "a?b", "长" * 50, "长" * 51, "a" * 151])
def test_the_database_finds_windows_names_and_long_ids(runtime: Runtime, external_id: str) -> None:
    found = ids_needing_a_key(runtime, external_id)
    renamed = plain_key(external_id) != external_id or len(external_id.encode()) > MAX_KEY_BYTES
    assert found == ([external_id] if renamed else [])
    assert renamed == (external_id != "长" * 50)  # 150 bytes fit; 153 do not


def test_long_chinese_and_windows_names_are_delivered_in_every_format(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    from praatio import textgrid

    pid = _project(runtime, users, tmp_path)
    batch_id = _batch(runtime, users, pid)
    with runtime.session() as s:  # before: invalid_input "File name too long"
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out")
    root = Path(d.path)
    names = [p for p in root.rglob("*")]
    assert all(len(p.name.encode()) <= 255 for p in names)  # noqa: PLR2004
    assert not any(set(p.name) & set('"*:<>?|') for p in names)
    mapped = dict(line.split("\t") for line in
                  (root / "id_map.tsv").read_text(encoding="utf-8").splitlines()[1:])
    assert sorted(mapped.values()) == sorted([LONG, "speaker:三", "take?2*"])
    long_key = next(k for k, v in mapped.items() if v == LONG)
    assert long_key.startswith("长" * 40) and len(long_key.encode()) <= MAX_KEY_BYTES
    assert mapped["speaker_三"] == "speaker:三" and mapped["take_2_"] == "take?2*"
    grid = textgrid.openTextgrid(str(root / "textgrid" / f"{long_key}.TextGrid"),
                                 includeEmptyIntervals=False)
    assert grid.getTier("transcript").entries[0].label
    assert json.loads((root / "datasheet.json").read_text())["id_map"]["renamed"] == 3


def test_a_failed_delivery_leaves_no_half_written_folder(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid = _project(runtime, users, tmp_path)
    batch_id = _batch(runtime, users, pid)
    with runtime.session() as s:  # the store lost one item's audio
        digest = s.scalars(select(Item.sha256).where(Item.external_id == "plain")).one()
    runtime.blobs.local_path(digest).unlink()
    out = tmp_path / "out"
    with runtime.session() as s, pytest.raises(Exception):  # noqa: B017, PT011 - whatever it is
        deliver_batch(s, runtime.blobs, batch_id, out)
    assert [p.name for p in (out / f"project-{pid}").iterdir()] == []  # no batch-….partial
    with runtime.session() as s:
        assert s.scalars(select(Delivery)).all() == []
        batch = s.get(Batch, batch_id)
        assert batch is not None and batch.status != "delivered"
