"""``dumps_function`` writes exactly what ``json.dumps`` writes (issue 13: one encoder made once
for 100k-row imports and exports)."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.jsontext import dumps_function

_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=800, deadline=None)
@given(_VALUES)
def test_the_text_is_json_dumps_text(value: Any) -> None:
    assert dumps_function()(value) == json.dumps(value)
    assert dumps_function(ensure_ascii=False)(value) == json.dumps(value, ensure_ascii=False)


def test_chinese_and_lone_surrogates() -> None:
    value = {"prompt": "他说：“你好！”", "odd": "\ud800", "age": 34, "x": [1.5, None, True]}
    assert dumps_function()(value) == json.dumps(value)
    assert dumps_function(ensure_ascii=False)(value) == json.dumps(value, ensure_ascii=False)
