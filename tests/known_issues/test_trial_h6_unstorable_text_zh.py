"""Trial h6: an annotation holding a broken emoji escape (a lone UTF-16 surrogate, which a
JavaScript client makes by cutting a string between the two halves of an emoji) was refused in
English under zh-CN ("annotation: a string contains a lone surrogate (U+D83D), which has no
UTF-8"). The storable-text refusals carry codes the registry words."""

from __future__ import annotations

import pytest

from datamill.core.errors import InvalidInput
from datamill.core.storable import check_document, check_text
from datamill.modalities.problem_words import word_error


@pytest.mark.parametrize(("value", "code"), [
    ({"spans": [{"text": "Ren\ud83d"}]}, "text_lone_surrogate"),
    ({"reason": "a\x00b"}, "text_nul"),
    ({"score": float("nan")}, "document_not_finite"),
])
def test_a_document_that_cannot_be_stored_is_refused_in_chinese(value: object, code: str) -> None:
    with pytest.raises(InvalidInput) as err:
        check_document(value, "annotation")
    assert err.value.details["reason_code"] == code
    said, details = word_error(err.value.message, err.value.details, "zh-CN")
    assert said.startswith("annotation ") and "a string" not in said and "number" not in said
    assert details["message_en"] == err.value.message


def test_a_text_field_with_a_lone_surrogate_is_worded() -> None:
    with pytest.raises(InvalidInput) as err:
        check_text("😀"[:1] + "\ud83d", "reason")
    said, _ = word_error(err.value.message, err.value.details, "zh-CN")
    assert "U+D83D" in said and "代理项" in said


def test_a_submit_without_its_document_is_refused_in_chinese() -> None:
    """``{"base_version": 1, "payload": {...}}`` (the wrong key) answered "“document”无效（Value
    error, give either segments (speech) or annotation (other modalities)）" under zh-CN."""
    from pydantic import ValidationError

    from datamill.api.routers.work import AnnotationSubmit
    from datamill.modalities.parse_problems import request_error

    with pytest.raises(ValidationError) as err:
        AnnotationSubmit.model_validate({"base_version": 1, "payload": {}})
    error = err.value.errors()[0]
    said = request_error({**error, "loc": ("body",)}, {}, "zh-CN")
    assert said["message"] == "请给出 segments（语音）或 annotation（其他模态）二者之一", said
