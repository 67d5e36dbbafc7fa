"""Issue 14 §2: per-task annotation validators and the automatic record checks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datamill.core.errors import InvalidInput
from datamill.modalities.llm.plugin import LlmPlugin
from datamill.modalities.llm.records import canonical_record, parse_record
from datamill.modalities.llm.schema import LlmRequirements, meaningful_chars
from tests.unit.modalities.llm._cases import requirements

PLUGIN = LlmPlugin()
RANK_ATTRS = {"response_ids": ["a", "b", "c"]}


def _valid(task: str, payload: Any, attributes: dict[str, Any] | None = None) -> Any:
    req = LlmRequirements.model_validate(requirements(task))
    return PLUGIN.validate_annotation(payload, attributes or RANK_ATTRS, req)


def _sft(*turns: tuple[str, str], **extra: Any) -> dict[str, Any]:
    return {"type": "llm_sft", "turns": [{"role": r, "content": c, **extra} if r == "assistant"
                                          else {"role": r, "content": c} for r, c in turns]}


def test_ranking_must_name_every_response_once() -> None:
    ok = _valid("ranking", {"type": "llm_ranking", "ranking": ["b", "a", "c"],
                            "reason": "b answers the question"})
    assert ok.text == "b > a > c — b answers the question"
    with pytest.raises(InvalidInput, match="omits response\\(s\\) c"):
        _valid("ranking", {"type": "llm_ranking", "ranking": ["b", "a"], "reason": "b is best"})
    with pytest.raises(InvalidInput, match="names a more than once"):
        _valid("ranking", {"type": "llm_ranking", "ranking": ["a", "b", "a"], "reason": "a twice"})
    with pytest.raises(InvalidInput, match="unknown response\\(s\\) z"):
        _valid("ranking", {"type": "llm_ranking", "ranking": ["a", "b", "z"], "reason": "zzzzz"})
    with pytest.raises(InvalidInput, match="reason of at least 5"):
        _valid("ranking", {"type": "llm_ranking", "ranking": ["a", "b", "c"], "reason": " "})


def test_pairwise_choice_and_task_type() -> None:
    attrs = {"response_ids": ["a", "b"]}
    doc = _valid("pairwise", {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "tie",
                              "reason": "both are equally good"}, attrs)
    assert doc.text.startswith("tie: a = b")
    with pytest.raises(InvalidInput, match="choice"):
        _valid("pairwise", {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "c",
                            "reason": "whatever"}, attrs)
    with pytest.raises(InvalidInput, match="task is pairwise: submit a llm_pairwise"):
        _valid("pairwise", {"type": "llm_ranking", "ranking": ["a", "b"], "reason": "fine ok"},
               attrs)


def test_sft_turns_are_checked_on_submit() -> None:
    good = _sft(("system", "Be brief."), ("user", "What is 2+2?"), ("assistant", "4"),
                reasoning="2 plus 2 is 4")
    assert _valid("sft", good, {}).payload["turns"][2]["reasoning"] == "2 plus 2 is 4"
    # the record's and TRL's name for them is taken too, and stored as turns
    as_messages = {"type": "llm_sft", "messages": good["turns"]}
    assert _valid("sft", as_messages, {}).payload == _valid("sft", good, {}).payload
    cases = {
        "is empty": _sft(("user", "hi there"), ("assistant", "  ")),
        "turn 2 is user, expected assistant": _sft(("user", "hello"), ("user", "hello again"),
                                                    ("assistant", "hi")),
        "repeats turn 2": _sft(("user", "hello"), ("assistant", "hi"), ("user", "again?"),
                               ("assistant", "hi")),
        "the last turn is user": _sft(("user", "hello"), ("assistant", "hi"), ("user", "bye")),
        "banned content: idiot": _sft(("user", "hello"), ("assistant", "you idiot")),
        "is in fr": _sft(("user", "hello"),
                         ("assistant", "Je ne sais pas du tout ce que vous voulez dire par là.")),
        "maximum is 2000": _sft(("user", "hello"), ("assistant", "y" * 2001)),
    }
    for message, payload in cases.items():
        with pytest.raises(InvalidInput, match=message):
            _valid("sft", payload, {})
    with pytest.raises(InvalidInput, match="only assistant turns have reasoning"):
        _valid("sft", {"type": "llm_sft", "turns": [
            {"role": "user", "content": "hi", "reasoning": "x"},
            {"role": "assistant", "content": "hello"}]}, {})


def test_rubric_needs_every_criterion_in_range() -> None:
    good = {"type": "llm_rubric", "scores": {"helpfulness": 4, "accuracy": 5},
            "checks": {"safe": True}, "comment": "accurate and safe"}
    assert "helpfulness 4" in _valid("rubric", good).text
    with pytest.raises(InvalidInput, match=r"outside 1\.\.5"):
        _valid("rubric", {**good, "scores": {"helpfulness": 6, "accuracy": 5}})
    with pytest.raises(InvalidInput, match="missing criteria safe"):
        _valid("rubric", {**good, "checks": {}})
    with pytest.raises(ValueError, match="needs a 'rubric'"):
        LlmRequirements.model_validate({**requirements("rubric"), "rubric": None})


def _checks(tmp_path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    path = tmp_path / "r.json"
    path.write_bytes(canonical_record(parse_record(raw)))
    req = LlmRequirements.model_validate(requirements("pairwise"))
    return {o.name: o for o in PLUGIN.run_checks(path, req, None)}


def test_a_criterion_named_in_chinese_keeps_a_machine_name_and_a_label() -> None:
    """Trial h5: ``name: 有用性`` was refused by a bare pattern; a label in any language is
    what people read, the machine name stays the key and the delivery's column."""
    rubric = {**requirements("rubric")["rubric"], "criteria": [
        {"name": "helpfulness", "kind": "likert", "label": "有用性"},
        {"name": "accuracy", "kind": "likert"}, {"name": "safe", "kind": "pass_fail"}]}
    req = LlmRequirements.model_validate({**requirements("rubric"), "rubric": rubric})
    assert req.rubric is not None
    assert [c.shown for c in req.rubric.criteria] == ["有用性", "accuracy", "safe"]
    # the terminal's answer form names each criterion with its label and scale (work next)
    guide = PLUGIN.readable_guide(req, words={"criterion": "{name}{label}: {scale}{about}"})
    assert guide.splitlines() == [
        "helpfulness «有用性»: score 1–5", "accuracy: score 1–5",
        "safe: true (pass) or false (fail)",
        'write: {"type": "llm_rubric", "scores": {"helpfulness": 1, "accuracy": 1}, "checks":'
        ' {"safe": true}, "comment": "..."}']
    # a refusal names a missing criterion with its label (h5)
    with pytest.raises(InvalidInput, match="missing criteria helpfulness «有用性»"):
        PLUGIN.validate_annotation({"type": "llm_rubric", "scores": {"accuracy": 3},
                                    "checks": {"safe": True}, "comment": "fine answer"},
                                   RANK_ATTRS, req)
    bad = {**rubric, "criteria": [{"name": "有用性", "kind": "likert"}]}
    with pytest.raises(ValueError, match="label: 有用性"):
        LlmRequirements.model_validate({**requirements("rubric"), "rubric": bad})


