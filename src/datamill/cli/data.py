"""``datamill data``: import raw data, run the automatic checks, pre-annotate, list items.

Writes (import, check, preannotate) act for ``--as USERNAME``, checked like the API's
(``manage_project`` on a project the person is a member of)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._check_reasons import reason_lines
from datamill.cli._common import (
    AsUser,
    Workers,
    acting_user,
    cli_language,
    emit,
    get_runtime,
    handle_errors,
    out,
    progress_bar,
)
from datamill.cli._words import EN_CLI, code, say, say_count
from datamill.compliance.roles import Action
from datamill.modalities.labelled_formats import formats_line

#: ``--format``'s help, the formats listed from :mod:`datamill.modalities.labelled_formats`
FORMAT_HELP = (f"Import a pre-labelled source with its labels ({formats_line('en')}). Nothing "
               "is imported when any file or label is unusable.")

app = typer.Typer(help="Raw data: import, automatic checks, pre-annotation.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _suffixes(session: Any, project_id: int) -> tuple[str, ...]:
    from datamill.modalities.registry import get_modality
    from datamill.production.projects import get_project

    return get_modality(get_project(session, project_id).modality).media_suffixes


def _count_rows(source: Path, suffixes: tuple[str, ...]) -> int | None:
    try:
        if source.is_dir():
            return sum(1 for p in source.rglob("*") if p.suffix.lower() in suffixes)
        if source.is_file() and source.suffix.lower() in (".csv", ".jsonl"):
            with source.open("rb") as fh:
                n = sum(1 for _ in fh)
            return max(0, n - (1 if source.suffix.lower() == ".csv" else 0))
    except OSError:
        return None  # the import itself reports why the source is unreadable
    return None


@app.command("import")
@handle_errors
def import_cmd(
    project: Annotated[str | None, typer.Argument(help="Project id or name.")] = None,
    given: Annotated[
        str | None, typer.Argument(metavar="SOURCE", help="Folder of the modality's media files, a .csv/.jsonl "
                                    "manifest, a .zip archive (imported like a folder), or a "
                                    "pre-labelled source (with --format; a folder or a .zip).")
    ] = None,
    resume: Annotated[
        int | None, typer.Option("--resume", help="Resume the interrupted import with this id.")
    ] = None,
    *,
    user: AsUser,
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Register the files where they are (nothing copied; "
                           "the check stage hashes and probes them).")
    ] = False,
    url_root: Annotated[
        list[str] | None, typer.Option("--url-root", help="With --in-place: an fsspec URL prefix "
                                       "(s3://bucket/raw/) manifest rows may name files under.")
    ] = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help=FORMAT_HELP)
    ] = None,
    vendor: Annotated[
        int | None, typer.Option("--vendor", min=1, help="The vendor who delivered the source "
                                 "(a collection vendor's recordings; qualified): its items "
                                 "record it, and its settlement sheets pay their accepted "
                                 "volume on the collect stage.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import media files (re-running skips what is already in; an interrupted import resumes).

    Symbolic links that point outside the named folder are never followed (reported per file).
    With --format, the source's labels become each new item's first version.
    """
    from datamill.core.errors import InvalidInput
    from datamill.production.import_paths import local_source
    from datamill.production.import_runs import get_import_run
    from datamill.production.importing import import_source, resume_import
    from datamill.production.projects import find_project

    # a URL stays as typed (a Path of s3://b/m.jsonl reads s3:/b/m.jsonl) and is refused so
    source = None if given is None else local_source(given)
    rt = get_runtime()
    with rt.session() as s:
        if resume is not None:
            run = get_import_run(s, resume)
            if project is not None and find_project(s, project).id != run.project_id:
                raise InvalidInput(f"import {resume} belongs to another project", import_run_id=resume)
            actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=run.project_id)
            suffixes = _suffixes(s, run.project_id)
            with progress_bar(say("data.resuming"), _count_rows(Path(run.source), suffixes)) as advance:
                report = resume_import(s, rt.blobs, resume, progress=advance, actor_id=actor.id,
                                       isolate=True)
        else:
            if project is None or source is None:
                raise InvalidInput("give a project and a source, or --resume <import id>")
            p = find_project(s, project)
            actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
            if fmt is not None and in_place:
                raise InvalidInput("a pre-labelled import copies its files (it cannot register"
                                   " them in place): drop --in-place",
                                   reason_code="labelled_in_place")
            if vendor is not None:  # a vendor's delivery: the vendor is checked first
                from datamill.workforce.supply import import_supplied

                extra = {"isolate": True} if fmt is not None else {
                    "in_place": in_place, "isolate": True, "url_roots": tuple(url_root or ())}
                with progress_bar(say("data.importing"), _count_rows(source, _suffixes(s, p.id))) as advance:
                    report = import_supplied(s, rt.blobs, actor, p.id, source, vendor, fmt=fmt,
                                             progress=advance, **extra)
            elif fmt is not None:
                from datamill.production.labelled_import import import_labelled

                with progress_bar(say("data.importing"), None) as advance:
                    report = import_labelled(s, rt.blobs, p.id, source, fmt=fmt, isolate=True,
                                             progress=advance, actor_id=actor.id)
            else:
                # Each new file is probed (the modality's describe) in a worker process, 100 a
                # call, never here: a file whose decoder crashes is refused
                # (import_decoder_crashed) and --json still prints (production._import_probe)
                with progress_bar(say("data.importing"), _count_rows(source, _suffixes(s, p.id))) as advance:
                    report = import_source(s, rt.blobs, p.id, source, progress=advance,
                                           actor_id=actor.id, in_place=in_place,
                                           url_roots=tuple(url_root or ()), isolate=True)

    emit(report, as_json, render_import_report)


