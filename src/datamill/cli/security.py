"""``datamill security``: the data-security office's commands.

Encryption keys, classification and clearance, cross-border export, surveying qualification,
subjects' consent and desensitization. Writes, and the reads of a project's state, consents and
the export rules, act for ``--as USERNAME`` and are checked by the same services as the API.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from datamill.cli._common import (
    MAX_WORKERS,
    acting_user,
    emit,
    get_runtime,
    handle_errors,
    out,
    progress_bar,
    styled,
)
from datamill.cli._words import code, say, say_count
from datamill.compliance.roles import Action

__all__ = ["app"]

app = typer.Typer(help="Data security: encryption keys, classification, export, consent, "
                  "surveying, desensitization.", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting.")]
ProjectArg = Annotated[str, typer.Argument(help="Project id or name.")]


def _actor(s: Any, username: str) -> Any:
    from datamill.compliance.users import get_user

    return get_user(s, username)


def _pid(s: Any, project: str) -> int:
    from datamill.production.projects import find_project

    return int(find_project(s, project).id)


def _line(text: str) -> Any:
    return lambda _v: out.print(text, highlight=False)


def _required(flag: bool) -> str:
    return say("sec.required" if flag else "sec.not_required")


# -- keys -----------------------------------------------------------------------------------------


@app.command("generate-master-key")
@handle_errors
def generate_master_key(
    path: Annotated[Path, typer.Argument(help="New key file (written 0600; never overwritten).")],
    as_json: JsonOpt = False,
) -> None:
    """Write a fresh random master key (base64) for DATAMILL_MASTER_KEY_FILE."""
    from datamill.compliance.crypto import MasterKey
    from datamill.core.errors import Conflict

    if path.exists() or path.is_symlink():  # a link, even a dangling one, is never followed
        raise Conflict(f"{path} exists; a key file is never overwritten", path=str(path))
    key = MasterKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key.to_base64() + "\n")
    emit({"path": str(path), "master_key_id": key.key_id}, as_json,
         _line(say("sec.key_written", master=key.key_id, path=path)))


@app.command("keys")
@handle_errors
def keys_cmd(as_json: JsonOpt = False) -> None:
    """The stored (wrapped) data keys and the master key that wraps each."""
    from datamill.compliance.keystore import key_status, master_key_from_settings

    rt = get_runtime()
    with rt.session() as s:
        rows = key_status(s)
    master = master_key_from_settings(rt.settings)
    result = {"encryption": master is not None,
              "master_key_id": master.key_id if master else None, "keys": rows}

    def render(r: dict[str, Any]) -> None:
        state = (styled((say("sec.on"), "green"), say("sec.on_key", master=r["master_key_id"]))
                 if r["encryption"] else styled((say("sec.off"), "yellow"), say("sec.off_hint")))
        out.print(state, highlight=False)
        for k in r["keys"]:
            out.print(say("sec.wrapped", scope=k["scope"], data_key=k["key_id"],
                          master=k["master_key_id"]), highlight=False)

    emit(result, as_json, render)


@app.command("rotate-master-key")
@handle_errors
def rotate_cmd(
    new_key_file: Annotated[Path, typer.Option(help="File holding the new master key.")],
    actor: AsUser,
    old_key_file: Annotated[Path | None, typer.Option(
        help="The current master key (default: the configured one).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Re-wrap every data key under a new master key (the data is not re-encrypted); then
    point DATAMILL_MASTER_KEY_FILE at the new key."""
    from datamill.compliance.crypto import MasterKey
    from datamill.compliance.keystore import master_key_from_settings, rotate_master_key
    from datamill.core.errors import InvalidInput

    rt = get_runtime()
    old = MasterKey.from_file(old_key_file) if old_key_file else master_key_from_settings(
        rt.settings)
    if old is None:
        raise InvalidInput("no current master key: configure it or pass --old-key-file")
    new = MasterKey.from_file(new_key_file)
    with rt.session() as s:
        result = rotate_master_key(s, old, new, actor=_actor(s, actor))
    emit(result, as_json, _line(
        say("sec.rewrapped", n=result["rewrapped"], master=result["master_key_id"])
        + (say("sec.already_wrapped", n=result["already_wrapped"])
           if result.get("already_wrapped") else "") + say("sec.configure_new")))


