"""Desensitization covers a text item's own text (a text corpus's personal data was left
unmasked: only prompts and transcripts were read), and the data-security officer runs it (the
domain's officer does masking; it was the project managers' alone)."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.classification import set_clearance
from datamill.compliance.desensitize import (
    desensitize_item_texts,
    masked_view,
    read_original_text,
)
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime
from tests.unit.compliance._security_world import make_project

PHONE = "13812345678"
MAIL = "li@example.org"


def _u(s: Session, name: str) -> User:
    return s.scalars(select(User).where(User.username == name)).one()


def test_the_officer_masks_a_text_corpus_and_reads_originals_when_cleared(
    runtime: Runtime, users: dict[str, User]
) -> None:
    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        pid, items = make_project(s, "dz-text", [_u(s, "insp")], [
            {"text": f"请拨打 {PHONE} 或写信到 {MAIL}"}, {"text": "no personal data here"}])
    with runtime.session() as s:
        summary = desensitize_item_texts(s, pid, actor=_u(s, "dso"))  # not a member
        assert summary["texts_written"] == 2 and summary["texts_with_pii"] == 1
        assert summary["kinds"] == {"email": 1, "phone": 1}
    with runtime.session() as s:
        view = masked_view(s, _u(s, "insp"), items[0])
        masked = view["texts"]["text"]["masked"]
        assert PHONE not in masked and MAIL not in masked and "请拨打" in masked
        with pytest.raises(Forbidden, match="confidential"):
            read_original_text(s, _u(s, "insp"), items[0], "text")
        set_clearance(s, _u(s, "admin"), _u(s, "insp").id, "confidential")
    with runtime.session() as s:
        assert MAIL in (read_original_text(s, _u(s, "insp"), items[0], "text") or "")


def test_an_officer_not_cleared_for_the_project_may_not(
    runtime: Runtime, users: dict[str, User]
) -> None:
    from datamill.compliance.classification import set_classification

    with runtime.session() as s:
        create_user(s, "dso", "password1", "data_security_officer")
        pid, _ = make_project(s, "dz-secret", [], [{"text": f"call {PHONE}"}])
        set_classification(s, _u(s, "admin"), pid, "secret")
    with runtime.session() as s, pytest.raises(Forbidden, match="may not handle"):
        desensitize_item_texts(s, pid, actor=_u(s, "dso"))
