"""Trial h19: two writers of one SFT conversation who differ reach the reviewer as a split.

An LLM SFT project at overlap 2: the aggregate was the first writer's conversation at
no confidence ("The capital is Paris."), the second writer's "It is Lyon." was nowhere on the
review page, and the reviewer's accept went through. Now the conversation is the item's
free-text question ``sft``: answers that differ (folded text, rapidfuzz ratio < 98) are a 1-1
split at confidence 0.5, the accept is refused until the reviewer edits, and the review page
shows both conversations ("Conversation written" / "撰写的对话"). Near-identical answers
(spacing, case, a full-width letter, one typo in a long answer) agree and merge at 1.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.core.errors import Conflict
from datamill.modalities.llm.sft_agreement import sft_units
from datamill.production.annotating import review_task, submit_annotation
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.production.tasks import claim_next_task, create_packages
from datamill.runtime import Runtime
from datamill.server import create_app
from tests.known_issues._web import web_login
from tests.unit.modalities.llm._cases import requirements, spec, write_jsonl

PROMPTS = ["What is the capital of France?", "Say hello."]
LONG = "Keep a regular bedtime, even on weekends, and avoid screens an hour before. " * 3


def _sft(prompt: str, answer: str) -> dict[str, Any]:
    return {"type": "llm_sft", "turns": [{"role": "user", "content": prompt},
                                        {"role": "assistant", "content": answer}]}


def _project(rt: Runtime, users: dict[str, User], folder: Path,
             names: tuple[str, ...] = ("mei", "jun")) -> tuple[int, list[User]]:
    records = [{"id": f"q{i}", "messages": [{"role": "user", "content": p}]}
               for i, p in enumerate(PROMPTS)]
    src = write_jsonl(folder / "records.jsonl", records)
    with rt.session() as s:
        p = create_project(s, spec("sft", name=f"sft-{folder.name}", overlap=2, package_size=10,
                                   # no language check: lingua's first load is ~13 s
                                   requirements=requirements("sft", languages=[]),
                                   aggregation={"method": "majority_vote",
                                                "min_confidence": 0.0}))
        people = [create_user(s, n, "password1", "annotator") for n in names]
        for u in [*people, users["rev"], users["pm"]]:
            add_member(s, p.id, s.get(User, u.id), actor_id=None)
        pid = p.id
    with rt.session() as s:
        import_source(s, rt.blobs, pid, src)
    with rt.session() as s:
        run_checks(s, rt.blobs, pid, workers=1)
    with rt.session() as s:
        for stage in ("annotate", "review"):
            create_packages(s, pid, stage)
    return pid, people


def _write(rt: Runtime, who: User, pid: int, answers: dict[str, str]) -> None:
    """``who`` answers every item: ``answers`` by the item's prompt."""
    while True:
        with rt.session() as s:
            t = claim_next_task(s, s.get(User, who.id), pid, "annotate")
            if t is None:
                return
            item = s.get(Item, t.item_id)
            assert item is not None
            prompt = PROMPTS[int(item.external_id.removeprefix("q"))]
            submit_annotation(s, s.get(User, who.id), t.id, _sft(prompt, answers[prompt]),
                              base_version=t.current_version)


