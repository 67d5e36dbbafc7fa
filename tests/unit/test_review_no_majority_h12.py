"""Trial h12: a split with no majority read as the aggregate's arbitrary pick on the review
page. What the page shows instead (the end-to-end case, an LLM preference, is in
``tests/known_issues/test_trial_llm_pairwise_agreement.py``): each annotator's answer, and the
reviewer's editor with nothing chosen, for a text classification and sentiment too."""

from __future__ import annotations

from datamill.web.routes.work import _no_majority


def _q(key: str, *answers: tuple[str, str], start: int | None = None) -> dict[str, object]:
    return {"key": key, "start": start, "end": None if start is None else start + 3,
            "answers": [{"username": u, "label": label} for u, label in answers]}


def test_a_split_class_and_sentiment_preselect_nothing() -> None:
    payload = {"type": "text", "classes": ["sports"], "sentiment": "positive", "spans": []}
    split = [_q("class", ("mei", "sports"), ("jun", "politics")),
             _q("sentiment", ("mei", "positive"), ("jun", "negative")),
             _q("span:0:3", ("mei", "PER"), ("jun", "O"), start=0)]
    out = _no_majority(split, payload)
    assert [f"{a['who']}: {a['answer']}" for a in out["no_majority"]] == [
        "mei: sports", "jun: politics", "mei: positive", "jun: negative"]  # spans: in the table
    assert out["payload"] == {**payload, "classes": [], "sentiment": None}
    assert payload["classes"] == ["sports"]  # the stored aggregate is left as it is


def test_a_split_preference_names_the_responses_and_chooses_none() -> None:
    payload = {"type": "llm_pairwise", "a": "r1", "b": "r2", "choice": "a", "reason": ""}
    out = _no_majority([_q("pair:r1|r2", ("mei", "left"), ("jun", "right"))], payload)
    assert out["no_majority"] == [{"who": "mei", "answer": "r1"}, {"who": "jun", "answer": "r2"}]
    assert out["payload"]["choice"] is None
    assert _no_majority([], payload) == {}  # decided: the page shows the aggregate


def test_a_split_image_classification_preselects_no_class() -> None:
    payload = {"objects": [{"type": "box", "label": "car"}], "classes": ["day"]}
    out = _no_majority([_q("classes", ("mei", "day"), ("jun", "night"))], payload)
    assert out["payload"] == {**payload, "classes": []}  # the boxes stay
