"""``datamill work``: packages, assignment, claiming, submitting and reviewing tasks.

Commands that act for a person take ``--as USERNAME`` (the CLI runs on the server as an operator).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from datamill.cli._common import (
    NothingToDo,
    acting_user,
    console,
    counted,
    emit,
    esc,
    get_runtime,
    handle_errors,
    out,
    styled,
)
from datamill.cli._words import code, return_reason, say, summary_line, view_words
from datamill.compliance.roles import Action, allowed
from datamill.core.errors import Forbidden, InvalidInput
from datamill.core.jsontext import json_refusal

app = typer.Typer(help="Work packages, assignment, annotation and review.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting.")]


@app.command("package")
@handle_errors
def package_cmd(project: str, user: AsUser, stage: str = "annotate",
                as_json: JsonOpt = False) -> None:
    """Create work packages of the spec's package size for a stage.

    Only checked items get tasks: when items still wait for 'datamill data check', it says so
    (with --json: on stderr, the list on stdout stays as it is).
    """
    from datamill.production.dashboard import waiting_for_annotator
    from datamill.production.packaging import unchecked_items
    from datamill.production.projects import find_project
    from datamill.production.tasks import create_packages

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=pid, project_ref=project)
        made = create_packages(s, pid, stage, actor_id=actor.id)
        unchecked = unchecked_items(s, pid)
        waiting = waiting_for_annotator(s, pid) if stage == "annotate" else None
    hint = (f"{counted(unchecked, 'item')} not checked yet (packaging takes checked items"
            f" only): run `datamill data check {project}` first, then package again"
            ) if unchecked else None
    emit(made, as_json, lambda m: out.print(f"created {counted(len(m), f'{stage} package')}"))
    if hint:
        (console if as_json else out).print(f"hint: {hint}", soft_wrap=True)
    if waiting:  # --json: on stderr as JSON, the list on stdout stays as it is
        if as_json:
            console.print_json(data={"notice": waiting})
        else:
            out.print(f"notice [{waiting['code']}]: {waiting['message']}", soft_wrap=True)


@app.command("packages")
@handle_errors
def packages_cmd(project: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """List work packages (whoever may view the project, like the API's caller; an annotator
    or a reviewer who is a member: the packages assigned to them)."""
    from datamill.compliance.access import packages_seen_by
    from datamill.compliance.users import usernames
    from datamill.production.projects import find_project
    from datamill.production.tasks import list_packages

    with get_runtime().session() as s:
        pid = find_project(s, project).id
        # as the API: an unseen project answers as missing (handle_errors)
        actor = acting_user(s, user)
        own = packages_seen_by(s, actor, pid)
        rows = list_packages(s, pid, own)
        stage = "" if allowed(actor.role, Action.ANNOTATE) else " --stage review"
        names = usernames(s)

    def render(pk: list[Any]) -> None:
        if not pk and own is not None:  # an annotator or a reviewer with none assigned
            out.print(say("pkg.none_yours", project=project, user=user, stage=stage),
                      soft_wrap=True)
            return
        t = Table(*(say(f"pkg.col.{c}") for c in (
            "id", "name", "stage", "assignee", "status", "done")))
        for p in pk:
            t.add_row(str(p.id), p.name, code("stage", p.stage),
                      names.get(p.assignee_id, "-"), code("status", p.status),
                      f"{p.done}/{p.tasks}")
        out.print(t)

    emit(rows, as_json, render)


@app.command("assign")
@handle_errors
def assign_cmd(package_id: int, username: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Assign a work package to a person."""
    from datamill.compliance.users import get_user
    from datamill.db.lookup import get_or_raise
    from datamill.production.models import WorkPackage
    from datamill.production.tasks import assign_package

    with get_runtime().session() as s:
        row = get_or_raise(s, WorkPackage, package_id, "work package", package_id=package_id)
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=row.project_id)
        pkg = assign_package(s, package_id, get_user(s, username), actor_id=actor.id)
    emit({"package": pkg.name, "username": username, "released_tasks": pkg.released_tasks},
         as_json, _say_assigned)


