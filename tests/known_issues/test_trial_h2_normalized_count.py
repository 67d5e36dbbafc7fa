"""Trial h2 (text PM): the ``normalized`` check said "8 characters change under NFKC/width
normalisation" of "Café naïve 在巴黎的école里。" whose one ``e`` + U+0301 composes: it compared the
text with its normal form position by position, so every character after the first composed
pair counted as changed. It now counts the user-perceived characters that change."""

from __future__ import annotations

import pytest

from datamill.modalities.text.checks import run_text_checks
from datamill.modalities.text.schema import TextChecksRequirements
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS

REQ = TextChecksRequirements.model_validate(TEXT_REQUIREMENTS["text"])


@pytest.mark.parametrize(("text", "changed"), [
    ("Café naïve 在巴黎的e\u0301cole里。", 1),
    ("e\u0301e\u0301 和 ＡＢ 以及\u3000空格", 5),
    ("北京，你好。“引号”（括号）", 0),
])
def test_the_normalized_check_counts_the_characters_that_change(text: str, changed: int) -> None:
    (outcome,) = [o for o in run_text_checks(text.encode(), "x.txt", REQ) if o.name == "normalized"]
    assert outcome.value == changed
    assert outcome.passed == (changed == 0)
    if changed:
        assert outcome.reason is not None
        assert outcome.reason.startswith(f"{changed} character{'' if changed == 1 else 's'} change")