def test_a_rubric_answer_keyed_by_a_label_is_stored_by_name() -> None:
    """Trial h5: an answer keyed by the label the workbench shows (``有用性``) was refused as
    not a criterion; a label stands for its criterion, stored under the machine name. A label
    two criteria share, or a criterion given by name and label, is refused."""
    rubric = {**requirements("rubric")["rubric"], "criteria": [
        {"name": "helpfulness", "kind": "likert", "label": "有用性"},
        {"name": "accuracy", "kind": "likert", "label": "准确性"},
        {"name": "safe", "kind": "pass_fail", "label": "安全"}]}
    req = LlmRequirements.model_validate({**requirements("rubric"), "rubric": rubric})
    doc = PLUGIN.validate_annotation({"type": "llm_rubric", "scores": {"有用性": 4, "accuracy": 3},
                                      "checks": {" 安全 ": True}, "comment": "回答正确且简洁"},
                                     RANK_ATTRS, req)
    assert doc.payload["scores"] == {"helpfulness": 4, "accuracy": 3}
    assert doc.payload["checks"] == {"safe": True}
    with pytest.raises(InvalidInput) as twice:
        PLUGIN.validate_annotation({"type": "llm_rubric", "scores": {
            "有用性": 4, "helpfulness": 2, "accuracy": 3}, "checks": {"safe": True},
            "comment": "回答正确且简洁"}, RANK_ATTRS, req)
    assert [p["code"] for p in twice.value.details["problems"]] == ["criterion_given_twice"]
    # a label of a pass/fail criterion is no score
    with pytest.raises(InvalidInput, match="not likert criteria of the rubric: 安全"):
        PLUGIN.validate_annotation({"type": "llm_rubric", "scores": {
            "有用性": 4, "accuracy": 3, "安全": 1}, "checks": {"safe": True},
            "comment": "回答正确且简洁"}, RANK_ATTRS, req)
    shared = {**rubric, "criteria": [{**c, "label": "质量"} if c["kind"] == "likert" else c
                                     for c in rubric["criteria"]]}
    req2 = LlmRequirements.model_validate({**requirements("rubric"), "rubric": shared})
    with pytest.raises(InvalidInput) as ambiguous:
        PLUGIN.validate_annotation({"type": "llm_rubric", "scores": {"质量": 4, "accuracy": 3},
                                    "checks": {"safe": True}, "comment": "回答正确且简洁"},
                                   RANK_ATTRS, req2)
    got = ambiguous.value.details["problems"]
    assert got[0]["code"] == "criterion_label_ambiguous"
    assert got[0]["criteria"] == "helpfulness, accuracy"