def _say_assigned(v: dict[str, Any]) -> None:
    out.print(f"package {v['package']} assigned to {v['username']}")
    if v["released_tasks"]:  # a reassignment took these from the previous assignee
        tasks = ", ".join(str(t) for t in v["released_tasks"])
        out.print(f"released from the previous assignee (their drafts discarded): tasks {tasks}")


@app.command("next")
@handle_errors
def next_cmd(project: str, user: AsUser, stage: str = "annotate", as_json: JsonOpt = False) -> None:
    """Claim the next task (or show the one you already hold).

    Exit 10 when no task is left at this stage (with --json: {"task": null, "reason": ...}).
    With --json the task carries "content": what is judged, for text the item's text
    ({"type": "text_item", "schema_version": 1, "text"}), for LLM the record ({"type":
    "llm_record", "schema_version": 1, "id", "messages", "responses", "meta"}); null for
    other modalities.
    """
    from datamill.compliance.roles import Action, allowed, stage_action
    from datamill.compliance.users import get_user, require
    from datamill.modalities.registry import get_modality
    from datamill.production.hooks import modality_verdict_stages
    from datamill.production.projects import find_project
    from datamill.production.tasks import claim_next_task

    with get_runtime().session() as s:
        person, found = get_user(s, user), find_project(s, project)
        project_id, plugin = found.id, get_modality(found.modality)
        # the spec's stages and the verdict stages this modality can open (speech: listen)
        stages = [*found.spec.get("stages", []), *modality_verdict_stages(found.modality)]
        if stage not in stages:  # a typo is an error, never "nothing left to do"
            raise InvalidInput(f"stage {stage!r} is not one of this project's stages "
                               f"({', '.join(stages)})", field="stage")
        if (stage == "annotate" and "review" in stages and not allowed(person.role, Action.ANNOTATE)
                and allowed(person.role, Action.REVIEW)):  # a reviewer who left out --stage
            raise Forbidden(f"role {person.role!r} may not annotate; a reviewer claims review "
                            f"work: add --stage review", stage=stage)
        require(s, person, stage_action(stage), project_id)
        task = claim_next_task(s, person, project_id, stage)
        readable = _readable_task(s, plugin, task) if task is not None and not as_json else None
        guide = getattr(plugin, "readable_guide", None)  # the answer to write (LLM rubric ...)
        if readable is not None and guide is not None and task is not None and task.stage != "review":
            readable += "\n" + str(guide(found.spec.get("requirements", {}), words=view_words(),
                                         current=task.current.payload if task.current else None))
        content = _task_content(s, plugin, task) if task is not None and as_json else None
    if task is None:  # exit 10: scripts looping over ``work next`` stop here
        raise NothingToDo("no task left for you at this stage", said=say("work.nothing_left"),
                          task=None)

    # a transcript is typed on the line (the README's --text), not written to a JSON file
    # nothing showed the form of (trial h7); the segment list stays for several segments
    answer_option = (say("work.answer_text") if found.modality == "speech.asr"
                     else " --annotation FILE.json")

    def render(t: Any) -> None:
        about = summary_line(_task_summary(plugin, t))  # the modality's: duration, size ...
        out.print(say("work.task", task=t.id, stage=code("stage", t.stage), item=t.external_id,
                      about=say("work.about", about=about) if about else "",
                      version=t.current_version))
        if media is not None:  # what the annotator opens to see or hear the item
            out.print(say("work.media", url=media), highlight=False)
        if t.return_reason:
            out.print(styled((say("work.returned"), "yellow"),
                             return_reason(t.return_reason, t.return_code, t.return_params)))
        if t.prompt:
            out.print(say("work.prompt", prompt=t.prompt))
        model = say("work.model", model=t.current.model) if t.current and t.current.model else ""
        kind = code("kind", t.current.kind) if t.current else ""
        if readable is not None:  # the modality's own view: the text with its spans, the dialogue
            if t.current:
                out.print(say("work.current", kind=kind, model=model))
            for line in readable.splitlines():
                out.print(esc(_clip(line, 1000)))
        elif t.current:
            shown = t.current.text or json.dumps(t.current.payload, ensure_ascii=False)
            out.print(say("work.current_inline", kind=kind, model=model,
                          shown=esc(_clip(shown, 400))))
        verb = "review TASK accept|edit|reject" if t.stage == "review" else "submit TASK"
        out.print(styled((say("work.next"), "dim"),
                         f"datamill work {verb.replace('TASK', str(t.id))} "
                         f"--base-version {t.current_version} --as {user}"
                         + ("" if t.stage == "review" else answer_option)))

    media = _media_url(plugin, task)
    emit({**task.model_dump(mode="json"), "content": content, "media_url": media} if as_json
         else task, as_json, render)