def render_import_report(r: Any) -> None:
    """An import's report for people, in ``DATAMILL_LANG``: the counts, the refused rows and the
    files not taken, each reason worded from its code where it has one."""
    from datamill.cli._words import say, say_count

    out.print(say("import.summary", rows=say_count("import.rows", r.total),
                  imported=r.imported, present=r.duplicates, rejected=r.rejected,
                  run=r.import_run_id))
    if r.supplier_vendor_id is not None:
        out.print(say("import.vendor", vendor=r.supplier_vendor_id))
    if r.replaced:
        out.print(say("import.replaced", n=r.replaced))
    if r.format:
        out.print(say("import.labelled", n=r.labelled, format=r.format))
    if getattr(r, "left_out", None):  # objects smaller than the workbench draws
        out.print(say("import.left_out", n=sum(r.left_out.values()), format=r.format, why="; ".join(
            f"{say(f'import.left_out.{code}')} × {n}" for code, n in r.left_out.items())))
    if r.rejections:
        t = Table(say("import.rejected"), say("import.reason"), title=say("import.report"))
        for rej in r.rejections:
            t.add_row(str(rej["source"]), _rejection_words(rej))
        out.print(t)
    if r.skipped:
        whole = say("import.archive" if str(r.source).lower().endswith(".zip")
                    else "import.folder")
        t = Table(say("import.file"), say("import.reason"), title=say(
            "import.not_imported", files=say_count("import.files", len(r.skipped)),
            whole=whole))
        for skip in r.skipped:
            t.add_row(str(skip["source"]), _rejection_words(skip))
        out.print(t)


def _rejection_words(rejection: dict[str, Any]) -> str:
    """A refused row's reason in ``DATAMILL_LANG``: a coded one (``pc_truncated``,
    ``img_decode`` ...) from the refusal registry, any other as the import wrote it."""
    from datamill.cli._common import cli_language
    from datamill.modalities.problem_words import word_reason

    lang, code = cli_language(), rejection.get("code")
    said = word_reason({**rejection, "reason_code": code}, lang) if code and lang != "en" \
        else None
    if said is None and code and lang != "en":  # an import's own (same_bytes), as the web's
        from datamill.core.check_fail_words import CHECK_FAIL_WORDS, filled_check_template

        template = CHECK_FAIL_WORDS.get(lang, {}).get(str(code), "")
        said = filled_check_template(template, {"extra": rejection})
    return said or str(rejection["reason"])