def test_two_sft_answers_that_differ_wait_for_the_reviewer(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid, (mei, jun) = _project(runtime, users, tmp_path / "sft")
    _write(runtime, mei, pid, {PROMPTS[0]: "The capital is Paris.", PROMPTS[1]: "Hello  there!"})
    _write(runtime, jun, pid, {PROMPTS[0]: "It is Lyon.", PROMPTS[1]: "hello there!"})
    with runtime.session() as s:
        items = list(s.scalars(select(Item).where(Item.project_id == pid).order_by(Item.id)))
        current = [s.get(Annotation, i.current_annotation_id) for i in items]
        assert [(c.kind, c.confidence) for c in current if c] == [
            ("aggregate", 0.5), ("aggregate", 1.0)]  # were None, None: Lyon never weighed
        assert current[1] is not None
        assert current[1].payload["turns"][1]["content"] == "Hello  there!"  # agreeing: merged
        task = claim_next_task(s, s.get(User, users["rev"].id), pid, "review")
        assert task is not None and task.item_id == items[0].id
        task_id = task.id
        with pytest.raises(Conflict, match="split with no majority") as err:
            review_task(s, s.get(User, users["rev"].id), task_id, "accept")  # was accepted
        assert err.value.details["split"] == {"sft": {
            f"user: {PROMPTS[0]}\nassistant: It is Lyon.": 1,
            f"user: {PROMPTS[0]}\nassistant: The capital is Paris.": 1}}
    with TestClient(create_app(runtime)) as client:
        web_login(client, "rev")
        page = client.get(f"/review/{task_id}").text
        assert '<td>Conversation written</td>' in page  # both answers side by side (h6)
        # the first writer's and the second's (was nowhere), what the other lacks marked
        assert ('assistant: <mark class="first" data-testid="split-diff">The capital </mark>is'
                ' <mark class="first" data-testid="split-diff">Paris</mark>.') in page
        assert ('assistant: <mark class="other" data-testid="split-diff">It</mark> is '
                '<mark class="other" data-testid="split-diff">Lyon</mark>.') in page
        client.cookies.set("lang", "zh-CN")
        assert '<td>撰写的对话</td>' in client.get(f"/review/{task_id}").text
    with runtime.session() as s:  # the reviewer picks the second writer's answer: decided
        item = s.get(Item, items[0].id)
        assert item is not None
        review_task(s, s.get(User, users["rev"].id), task_id, "edit",
                    payload=_sft(PROMPTS[0], "It is Lyon."), base_version=item.current_version)
        edited = s.get(Annotation, item.current_annotation_id)
        assert edited is not None and edited.kind != "aggregate"
        assert edited.payload["turns"][1]["content"] == "It is Lyon."


@pytest.mark.parametrize(("first", "second", "agreed"), [
    ("Paris.", "paris.", True),  # case
    ("Ｐａｒｉｓ", "Paris", True),  # full-width letters (NFKC)
    (LONG, LONG.replace("weekends", "weekend"), True),  # one typo in 225 characters
    ("Paris.", "Lyon.", False),
    ("The answer is 42.", "The answer is 43.", False),  # a short answer's one digit is no typo
    (LONG + " It costs 120 yuan.", LONG + " It costs 150 yuan.", False),  # nor a long one's
    # h6: a dropped word or a changed Chinese character is no typo, however long the answer
    # (ratios 99.9 and 98.1 agreed: the reviewer never saw the other answer)
    (f"The drug is safe for children. {LONG * 6}", f"The drug is not safe for children. "
     f"{LONG * 6}", False),
    (f"首都是北京。{LONG}", f"首都是上海。{LONG}", False),
    (f"{LONG} It is safe.", f"{LONG} It is unsafe.", False),  # a negating prefix: no typo
    (f"{LONG} Keep x < 3.", f"{LONG} Keep x > 3.", False),  # a symbol is no punctuation
    (f"{LONG} It is -5 degrees.", f"{LONG} It is 5 degrees.", False),  # nor a minus sign
    (f"{LONG} See pages 1-2.", f"{LONG} See pages 1 - 2.", True),  # a hyphen is
    (f"首都是北京。{LONG}", f"首都是北京. {LONG}", True),  # punctuation and spacing only
])
def test_near_identical_sft_answers_agree(first: str, second: str, agreed: bool) -> None:
    units = sft_units({1: _sft("Q?", first), 2: _sft("Q?", second)})
    assert len({label for _a, _k, label in units}) == (1 if agreed else 2)


def test_a_split_preference_is_worded_for_the_reviewer() -> None:
    """A pairwise choice or a ranking's pair split 1-1 read ``pair:a|b`` / ``left`` / ``tie``."""
    from datamill.web.i18n import translator
    from datamill.web.routes._common import templates

    split = [{"key": "pair:a|b", "start": None, "end": None, "head": None, "tail": None,
              "box": None, "shape": None,
              "answers": [{"username": "mei", "label": "left"},
                          {"username": "jun", "label": "tie"}]}]
    table = templates.env.get_template("_split_answers.html")
    for lang, words in (("en", ("Which response is better: a or b", "a is better",
                                "Tie (equally good)")),
                        ("zh-CN", ("哪个回答更好：a 还是 b", "a 更好", "平局（一样好）"))):
        html = table.render(split=split, t=translator(lang))
        assert f'<td rowspan="2">{words[0]}</td>' in html  # was: pair:a|b
        assert f"<td>mei</td><td>{words[1]}</td>" in html  # was: left
        assert f"<td>jun</td><td>{words[2]}</td>" in html  # was: tie
