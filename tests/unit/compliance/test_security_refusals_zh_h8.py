"""Trial h8 round 2: the data-security office's input refusals read in English under zh-CN
(a destination that is no country code, a cross-border flag without its destination, an
unknown sensitivity level, an assessment's conclusion or kind, an export rule's requirement).
Each now carries a reason code worded in both languages."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from datamill.compliance.classification import set_classification
from datamill.compliance.export import add_export_rule, record_assessment, set_export
from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_error
from tests.unit.compliance._security_world import make_project


def test_office_refusals_read_in_chinese(sqlite_runtime: object) -> None:
    from datamill.runtime import Runtime

    assert isinstance(sqlite_runtime, Runtime)
    with sqlite_runtime.session() as s:
        dso = create_user(s, "dso", "password1", "data_security_officer")
        pid, _ = make_project(s, "zhrefusals", [], [])
        calls: list[tuple[Callable[[Session, User], object], str]] = [
            (lambda s, u: set_export(s, u, pid, cross_border=True, destination="USA"), "USA"),
            (lambda s, u: set_export(s, u, pid, cross_border=True), "目的地"),
            (lambda s, u: set_export(s, u, pid, cross_border=True, destination="*"), "一个国家"),
            (lambda s, u: set_classification(s, u, pid, "top"), "top"),
            (lambda s, u: record_assessment(s, u, pid, conclusion="ok"), "approved"),
            (lambda s, u: record_assessment(s, u, pid, conclusion="approved", kind="x"),
             "self_assessment"),
            (lambda s, u: add_export_rule(s, u, "US", requirement="x"), "security_assessment"),
        ]
        for call, value in calls:
            with pytest.raises(InvalidInput) as err:
                call(s, dso)
            said, _ = word_error(err.value.message, err.value.details, "zh-CN")
            assert value in said and any("\u4e00" <= c <= "\u9fff" for c in said), said
