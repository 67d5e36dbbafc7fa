"""A second fresh-clone trial user's leaks through deliveries: a customer cleared ``internal``
downloaded a ``secret`` item's transcript and audio from ``/deliveries/{id}/files/...``; a
desensitized project's masked phone number was delivered in full (kaldi/text, hf, TextGrid);
a project flagged cross-border after its delivery still let the package leave."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq
import pytest
import soundfile as sf
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm.attributes import flag_modified

from datamill.compliance.classification import set_clearance
from datamill.compliance.delivery_masking import DeliveryMasking
from datamill.compliance.desensitize import desensitize_item_texts
from datamill.compliance.export import record_assessment, set_export
from datamill.compliance.item_sensitivity import set_item_level
from datamill.compliance.models import User
from datamill.compliance.pii import mask_text
from datamill.compliance.users import add_member, create_user
from datamill.production.media import item_path
from datamill.production.models import Annotation, BatchItem, Item
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.unit.production.helpers import ready_project
from tests.unit.production.test_delivery_rejection import API, _accepted_batch, _auth

PHONE = "13812345678"
#: the same kind of number as a transcript with ``numerals: hanzi`` writes it (before: delivered
#: unmasked, and its recording went out without a bleep)
HANZI_PHONE = "幺三八 幺二三四 五六七八"
EMAIL = "zhang.wei@example.com"


def _u(s: Any, users: dict[str, User], name: str) -> User:
    got = s.get(User, users[name].id)
    assert got is not None
    return got


def _with_buyer(runtime: Runtime, pid: int) -> int:
    with runtime.session() as s:
        buyer = create_user(s, "buyer", "password1", "customer")
        add_member(s, pid, buyer, actor_id=None)
        return buyer.id


def _batch_item_ids(runtime: Runtime, batch: int) -> list[int]:
    with runtime.session() as s:
        return list(s.scalars(select(BatchItem.item_id).where(BatchItem.batch_id == batch)
                              .order_by(BatchItem.item_id)))


def test_a_package_holding_a_classified_item_is_withheld_from_those_not_cleared(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    buyer_id = _with_buyer(runtime, pid)
    with TestClient(create_app(runtime)) as api:
        pm, buyer = _auth(api, "pm"), _auth(api, "buyer")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        first = _batch_item_ids(runtime, batch)[0]
        with runtime.session() as s:
            set_item_level(s, _u(s, users, "admin"), first, "confidential")
        # the project manager (cleared internal) may not write out a confidential item
        refused = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                           json={"formats": ["kaldi"]})
        assert refused.status_code == 403, refused.text
        assert "confidential" in refused.json()["detail"]
        with runtime.session() as s:
            set_clearance(s, _u(s, users, "admin"), users["pm"].id, "confidential")
        made = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                        json={"formats": ["kaldi"]})
        assert made.status_code == 201, made.text
        d = made.json()
        assert d["datasheet"]["classification"] == "confidential"
        files = f"{API}/deliveries/{d['id']}/files"
        for name in ("kaldi/text", "manifest.json"):  # before: 200, the item's transcript
            got = api.get(f"{files}/{name}", headers=buyer)
            assert got.status_code == 403, (name, got.text)
            assert "buyer" in got.json()["detail"] and "confidential" in got.json()["detail"]
        assert api.get(f"{API}/deliveries/{d['id']}", headers=buyer).status_code == 200
        with runtime.session() as s:
            set_clearance(s, _u(s, users, "admin"), buyer_id, "confidential")
        assert api.get(f"{files}/kaldi/text", headers=buyer).status_code == 200
        # an item classified higher after the delivery withholds the package again
        with runtime.session() as s:
            set_item_level(s, _u(s, users, "admin"), first, "secret")
        again = api.get(f"{files}/kaldi/text", headers=buyer)
        assert again.status_code == 403 and "secret" in again.json()["detail"]
        # so does the web page's download link
        from tests.known_issues._web import web_login

        web = TestClient(create_app(runtime))
        web_login(web, "buyer")
        assert web.get(f"/deliveries/{d['id']}/files/kaldi/text").status_code == 403
        page = web.get(f"/projects/{pid}/deliveries").text
        assert 'data-testid="dlv-withheld"' in page and "clearance" in page
        assert f'href="/deliveries/{d["id"]}/files/' not in page  # no links that answer 403


def test_a_project_flagged_cross_border_after_its_delivery_keeps_the_package_home(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    _with_buyer(runtime, pid)
    with TestClient(create_app(runtime)) as api:
        pm, buyer = _auth(api, "pm"), _auth(api, "buyer")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        d = api.post(f"{API}/batches/{batch}/deliveries", headers=pm,
                     json={"formats": ["kaldi"]}).json()
        text = f"{API}/deliveries/{d['id']}/files/kaldi/text"
        assert api.get(text, headers=buyer).status_code == 200
        with runtime.session() as s:
            set_export(s, _u(s, users, "pm"), pid, cross_border=True, destination="US")
        held = api.get(text, headers=buyer)  # before: 200
        assert held.status_code == 403, held.text
        assert held.json()["reason"] == "export_not_assessed"
        with runtime.session() as s:
            record_assessment(s, _u(s, users, "admin"), pid, conclusion="approved")
        assert api.get(text, headers=buyer).status_code == 200


def _add_pii(runtime: Runtime, item_id: int, phone: str = PHONE) -> None:
    """The item's transcript as an annotator who heard a phone number and an email wrote it."""
    with runtime.session() as s:
        item = s.get(Item, item_id)
        assert item is not None and item.current_annotation_id is not None
        ann = s.get(Annotation, item.current_annotation_id)
        assert ann is not None
        payload = copy.deepcopy(ann.payload)
        seg = payload[0] if isinstance(payload, list) else payload["segments"][0]
        seg["text"] = f"{seg['text']} call {phone} or mail {EMAIL}"
        seg["start_ms"], seg["end_ms"] = 250, 1000  # audio around it, to stay as recorded
        ann.payload = payload
        ann.text = f"{ann.text} call {phone} or mail {EMAIL}"
        flag_modified(ann, "payload")


