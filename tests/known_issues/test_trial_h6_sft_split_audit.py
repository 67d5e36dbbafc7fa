"""Trial h6: the audit entry of a split SFT item kept both conversations in full.

Two writers of one SFT conversation who differ make a split (``aggregate.unresolved``); its
audit entry kept ``{"split": {"sft": {<whole conversation>: 1, <whole conversation>: 1}}}``:
two 1,500-character answers made a 3,171-character entry, and the phone number and e-mail one
writer typed stood unmasked in the hash-chained trail. It now keeps per answer the authors,
their annotation ids, the SHA-256 and length, and an excerpt of 80 characters from where the
answers differ, with personal data masked; a categorical split stays ``{label: count}``.
The refused accept of that item wrote both conversations into its message, which the server
log keeps (3,178 characters): it now says ``sft: 2 different texts (1, 1 annotators)``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from datamill.compliance.audit_log import mask_data
from datamill.compliance.models import AuditRecord, User
from datamill.core.errors import Conflict
from datamill.modalities.llm.schema import parse_annotation
from datamill.modalities.llm.sft_agreement import shown
from datamill.modalities.registry import get_modality
from datamill.production.annotating import review_task
from datamill.production.models import Annotation, Item
from datamill.production.tasks import claim_next_task
from datamill.qc.aggregating import audit_split
from datamill.runtime import Runtime
from tests.known_issues.test_trial_h19_sft_overlap import PROMPTS, _project, _write

FILLER = "Start with the basics and practise every day for a month before the test. " * 20
PHONE, MAIL = "13800138000", "mei.li@example.com"
MEI = f"Call me on {PHONE} or write to {MAIL}. {FILLER}"
JUN = f"Ask the teacher for help. {FILLER}"


def test_split_sft_audit_keeps_hashes_and_a_masked_excerpt(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, (mei, jun) = _project(runtime, users, tmp_path / "sft")
    _write(runtime, mei, pid, {PROMPTS[0]: MEI, PROMPTS[1]: "Hello."})
    _write(runtime, jun, pid, {PROMPTS[0]: JUN, PROMPTS[1]: "Hello."})
    with runtime.session() as s:
        item = s.scalars(select(Item).where(Item.project_id == pid, Item.external_id == "q0")
                         ).one()
        record = s.scalars(select(AuditRecord).where(
            AuditRecord.action == "aggregate.unresolved").order_by(AuditRecord.id)).one()
        assert int(record.object_id or 0) == item.id
        answers = {a.author_id: a for a in s.scalars(select(Annotation).where(
            Annotation.item_id == item.id, Annotation.kind == "annotation"))}
    raw = json.dumps(record.data, ensure_ascii=False)
    assert len(raw) < 1_000, len(raw)  # was 3,171 characters: both conversations whole
    assert PHONE not in raw and MAIL not in raw  # were there as typed
    assert FILLER[:200] not in raw
    entries = record.data["split"]["sft"]
    texts = {shown(parse_annotation(answers[u.id].payload)): u for u in (mei, jun)}
    assert sorted((e["sha256"], e["chars"], e["authors"], e["annotation_ids"], e["count"])
                  for e in entries) == sorted(
        (hashlib.sha256(t.encode()).hexdigest(), len(t), [u.id], [answers[u.id].id], 1)
        for t, u in texts.items())
    excerpts = {e["authors"][0]: e["excerpt"] for e in entries}
    # from where the answers differ (the shared prompt is left out), masked
    assert excerpts[mei.id] == ("… France?\nassistant: Call me on 138****8000 or write to "
                                "m*****@example.com. Start…")
    assert excerpts[jun.id] == ("… France?\nassistant: Ask the teacher for help. Start with "
                                "the basics and practise…")
    assert mask_data(record.data) == record.data  # nothing left for the reader to mask
    with runtime.session() as s:  # the refused accept's message (the server logs it whole)
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert task is not None and task.item_id == item.id
        with pytest.raises(Conflict, match="split with no majority") as err:
            review_task(s, s.get(User, users["rev"].id), task.id, "accept")
    assert "sft: 2 different texts (1, 1 annotators)" in err.value.message
    assert PHONE not in err.value.message and len(err.value.message) < 300  # was 3,178
    assert len(err.value.details["split"]["sft"]) == 2  # the page's adjudication reads them


def test_a_categorical_split_is_kept_as_counts() -> None:
    split = {"span:3:5": {"LOC": 1, "PER": 1}}
    assert audit_split(split, [(1, "span:3:5", "LOC"), (2, "span:3:5", "PER")], {},
                       get_modality("text")) == split
