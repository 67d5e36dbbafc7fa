"""Every CLI command that names a project, or a package of one, answers ``--as`` someone who
may not see that project exactly as it answers for a project (or package) never created.

The rule (the API's and the web's 404) reached the CLI's common project lookup
(``acting_user(..., project_ref=...)``), but commands whose permission check sits in a service
(the golden set and the qualification test, collection, security, the workforce's package
commands, ...) still exited 6 ``forbidden`` for a non-member and 3 ``not_found`` for a project
that does not exist: anyone with a login could list which projects exist.

The commands are taken from the Typer app itself: a command with ``--as`` and a parameter
naming a project or a package must have a row in :data:`PROJECT_COMMANDS` or
:data:`PACKAGE_COMMANDS` (so a new command is probed, not forgotten). Each row is run as a
non-member (a project manager and an annotator) naming a project that exists and one that
does not, and the exit code and the ``--json`` error code must be the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
import typer
from typer.testing import CliRunner

from datamill.cli import _common
from datamill.cli.main import app as cli_app
from datamill.compliance.classification import set_classification
from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.models import Item, WorkPackage
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.workforce.vendors import create_vendor, register_worker, set_vendor_qualified
from tests.known_issues._probe import MISSING, SPEC

#: the commands that name a production project, with the least arguments they take; ``{p}``
#: is the project (by id, or by name where the command reads names), ``{tmp}`` a folder with
#: the files of :func:`_files`, ``{vendor}``/``{worker}`` a qualified vendor and its worker
PROJECT_COMMANDS: dict[str, list[str]] = {
    "project show": ["{p}"],
    "project dashboard": ["{p}"],
    "project add-member": ["{p}", "ann2"],
    "project remove-member": ["{p}", "ann2"],
    "project set-spec": ["{p}", "description=x"],
    "project speakers set": ["{p}", "{tmp}/speakers.json"],
    "project speakers add": ["{p}", "S1"],
    "project speakers remove": ["{p}", "S1"],
    "data import": ["{p}", "{tmp}/media"],
    "data imports": ["{p}"],
    "data check": ["{p}"],
    "data preannotate": ["{p}"],
    "data preannotation-accuracy": ["{p}"],
    "data items": ["{p}"],
    "work package": ["{p}"],
    "work packages": ["{p}"],
    "work next": ["{p}"],
    "qc batch": ["{p}"],
    "qc calibrate-prompt-check": ["{p}", "{tmp}/labels.csv"],
    "qc listen-next": ["{p}"],
    "quality aggregate": ["{p}"],
    "quality agreement": ["{p}"],
    "delivery list": ["{p}"],
    "workforce points": ["{staff}", "{p}", "2026-11", "8"],
    "workforce golden-rate": ["{p}"],
    "workforce accuracy": ["{p}"],
    "workforce output-ratio": ["--project", "{p}"],
    "workforce throughput": ["--project", "{p}"],
    # the project names the line of the sheet it corrects (sheet 1: none, either way)
    "workforce sheet-correct": ["1", "1", "--reason", "x", "--project", "{p}"],
    "workforce qualification set": ["{p}", "--golden", "{tmp}/golden.json",
                                    "--threshold", "0.5"],
    "workforce qualification show": ["{p}"],
    "workforce qualification require": ["{p}"],
    "workforce qualification questions": ["{p}"],
    "workforce qualification take": ["{p}", "--answers", "{tmp}/golden.json"],
    "workforce qualification grant": ["{p}", "{worker}"],
    "workforce qualification results": ["{p}"],
    "workforce golden add": ["{p}", "--answers", "{tmp}/golden.json", "--threshold", "0.5"],
    "workforce golden list": ["{p}"],
    "workforce golden remove": ["{p}", "u1"],
    "workforce procurement request-add": ["collection", "collection", "annotate", "speech",
                                          "en", "hour", "10", "--on", "2026-12-01",
                                          "--project", "{p}"],
    "workforce procurement order-add": ["1", "{vendor}", "{p}", "10"],
    "workforce procurement orders": ["--project", "{p}"],
    "audit list": ["--project", "{p}"],
    "audit export": ["--project", "{p}"],
    "security classify": ["{p}", "internal"],
    "security status": ["{p}"],
    "security export-flag": ["{p}", "--destination", "US"],
    "security assess": ["{p}", "--conclusion", "approved"],
    "security surveying": ["{p}"],
    "security consent-add": ["{p}", "s-1"],
    "security consent-withdraw": ["{p}", "s-1"],
    "security consent-resolve": ["{p}", "--note", "x"],
    "security consents": ["{p}"],
    "security desensitize": ["{p}"],
    "security erase-subject": ["{p}", "s-1"],
    "retention hold": ["{p}", "--reason", "legal"],
    "retention certificates": ["--project", "{p}"],
    "collect quotas": ["{p}"],
    "collect consent-text": ["{p}", "--file", "{tmp}/consent.txt"],
    "collect invite": ["{p}", "s-1"],
    "collect invites": ["{p}"],
    "collect reset-demographics": ["{p}", "s-1"],
    "collect subjects": ["{p}"],
    "collect prompts add": ["{p}", "--file", "{tmp}/prompts.txt"],
    "collect prompts list": ["{p}"],
}
#: the commands that name a work package (``{pkg}``) of a project
PACKAGE_COMMANDS: dict[str, list[str]] = {
    "work assign": ["{pkg}", "ann2"],
    "workforce hand": ["{pkg}", "{vendor}"],
    "workforce assign": ["{pkg}", "{worker}"],
    "workforce take-back": ["{pkg}"],
}
#: the books' commands (a ledger project, or ``project-open``'s production project): they
#: follow the ledger's reader and writer rules, member or not, and refuse one not cleared for
#: the project (403 / exit 6 on every face, as the API's /ledger routes; ``project-open``
#: answers as for a missing project: test_h4_opening_books_of_an_unseen_project)
LEDGER_PROJECT = {"ledger project-open", "ledger budget-create", "ledger cost-post",
                  "ledger review-final", "ledger close", "ledger budget-vs-actual", "ledger asset-add",
                  "ledger budget-plan show", "ledger budget-plan create",
                  "ledger budget-plan variance", "ledger ratio-test start",
                  "ledger ratio-test agree", "ledger ratio-test list"}
#: (caller, command) that answer for any project the caller is cleared for by design, member
#: or not: the business side reads every project's qualification attempts and workforce
#: reports, and raises purchase requests and orders charged to any project (procurement is
#: no member of the projects it buys for).
#: Each still answers as missing for a project classified above the caller (see
#: test_above_clearance_the_business_commands_answer_as_missing)
DESIGNED = {("pm", command) for command in (
    "workforce qualification results", "workforce output-ratio", "workforce throughput",
    "workforce procurement request-add", "workforce procurement order-add")}
_PROJECT_PARAMS = {"project", "project_id", "production_project"}
_PACKAGE_PARAMS = {"package_id"}
#: the non-members who run every command
CALLERS = ("pm", "ann1")


def _commands() -> Iterator[tuple[str, Any]]:
    """(``"workforce golden add"``, its click command) for every command of the app."""

    def walk(cmd: Any, path: list[str]) -> Iterator[tuple[str, Any]]:
        subs = getattr(cmd, "commands", None)
        if subs is None:
            yield " ".join(path), cmd
            return
        for name, sub in subs.items():
            yield from walk(sub, [*path, name])

    yield from walk(typer.main.get_command(cli_app), [])


def test_every_command_naming_a_project_or_package_is_probed() -> None:
    """The tables hold every command with ``--as`` and a project or package parameter."""
    names: dict[str, set[str]] = {"project": set(), "package": set()}
    for path, cmd in _commands():
        params = {p.name for p in cmd.params}
        if not any("--as" in p.opts for p in cmd.params):
            continue
        if params & _PROJECT_PARAMS:
            names["project"].add(path)
        if params & _PACKAGE_PARAMS:
            names["package"].add(path)
    assert names["project"] - LEDGER_PROJECT == set(PROJECT_COMMANDS)
    assert names["package"] == set(PACKAGE_COMMANDS)


def _files(tmp: Path) -> None:
    (tmp / "media").mkdir()
    (tmp / "speakers.json").write_text('[{"code": "S1", "name": "one"}]', encoding="utf-8")
    (tmp / "labels.csv").write_text("label,item\ngood,u1\n", encoding="utf-8")
    (tmp / "golden.json").write_text('{"u1": "hi"}', encoding="utf-8")
    (tmp / "consent.txt").write_text("I agree.\n", encoding="utf-8")
    (tmp / "prompts.txt").write_text("say hello\n", encoding="utf-8")


@pytest.fixture
def world(runtime: Runtime, users: dict[str, User], tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A project ``elsewhere`` nobody but the admin is in, with an item and a package; a
    qualified vendor with a worker; the CLI on ``runtime``."""
    monkeypatch.setattr(_common, "_runtime", [runtime])
    _files(tmp_path)
    with runtime.session() as s:
        admin = users["admin"]
        vendor = create_vendor(s, admin, name="acme", kind="studio", fee_rate="0.1",
                               agreement_no="FA-1")
        set_vendor_qualified(s, admin, vendor.id, True, "assessed")
        wkr = create_user(s, "wkr", "password1", "annotator")
        worker = register_worker(s, admin, wkr, vendor_id=vendor.id, languages=["en-US"])
        staff = register_worker(s, admin, create_user(s, "staff", "password1", "annotator"))
        pid = create_project(s, SPEC, actor_id=admin.id).id
        s.add(Item(project_id=pid, external_id="u1", sha256="0" * 64, filename="u1.wav",
                   size_bytes=1, status="ready", owner="customer"))
        package = WorkPackage(project_id=pid, stage="annotate", name="p1")
        s.add(package)
        s.flush()
        return {"project": str(pid), "name": str(SPEC["name"]), "pkg": str(package.id),
                "vendor": str(vendor.id), "worker": str(worker.id), "staff": str(staff.id),
                "tmp": str(tmp_path)}


