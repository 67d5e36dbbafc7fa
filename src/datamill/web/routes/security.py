"""The data-security page: every project's classification, export state, surveying flag and
consent flags, and the forms the security office and project managers use to change them.

The forms mirror ``/api/v1/security``: classify a project, set a person's clearance, flag a
project's export and record its risk assessment, add or remove an export rule, require the
surveying qualification and grant or revoke one, record or withdraw a subject's consent,
classify one item above its project (``security classify-item``) and, for the office, encrypt the
blobs stored before a master key was set (``security encrypt-existing``). Each
posts with the page's CSRF token; the compliance services decide who may (``authorize()``:
roles, membership, clearance) and audit every change. Master-key rotation stays on the command
line (``datamill security rotate-master-key``): the key files live on the server; the page shows
the data keys' state.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance import access, classification, consent, export, item_sensitivity, surveying
from datamill.compliance.at_rest import encrypt_existing
from datamill.compliance.classification import LEVELS
from datamill.compliance.keystore import key_status, master_key_from_settings
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.compliance.security_status import project_security
from datamill.compliance.users import active_users, get_user
from datamill.core.errors import DatamillError, Forbidden, InvalidInput
from datamill.http_deps import RuntimeDep, SessionDep
from datamill.production.projects import list_projects
from datamill.web.routes._common import (
    FormFlag,
    HtmlRoute,
    SignedIn,
    WebUser,
    error_in_page_language,
    render,
    require_csrf,
)

__all__ = ["router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)
FormId = Annotated[int, Form(ge=1, le=2**63 - 1)]
Csrf = Annotated[str, Form()]
_KINDS = ("self_assessment", "security_assessment")


def _require_page(user: User) -> None:
    """The security office (admins, data-security officers, auditors) and the people who manage
    projects (for their own projects' settings)."""
    if not (allowed(user.role, Action.VIEW_AUDIT) or allowed(user.role, Action.MANAGE_PROJECT)):
        raise Forbidden(f"role {user.role!r} may not view the data-security page")


def _keys(session: Session, runtime: Any) -> dict[str, Any]:
    try:
        configured = master_key_from_settings(runtime.settings) is not None
        problem = ""
    except DatamillError as exc:  # a misconfigured key file: say so, do not fail the page
        configured, problem = False, exc.message
    return {"configured": configured, "problem": problem, "keys": key_status(session)}


def _page(request: Request, session: Session, runtime: Any, me: SignedIn, *,
          status_code: int = 200, error: str | None = None, ok: str | None = None,
          summary: dict[str, Any] | None = None,
          erasure: dict[str, Any] | None = None) -> Response:
    _require_page(me.user)
    projects = list_projects(session, access.member_project_ids(session, me.user))
    rows = [{"name": p.name, **project_security(session, p.id)} for p in projects]
    office = allowed(me.user.role, Action.MANAGE_DATA_SECURITY)
    people = active_users(session) if office else []
    return render(
        request, "security.html", me, status_code=status_code, rows=rows, error=error, ok=ok,
        levels=LEVELS, kinds=_KINDS, office=office, people=people,
        clearances={u.id: classification.user_clearance(session, u.id) for u in people},
        manages=allowed(me.user.role, Action.MANAGE_PROJECT),
        rules=export.list_export_rules(session)["rules"] if office else [],
        qualifications=surveying.list_qualifications(session) if office else [],
        names={u.id: u.username for u in people},
        keys=_keys(session, runtime) if office else None,
        items=item_sensitivity.classified_items(session, [p.id for p in projects]),
        project_names={p.id: p.name for p in projects},
        admin=office, summary=summary,  # encrypting existing blobs is the office's too
        erasure=erasure,
    )


@router.get("/security", response_class=HTMLResponse)
def security_page(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                  ok: str | None = None, deleted: int | None = None, kept: int | None = None,
                  redelivered: Annotated[str, Query(max_length=400,
                                                    pattern=r"^[0-9,]*$")] = "") -> Response:
    """The page; after an erasure (``ok=erased``) what it did: files deleted, kept, and the
    deliveries written again without the subject."""
    erasure = ({"deleted": deleted, "kept": kept or 0,
                "redelivered": ", ".join(d for d in redelivered.split(",") if d)}
               if ok == "erased" and deleted is not None else None)
    return _page(request, session, runtime, me, ok=ok if ok in _OK else None, erasure=erasure)


_OK = ("classified", "clearance", "export", "assessed", "rule", "rule_removed", "surveying",
       "granted", "revoked", "consent", "withdrawn", "item_classified", "released",
       "erased")


def _act(request: Request, session: Session, runtime: Any, me: SignedIn, csrf: str,
         change: Callable[[], Any], ok: str, *texts: str) -> Response:
    """Check the CSRF token, make the change through the service (which authorizes and
    audits), then show the page again: with the reason and its status when refused."""
    require_csrf(request, me, csrf)
    _require_page(me.user)
    try:
        if any("\x00" in t for t in texts):
            raise InvalidInput("text must not contain NUL characters")
        change()
    except DatamillError as exc:
        session.rollback()
        return _page(request, session, runtime, me, status_code=exc.status,
                     error=error_in_page_language(request, exc))
    return RedirectResponse(f"/security?ok={ok}", status_code=303)


@router.post("/security/classification")
def classify_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                  project_id: FormId, level: Annotated[str, Form(max_length=16)],
                  csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: classification.set_classification(
        session, me.user, project_id, level), "classified")


@router.post("/security/clearance")
def clearance_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                   username: Annotated[str, Form(max_length=150)],
                   level: Annotated[str, Form(max_length=16)], csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: classification.set_clearance(
        session, me.user, get_user(session, username).id, level), "clearance", username)


