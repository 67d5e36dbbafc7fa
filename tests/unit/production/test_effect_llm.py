"""Application-effect verification of LLM preference data: a reward model is trained on the
batch's pairwise choices and names the choices it contradicts (domain §4.6)."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import create_user
from datamill.config import Settings
from datamill.core.errors import InvalidInput
from datamill.modalities.llm.plugin import LlmPlugin
from datamill.production.effect_evaluation import datasheet_effect, evaluate_batch
from datamill.production.models import Item
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.testing.preference_corpus import generate_preferences
from tests._api import web_sign_in
from tests._cli import run_cli
from tests.unit.modalities.llm._cases import requirements, spec, write_jsonl
from tests.unit.production.helpers import reviewed_batch


def _batch(rt: Runtime, users: dict[str, User], tmp: Path, *, n: int, flip: set[str]) -> int:
    """A reviewed batch of ``n`` preference records; the ``flip`` ones chosen the wrong way
    round (a careless annotator)."""
    corpus = {p.record["id"]: p for p in generate_preferences(n, seed=5)}
    source = write_jsonl(tmp / "records.jsonl", [p.record for p in corpus.values()])

    def choice(external_id: str) -> dict[str, Any]:
        better = corpus[external_id].better
        if external_id in flip:
            better = "b" if better == "a" else "a"
        return {"type": "llm_pairwise", "a": "a", "b": "b", "choice": better,
                "reason": "the chosen answer helps the user"}

    return reviewed_batch(rt, users, spec("pairwise", name="prefs", package_size=50), source,
                          choice)


def test_reward_model_learns_the_preferences_and_names_the_flipped_choices(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    flip = {"pref0003", "pref0010", "pref0021", "pref0032"}
    batch_id = _batch(runtime, users, tmp_path, n=48, flip=flip)
    with runtime.session() as s:
        done = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    r = done.result
    assert r["measure"]["name"] == "preference_accuracy" and r["pairs_scored"] == 48
    assert r["items_scored"] == 48 and r["folds"] == 5
    # 44 of 48 choices are right: a model that learnt them agrees with about that many, far
    # above the length baseline (the corpus pads the worse answer half the time)
    assert r["measure"]["value"] >= 0.8, r
    assert abs(r["baseline"]["preference_accuracy"] - 0.5) <= 0.25, r["baseline"]
    named = [x["external_id"] for x in r["second_look"]]
    assert set(named[:len(flip)]) == flip, r["second_look"]  # the worst four are the flipped
    first = r["second_look"][0]
    assert first["label"] in ("a>b", "b>a") and first["model_says"] == first["label"][::-1]
    assert set(r["groups"]["chosen_model"]) == {"model-x", "model-y"}
    assert sum(g["items"] for g in r["groups"]["chosen_model"].values()) == 48  # one per pair
    assert [p["train_share"] for p in r["learning_curve"]] == [0.25, 0.5, 1.0]
    assert 0.0 < r["position"]["first_shown_chosen"] < 1.0
    assert r["position"]["pairwise_choices"] == 48
    with runtime.session() as s:  # the same seed, the same report
        again = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    assert again.result == r


def test_sft_data_and_too_few_pairs_are_refused_with_codes(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    few = _batch(runtime, users, tmp_path / "few", n=4, flip=set())
    with runtime.session() as s, pytest.raises(InvalidInput) as err:
        evaluate_batch(s, runtime.blobs, few, users["pm"])
    assert err.value.details["reason_code"] == "effect_too_few_pairs"
    assert err.value.details["found"] == 4 and err.value.details["records"] == 4
    for task in ("sft", "rubric"):  # no preferences to learn from
        with pytest.raises(InvalidInput) as err:
            LlmPlugin().effect_evaluator(requirements(task), "en-US")
        assert err.value.details["reason_code"] == "effect_llm_task"


def test_the_page_and_the_cli_word_the_reward_model_report(tmp_path: Path) -> None:
    home = tmp_path / "home"
    rt = Runtime.from_settings(Settings(home=home))
    try:
        with rt.session() as s:
            people = {name: create_user(s, name, "password1", role) for name, role in (
                ("pm", "project_manager"), ("ann1", "annotator"), ("rev", "reviewer"))}
        batch_id = _batch(rt, people, tmp_path, n=24, flip={"pref0005"})
        with rt.session() as s:
            done = evaluate_batch(s, rt.blobs, batch_id, people["pm"])
        with TestClient(create_app(rt)) as client:
            web_sign_in(client, "pm")
            url = f"/batches/{batch_id}/effect?evaluation={done.id}"
            page = client.get(url).text
            assert "preference accuracy" in page and "the longer response always wins" in page
            assert "model of the chosen response" in page
            assert "The response shown first was chosen in" in page
            client.cookies.set("lang", "zh-CN")
            zh = client.get(url).text
            assert "偏好预测准确率" in zh and "总是判较长的回答更好" in zh and "被选回答的模型" in zh
            assert "先展示的回答被选中的比例" in zh
    finally:
        rt.close()
    out = run_cli(home, "qc", "evaluation", str(done.id), "--as", "pm").stdout
    assert "the longer response always wins" in out
    assert "by model of the chosen response" in " ".join(out.split())  # a title may wrap
    assert "the response shown first was chosen in" in out
    zh_out = run_cli(home, "qc", "evaluation", str(done.id), "--as", "pm",
                     DATAMILL_LANG="zh-CN").stdout
    assert "偏好预测准确率" in zh_out and "总是判较长的回答更好" in zh_out


def test_an_item_whose_file_is_lost_is_left_out_and_named(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    batch_id = _batch(runtime, users, tmp_path, n=24, flip=set())
    with runtime.session() as s:
        lost = s.scalars(select(Item).where(Item.external_id == "pref0007")).one()
        runtime.blobs.local_path(lost.sha256).unlink()  # the store lost one record's file
        done = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    r = done.result
    assert r["items_scored"] == 23 and r["skipped"]["unreadable"] == 1
    assert [u["external_id"] for u in r["unreadable"]] == ["pref0007"]
    assert r["unreadable"][0]["error"]  # what went wrong, for the page's tooltip
    with TestClient(create_app(runtime)) as client:
        web_sign_in(client, "pm")
        page = client.get(f"/batches/{batch_id}/effect?evaluation={done.id}").text
    assert "their file could not be read" in page and "pref0007" in page


def test_the_model_runs_without_holding_the_database(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """While the model runs, other people write: on SQLite every transaction holds the one
    writer lock, and a run used to hold it from start to end (trial 19: a write waited 18.8 s
    behind a speech verification)."""
    batch_id = _batch(runtime, users, tmp_path, n=12, flip=set())
    waited: list[float] = []

    def someone_writes(_n: int) -> None:
        if waited:
            return

        def write() -> None:
            with runtime.session() as s:
                create_user(s, "newcomer", "password1", "annotator")

        started = time.monotonic()
        writer = threading.Thread(target=write)
        writer.start()
        writer.join(timeout=10)
        waited.append(time.monotonic() - started if not writer.is_alive() else float("inf"))
        writer.join()

    with runtime.session() as s:
        evaluate_batch(s, runtime.blobs, batch_id, users["pm"], progress=someone_writes)
    assert waited and waited[0] < 5, waited


def test_the_datasheet_states_the_largest_run_and_the_spread_of_all(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    """A small lucky sample run last cannot stand for the batch on the datasheet (trial 19:
    the latest of eight 10-item runs said 1.0 where the 40-item run said 0.925)."""
    batch_id = _batch(runtime, users, tmp_path, n=24, flip={"pref0002", "pref0011"})
    with runtime.session() as s:
        whole = evaluate_batch(s, runtime.blobs, batch_id, users["pm"])
    small = []
    for seed in (1, 2, 3):
        with runtime.session() as s:
            small.append(evaluate_batch(s, runtime.blobs, batch_id, users["pm"], sample=12,
                                        seed=seed))
    with runtime.session() as s:
        sheet = datasheet_effect(s, batch_id)
    assert sheet is not None and sheet["sample_size"] == 24 and sheet["batch_items"] == 24
    assert sheet["measure"] == whole.result["measure"] and sheet["runs"] == 4
    assert sheet["named_for_second_look"] == len(whole.result["second_look"]) >= 2
    values = [whole.result["measure"]["value"], *(e.result["measure"]["value"] for e in small)]
    assert sheet["measure_range"] == [min(values), max(values)]