def _package_text(folder: Path) -> dict[str, str]:
    """Every file of the package as text (parquet through pyarrow: its pages are compressed)."""
    out = {}
    for path in folder.rglob("*"):
        if not path.is_file() or path.suffix in (".wav", ".flac"):
            continue
        rel = str(path.relative_to(folder))
        if path.suffix == ".parquet":
            out[rel] = json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False,
                                  default=str)
        else:
            out[rel] = path.read_bytes().decode("utf-8", errors="replace")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("phone", [PHONE, HANZI_PHONE], ids=["digits", "hanzi"])
def test_a_desensitized_project_is_delivered_masked(
    runtime: Runtime, users: dict[str, User], tmp_path: Path, phone: str,
) -> None:
    pid = ready_project(runtime, users, tmp_path, 4)
    with TestClient(create_app(runtime)) as api:
        pm = _auth(api, "pm")
        batch = _accepted_batch(api, runtime, users, pid, pm)
        first = _batch_item_ids(runtime, batch)[0]
        _add_pii(runtime, first, phone)
        with runtime.session() as s:
            desensitize_item_texts(s, pid, actor=_u(s, users, "pm"), workers=1)
        made = api.post(f"{API}/batches/{batch}/deliveries", headers=pm, json={})
        assert made.status_code == 201, made.text
        d = made.json()
    package = _package_text(Path(d["path"]))
    assert {"kaldi/text", "manifest.json"} <= set(package), sorted(package)
    assert any(name.endswith(".TextGrid") for name in package)
    assert any(name.endswith(".parquet") for name in package)
    leaked = [name for name, text in package.items() if phone in text or EMAIL in text]
    assert leaked == [], leaked  # before: kaldi/text, the TextGrid and the hf table
    masked = mask_text(f"call {phone} or mail {EMAIL}", keep_length=True)
    assert masked in package["kaldi/text"]
    assert len(masked) == len(f"call {phone} or mail {EMAIL}")
    sheet = d["datasheet"]["desensitization"]
    # one string (the item's segment text), counted once however many formats were written
    assert sheet["strings_masked"] == 1
    # the recording says the number aloud: its segment is bleeped, the others go as recorded
    # (before: every recording was delivered as recorded)
    assert sheet["media_masked"] == 1 and sheet["media_stretches_masked"] == 1
    with runtime.session() as s:
        items = {i.id: i for i in s.scalars(select(Item).where(
            Item.id.in_(_batch_item_ids(runtime, batch))))}
        segment = s.get(Annotation, items[first].current_annotation_id).payload[0]
        originals = {i.id: item_path(runtime.blobs, i) for i in items.values()}
    delivered = {p.stem: p for p in (Path(d["path"]) / "audio").iterdir()}
    assert items[first].sha256 not in delivered
    assert all(items[i].sha256 in delivered for i in items if i != first)
    (bleeped,) = set(delivered) - {i.sha256 for i in items.values()}
    heard, rate = sf.read(delivered[bleeped], dtype="int16")
    said, _ = sf.read(originals[first], dtype="int16")
    assert heard.shape == said.shape
    a, b = segment["start_ms"] * rate // 1000, -(-segment["end_ms"] * rate // 1000)
    assert 0 < a < b < len(said)  # audio on both sides of the segment stays as recorded
    assert (heard[:a] == said[:a]).all() and (heard[b:] == said[b:]).all()
    tone = heard[a:b].astype(float)
    assert abs(20 * np.log10(np.sqrt(np.mean(tone**2)) / 32767) - (-23.0)) < 0.5  # -20 dBFS sine