@router.post("/security/export")
def export_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                project_id: FormId, cross_border: FormFlag = False,
                destination: Annotated[str, Form(max_length=2)] = "",
                csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: export.set_export(
        session, me.user, project_id, cross_border=cross_border,
        destination=destination.strip() or None), "export", destination)


@router.post("/security/assessment")
def assessment_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                    project_id: FormId, conclusion: Annotated[str, Form(max_length=16)],
                    kind: Annotated[str, Form(max_length=32)] = "self_assessment",
                    notes: Annotated[str, Form(max_length=10_000)] = "",
                    csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: export.record_assessment(
        session, me.user, project_id, conclusion=conclusion, notes=notes, kind=kind), "assessed",
        notes)


@router.post("/security/personal-data-release")
def release_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                 batch_id: FormId, reason: Annotated[str, Form(max_length=2000)] = "",
                 csrf_token: Csrf = "") -> Response:
    """Let a batch of a project never desensitized be delivered with its personal data (the
    office, with a reason; audited)."""
    from datamill.production.delivery_personal_data import release_personal_data

    return _act(request, session, runtime, me, csrf_token, lambda: release_personal_data(
        session, me.user, batch_id, reason), "released", reason)


@router.post("/security/subject-erasure")
def erase_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
               project_id: FormId, subject_id: Annotated[str, Form(max_length=100)],
               confirm: FormFlag = False, csrf_token: Csrf = "") -> Response:
    """Delete a withdrawn subject's recordings and masked copies (the office; certificates)."""
    from datamill.catalog.erasure import erase_subject

    done: list[dict[str, Any]] = []

    def erase() -> Any:
        if not confirm:
            raise InvalidInput("tick the box to confirm: erased recordings cannot be restored",
                               field="confirm", reason_code="erase_confirm")
        done.append(erase_subject(session, runtime.blobs, me.user, project_id, subject_id))
        return done[0]

    resp = _act(request, session, runtime, me, csrf_token, erase, "erased", subject_id)
    if done and resp.status_code == 303:  # the page says what the erasure did
        r = done[0]
        resp.headers["location"] = "/security?" + urlencode({
            "ok": "erased", "deleted": len(r["deleted"]), "kept": len(r["kept"]),
            "redelivered": ",".join(str(d) for d in r["redelivered"])})
    return resp


@router.post("/security/rules")
def rule_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
              country: Annotated[str, Form(max_length=2)],
              requirement: Annotated[str, Form(max_length=32)] = "self_assessment",
              note: Annotated[str, Form(max_length=2000)] = "", csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: export.add_export_rule(
        session, me.user, country, requirement=requirement, note=note), "rule", country, note)


@router.post("/security/rules/{country}/remove")
def rule_remove_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                     country: Annotated[str, Path(max_length=2)],
                     csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: export.remove_export_rule(
        session, me.user, country), "rule_removed")


@router.post("/security/surveying")
def surveying_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                   project_id: FormId, required: FormFlag = False,
                   csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: surveying.set_surveying_required(
        session, me.user, project_id, required), "surveying")


@router.post("/security/qualifications")
def grant_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
               username: Annotated[str, Form(max_length=150)],
               grade: Annotated[str, Form(max_length=1)] = "B",
               certificate_no: Annotated[str, Form(max_length=64)] = "",
               valid_until: Annotated[date | None, Form()] = None,
               csrf_token: Csrf = "") -> Response:
    until = datetime.combine(valid_until, time.max, tzinfo=UTC) if valid_until else None
    return _act(request, session, runtime, me, csrf_token, lambda: surveying.grant_qualification(
        session, me.user, user_id=get_user(session, username).id, grade=grade,
        certificate_no=certificate_no, valid_until=until), "granted", username, certificate_no)


@router.post("/security/qualifications/{qualification_id}/revoke")
def revoke_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                qualification_id: int,
                csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: surveying.revoke_qualification(
        session, me.user, qualification_id), "revoked")


@router.post("/security/consent")
def consent_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                 project_id: FormId, subject_id: Annotated[str, Form(max_length=100)],
                 scope: Annotated[str, Form(max_length=64)] = "collection",
                 csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: consent.record_consent(
        session, me.user, project_id, subject_id, scope=scope), "consent", subject_id, scope)


@router.post("/security/consent/withdraw")
def withdraw_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                  project_id: FormId, subject_id: Annotated[str, Form(max_length=100)],
                  scope: Annotated[str, Form(max_length=64)] = "",
                  csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: consent.withdraw_consent(
        session, me.user, project_id, subject_id, scope=scope.strip() or None), "withdrawn",
        subject_id, scope)


@router.post("/security/items")
def classify_item_form(request: Request, session: SessionDep, runtime: RuntimeDep, me: WebUser,
                       item_id: FormId, level: Annotated[str, Form(max_length=16)],
                       csrf_token: Csrf = "") -> Response:
    return _act(request, session, runtime, me, csrf_token, lambda: item_sensitivity.set_item_level(
        session, me.user, item_id, level), "item_classified")


@router.post("/security/encrypt-existing")
def encrypt_existing_form(request: Request, session: SessionDep, runtime: RuntimeDep,
                          me: WebUser, csrf_token: Csrf = "") -> Response:
    """Encrypt the plaintext blobs (admins; the service decides and audits), then show the page
    with the run's summary: encrypted, already encrypted, content not matching its name."""
    require_csrf(request, me, csrf_token)
    _require_page(me.user)
    try:
        result = encrypt_existing(session, runtime.blobs, actor=me.user)
    except DatamillError as exc:
        session.rollback()
        return _page(request, session, runtime, me, status_code=exc.status,
                     error=error_in_page_language(request, exc))
    return _page(request, session, runtime, me, ok="encrypted", summary=result)