def test_record_checks_store_values_and_reasons(tmp_path: Path) -> None:
    good = _checks(tmp_path, {"id": "g", "prompt": "What is the capital of France?",
                              "responses": ["Paris is the capital of France.", "It is Lyon."]})
    assert all(o.passed for o in good.values()), {k: o.reason for k, o in good.items()}
    assert good["turn_length"].value == len("Paris is the capital of France.")
    assert good["language"].value == 1.0
    bad = _checks(tmp_path, {"id": "b", "messages": [
        {"role": "assistant", "content": "Hello, how can I help you today?"},
        {"role": "user", "content": "Hello, how can I help you today?"}],
        "responses": ["", "你这个傻瓜"]})
    assert not bad["empty_turns"].passed and bad["empty_turns"].value == 1
    assert not bad["role_order"].passed and bad["role_order"].value == 1
    assert not bad["duplicate_turns"].passed and "repeats turn 1" in (bad["duplicate_turns"].reason or "")
    assert not bad["banned_content"].passed and bad["banned_content"].value == 1
    broken = tmp_path / "x.json"
    broken.write_text("{not json", encoding="utf-8")
    req = LlmRequirements.model_validate(requirements("pairwise"))
    (only,) = PLUGIN.run_checks(broken, req, None)
    assert (only.name, only.passed) == ("decodable", False) and "malformed JSON" in (only.reason or "")


def _language(tmp_path: Path, raw: dict[str, Any], languages: list[str]) -> Any:
    path = tmp_path / "lang.json"
    path.write_bytes(canonical_record(parse_record(raw)))
    req = LlmRequirements.model_validate(requirements("pairwise", languages=languages))
    return next(o for o in PLUGIN.run_checks(path, req, None) if o.name == "language")


def test_language_check_is_the_text_modality_rule(tmp_path: Path) -> None:
    """The LLM modality had its own lingua wrapper (best guess at 0.5 over eleven languages), so
    an English prompt with a German word read as German and the record was refused; it uses
    the text modality's rule now (near-miss margin, second opinion). ``bench/language_check.py``
    measures both paths on held-out translations."""
    prompt, answer = ("Translate Gesundheit into English please.",
                      "It means good health; people say it after a sneeze.")
    german_answer = "Das bedeutet gute Gesundheit, man sagt es nach dem Niesen."
    english = {"id": "en", "prompt": prompt,
               "responses": [answer, "Absolute value in relaxation code. Assembler error."]}
    ok = _language(tmp_path, english, ["en"])  # the old wrapper: prompt in de, r2 in fr
    assert ok.passed and ok.value == 1.0 and ok.reason is None
    german = {**english, "responses": [answer, german_answer]}
    wrong = _language(tmp_path, german, ["en"])  # a clearly other language is still refused
    assert not wrong.passed and wrong.value == pytest.approx(2 / 3)
    assert wrong.reason == "response r2 is in de; allowed: en"
    italian = {**english, "responses": [  # only the second opinion knows Italian
        answer, "Significa buona salute; si dice dopo uno starnuto."]}
    assert _language(tmp_path, italian, ["en"]).reason == "response r2 is in it; allowed: en"
    chinese = {"id": "zh", "prompt": "请把下面这句话翻译成英文：祝你身体健康。",
               "responses": ["这句话的意思是祝愿对方身体健康，常在打喷嚏之后说。",
                             "Wishing you good health is what the sentence means."]}
    assert _language(tmp_path, chinese, ["zh", "en"]).passed
    refused = _language(tmp_path, chinese, ["en"])
    assert not refused.passed
    assert refused.reason == ("turn 1 (user) is in zh; allowed: en; "
                              "response r1 is in zh; allowed: en")
    # the submit path (SFT turns) applies the same rule
    _valid("sft", _sft(("user", prompt), ("assistant", answer)), {})
    with pytest.raises(InvalidInput, match="turn 2 \\(assistant\\) is in de; allowed: en, zh"):
        _valid("sft", _sft(("user", prompt), ("assistant", german_answer)), {})


def test_inspection_text_round_trips_and_refuses_garbage() -> None:
    payload = {"type": "llm_pairwise", "a": "a", "b": "b", "choice": "b", "reason": "b better"}
    text = PLUGIN.inspection_text(payload, "")
    assert json.loads(PLUGIN.normalize_correction(text)) == {**payload, "schema_version": 1}
    with pytest.raises(InvalidInput, match="annotation document"):
        PLUGIN.normalize_correction("not json")


