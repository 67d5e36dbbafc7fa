"""Trial user: speech items whose id holds a subfolder or a space (``a/b/c``, ``spk 01/take 3``:
a manifest or folder of nested recordings) were imported, annotated, inspected and paid for,
then refused by ``delivery create`` (Kaldi keys and file names hold neither), and ``a/b/c``
beside ``a_b_c`` was refused as a duplicate. The delivery names such items by a delivery key
now (``/`` and whitespace as ``_``, a short hash suffix only on a clash) in every format,
writes ``id_map.tsv`` (key → external id), and the customer's acceptance takes either name.
Items whose ids fit keep them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch, record_acceptance
from datamill.production.delivery_keys import plain_key, unsafe_id_clause
from datamill.production.importing import import_source
from datamill.production.inspection import create_batch
from datamill.production.models import Delivery, Item
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from tests.unit.production.helpers import spec, speech_folder
from tests.unit.production.test_inspection_delivery import _annotate_and_review, _inspect

#: where each utterance lies in the imported folder (its id is the path without the suffix)
_LAYOUT = ("a/b/c", "a_b_c", "spk 01/take 3", "plain")


def _suffixed(external_id: str) -> str:
    digest = hashlib.blake2b(external_id.encode(), digest_size=32).hexdigest()
    return f"{plain_key(external_id)}-{digest[:6]}"


def _external_ids(rt: Runtime, item_ids: list[int] | None) -> list[str]:
    with rt.session() as s:
        return sorted(s.scalars(select(Item.external_id).where(Item.id.in_(item_ids or []))))


def _nested_project(
    rt: Runtime, users: dict[str, User], tmp: Path, layout: tuple[str, ...] = _LAYOUT,
) -> int:
    """A speech project of ``len(layout)`` checked utterances whose ids are ``layout``."""
    source = speech_folder(tmp, len(layout))
    folder = tmp / "nested"
    for i, name in enumerate(layout):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / f"utt{i:03d}.wav", folder / f"{name}.wav")
        shutil.copyfile(source / f"utt{i:03d}.txt", folder / f"{name}.txt")
    with rt.session() as s:
        p = create_project(s, spec())
        for u in users.values():
            add_member(s, p.id, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, p.id, folder)
    with rt.session() as s:
        assert sorted(s.scalars(select(Item.external_id))) == sorted(layout)
        summary = run_checks(s, rt.blobs, p.id, workers=1)
        assert summary.passed == len(layout), summary.rejections
    return p.id


def test_plain_keys() -> None:
    assert plain_key("audio/000/utt0001") == "audio_000_utt0001"
    assert plain_key("spk 01/take\t3") == "spk_01_take_3"
    assert plain_key("a\\b\u3000c\x7f") == "a_b_c_"
    assert plain_key("utt-7.v2") == "utt-7.v2"  # fits: unchanged
    assert (plain_key("."), plain_key(".."), plain_key("")) == ("_", "__", "_")


@pytest.mark.parametrize("external_id", [
    "utt-7.v2", "汉字_01", "a/b", "a\\b", "a b", "a\tb", "a\nb", "a\x01b", "a\x7fb", "a\xa0b",
    "a\u3000b", "a\u2028b", "a\u200bb", "é/è", ".", "..", "a-b]", "a*b?[c]"])
def test_the_database_finds_the_ids_that_need_a_key(runtime: Runtime, external_id: str) -> None:
    """The delivery asks the database whether any id needs renaming (no pass over the batch in
    Python for the usual batch); it must agree with :func:`plain_key` on every character."""
    found = ids_needing_a_key(runtime, external_id)
    assert found == ([external_id] if plain_key(external_id) != external_id else [])


def ids_needing_a_key(runtime: Runtime, external_id: str) -> list[str]:
    """``[external_id]`` if the database says an item of that id needs a delivery key, else
    ``[]`` (:func:`unsafe_id_clause` over one item)."""
    with runtime.session() as s:
        pid = create_project(s, spec()).id
        s.add(Item(project_id=pid, external_id=external_id, sha256="0" * 64, filename="a.wav",
                   size_bytes=1, status="passed", owner="customer", attributes={}, meta={},
                   reject_reasons=[], current_version=0))
    with runtime.session() as s:
        clause = unsafe_id_clause(s.get_bind().dialect.name)
        assert clause is not None
        return list(s.scalars(select(Item.external_id).where(Item.project_id == pid, clause)))


def test_nested_and_spaced_ids_are_delivered_under_keys_in_every_format(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    import datasets
    from lhotse.kaldi import load_kaldi_data_dir
    from praatio import textgrid

    pid = _nested_project(runtime, users, tmp_path)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:  # before: refused ("cannot be a file name or a Kaldi key")
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out")
    root = Path(d.path)
    # a/b/c clashes with a_b_c, which keeps its own id; the others need no suffix
    keys = {"a/b/c": _suffixed("a/b/c"), "a_b_c": "a_b_c", "spk 01/take 3": "spk_01_take_3",
            "plain": "plain"}

    manifest = json.loads((root / "manifest.json").read_text())
    for rel, digest in manifest["files"].items():
        assert hashlib.sha256((root / rel).read_bytes()).hexdigest() == digest, rel
    assert (root / "id_map.tsv").read_text(encoding="utf-8").splitlines() == [
        "delivery_key\texternal_id", f"{keys['a/b/c']}\ta/b/c", "spk_01_take_3\tspk 01/take 3"]
    assert "id_map.tsv" in manifest["files"]
    sheet = json.loads((root / "datasheet.json").read_text())
    assert sheet["id_map"] == {"file": "id_map.tsv", "renamed": 2}

    # Kaldi, read by lhotse: one recording and one supervision per item, under its key
    recordings, supervisions, _ = load_kaldi_data_dir(root / "kaldi", sampling_rate=16000)
    assert supervisions is not None
    assert sorted(r.id for r in recordings) == sorted(f"unknown-{k}" for k in keys.values())
    assert sorted(sup.recording_id for sup in supervisions) == sorted(r.id for r in recordings)
    wav_scp = (root / "kaldi" / "wav.scp").read_text()
    assert "a/b/c" not in wav_scp and "spk 01" not in wav_scp
    # TextGrid: one file per key, each read by praatio
    grids = sorted(p.name for p in (root / "textgrid").glob("*.TextGrid"))
    assert grids == sorted(f"{k}.TextGrid" for k in keys.values())
    for name in grids:
        tg = textgrid.openTextgrid(str(root / "textgrid" / name), includeEmptyIntervals=False)
        assert tg.getTier("transcript").entries[0].label
    # Hugging Face datasets: the parquet's ids are the keys
    ds = datasets.load_dataset("parquet", data_files=str(root / "hf" / "data.parquet"),
                               split="train")
    assert sorted(ds["id"]) == sorted(keys.values())

    # the customer names refused items as the package does, or by their external id
    with runtime.session() as s, pytest.raises(InvalidInput, match="not in delivery"):
        record_acceptance(s, d.id, refused_items=["a_b_c-zzzzzz"])
    with runtime.session() as s:
        took = record_acceptance(s, d.id, refused_items=[keys["a/b/c"], "spk 01/take 3",
                                                         "spk_01_take_3"])
        assert took.accepted_items == 2
        statuses = dict(s.execute(select(Item.external_id, Item.status)).tuples().all())
        assert statuses["a/b/c"] == "rework" and statuses["a_b_c"] != "rework"
    assert sorted(took.refused_items or []) == ["a/b/c", "spk 01/take 3"]  # as external ids
    with runtime.session() as s:  # the row keeps the internal ids (settlement reads them)
        stored = s.get(Delivery, d.id)
        assert stored is not None
        kept = list(stored.refused_items or [])
    assert _external_ids(runtime, kept) == ["a/b/c", "spk 01/take 3"]


def test_a_key_resolves_to_its_own_item_beside_a_clashing_id(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    """``a_b_c`` names the item whose id it is, never ``a/b/c`` (delivered as ``a_b_c-…``);
    a desensitized project (masked delivery stream) is delivered under the same keys."""
    from datamill.compliance.desensitize import desensitize_item_texts

    pid = _nested_project(runtime, users, tmp_path)
    _annotate_and_review(runtime, users, pid)
    with runtime.session() as s:
        batch = create_batch(s, pid)
    assert _inspect(runtime, users, batch.id, wrong=False)["verdict"] == "accepted"
    with runtime.session() as s:
        pm = s.get(User, users["pm"].id)
        assert pm is not None
        desensitize_item_texts(s, pid, actor=pm, workers=1)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch.id, tmp_path / "out", formats=["kaldi"])
    assert "desensitization" in d.datasheet
    text = (Path(d.path) / "kaldi" / "text").read_text()
    assert f"unknown-{_suffixed('a/b/c')}-000 " in text and "unknown-a_b_c-000 " in text
    with runtime.session() as s:
        took = record_acceptance(s, d.id, refused_items=["a_b_c"])
    assert took.refused_items == ["a_b_c"]