@app.command("imports")
@handle_errors
def imports_cmd(
    project: Annotated[str, typer.Argument(help="Project id or name.")],
    user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """List a project's imports (for whoever may import into it); runs whose process died are
    marked interrupted (resumable)."""
    from datamill.production.import_runs import list_import_runs
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        p = find_project(s, project)
        acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
        runs = list_import_runs(s, p.id)

    def render(items: list[Any]) -> None:
        t = Table(*(say(f"data.col.{c}") for c in (
            "id", "status", "source", "total", "imported", "present", "rejected", "started")))
        for r in items:
            t.add_row(str(r.id), code("status", r.status), str(r.source), str(r.total), str(r.imported),
                      str(r.duplicates), str(r.rejected), r.started_at.strftime("%Y-%m-%d %H:%M"))
        out.print(t)
        if any(r.status == "interrupted" for r in items):
            out.print(say("data.resume"))

    emit(runs, as_json, render)


#: the most items a line names (the --json output lists all)
_LISTED = 10


@app.command("check")
@handle_errors
def check_cmd(
    project: str,
    user: AsUser,
    recheck: Annotated[bool, typer.Option(help="Re-check items already checked.")] = False,
    workers: Workers = None,
    as_json: JsonOpt = False,
) -> None:
    """Run the automatic checks; failing items are set aside (importing a corrected file
    under the same id replaces one)."""
    from datamill.production.checking import run_checks
    from datamill.production.projects import find_project, project_stats

    rt = get_runtime()
    with rt.session() as s:
        p = find_project(s, project)
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
        todo = project_stats(s, p.id)["by_status"].get("imported", 0)
        with progress_bar(say("data.checking"), todo or None) as advance:
            # isolate: no file decoded in this process (a segfaulting decoder would end the
            # command, --json output and all); a crasher fails decoder_crashed alone
            summary = run_checks(s, rt.blobs, p.id, recheck=recheck, workers=workers,
                                 progress=advance, actor_id=actor.id, isolate=True)

    def render(v: Any) -> None:
        out.print(say("data.checked", checked=v.checked, passed=v.passed, rejected=v.rejected))
        if v.not_judged:  # a speaker's first takes: passed, but no speaking-rate verdict yet
            from datamill.core.check_words import check_name_words

            names = sorted({c["name"] for r in v.not_judged for c in r["checks"]})
            shown = [r["item"] for r in v.not_judged[:_LISTED]]
            more = len(v.not_judged) - len(shown)
            words = [check_name_words(cli_language(), n) for n in names]
            out.print(say("data.not_judged", n=len(v.not_judged), items=", ".join(
                shown) + (f" … (+{more})" if more else ""), checks=say("listen.word_sep").join(
                w[:1].lower() + w[1:] if cli_language() == "en" else w for w in words)))
        if v.rejections:
            out.print(say("data.recollect"))
            t = Table(say("data.col.item"), say("data.col.reasons"), title=say("data.set_aside"))
            for r in v.rejections:
                t.add_row(r["item"], "\n".join(reason_lines(r["reasons"], r.get("checks"))))
            out.print(t)

    emit(summary, as_json, render)


@app.command("preannotate")
@handle_errors
def preannotate_cmd(
    project: str,
    user: AsUser,
    engine: Annotated[str | None, typer.Option(help="Pre-annotator name (default: the modality's).")] = None,
    workers: Workers = None,
    as_json: JsonOpt = False,
) -> None:
    """Pre-annotate every item that passed its checks with a packaged model (the modality's
    default, or --engine): its suggestion becomes the item's first version."""
    from datamill.assist.runner import preannotate_project
    from datamill.production.projects import find_project, project_stats

    rt = get_runtime()
    with rt.session() as s:
        p = find_project(s, project)
        actor = acting_user(s, user, Action.MANAGE_PROJECT, project_id=p.id, project_ref=project)
        todo = project_stats(s, p.id)["by_status"].get("passed", 0)
        with progress_bar(say("data.preannotating"), todo or None) as advance:
            result = preannotate_project(s, rt.blobs, p.id, engine=engine, workers=workers,
                                         progress=advance, actor_id=actor.id, isolate=True)
    if result.get("items") and result.get("labels") == 0:  # labelled nothing: say what may
        hint = f"data.no_labels.hint.{p.modality}"  # the modality's other engine, if not run
        if hint not in EN_CLI or (engine and f"--engine {engine}" in EN_CLI[hint]):
            hint = "data.no_labels.hint"
        result = {**result, "hint": say(hint, project=project)}
    emit(result, as_json, _say_preannotated)



@app.command("preannotation-accuracy")
@handle_errors
def preannotation_accuracy_cmd(project: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """How far the model's pre-annotations are from the annotations accepted for their items,
    by the modality's measure (speech: WER, else against read prompts; image: regions by IoU;
    text: spans and labels; point cloud: cuboids by 3D IoU); a modality without one says so."""
    from datamill.assist.runner import preannotation_accuracy
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        p = find_project(s, project)
        acting_user(s, user, Action.VIEW_PROJECT, project_id=p.id, project_ref=project)
        result = preannotation_accuracy(s, p.id)
    emit({"project": project, **result}, as_json, _say_accuracy)


def _say_accuracy(r: dict[str, Any]) -> None:
    """``data preannotation-accuracy``'s result for people: not measured, nothing to measure
    yet, or each metric against how many references."""
    if not r["measured"]:
        out.print(say("data.preacc.not_measured", project=r["project"], modality=r["modality"]))
        return
    refs = r["references"]
    if not r["items"]:
        out.print(say("data.preacc.none", project=r["project"],
                      prompt=say("data.preacc.prompt") if r.get("prompt_reference") else ""))
        return
    parts = [say_count(f"data.preacc.{key}", refs[ref]) for key, ref in
             (("accepted", "accepted"), ("prompts", "prompt")) if refs.get(ref)]
    out.print(say("data.preacc.head", project=r["project"],
                  refs=say("data.preacc.and").join(parts)))
    for metric, value in r["metrics"].items():
        shown = say("data.preacc.unmeasured") if value is None else f"{value:.3f}"
        out.print(say("data.preacc.metric", metric=code("metric", metric), value=shown))

def _say_preannotated(r: dict[str, Any]) -> None:
    """``data preannotate``'s result for people: the items, the labels proposed (where the
    modality counts them; none: said, with the hint) and what the spec had no label for."""
    if r.get("skipped"):
        out.print(say("data.nothing_preannotated", reason=r["skipped"]))
        return
    labels = r.get("labels")
    said = say_count("data.preannotated", r["items"], model=r["model"])
    if labels == 0 and r["items"]:
        said += say("data.no_labels", model=r["model"])
    elif labels is not None and r["items"]:
        said += say_count("data.labels_proposed", labels)
    if r.get("dropped"):
        said += say("data.dropped", labels=", ".join(f"{k} × {v}"
                                                      for k, v in sorted(r["dropped"].items())))
    out.print(said)
    if r.get("hint"):
        out.print(r["hint"], soft_wrap=True)


@app.command("items")
@handle_errors
def items_cmd(
    project: str,
    user: AsUser,
    status: Annotated[str | None, typer.Option(help="Only items in this status.")] = None,
    import_run: Annotated[
        int | None, typer.Option("--import-run", min=1, help="Only the items this import "
                                 "imported (its id: see datamill data imports).")
    ] = None,
    search: Annotated[str | None, typer.Option(
        help="Only items whose external id contains this text (case-insensitive).")] = None,
    item: Annotated[int | None, typer.Option(
        "--item", min=1, help="Only this item (its id), exactly.")] = None,
    limit: Annotated[int, typer.Option(help="Most items to list: 1 to 1000.")] = 50,
    as_json: JsonOpt = False,
) -> None:
    """List items with their status and, for rejected ones, the reasons (for whoever may view
    the project, like the API's caller; never an item classified above their clearance)."""
    from datamill.compliance.access import list_items
    from datamill.compliance.item_sensitivity import hidden_item_ids
    from datamill.production.item_listing import failed_checks, quota_marks
    from datamill.production.projects import find_project

    with get_runtime().session() as s:
        p = find_project(s, project)
        me = acting_user(s, user, Action.VIEW_PROJECT, project_id=p.id, project_ref=project)
        rows, _total = list_items(s, p.id, status=status or None, limit=limit, offset=0,
                                  hidden=hidden_item_ids(s, me, p.id),
                                  import_run_id=import_run, search=search or None,
                                  item_id=item)
        # reasons kept past the rejection (a re-recording superseded the take) are worded too
        aside = [i.id for i in rows if i.status == "rejected" or i.reject_reasons]
        failed, marks = failed_checks(s, aside), quota_marks(s, aside)
    from datamill.modalities.registry import get_modality

    plugin = get_modality(p.modality)

    def render(items: list[Any]) -> None:
        t = Table(*(say(f"data.col.{c}") for c in (
            "id", "item", "status", "volume", "attributes", "reasons")))
        for i in items:
            shown = say("qc.summary.list_sep").join(  # the keys in the CLI's language
                f"{code('summary', k)}={v}" for k, v in plugin.summary(i.attributes).items()
                if v is not None)
            t.add_row(str(i.id), i.external_id, code("item_status", i.status),
                      str(i.volume or ""), shown,
                      "; ".join(reason_lines(i.reject_reasons, failed.get(i.id),
                                             marks.get(i.id))))
        out.print(t)

    emit(rows, as_json, render)