@app.command("encrypt-existing")
@handle_errors
def encrypt_existing_cmd(actor: AsUser, as_json: JsonOpt = False) -> None:
    """Encrypt the blobs stored before the master key was set (idempotent; re-run to resume)."""
    from datamill.cli._common import console
    from datamill.compliance.at_rest import encrypt_existing

    rt = get_runtime()

    def progress(done: int, total: int) -> None:
        if done == total or done % 200 == 0:
            console.print(say("sec.blobs_checked", done=done, total=total), highlight=False)

    with rt.session() as s:
        result = encrypt_existing(s, rt.blobs, actor=_actor(s, actor), progress=progress)
    emit(result, as_json, _line(
        say("sec.encrypted", n=result["encrypted"], already=result["already_encrypted"],
            plain=len(result["mismatched"]))))


@app.command("decrypt-export")
@handle_errors
def decrypt_export_cmd(
    package: Annotated[Path, typer.Argument(help="The encrypted delivery package folder.")],
    out_dir: Annotated[Path, typer.Option("--out", help="New (or empty) folder to extract to.")],
    actor: AsUser,
    key_file: Annotated[Path | None, typer.Option(
        help="The master key (default: the configured one).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Decrypt an encrypted delivery package and check every file against its manifest."""
    from datamill.compliance.crypto import MasterKey
    from datamill.compliance.export_crypto import decrypt_export
    from datamill.compliance.keystore import master_key_from_settings

    rt = get_runtime()
    master = MasterKey.from_file(key_file) if key_file else master_key_from_settings(rt.settings)
    with rt.session() as s:
        result = decrypt_export(s, master, package, out_dir, actor=_actor(s, actor))
    emit(result, as_json, _line(say("sec.decrypted", n=result["files"], out=result["out"])))


@app.command("purge-cache")
@handle_errors
def purge_cache_cmd(as_json: JsonOpt = False) -> None:
    """Delete the decrypted copies the encrypting blob store keeps for local readers."""
    from datamill.storage.encrypted import EncryptingBlobStore

    blobs = get_runtime().blobs
    n = blobs.purge_cache() if isinstance(blobs, EncryptingBlobStore) else 0
    emit({"removed": n}, as_json, _line(say_count("sec.purged", n)))


# -- classification and clearance ---------------------------------------------------------------


@app.command("classify")
@handle_errors
def classify_cmd(project: ProjectArg, level: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Set a project's sensitivity: public, internal, confidential or secret (its managers or
    the data-security office; only the office lowers a level it set)."""
    from datamill.compliance.classification import set_classification

    with get_runtime().session() as s:
        r = set_classification(s, _actor(s, actor), _pid(s, project), level)
    emit(r, as_json, _line(say("sec.classified", project=r["project_id"],
                                           level=code("seclevel", r["level"]))))


@app.command("classify-item")
@handle_errors
def classify_item_cmd(item_id: int, level: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Classify one item above the rest of its project (at most the project's level)."""
    from datamill.compliance.item_sensitivity import set_item_level

    with get_runtime().session() as s:
        result = set_item_level(s, _actor(s, actor), item_id, level)
    emit(result, as_json, _line(say("sec.item_classified", item=item_id,
                                                level=code("seclevel", result["level"]))))


@app.command("clearance")
@handle_errors
def clearance_cmd(username: str, level: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Set a person's clearance (the data-security office; never your own unless admin)."""
    from datamill.compliance.classification import set_clearance

    with get_runtime().session() as s:
        r = set_clearance(s, _actor(s, actor), _actor(s, username).id, level)
    tasks, packages = r.get("released_tasks") or [], r.get("unassigned_packages") or []
    released = (say("sec.cleared_released", tasks=len(tasks), task_ids=", ".join(
        map(str, tasks))) if tasks else "") + (
        say("sec.cleared_unassigned", packages=len(packages)) if packages else "")
    emit(r, as_json, _line(say("sec.cleared", username=r["username"],
                               level=code("seclevel", r["level"])) + released))


@app.command("release-personal-data")
@handle_errors
def release_personal_data_cmd(
    batch_id: int, actor: AsUser,
    reason: Annotated[str, typer.Option(help="Why the batch may leave unmasked (who owns the "
                                        "data, which consent covers it).")],
    as_json: JsonOpt = False,
) -> None:
    """Let a batch of a project never desensitized be delivered with the personal data its
    checks found (the data-security office, with a reason; audited). Delivery refuses it
    otherwise (personal_data_unmasked)."""
    from datamill.production.delivery_personal_data import release_personal_data

    with get_runtime().session() as s:
        r = release_personal_data(s, _actor(s, actor), batch_id, reason)
    emit(r, as_json, _line(say("security.personal_data_released", batch=r["batch"],
                               by=r["released_by"])))


@app.command("erase-subject")
@handle_errors
def erase_subject_cmd(
    project: ProjectArg, subject_id: str, actor: AsUser,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be deleted.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Delete the stored recordings (and masked copies) of a subject who withdrew every consent
    in the project, each with a deletion certificate (the data-security office; audited); the
    delivered packages holding them are written again without them."""
    from datamill.catalog.erasure import erase_subject

    rt = get_runtime()
    with rt.session() as s:
        r = erase_subject(s, rt.blobs, _actor(s, actor), _pid(s, project), subject_id,
                          dry_run=dry_run)
    deliveries = {k: ", ".join(str(d) for d in r.get(k, [])) for k in (
        "redelivered", "already_redelivered", "package_gone", "releases", "licences")}
    emit(r, as_json, _line(say("security.subject_erased", subject=r["subject_id"],
                               deleted=len(r["deleted"]), kept=len(r["kept"]))
                           + "".join(say(f"security.{k}", deliveries=v)
                                     for k, v in deliveries.items() if v)))


@app.command("status")
@handle_errors
def status_cmd(project: ProjectArg, actor: AsUser, as_json: JsonOpt = False) -> None:
    """A project's classification, export state, surveying flag and consent flags (its
    viewers, as GET /security/projects/{id})."""
    from datamill.compliance.security_status import project_security

    with get_runtime().session() as s:
        pid = _pid(s, project)
        acting_user(s, actor, Action.VIEW_PROJECT, project_id=pid)
        r = project_security(s, pid)

    def render(r: dict[str, Any]) -> None:
        ex = r["export"]
        out.print(say("sec.status", project=r["project_id"],
                      level=code("seclevel", r["classification"]),
                      surveying=_required(r["surveying_required"])), highlight=False)
        where = say("sec.abroad", destination=ex["destination"]) if ex["cross_border"] \
            else say("sec.domestic")
        verdict = (say("sec.allowed"), "green") if ex["delivery_allowed"] \
            else (say("sec.blocked"), "red")
        out.print(styled(say("sec.export", where=where), verdict), highlight=False)
        out.print(say("sec.consents", consents=r["consents"], flags=r["open_flags"]),
                  highlight=False)

    emit(r, as_json, render)


# -- cross-border export ------------------------------------------------------------------------


@app.command("export-flag")
@handle_errors
def export_flag_cmd(
    project: ProjectArg, actor: AsUser,
    destination: Annotated[str | None, typer.Option(help="Customer's country (ISO alpha-2).")]
    = None,
    domestic: Annotated[bool, typer.Option("--domestic", help="Clear the flag.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Flag a project's deliveries as leaving the country (or --domestic)."""
    from datamill.compliance.export import set_export

    with get_runtime().session() as s:
        r = set_export(s, _actor(s, actor), _pid(s, project), cross_border=not domestic,
                       destination=destination)
    emit(r, as_json, _line(say("sec.export_flag", project=r["project_id"], where=say(
        "sec.exports_to", destination=r["destination"]) if r["cross_border"]
        else say("sec.domestic"))))


@app.command("assess")
@handle_errors
def assess_cmd(
    project: ProjectArg, actor: AsUser,
    conclusion: Annotated[str, typer.Option(help="approved or rejected")],
    notes: str = "",
    kind: Annotated[str, typer.Option(help="self_assessment or security_assessment")]
    = "self_assessment",
    as_json: JsonOpt = False,
) -> None:
    """Record an export risk assessment (admins and data-security officers)."""
    from datamill.compliance.export import record_assessment

    with get_runtime().session() as s:
        r = record_assessment(s, _actor(s, actor), _pid(s, project), conclusion=conclusion,
                              notes=notes, kind=kind)
    emit(r, as_json, _line(say("sec.assessed", id=r["id"], conclusion=r["conclusion"])))


def _requirement(code: str) -> str:
    """What a destination's exports need, in the CLI's language (``--json`` keeps the code)."""
    from datamill.cli._common import cli_language
    from datamill.core.record_words import EXPORT_REQUIREMENT_WORDS

    return EXPORT_REQUIREMENT_WORDS[cli_language()].get(code, code)


@app.command("export-rule-add")
@handle_errors
def rule_add_cmd(country: str, actor: AsUser, note: str = "",
                 requirement: str = "self_assessment", as_json: JsonOpt = False) -> None:
    """List a destination ('*': all) whose exports need an approved assessment."""
    from datamill.compliance.export import add_export_rule

    with get_runtime().session() as s:
        r = add_export_rule(s, _actor(s, actor), country, requirement=requirement, note=note)
    emit(r, as_json, _line(say("sec.rule_added", country=r["country"],
                                           requirement=_requirement(r["requirement"]))))


@app.command("export-rule-remove")
@handle_errors
def rule_remove_cmd(country: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Remove a destination rule."""
    from datamill.compliance.export import remove_export_rule

    with get_runtime().session() as s:
        remove_export_rule(s, _actor(s, actor), country)
    emit({"removed": country.upper()}, as_json, _line(say("sec.rule_removed", country=country.upper())))


@app.command("export-rules")
@handle_errors
def rules_cmd(actor: AsUser, as_json: JsonOpt = False) -> None:
    """Destinations that need an assessment (settings + rules table): for the data-security
    office, auditors and project managers, as the API."""
    from datamill.compliance.export import read_export_rules

    with get_runtime().session() as s:
        r = read_export_rules(s, acting_user(s, actor))

    def render(r: dict[str, Any]) -> None:
        out.print(say("sec.configured", configured=r["configured"]), highlight=False)
        for rule in r["rules"]:
            out.print(f"  {rule['country']}: {_requirement(rule['requirement'])} "
                      f"{rule['note']}", highlight=False)

    emit(r, as_json, render)


# -- surveying qualification --------------------------------------------------------------------


@app.command("surveying")
@handle_errors
def surveying_cmd(
    project: ProjectArg, actor: AsUser,
    required: Annotated[bool, typer.Option("--required/--not-required")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Flag a project as surveying-and-mapping data (only qualified people may handle it)."""
    from datamill.compliance.surveying import set_surveying_required

    with get_runtime().session() as s:
        r = set_surveying_required(s, _actor(s, actor), _pid(s, project), required)
    emit(r, as_json, _line(say("sec.surveying", project=r["project_id"],
                                           surveying=_required(r["surveying_required"]))))


@app.command("surveying-grant")
@handle_errors
def grant_cmd(
    actor: AsUser,
    user: Annotated[str | None, typer.Option("--user", help="Username holding it.")] = None,
    vendor: Annotated[int | None, typer.Option("--vendor", help="Vendor id holding it.")] = None,
    grade: str = "B",
    certificate: str = "",
    valid_until: Annotated[datetime | None, typer.Option(formats=["%Y-%m-%d"])] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a surveying qualification of a person or a vendor (admins)."""
    from datamill.compliance.surveying import grant_qualification

    until = (datetime.combine(valid_until.date(), time.max, tzinfo=UTC)
             if isinstance(valid_until, datetime | date) else None)
    with get_runtime().session() as s:
        uid = _actor(s, user).id if user else None
        r = grant_qualification(s, _actor(s, actor), user_id=uid, vendor_id=vendor, grade=grade,
                                certificate_no=certificate, valid_until=until)
    emit(r, as_json, _line(say("sec.surveying_granted", id=r["id"], grade=r["grade"])))


@app.command("surveying-revoke")
@handle_errors
def revoke_cmd(qualification_id: int, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Revoke a surveying qualification (admins)."""
    from datamill.compliance.surveying import revoke_qualification

    with get_runtime().session() as s:
        r = revoke_qualification(s, _actor(s, actor), qualification_id)
    emit(r, as_json, _line(say("sec.surveying_revoked", id=r["id"])))


# -- consent ------------------------------------------------------------------------------------


@app.command("consent-add")
@handle_errors
def consent_add_cmd(project: ProjectArg, subject: str, actor: AsUser,
                    scope: str = "collection", as_json: JsonOpt = False) -> None:
    """Record a data subject's consent (subject = the items' speaker/subject id)."""
    from datamill.compliance.consent import record_consent

    with get_runtime().session() as s:
        r = record_consent(s, _actor(s, actor), _pid(s, project), subject, scope=scope)
    emit(r, as_json, _line(say("sec.consent_added", id=r["id"], subject=r["subject_id"],
                                           scope=r["scope"])))


@app.command("consent-withdraw")
@handle_errors
def consent_withdraw_cmd(
    project: ProjectArg, subject: str, actor: AsUser,
    scope: Annotated[str | None, typer.Option(help="One scope (default: all).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Withdraw consent: the subject's items leave undelivered batches; delivered ones are
    flagged."""
    from datamill.compliance.consent import withdraw_consent

    with get_runtime().session() as s:
        r = withdraw_consent(s, _actor(s, actor), _pid(s, project), subject, scope=scope)
    emit(r, as_json, _line(
        say("sec.consent_withdrawn", subject=r["subject_id"], items=r["items"],
            removed=len(r["removed_from_batches"]), flagged=len(r["flagged_delivered"]))
        + (say("sec.no_consent") if r["recorded_without_consent"] else "")
        + (say("sec.consent_kept", scopes=", ".join(r["consent_kept"]))
           if r["consent_kept"] else "")))


@app.command("consent-resolve")
@handle_errors
def consent_resolve_cmd(
    project: ProjectArg, actor: AsUser,
    note: Annotated[str, typer.Option(
        help="How the customer confirmed deleting the delivered items (a mail, a certificate).")],
    flag: Annotated[list[int] | None, typer.Option(
        help="One open flag's id (repeatable; default: every open flag).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Close withdrawal flags once the customer confirmed deleting the flagged delivered
    items (the project's managers or the data-security office; audited)."""
    from datamill.compliance.consent import resolve_flags

    with get_runtime().session() as s:
        r = resolve_flags(s, _actor(s, actor), _pid(s, project), note=note, flag_ids=flag)
    emit(r, as_json, _line(say("sec.flags_resolved", n=len(r["resolved"]),
                                           items=", ".join(map(str, r["items"])))))


@app.command("consents")
@handle_errors
def consents_cmd(project: ProjectArg, actor: AsUser, as_json: JsonOpt = False) -> None:
    """A project's consent records and withdrawal flags (its managers, the data-security
    office and auditors, as the API)."""
    from datamill.compliance.consent import consent_register

    with get_runtime().session() as s:
        pid = _pid(s, project)
        r = consent_register(s, acting_user(s, actor, Action.VIEW_PROJECT, project_id=pid), pid)

    def render(r: dict[str, Any]) -> None:
        t = Table(*(say(f"sec.col.{c}") for c in ("id", "subject", "scope", "given", "withdrawn")))
        for c in r["consents"]:
            t.add_row(str(c["id"]), c["subject_id"], c["scope"], str(c["given_at"])[:16],
                      str(c["withdrawn_at"] or "")[:16])
        out.print(t)
        out.print(say("sec.flagged", n=len(r["flags"])), highlight=False)

    emit(r, as_json, render)


# -- desensitization ----------------------------------------------------------------------------


@app.command("desensitize")
@handle_errors
def desensitize_cmd(
    project: ProjectArg, actor: AsUser,
    detect: Annotated[bool, typer.Option("--detect/--no-detect",
                                         help="Detect faces and plates in images.")] = True,
    workers: Annotated[int | None, typer.Option(
        min=1, max=MAX_WORKERS, help=f"Processes or Ray CPUs, 1 to {MAX_WORKERS} (default: all; "
        "DATAMILL_ENGINE picks local or ray).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Write masked derivatives of every item's texts and images (originals kept)."""
    from datamill.compliance.desensitize import desensitize_project, desensitize_work

    rt = get_runtime()
    with rt.session() as s:
        pid = _pid(s, project)
        user = _actor(s, actor)
        items, images = desensitize_work(s, pid)
        # the texts pass counts every item, the images pass every image
        with progress_bar("desensitizing", items + images) as advance:
            r = desensitize_project(s, rt.blobs, pid, actor=user, detect=detect,
                                    progress=advance, workers=workers)

    def render(r: dict[str, Any]) -> None:
        t, i = r["texts"], r["images"]
        out.print(say("sec.desensitized", written=t["texts_written"], pii=t["texts_with_pii"],
                      kinds=t["kinds"], masked=i["images_masked"], regions=i["regions"]),
                  highlight=False)
        if t.get("items_skipped"):  # items with nothing to mask yet, and why
            out.print(styled((say("sec.warning"), "yellow"), ": " + say(
                "security.texts_skipped", n=t["items_skipped"],
                why=say(f"security.skipped.{t['skipped_code']}"))), highlight=False)
        if i.get("images_remasked_upright"):  # copies an older release masked sideways
            out.print(say("security.remasked_upright", n=i["images_remasked_upright"]),
                      highlight=False)
        for w in i["warnings"]:
            out.print(styled((say("sec.warning"), "yellow"), f": {w}"), highlight=False)

    emit(r, as_json, render)


@app.command("original")
@handle_errors
def original_cmd(item_id: int, field: str, actor: AsUser, as_json: JsonOpt = False) -> None:
    """Read an original prompt/transcript (cleared people only; audited)."""
    from datamill.compliance.desensitize import read_original_text

    with get_runtime().session() as s:
        text = read_original_text(s, _actor(s, actor), item_id, field)
    emit({"item_id": item_id, "field": field, "text": text}, as_json,
         lambda r: out.print(r["text"] or "", highlight=False))
