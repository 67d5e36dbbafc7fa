"""Trial h3 (round 4), with known left-out 1: a record whose turns differ from another's only
by full-width letters or a zero-width space (``ＯＫ`` for ``OK``, ``你\\u200b好``) was not a
duplicate, nor a response that repeated the other that way; turns now compare folded
(:func:`datamill.core.lookalike.fold`), as the word check does."""

from __future__ import annotations

from pathlib import Path

from datamill.modalities.llm.checks import duplicate_outcomes
from datamill.modalities.llm.plugin import LlmPlugin
from datamill.modalities.llm.records import canonical_record, parse_record
from datamill.modalities.llm.schema import LlmRequirements
from tests.unit.modalities.llm._cases import requirements


def _write(path: Path, raw: dict[str, object]) -> Path:
    path.write_bytes(canonical_record(parse_record(raw)))
    return path


def test_look_alike_records_and_turns_are_duplicates(tmp_path: Path) -> None:
    a = _write(tmp_path / "a.json", {"id": "a", "prompt": "Is it OK to 你好 here?",
                                     "responses": ["Yes, it is fine.", "No, it is not."]})
    b = _write(tmp_path / "b.json", {"id": "b", "prompt": "Is it ＯＫ to 你\u200b好 here?",
                                     "responses": ["No, it is not.", "Yes, it is ﬁne."]})
    got = duplicate_outcomes([("b", b)], [("a", a)])
    assert not got["b"][0].passed and got["b"][0].extra == {"of": "a"}
    c = _write(tmp_path / "c.json", {"id": "c", "prompt": "What is the capital of France?",
                                     "responses": ["Paris is the capital.",
                                                   "Ｐａｒｉｓ is the\u200b capital."]})
    req = LlmRequirements.model_validate(requirements("pairwise"))
    dup = {o.name: o for o in LlmPlugin().run_checks(c, req, None)}["duplicate_turns"]
    assert not dup.passed and dup.value == 1