def _media_url(plugin: Any, task: Any) -> str | None:
    """The API route serving the item's file, for modalities judged from a file (not text)."""
    if getattr(plugin, "readable_task", None) is not None:  # text, LLM: shown on the terminal
        return None
    return f"/api/v1/projects/{task.project_id}/items/{task.item_id}/media"


def _task_summary(plugin: Any, task: Any) -> dict[str, Any]:
    """The modality's summary of the task (LLM: the current answer's turns), else the item's."""
    of_task = getattr(plugin, "task_summary", None)
    if of_task is not None and task.current is not None:
        try:
            return dict(of_task(task.attributes, task.current.payload))
        except InvalidInput:  # an answer the modality cannot read: the item's summary
            pass
    return dict(plugin.summary(task.attributes))


def _clip(shown: str, limit: int) -> str:
    return shown if len(shown) <= limit else shown[:limit] + " …"


def _readable_task(s: Any, plugin: Any, task: Any) -> str | None:
    """The modality's terminal view of a task's item and current answer (text: the text and
    its spans; LLM: the dialogue and the responses), or None where it offers none."""
    view = getattr(plugin, "readable_task", None)
    if view is None:
        return None
    from datamill.production.media import item_path
    from datamill.production.models import Item

    item = s.get(Item, task.item_id)
    payload = task.current.payload if task.current else None
    try:
        return str(view(item_path(get_runtime().blobs, item), payload, words=view_words()))
    except (OSError, InvalidInput):  # the item cannot be read here: the summary line suffices
        return None


def _task_content(s: Any, plugin: Any, task: Any) -> dict[str, Any] | None:
    """The modality's machine view of a task's item (``content`` of ``work next --json``), or
    None where it offers none or the item cannot be read here."""
    from datamill.production.media import item_content
    from datamill.production.models import Item

    try:
        return item_content(get_runtime().blobs, s.get(Item, task.item_id), plugin)
    except (OSError, InvalidInput):
        return None