def test_masking_keeps_offsets_and_text_files_parse(tmp_path: Path) -> None:
    masking = DeliveryMasking(images={})
    text = f"电话{PHONE}，邮箱{EMAIL}。"
    masked = masking.text(text)
    assert len(masked) == len(text) and PHONE not in masked and EMAIL not in masked
    assert masking.value({"spans": [{"start": 2, "end": 13, "text": PHONE}], "n": 3}) == {
        "spans": [{"start": 2, "end": 13, "text": "138****5678"}], "n": 3}
    record = tmp_path / "r.json"
    record.write_text(json.dumps({"messages": [{"role": "user", "content": text}]}),
                      encoding="utf-8")  # \\u escapes: masked after parsing, not in the bytes
    data, digest = masking.text_file(record, ".json") or (b"", "")
    assert data is not None
    assert PHONE not in data.decode() and json.loads(data)["messages"][0]["content"] == masked
    assert len(digest) == 64
    assert masking.text_file(record, ".json") == (None, digest)  # masked once per delivery
    lines = tmp_path / "r.jsonl"
    lines.write_text(json.dumps({"a": PHONE}) + "\n\n" + json.dumps({"b": EMAIL}) + "\n")
    data, _ = masking.text_file(lines, ".jsonl") or (b"", "")
    assert data is not None
    assert [json.loads(x) for x in data.decode().split("\n") if x] == [
        {"a": "138****5678"}, {"b": mask_text(EMAIL, keep_length=True)}]
    assert masking.text_file(tmp_path / "a.wav", ".wav") is None


@pytest.mark.slow
def test_a_desensitized_image_project_delivers_masked_images_or_nothing(
    runtime: Runtime, users: dict[str, User], tmp_path: Path,
) -> None:
    from datamill.compliance.desensitize import desensitize_item_images
    from datamill.compliance.security_models import MaskedBlob
    from datamill.core.errors import Conflict
    from datamill.production.delivery import deliver_batch
    from tests.unit.production.test_image_loop import accepted_image_batch

    pid, batch_id, _ = accepted_image_batch(runtime, users, tmp_path / "in")
    with runtime.session() as s:
        done = desensitize_item_images(s, runtime.blobs, pid, actor=_u(s, users, "pm"),
                                       workers=1)
        assert done["images_masked"] == 7, done
        masked = {m.item_id: m.sha256_masked for m in s.scalars(select(MaskedBlob))}
        gone = s.scalars(select(MaskedBlob).join(BatchItem, BatchItem.item_id == MaskedBlob.item_id)
                         .where(BatchItem.batch_id == batch_id)).first()
        assert gone is not None
        s.delete(gone)  # as if the image had been replaced after the run
    with runtime.session() as s, pytest.raises(Conflict, match="no masked copy"):
        deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["coco"])
    assert not (tmp_path / "out" / f"project-{pid}").exists() or not any(
        (tmp_path / "out" / f"project-{pid}").iterdir())
    with runtime.session() as s:
        desensitize_item_images(s, runtime.blobs, pid, actor=_u(s, users, "pm"), workers=1)
        masked = {m.item_id: m.sha256_masked for m in s.scalars(select(MaskedBlob))}
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out", formats=["coco"])
        delivered = set(s.scalars(select(BatchItem.item_id)
                                  .where(BatchItem.batch_id == batch_id)))
        originals = set(s.scalars(select(Item.sha256).where(Item.id.in_(delivered))))
    manifest = json.loads((Path(d.path) / "manifest.json").read_text())
    images = {digest for name, digest in manifest["files"].items()  # the COCO folder's copies
              if name.startswith("coco/images/")}
    assert images == {masked[i] for i in delivered} and not images & originals
    coco = json.loads((Path(d.path) / "coco" / "annotations.json").read_text())
    assert len(coco["images"]) == len(delivered)
    assert d.datasheet["desensitization"]["images_masked"] == len(delivered)


@pytest.mark.parametrize("said", [
    f"我的手机号是{HANZI_PHONE}", "手机一三八一二三四五六七八", "身份证110105 19491231 002X",
    "座机010-62345678", "call (415) 555-2671", "SSN 078-05-1120",
])
def test_delivery_masking_hides_the_forms_a_trial_user_found_unmasked(said: str) -> None:
    masked = DeliveryMasking(images={}).text(said)
    assert masked != said and len(masked) == len(said)  # before: delivered as written
    assert masked == mask_text(said, keep_length=True)
