"""Found by a trial user: delivered files were HARD LINKS into the blob store (12 of 18 blobs
shared an inode with ``deliveries/project-1/batch-001/records/``). ``echo ' ' >>`` a delivered
``records/<sha256>.json`` rewrote the blob itself: its sha256 no longer matched its name and
``GET /projects/1/items/8/media`` served the altered bytes. A package (delivery, catalog
release) now holds copies of its own: editing one leaves the blob store as it was."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from datamill.assist.runner import preannotate_project
from datamill.catalog import releases
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.delivery import deliver_batch
from datamill.production.importing import import_source
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.storage.filecopy import copy_new_file
from tests.unit.catalog.helpers import people, released
from tests.unit.modalities.llm._cases import spec as llm_spec
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_inspection_delivery import accepted_batch


def _accepted_llm_batch(rt: Runtime, users: dict[str, User], tmp: Path, n: int = 3) -> int:
    src = tmp / "sft.jsonl"
    src.write_text("".join(json.dumps({"id": f"c{i}", "messages": [
        {"role": "user", "content": f"What is {i} plus {i}?"},
        {"role": "assistant", "content": f"{i} plus {i} is {2 * i}."}]}) + "\n"
        for i in range(n)), encoding="utf-8")
    with rt.session() as s:
        pid = create_project(s, llm_spec("sft", package_size=10)).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    with rt.session() as s:
        import_source(s, rt.blobs, pid, src)
        assert run_checks(s, rt.blobs, pid, workers=1).passed == n
    with rt.session() as s:
        preannotate_project(s, rt.blobs, pid, workers=1)
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")
    for stage, who in (("annotate", "ann1"), ("review", "rev")):
        while True:
            with rt.session() as s:
                t = claim_next_task(s, users[who], pid, stage)
                if t is None:
                    break
                if stage == "annotate":
                    assert t.current is not None
                    submit_annotation(s, users[who], t.id, t.current.segments,
                                      base_version=t.current_version)
                else:
                    review_task(s, users[who], t.id, "accept")
    with rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, users["insp"])
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        assert complete_inspection(s, insp.id, users["insp"]).verdict == "accepted"
        return batch.id


def _package_holds_copies(rt: Runtime, folder: Path, media: str) -> None:
    """No file of the package shares an inode; appending to each media file leaves its blob
    (named by its sha256) with the same bytes."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert files and all(p.stat().st_nlink == 1 for p in files), [
        (str(p.relative_to(folder)), p.stat().st_nlink) for p in files if p.stat().st_nlink > 1]
    delivered = sorted((folder / media).iterdir())
    assert delivered
    for path in delivered:
        digest = path.name.split(".")[0]
        with path.open("ab") as fh:
            fh.write(b" \n")  # the trial user's `echo ' ' >>`
        blob = rt.blobs.local_path(digest)
        assert hashlib.sha256(blob.read_bytes()).hexdigest() == digest, path.name
        assert not blob.samefile(path)


def test_an_llm_delivery_holds_copies_of_its_records(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _accepted_llm_batch(runtime, users, tmp_path)
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out")
    _package_holds_copies(runtime, Path(str(d.path)), "records")


def test_a_speech_delivery_holds_copies_of_its_audio(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = accepted_batch(runtime, users, ready_project(runtime, users, tmp_path, 3))
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["kaldi"])
    _package_holds_copies(runtime, Path(str(d.path)), "audio")


def test_a_catalog_release_holds_copies_of_its_files(runtime: Runtime, tmp_path: Path) -> None:
    _, release_id = released(runtime, people(runtime), tmp_path)
    with runtime.session() as s:
        folder = Path(releases.release_row(s, release_id).path)
    _package_holds_copies(runtime, folder, "data")


def test_copy_new_file_copies_once_and_never_links(tmp_path: Path) -> None:
    src = tmp_path / "blob"
    src.write_bytes(b"x" * 70_000)
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert copy_new_file(src, tmp_path / "a") and copy_new_file(empty, tmp_path / "e")
    assert (tmp_path / "a").read_bytes() == src.read_bytes() and (tmp_path / "e").read_bytes() == b""
    assert src.stat().st_nlink == 1 and (tmp_path / "a").stat().st_ino != src.stat().st_ino
    (tmp_path / "a").write_bytes(b"changed")
    assert not copy_new_file(src, tmp_path / "a")  # staged already: left alone
    assert (tmp_path / "a").read_bytes() == b"changed" and src.read_bytes() == b"x" * 70_000