def _segments(segments_file: Path | None, text: str | None, duration_ms: int | None) -> Any:
    """The payload to submit: a JSON list of segments (speech) or, for other modalities, a
    JSON annotation document (an object, e.g. an ImageAnnotation) that the modality checks."""
    from pydantic import ValidationError

    from datamill.production.schemas import SegmentIn

    if segments_file is not None:
        try:
            data = json.loads(segments_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as err:  # typed with full-width quotes: said so
            raise json_refusal(f"cannot read the annotation from {segments_file}: {err}",
                               err) from err
        except (OSError, UnicodeDecodeError) as err:
            raise InvalidInput(f"cannot read the annotation from {segments_file}: {err}") from err
        if isinstance(data, dict):
            return data
        if not isinstance(data, list):
            raise InvalidInput(f"{segments_file} holds neither a segment list nor a document")
        try:
            return [SegmentIn.model_validate(d) for d in data]
        except ValidationError as err:
            raise InvalidInput(f"{segments_file}: {err.errors()[0]['msg']}") from err
    if text is None:
        raise InvalidInput("give --annotation FILE (JSON) or, for speech, --text TEXT")
    return [SegmentIn(start_ms=0, end_ms=duration_ms or 0, text=text)]


@app.command("submit")
@handle_errors
def submit_cmd(
    task_id: int,
    user: AsUser,
    base_version: Annotated[int, typer.Option(help="The version your edit starts from.")],
    segments: Annotated[Path | None, typer.Option(
        "--annotation", "--segments",
        help="The annotation as a JSON file: the modality's document (image, point cloud, text, "
             "LLM ...) or a list of segments (speech). --segments is the older name.")] = None,
    text: Annotated[str | None, typer.Option(
        help="Speech: one segment spanning the whole audio.")] = None,
    comment: Annotated[str | None, typer.Option(help="A comment to the reviewer.")] = None,
    item_flag: Annotated[str | None, typer.Option(
        help="The item cannot be annotated: one of its modality's item flags (speech: "
             "unintelligible, noise_only, other_language, other).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Submit your annotation of a task you hold (the version it starts from: --base-version)."""
    from datamill.compliance.users import get_user
    from datamill.production.annotating import submit_annotation
    from datamill.production.tasks import get_task, task_view

    with get_runtime().session() as s:
        view = task_view(s, get_task(s, task_id))
        ann = submit_annotation(
            s, get_user(s, user), task_id, _segments(segments, text, view.duration_ms),
            base_version=base_version, comment=comment, item_flag=item_flag,
        )
    emit(ann, as_json, lambda a: out.print(say("work.submitted", version=a.version,
                                               item=a.item_id)))


@app.command("previous-frame")
@handle_errors
def previous_frame_cmd(
    task_id: int,
    user: AsUser,
    write: Annotated[Path | None, typer.Option(
        "--out", help="Write the previous frame's annotation (a JSON document) to this file, to "
        "edit and submit with --annotation.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """The frame before a task's item in its sequence (items imported with sequence and frame
    columns) and its current annotation, to start this frame from its objects, as the
    workbench's "Copy previous frame" does; for the task's holder."""
    from datamill.compliance import access as q
    from datamill.production.frames import previous_frame_for
    from datamill.production.tasks import get_task

    with get_runtime().session() as s:
        task = get_task(s, task_id)
        actor = acting_user(s, user, q.stage_action(task.stage), project_id=task.project_id)
        found = previous_frame_for(s, actor, task_id)
    if write is not None and found.annotation is not None:
        write.write_text(json.dumps(found.annotation, ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")

    def render(f: Any) -> None:
        if f.sequence is None:
            out.print(say("frame.no_sequence", task=f.task_id))
            return
        if f.previous_item_id is None:
            out.print(say("frame.none", task=f.task_id, frame=f.frame, sequence=esc(f.sequence)))
            return
        out.print(say("frame.found", task=f.task_id, frame=f.frame, sequence=esc(f.sequence),
                      frame_before=f.previous_frame, item=esc(str(f.previous_external_id)),
                      version=f.version))
        if f.moved_by_poses:  # ego motion: the cuboids are where this frame sees them
            out.print(say("frame.moved"))
        if write is not None:
            out.print(say("frame.written", task=f.task_id, path=esc(str(write))))
        else:
            out.print(esc(_clip(json.dumps(f.annotation, ensure_ascii=False), 1000)))

    emit(found, as_json, render)


@app.command("skip")
@handle_errors
def skip_cmd(
    task_id: int,
    user: AsUser,
    reason: Annotated[str, typer.Option(help="Why you hand the task back.")],
    as_json: JsonOpt = False,
) -> None:
    """Hand a task you hold back to the pool; it is never offered to you again."""
    from datamill.compliance import access as q
    from datamill.production.task_notes import skip_task
    from datamill.production.tasks import get_task

    with get_runtime().session() as s:
        task = get_task(s, task_id)
        actor = acting_user(s, user, q.stage_action(task.stage), project_id=task.project_id)
        result = skip_task(s, actor, task_id, reason)
    emit(result, as_json, lambda r: out.print(say("work.skipped", task=r["task_id"],
                                                  reason=r["reason"])))


@app.command("review")
@handle_errors
def review_cmd(
    task_id: int,
    user: AsUser,
    verdict: Annotated[str, typer.Argument(help="accept, edit or reject")],
    reason: str | None = None,
    base_version: int | None = None,
    text: Annotated[str | None, typer.Option(
        help="edit, speech: one segment spanning the whole audio.")] = None,
    segments: Annotated[Path | None, typer.Option(
        "--annotation", "--segments",
        help="edit: the corrected annotation as a JSON file (see work submit).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Accept, edit or reject (with a reason) a review task you hold."""
    from datamill.compliance.users import get_user
    from datamill.production.annotating import review_task
    from datamill.production.tasks import get_task, task_view

    if verdict not in ("accept", "edit", "reject"):
        raise InvalidInput(f"verdict must be accept, edit or reject, not {verdict!r}")
    v: Literal["accept", "edit", "reject"] = verdict  # type: ignore[assignment]
    if v == "reject" and not (reason or "").strip():
        raise InvalidInput("a rejection needs a reason the annotator can act on: add "
                           "--reason TEXT", field="reason")
    with get_runtime().session() as s:
        segs = None
        if v == "edit":
            view = task_view(s, get_task(s, task_id))
            segs = _segments(segments, text, view.duration_ms)
            base_version = view.current_version if base_version is None else base_version
        result = review_task(s, get_user(s, user), task_id, v, reason=reason, payload=segs,
                             base_version=base_version)
    emit(result, as_json, lambda r: out.print(say(
        "work.reviewed", verdict=code("verdict", r["verdict"]), item=r["item_id"],
        status=code("item_status", r["item_status"]))))


@app.command("assist")
@handle_errors
def assist_cmd(
    item_id: int,
    tool: Annotated[str, typer.Argument(help="The modality's tool: grabcut (image), fit_cuboid "
                                             "or label_points (point cloud).")],
    user: AsUser,
    params: Annotated[str | None, typer.Option(
        help="The tool's parameters as a JSON object, e.g. '{\"x\": 12, \"y\": -3, \"yaw\": 0, "
             "\"length\": 5, \"width\": 2}' for fit_cuboid.")] = None,
    params_file: Annotated[Path | None, typer.Option(
        help="The parameters from a JSON file (label_points: an annotation document; its "
             "objects are the boxes).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Run an assisted tool of the item's modality (what the workbench's tool proposes;
    nothing is stored): for people who annotate, review or inspect."""
    from datamill.production.assisting import prepare_assist

    if (params is None) == (params_file is None):
        raise InvalidInput("give the tool's parameters with --params JSON or --params-file "
                           "PATH (one of them)", field="params", reason_code="params_one_of")
    try:
        text = params if params is not None else Path(str(params_file)).read_text(encoding="utf-8")
        given = json.loads(text)
    except json.JSONDecodeError as err:
        refusal = json_refusal(f"the tool's parameters are not a readable JSON object: {err}",
                               err, field="params", reason_code="params_not_json",
                               error=str(err))
        raise refusal from err
    except (OSError, UnicodeDecodeError) as err:
        raise InvalidInput(f"the tool's parameters are not a readable JSON object: {err}",
                           field="params", reason_code="params_not_json", error=str(err)) from err
    if not isinstance(given, dict):
        raise InvalidInput("the tool's parameters are a JSON object ({...})", field="params",
                           reason_code="params_not_object")
    runtime = get_runtime()
    with runtime.session() as s:
        run = prepare_assist(s, runtime.blobs, acting_user(s, user), item_id, tool, given)
    result = run()
    emit(result, as_json, _say_assisted)


def _say_assisted(answer: dict[str, Any]) -> None:
    for key, value in answer.items():
        if key not in ("unmatched_labels", "unmatched_boxes"):
            out.print(f"{esc(str(key))}: {esc(_shown(value))}")
    if answer.get("unmatched_labels"):  # label_points: boxes that labelled none of their points
        out.print(esc(say("work.assist_unmatched", boxes=answer.get("unmatched_boxes"),
                          labels=say("qc.summary.list_sep").join(answer["unmatched_labels"]))),
                  soft_wrap=True)


def _shown(value: Any) -> str:
    """An assisted tool's answer field for people: long lists counted, not printed."""
    if isinstance(value, list) and len(value) > 8:  # noqa: PLR2004 - a line's worth
        return f"{len(value)} entries"
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    return str(value)