def _answer(command: str, args: list[str], fill: dict[str, str], caller: str) -> tuple[int, Any]:
    """Exit code and ``--json`` error code (or the result's kind) of one run."""
    argv = [*command.split(), *(a.format(**fill) for a in args), "--as", caller, "--json"]
    r = CliRunner().invoke(cli_app, argv)
    try:
        got = json.loads(r.stdout)
    except ValueError:
        return r.exit_code, r.stdout[-200:]
    if isinstance(got, dict) and isinstance(got.get("error"), dict):
        return r.exit_code, got["error"].get("code")
    return r.exit_code, "ok"


def _by_name() -> set[str]:
    """The commands whose project parameter takes a name as well as an id."""
    def text(param: Any) -> bool:
        kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
        return kind is str or str in get_args(kind)

    return {path for path, cmd in _commands() for p in cmd.params
            if p.name in _PROJECT_PARAMS and text(p)}


def _leaks(w: dict[str, str], table: dict[str, list[str]], key: str,
           refs: list[tuple[str, str]]) -> list[tuple[str, str, str, Any, Any]]:
    """(caller, command, ref, answer, missing answer) wherever the two differ."""
    out = []
    by_name = _by_name()
    for caller in CALLERS:
        for command, args in table.items():
            if (caller, command) in DESIGNED:
                continue
            for foreign, missing in refs if command in by_name else refs[:1]:
                seen = _answer(command, args, {**w, key: foreign}, caller)
                unseen = _answer(command, args, {**w, key: missing}, caller)
                if seen != unseen:
                    out.append((caller, command, foreign, seen, unseen))
    return out


