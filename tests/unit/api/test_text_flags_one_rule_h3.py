"""A true/false typed as text reads alike in an API query string (``FlagQuery``) and on a web
form (``FormFlag``): both call :func:`datamill.core.flags.text_flag`, where ``api.params`` and
``web.routes._common`` carried a copy each. Each refusal keeps its face's own words."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from datamill.api.params import FlagQuery
from datamill.core.flags import text_flag
from datamill.web.routes._common import FormFlag

FACES: dict[str, Any] = {"query": TypeAdapter(FlagQuery), "form": TypeAdapter(FormFlag)}
REFUSALS = {"query": "write true or false", "form": "a box is ticked with true"}


@pytest.mark.parametrize("face", sorted(FACES))
@pytest.mark.parametrize(("typed", "read"), [
    ("true", True), ("TRUE", True), ("False", False), ("false", False), (True, True),
    (False, False), ("1", None), ("0", None), ("yes", None), ("on", None), ("", None),
    (" true", None), (1, None), (None, None)])
def test_both_faces_read_a_flag_alike(face: str, typed: object, read: bool | None) -> None:
    expected: object = None
    try:
        expected = text_flag(typed, "refused")
    except ValueError:
        pass
    assert expected == read
    if read is None:
        with pytest.raises(ValidationError, match=REFUSALS[face]):
            FACES[face].validate_python(typed)
    else:
        assert FACES[face].validate_python(typed) is read
