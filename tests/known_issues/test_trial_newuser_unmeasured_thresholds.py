"""New-user trial (MEDIUM, two defects).

1. An image spec with only box/polygon labels, ``acceptance: {region_accuracy: 0.9}`` and an
   incomplete ``requirements.image`` was answered ``acceptance.character_accuracy: required``
   alone; once added, the ten missing ``requirements.image.*`` keys came next, and with
   complete requirements the spec was accepted without it. Now every problem comes in one
   answer, and no OCR threshold is asked of a project without text lines.
2. A threshold on a metric the project cannot measure (a box-only image project's
   ``character_accuracy``; an NER-only text project's ``token_accuracy`` and
   ``label_accuracy``, which the spec even had to set) was accepted silently, and the
   datasheet, ``delivery show`` and the web delivery page stated it as the acceptance basis
   while the inspection scored it 1.0000 (image) or "not measured" (text). A new spec setting
   one is refused (``metric_not_measurable``); a stored project keeps loading, its inspections
   show the metric not measured and its datasheets say "Not measured", never "Accepted by".
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import select

from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.core.errors import InvalidInput
from datamill.modalities.problem_words import word_reason
from datamill.production.delivery import deliver_batch
from datamill.production.inspection import (
    complete_inspection,
    create_batch,
    record_correction,
    start_inspection,
)
from datamill.production.models import Item, Project
from datamill.production.projects import create_project, project_spec
from datamill.production.spec import parse_spec
from datamill.production.spec_edit import update_spec
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import API, login, web_sign_in
from tests.unit.api.test_web_text_llm_review import (
    _accept_all,
    _annotate_all,
    _span,
    _text,
    _text_project,
)
from tests.unit.cli.test_cli import run
from tests.unit.modalities.text._cases import TEXT_REQUIREMENTS
from tests.unit.production.image_helpers import IMAGE_REQUIREMENTS, image_folder, image_spec
from tests.unit.production.test_image_loop import _annotate

BOXES = {"labels": [{"name": "car", "kinds": ["box"]}, {"name": "person", "kinds": ["box"]},
                    {"name": "road", "kinds": ["polygon"]}]}


def _boxes_only(acceptance: dict[str, float], *, complete: bool = True) -> dict[str, Any]:
    requirements = copy.deepcopy(IMAGE_REQUIREMENTS)
    requirements["labels"] = BOXES
    if not complete:  # a new user's first try: the image checks half filled in
        requirements["image"] = {"allowed_formats": ["PNG", "JPEG"]}
    return image_spec(name="boxes", acceptance=acceptance, requirements=requirements)


def _text_spec(acceptance: dict[str, float], tasks: list[str]) -> dict[str, Any]:
    requirements = copy.deepcopy(TEXT_REQUIREMENTS)
    requirements["labels"] = {"tasks": tasks, "entity_labels": ["PER"], "classes": ["a", "b"]}
    return {"name": "ner", "modality": "text", "language": "zh-CN",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": acceptance, "requirements": requirements}


def test_every_problem_in_one_answer_and_no_ocr_threshold_without_text_lines() -> None:
    with pytest.raises(InvalidInput) as first:
        parse_spec(_boxes_only({"region_accuracy": 0.9}, complete=False))
    said = str(first.value)
    assert "character_accuracy" not in said  # no text lines: nothing to ask for
    missing = [k for k in IMAGE_REQUIREMENTS["image"] if k != "allowed_formats"]
    assert len(missing) == 11
    for key in missing:  # every missing key at once, not one round at a time
        assert f"requirements.image.{key}: required" in said, key
    # acceptance and requirement problems together, too
    with pytest.raises(InvalidInput) as both:
        parse_spec(_boxes_only({"region_accuracy": 0.9, "segment_f1": 0.9}, complete=False))
    assert "acceptance.segment_f1: not a metric of modality image" in str(both.value)
    assert "requirements.image.min_width: required" in str(both.value)
    # complete: accepted without character_accuracy, as before
    spec, _ = parse_spec(_boxes_only({"region_accuracy": 0.9}))
    assert spec.acceptance.thresholds() == {"region_accuracy": 0.9}
    # with text lines the OCR threshold is still required, in the same single answer
    with pytest.raises(InvalidInput) as ocr:
        parse_spec(image_spec(acceptance={"region_accuracy": 0.9},
                              requirements={**IMAGE_REQUIREMENTS, "image": {}}))
    assert "acceptance.character_accuracy: required" in str(ocr.value)
    assert "requirements.image.min_width: required" in str(ocr.value)


@pytest.mark.parametrize(("spec", "metrics"), [
    (_boxes_only({"region_accuracy": 0.9, "character_accuracy": 0.9}), "character_accuracy"),
    (_text_spec({"span_f1": 0.9, "token_accuracy": 0.9, "label_accuracy": 0.9}, ["ner"]),
     "token_accuracy, label_accuracy"),
    (_text_spec({"label_accuracy": 0.9, "span_f1": 0.9}, ["classification"]), "span_f1"),
], ids=["image-boxes", "text-ner", "text-classes"])
def test_a_threshold_the_project_cannot_measure_is_refused(spec: dict[str, Any],
                                                            metrics: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_spec(spec)
    details = refused.value.details
    assert details["reason_code"] == "metric_not_measurable"
    assert details["metric"] == metrics
    assert "this project cannot measure it" in str(refused.value)
    zh = word_reason(details, "zh-CN")
    assert zh is not None and metrics in zh and "您" in zh and "：" in zh
    en = word_reason(details, "en")
    assert en is not None and en.startswith(f"This project cannot measure {metrics}")


def test_text_specs_need_only_what_their_tasks_measure() -> None:
    spec, _ = parse_spec(_text_spec({"span_f1": 0.9}, ["ner"]))  # refused before
    assert spec.acceptance.thresholds() == {"span_f1": 0.9}
    parse_spec(_text_spec({"label_accuracy": 0.9}, ["classification"]))
    parse_spec(_text_spec({"label_accuracy": 0.9}, ["sentiment"]))
    with pytest.raises(InvalidInput, match=r"acceptance\.token_accuracy: required"):
        parse_spec(_text_spec({"span_f1": 0.9}, ["ner", "segmentation"]))
    spec, _ = parse_spec(_text_spec({"span_f1": 0.9, "token_accuracy": 0.9},
                                    ["ner", "segmentation"]))
    assert set(spec.acceptance.thresholds()) == {"span_f1", "token_accuracy"}


def test_cli_create_answers_every_problem_as_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(_boxes_only({"region_accuracy": 0.9}, complete=False)),
                    encoding="utf-8")
    proc = run(home, "project", "create", str(path), "--as", "root", "--json", ok=False)
    error = json.loads(proc.stdout)["error"]
    assert "requirements.image.max_pixels: required" in error["message"]
    assert "character_accuracy" not in error["message"]
    path.write_text(yaml.safe_dump(_boxes_only({"region_accuracy": 0.9,
                                                "character_accuracy": 0.9})), encoding="utf-8")
    proc = run(home, "project", "create", str(path), "--as", "root", "--json", ok=False)
    error = json.loads(proc.stdout)["error"]
    assert error["reason_code"] == "metric_not_measurable", error
    assert error["metric"] == "character_accuracy"
    assert "acceptance.character_accuracy: this project cannot measure it" in error["message"]
    proc = run(home, "project", "create", str(path), "--as", "root", "--json", ok=False,
               DATAMILL_LANG="zh-CN")
    error = json.loads(proc.stdout)["error"]
    assert error["detail"].startswith("本项目无法测量 character_accuracy："), error


def _store_legacy(rt: Runtime, pid: int, acceptance: dict[str, float]) -> None:
    """The thresholds a project created before they were refused holds."""
    with rt.session() as s:
        project = s.get(Project, pid)
        assert project is not None
        project.spec = {**project.spec, "acceptance": {**project.spec["acceptance"],
                                                       **acceptance}}


def _inspect_as_delivered(rt: Runtime, users: dict[str, User], pid: int) -> tuple[int, Any]:
    with rt.session() as s:
        batch = create_batch(s, pid)
        insp = start_inspection(s, batch.id, s.get(User, users["insp"].id))
        for smp in insp.sample:
            record_correction(s, insp.id, smp["item_id"], smp["delivered_text"])
        done = complete_inspection(s, insp.id, s.get(User, users["insp"].id))
    return batch.id, done


def test_a_stored_box_only_project_states_character_accuracy_not_measured(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    truth = image_folder(tmp_path / "in")
    for name in ("ocr0", "ocr1"):  # a box-only project: no text lines to label
        next((tmp_path / "in").glob(f"{name}.*")).unlink()
    with runtime.session() as s:
        pid = create_project(s, _boxes_only({"region_accuracy": 0.9})).id
        for u in users.values():
            add_member(s, pid, u, actor_id=None)
    _store_legacy(runtime, pid, {"character_accuracy": 0.9})
    with runtime.session() as s:  # it still loads, and an unrelated change keeps it
        assert project_spec(s, pid)[0].acceptance.thresholds()["character_accuracy"] == 0.9
        update_spec(s, pid, {"package_size": 4})
        with pytest.raises(InvalidInput) as changed:  # a new value is a new promise: refused
            update_spec(s, pid, {"acceptance": {"character_accuracy": 0.95}})
        assert changed.value.details["reason_code"] == "metric_not_measurable"
    from datamill.production.checking import run_checks
    from datamill.production.importing import import_source

    with runtime.session() as s:
        import_source(s, runtime.blobs, pid, tmp_path / "in")
    with runtime.session() as s:
        run_checks(s, runtime.blobs, pid, workers=1)
    _annotate(runtime, users, pid, truth)
    batch_id, done = _inspect_as_delivered(runtime, users, pid)
    assert done.verdict == "accepted", done.reasons
    assert done.scores["region_accuracy"] == 1.0
    assert done.scores["character_accuracy"] is None  # was 1.0000: nothing to measure
    with runtime.session() as s:
        assert s.scalar(select(Item.id).where(Item.project_id == pid)) is not None
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out")
    sheet = json.loads((Path(d.path) / "datasheet.json").read_text())
    scoring = sheet["scoring"]
    assert [m["name"] for m in scoring["metrics"]] == ["region_accuracy"]
    assert scoring["not_measured"] == [{"name": "character_accuracy", "threshold": 0.9}]
    statement = " ".join(scoring["statement"])
    assert "Accepted by region_accuracy >= 0.9." in statement
    assert "Accepted by character_accuracy" not in statement
    assert "Not measured: character_accuracy" in statement
    client = TestClient(create_app(runtime))
    api = client.get(f"{API}/deliveries/{d.id}", headers=login(client, "pm")).json()
    assert api["datasheet"]["scoring"]["not_measured"] == scoring["not_measured"]
    web_sign_in(client, "pm")
    page = client.get(f"/projects/{pid}/deliveries").text
    assert 'data-testid="dlv-scoring-not-measured"' in page and "Not measured" in page
    insp_page = client.get(f"/inspections/{done.id}").text  # the inspection's own page
    assert 'data-score="character_accuracy" class="muted" data-unmeasured="1">not measured<' \
        in insp_page
    client.cookies.set("lang", "zh-CN")
    page = client.get(f"/projects/{pid}/deliveries").text
    assert "未测量" in page and "字准确率 ≥" not in page


def test_a_stored_ner_project_states_token_and_label_accuracy_not_measured(
    runtime: Runtime, users: dict[str, User], tmp_path: Path
) -> None:
    pid = _text_project(runtime, users, tmp_path)
    _store_legacy(runtime, pid, {"token_accuracy": 0.9, "label_accuracy": 0.9})
    _annotate_all(runtime, users, pid, _text(_span(0, 2, "PER")))
    _accept_all(runtime, users, pid)
    batch_id, done = _inspect_as_delivered(runtime, users, pid)
    assert done.verdict == "accepted", done.reasons
    assert done.scores["token_accuracy"] is None and done.scores["label_accuracy"] is None
    with runtime.session() as s:
        d = deliver_batch(s, runtime.blobs, batch_id, tmp_path / "out")
    sheet = json.loads((Path(d.path) / "datasheet.json").read_text())
    statement = sheet["scoring"]["statement"]
    assert statement[0] == "Accepted by span_f1 >= 0.9."
    assert not any("Accepted by token_accuracy" in line or "Accepted by label_accuracy" in line
                   for line in statement)
    assert [m["name"] for m in sheet["scoring"]["not_measured"]] == [
        "token_accuracy", "label_accuracy"]


def test_delivery_show_says_not_measured(capsys: pytest.CaptureFixture[str]) -> None:
    """``datamill delivery show`` prints the datasheet's statement: the unmeasured threshold
    reads "Not measured", never "Accepted by"."""
    from datamill.cli._datasheet import print_scoring
    from datamill.qc.scoring_sheet import scoring_section

    print_scoring({"scoring": scoring_section([("region_accuracy", 0.9)], None,
                                              [("character_accuracy", 0.9)])})
    shown = capsys.readouterr().out
    assert "Accepted by region_accuracy >= 0.9." in shown
    assert "Not measured: character_accuracy" in shown
    assert "Accepted by character_accuracy" not in shown
