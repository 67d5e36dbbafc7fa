"""The NER demo project ``demo-ner``: Chinese and English sentences through the whole loop.

Writes a corpus (40 sentences with gold entities kept for measuring, plus a duplicate, a
German line and an over-long line), prepares it into one text file per line, imports it (the
duplicate, the same bytes as an earlier line's file, is refused there, naming the line kept), runs
the checks (the other two bad lines are rejected), pre-annotates with jieba's POS-based entity
candidates plus the spec's gazetteer and measures the pre-labels against the gold entities.
With ``full`` the demo people take it to an accepted delivery (CoNLL + JSONL): alice and bob
annotate (bob slips once), rita reviews against the gold (rejecting the slip), ivan inspects.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from datamill.assist.runner import preannotate_project
from datamill.demo.script import (
    DemoResult,
    PayloadFor,
    ProblemWith,
    deliver_and_accept,
    demo_project,
    give_package,
    inspect_against_truth,
    work_until_reviewed,
)
from datamill.demo.text_corpus import BAD_LINES, GAZETTEER, MARKED, gold_sentences
from datamill.modalities.registry import get_modality
from datamill.modalities.text.metric import score_annotations
from datamill.modalities.text.schema import TextAnnotation
from datamill.modalities.text.sources import prepare_text_source
from datamill.modalities.text.textio import tokenize
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.schemas import TaskOut
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime

__all__ = ["NER_SPEC", "preannotation_scores", "run_text_demo"]

NER_SPEC: dict[str, Any] = {
    "schema_version": 1, "name": "demo-ner", "modality": "text", "language": "zh-CN",
    "project_type": "custom_service",
    "description": "Named entities (PER, LOC, ORG) in Chinese and English sentences.",
    "stages": ["annotate", "review"], "overlap": 1, "package_size": 10, "batch_size": 200,
    "sampling": {"inspection_level": "II", "aql": 2.5},
    "acceptance": {"span_f1": 0.95},  # an NER project: its tasks measure no other metric
    "requirements": {
        "text": {"min_chars": 4, "max_chars": 200, "languages": ["zh", "en"],
                 "min_language_confidence": 0.3, "max_control_chars": 0,
                 "near_duplicate_jaccard": 0.9, "pii": "flag"},
        "labels": {"tasks": ["ner"], "entity_labels": ["PER", "LOC", "ORG"]},
        "gazetteer": {k: list(v) for k, v in GAZETTEER.items()},
    },
}


def _gold_by_id() -> dict[str, dict[str, Any]]:
    """Gold payloads by the external id ``prepare_text_source`` gives each line."""
    return {f"corpus-{n:06d}": {"spans": [{"start": s, "end": e, "label": lab}
                                          for s, e, lab in spans]}
            for n, (_, spans) in enumerate(gold_sentences(), 1)}


def _write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = [text for text, _ in gold_sentences()] + list(gold_sentences(BAD_LINES)[0][:1]) \
        + list(BAD_LINES[1:])
    corpus = folder / "corpus.txt"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return corpus


def _tag_accuracy(text: str, gold: TextAnnotation, pred: TextAnnotation) -> tuple[int, int]:
    """(correct, total) IOB2 tags over tokens split at both sides' span boundaries."""
    cuts = {b for s in (*gold.spans, *pred.spans) for b in (s.start, s.end)}
    tokens = tokenize(text, cuts)

    def tags(a: TextAnnotation) -> list[str]:
        out = ["O"] * len(tokens)
        for s in a.spans:
            inside = [i for i, (x, y) in enumerate(tokens) if x >= s.start and y <= s.end]
            for n, i in enumerate(inside):
                out[i] = f"{'B' if n == 0 else 'I'}-{s.label}"
        return out

    g, p = tags(gold), tags(pred)
    return sum(a == b for a, b in zip(g, p, strict=True)), len(g)


def preannotation_scores(rt: Runtime, project_id: int) -> dict[str, dict[str, float]]:
    """Span P/R/F1 (exact, seqeval conventions) and token tag accuracy of the pre-labels
    against the gold entities, for Chinese, English and all sentences."""
    gold = _gold_by_id()
    with rt.session() as s:
        rows = s.execute(
            select(Item.external_id, Item.attributes, Annotation.payload)
            .join(Annotation, Annotation.item_id == Item.id)
            .where(Item.project_id == project_id, Annotation.kind == "preannotation")
        ).all()
    groups: dict[str, list[tuple[str, TextAnnotation, TextAnnotation]]] = {
        "zh": [], "en": [], "all": []}
    for ext, attributes, payload in rows:
        if ext not in gold:
            continue
        text = attributes["text"]
        pair = (text, TextAnnotation.model_validate(gold[ext]),
                TextAnnotation.model_validate(payload))
        groups["en" if text.isascii() else "zh"].append(pair)
        groups["all"].append(pair)
    out: dict[str, dict[str, float]] = {}
    for name, pairs in groups.items():
        if not pairs:
            continue
        sc = score_annotations([g for _, g, _ in pairs], [p for _, _, p in pairs])
        ok = total = 0
        for text, g, p in pairs:
            a, b = _tag_accuracy(text, g, p)
            ok, total = ok + a, total + b
        out[name] = {"sentences": len(pairs), "span_precision": round(sc.span_precision, 3),
                     "span_recall": round(sc.span_recall, 3), "span_f1": round(sc.span_f1, 3),
                     "token_accuracy": round(ok / total, 3) if total else 1.0}
    return out