def test_response_count_reason_reads_as_english(tmp_path: Path) -> None:
    one = _checks(tmp_path, {"id": "o", "prompt": "What is the capital of France?",
                             "responses": ["Paris is the capital of France."]})
    assert one["responses"].reason == "1 response; the spec wants 2"
    path = tmp_path / "r.json"
    path.write_bytes(canonical_record(parse_record(
        {"id": "m", "prompt": "Rank these answers about France.", "responses": ["a", "b", "c",
                                                                               "d", "e"]})))
    req = LlmRequirements.model_validate(requirements("ranking"))
    five = {o.name: o for o in PLUGIN.run_checks(path, req, None)}
    assert five["responses"].reason == "5 responses; the spec wants 2 to 4"


_INVISIBLE_OR_PUNCTUATION = st.text(
    alphabet=st.characters(blacklist_categories=("L", "N", "Cs")), min_size=5, max_size=40)
_LETTERS_OR_DIGITS = st.text(
    alphabet=st.characters(whitelist_categories=("L", "N")), min_size=5, max_size=20)


@pytest.mark.parametrize("reason", ["\u200b" * 5, "。。。。。。", "\u3000" * 6, "👍👍👍👍👍",
                                    "-- ! --", "\u2060\ufeff\u200d\u200c\u00ad"])
def test_an_invisible_or_punctuation_reason_is_refused(reason: str) -> None:
    """A trial user's finding: five zero-width spaces or "。。。。。。" passed
    ``min_reason_chars`` (``len(reason.strip())``)."""
    with pytest.raises(InvalidInput, match="reason of at least 5 letters or digits"):
        _valid("ranking", {"type": "llm_ranking", "ranking": ["a", "b", "c"], "reason": reason})


@given(padding=_INVISIBLE_OR_PUNCTUATION, letters=_LETTERS_OR_DIGITS)
@settings(max_examples=60, deadline=None)
def test_reason_length_counts_letters_and_digits_only(padding: str, letters: str) -> None:
    def ranking(reason: str) -> dict[str, Any]:
        return {"type": "llm_ranking", "ranking": ["a", "b", "c"], "reason": reason}

    with pytest.raises(InvalidInput, match="reason of at least 5"):
        _valid("ranking", ranking(padding + letters[:4] + padding))
    mixed = padding[:3] + letters + padding[3:]
    assert meaningful_chars(mixed) == len(letters)
    assert _valid("ranking", ranking(mixed)).text.startswith("a > b > c — ")


def test_a_chinese_reason_counts_each_character() -> None:
    ok = _valid("ranking", {"type": "llm_ranking", "ranking": ["b", "a", "c"],
                            "reason": "乙的回答更准确。"})
    assert ok.text == "b > a > c — 乙的回答更准确。"
    with pytest.raises(InvalidInput, match="reason of at least 5"):
        _valid("ranking", {"type": "llm_ranking", "ranking": ["b", "a", "c"],
                           "reason": "乙　更　好。。。"})


def _refusal(task: str, payload: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidInput) as err:
        _valid(task, payload)
    return err.value.details["problems"]  # type: ignore[no-any-return]


def test_llm_refusals_are_coded_and_read_in_chinese() -> None:
    """Every llm refusal but the text rules shared with the record checks carries its own code
    (it was ``invalid``, English only), so a face words it from the one catalogue."""
    from datamill.modalities.problem_words import word_problems

    ranked = _refusal("ranking", {"type": "llm_ranking", "ranking": ["a", "z", "a"],
                                  "reason": "a is the best one"})
    assert [p["code"] for p in ranked] == ["response_twice", "response_unknown",
                                           "response_omitted"]
    worded = word_problems(ranked, "zh-CN")
    assert worded is not None and worded[1] == (
        "回答 a 被列出了不止一次；该条目没有回答 z（它的回答：a, b, c）；遗漏了回答 b, c")
    good = {"type": "llm_rubric", "scores": {"helpfulness": 6}, "checks": {"safe": True,
            "kind": False}, "comment": "accurate and safe"}
    rubric = _refusal("rubric", good)
    assert [p["code"] for p in rubric] == ["scores_missing", "checks_unknown",
                                           "score_out_of_range"]
    worded = word_problems(rubric, "zh-CN")
    assert worded is not None and worded[0][2]["detail"] == "helpfulness 的分数（6）超出 1..5 的范围"
    assert "accuracy" in worded[0][0]["detail"]
    same = _refusal("pairwise", {"type": "llm_pairwise", "a": "a", "b": "a", "choice": "a",
                                 "reason": "it is the better answer"})
    assert [p["code"] for p in same] == ["same_response"]