def test_a_project_one_may_not_see_answers_as_a_missing_one_on_every_command(
    world: dict[str, str],
) -> None:
    """By id and by name: the same exit code and error code as a project never created."""
    refs = [(world["project"], str(MISSING)), (world["name"], "nowhere")]
    assert _leaks(world, PROJECT_COMMANDS, "p", refs) == []


def test_a_package_of_a_project_one_may_not_see_answers_as_a_missing_one(
    world: dict[str, str],
) -> None:
    assert _leaks(world, PACKAGE_COMMANDS, "pkg", [(world["pkg"], str(MISSING))]) == []


def test_a_member_short_of_the_permission_still_hears_forbidden(
    runtime: Runtime, users: dict[str, User], world: dict[str, str],
) -> None:
    """Seeing the project, an annotator asked to classify it or manage its golden set is
    refused as before (exit 6 ``forbidden``)."""
    with runtime.session() as s:
        add_member(s, int(world["project"]), users["ann1"], None)
    for command in ("security classify", "workforce golden list", "collect quotas"):
        got = _answer(command, PROJECT_COMMANDS[command], {**world, "p": world["project"]},
                      "ann1")
        assert got == (6, "forbidden"), command


def test_above_clearance_the_business_commands_answer_as_missing(
    runtime: Runtime, users: dict[str, User], world: dict[str, str],
) -> None:
    """The commands a project manager may run on any project (:data:`DESIGNED`) answer as for a
    missing project where the project is classified above them, member or not."""
    with runtime.session() as s:
        add_member(s, int(world["project"]), users["pm"], None)
        set_classification(s, users["admin"], int(world["project"]), "secret")
    by_name = _by_name()
    leaks = []
    for caller, command in sorted(DESIGNED):
        refs = [(world["project"], str(MISSING)), (world["name"], "nowhere")]
        for foreign, missing in refs if command in by_name else refs[:1]:
            args = PROJECT_COMMANDS[command]
            seen = _answer(command, args, {**world, "p": foreign}, caller)
            unseen = _answer(command, args, {**world, "p": missing}, caller)
            if seen != unseen:
                leaks.append((command, foreign, seen, unseen))
    assert leaks == []