def _payload_for(gold: dict[str, dict[str, Any]], result: DemoResult) -> PayloadFor:
    def payload(name: str, task: TaskOut) -> dict[str, Any]:
        answer = dict(gold[task.external_id])
        if name == "bob" and not result.slipped and len(answer["spans"]) > 1:
            result.slipped = True
            return {"spans": answer["spans"][:-1]}  # forgets an entity
        return answer
    return payload


def _problem_with(gold: dict[str, dict[str, Any]]) -> ProblemWith:
    def problem(task: TaskOut) -> str | None:
        current = TextAnnotation.model_validate(task.current.payload if task.current else {})
        want = TextAnnotation.model_validate(gold[task.external_id])
        same = {(x.start, x.end, x.label) for x in current.spans} == \
            {(x.start, x.end, x.label) for x in want.spans}
        return None if same else "an entity is missing or wrong"
    return problem


def _setup(rt: Runtime, workdir: Path, result: DemoResult) -> None:
    corpus = _write_corpus(workdir / "ner-raw")
    shutil.rmtree(workdir / "ner-import", ignore_errors=True)  # a previous run's output
    prepared = prepare_text_source(corpus, workdir / "ner-import")
    with rt.session() as s:
        report = import_source(s, rt.blobs, result.project_id, prepared.manifest)
    refused = "".join(f"; {r['source']}: {r['reason']}" for r in report.rejections)
    result.steps.append(f"imported {report.imported} lines ({report.rejected} refused{refused})")
    with rt.session() as s:
        summary = run_checks(s, rt.blobs, result.project_id, workers=1)
    failed = ", ".join(f"{k} {v}" for k, v in sorted(summary.by_check.items()))
    result.steps.append(f"checks: {summary.passed} passed, {summary.rejected} rejected (failed "
                        f"checks, an item may fail several: {failed})")
    with rt.session() as s:
        pre = preannotate_project(s, rt.blobs, result.project_id, engine="jieba", workers=1)
    scores = preannotation_scores(rt, result.project_id)
    result.steps.append(f"pre-annotated {pre['items']} sentences with jieba + gazetteer:"
                        + "; ".join(f" {k} span F1 {v['span_f1']:.3f}, token accuracy"
                                    f" {v['token_accuracy']:.3f}" for k, v in scores.items()))
    result.inspection = {"preannotation": scores}
    with rt.session() as s:
        pkgs = create_packages(s, result.project_id, "annotate")
        for i, pkg in enumerate(pkgs):
            give_package(s, pkg.id, ["alice", "bob"][i % 2])
        create_packages(s, result.project_id, "review")
    result.steps.append(f"{len(pkgs)} annotation packages assigned to alice and bob")


def _finish(rt: Runtime, workdir: Path, result: DemoResult) -> None:
    gold = _gold_by_id()
    work_until_reviewed(rt, result, _payload_for(gold, result), _problem_with(gold), 20000)
    plugin = get_modality("text")
    batch_id = inspect_against_truth(
        rt, result, lambda ext: plugin.inspection_text(gold[ext], ""), "span_f1")
    if batch_id is None:
        return
    delivery = deliver_and_accept(rt, result, batch_id, workdir / "deliveries",
                                  ["conll", "text_jsonl"])
    result.steps.append(f"delivered {delivery.delivered_items} sentences"
                        f" ({delivery.datasheet['volume']['amount']} characters) as CoNLL"
                        " and JSONL; customer acceptance recorded")


def run_text_demo(rt: Runtime, workdir: Path, *, full: bool) -> DemoResult:
    """Create and run the ``demo-ner`` project (see the module docstring)."""
    result = DemoResult(project_id=demo_project(rt, NER_SPEC))
    result.steps.append(f"project demo-ner ({len(MARKED)} sentences + {len(BAD_LINES)} bad lines)")
    _setup(rt, workdir, result)
    if full:
        _finish(rt, workdir, result)
    return result
