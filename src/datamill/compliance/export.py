"""Cross-border data export (数据出境): a per-project export flag, assessments, a delivery guard.

A project flagged ``cross_border`` with a destination that the rules list (Settings
``export_assessment_countries`` plus the ``export_rules`` table; ``*`` lists every destination)
may not be delivered until the latest export assessment recorded for its current destination
concludes ``approved`` (an approval of an earlier destination covers none of the new one).
Production's delivery calls :func:`check_delivery_allowed` before it writes anything, and
a delivery to a customer registered abroad (the project's order's customer) needs the same
approved assessment of that country whether the project is flagged or not
(:func:`delivery_guard`), as a catalog licence to one does.
"""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.permissions import Scope, check, role_scope
from datamill.compliance.roles import Action, Role
from datamill.compliance.security_models import ExportAssessment, ExportRule, ExportSetting
from datamill.compliance.users import require
from datamill.config import Settings
from datamill.core.clock import utcnow
from datamill.core.errors import Forbidden, InvalidInput, NotFound
from datamill.core.storable import check_note
from datamill.db.base import Base
from datamill.db.lookup import get_or_raise

__all__ = [
    "CONCLUSIONS",
    "RULE_READERS",
    "ExportNotAssessed",
    "add_export_rule",
    "assessment_required",
    "check_delivery_allowed",
    "check_transfer_allowed",
    "customer_abroad",
    "delivery_guard",
    "export_flag_owners",
    "export_rule_readers",
    "export_status",
    "list_export_rules",
    "read_export_rules",
    "record_assessment",
    "remove_export_rule",
    "required_kind",
    "set_export",
]

CONCLUSIONS = ("approved", "rejected")
KINDS = ("self_assessment", "security_assessment")


class ExportNotAssessed(Forbidden):
    """A cross-border delivery without an approved export assessment (code ``forbidden``,
    ``reason`` ``export_not_assessed``)."""


def _country(value: str) -> str:
    code = value.strip().upper()
    if code != "*" and (len(code) != 2 or not code.isalpha() or not code.isascii()):
        raise InvalidInput(f"{value!r} is not an ISO alpha-2 country code (or '*')",
                           field="country", value=value, reason_code="country_code")
    return code


def _settings(session: Session) -> Settings:
    settings = session.info.get("datamill.settings")
    return settings if isinstance(settings, Settings) else Settings()


def _project(session: Session, project_id: int) -> None:
    from datamill.production.models import Project

    get_or_raise(session, Project, project_id, "project", project_id=project_id)


def export_flag_owners() -> list[str]:
    """The roles that own the export flag (``manage_data_security``: the data-security office)."""
    return [r.value for r in Role if role_scope(r, Action.MANAGE_DATA_SECURITY) is not Scope.NONE]


def _require_tightening(actor: User, row: ExportSetting | None, cross_border: bool,
                        dest: str | None, project_id: int) -> None:
    """Outside the data-security office, a flag change may only tighten: flag a domestic
    project as cross-border (or repeat the flag as it stands), which adds a guard and lifts
    none. Lifting or redirecting a cross-border flag is the office's."""
    if row is None or not row.cross_border:
        return
    if cross_border and row.destination == dest:
        return
    change = ("switch it to domestic" if not cross_border
              else f"change its destination from {row.destination} to {dest}")
    raise Forbidden(
        f"project {project_id} is flagged cross-border ({row.destination}): only "
        f"{', '.join(export_flag_owners())} may {change}; {actor.username!r} (role "
        f"{actor.role!r}) may only flag a domestic project as cross-border",
        project_id=project_id, reason="export_flag_owner",
    )


def set_export(
    session: Session, actor: User, project_id: int, *, cross_border: bool,
    destination: str | None = None,
) -> dict[str, Any]:
    """Flag a project's deliveries as leaving the country (``destination``: the customer's).

    The data-security office (``manage_data_security``) sets, changes and lifts the flag; the
    project's managers (``manage_project``) may only flag a domestic project as cross-border:
    lifting the flag or changing its destination would let a delivery abroad skip the export
    assessment (:func:`_require_tightening`). Every change is audited with what it replaced.
    """
    _project(session, project_id)
    office = check(session, actor, Action.MANAGE_DATA_SECURITY) is None
    if not office:
        require(session, actor, Action.MANAGE_PROJECT, project_id)
    dest = _country(destination) if destination else None
    if dest == "*":
        raise InvalidInput("a destination must be one country", field="destination",
                           reason_code="destination_one_country")
    if cross_border and dest is None:
        raise InvalidInput("a cross-border project needs its destination country",
                           field="destination", reason_code="destination_missing")
    row = session.get(ExportSetting, project_id)
    if not office:
        _require_tightening(actor, row, cross_border, dest, project_id)
    before = ({"cross_border": row.cross_border, "destination": row.destination}
              if row is not None else None)
    if row is None:
        row = ExportSetting(project_id=project_id)
        session.add(row)
    row.cross_border, row.destination = cross_border, dest
    row.set_by, row.set_at = actor.id, utcnow()
    session.flush()
    record_audit(session, actor_id=actor.id, action="security.export_flag_set",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"cross_border": cross_border, "destination": dest, "before": before})
    return export_status(session, project_id)


def _rule_countries(session: Session) -> set[str]:
    configured = {_country(c) for c in _settings(session).export_assessment_countries.split(",")
                  if c.strip()}
    return configured | set(session.scalars(select(ExportRule.country)).all())


def required_kind(session: Session, project_id: int) -> str | None:
    """The assessment a cross-border project's deliveries need: ``security_assessment`` when a
    rule for its destination (or ``*``) asks for one, ``self_assessment`` when a rule or the
    settings list it otherwise, None when nothing lists it."""
    row = session.get(ExportSetting, project_id)
    if row is None or not row.cross_border:
        return None
    return _required_for(session, row.destination or "")


def _required_for(session: Session, dest: str) -> str | None:
    """The assessment an export to ``dest`` needs (see :func:`required_kind`)."""
    wanted = {r.requirement for r in session.scalars(select(ExportRule).where(
        ExportRule.country.in_(("*", dest))))}
    if "security_assessment" in wanted:
        return "security_assessment"
    if wanted or {"*", dest} & _rule_countries(session):
        return "self_assessment"
    return None


def assessment_required(session: Session, project_id: int) -> bool:
    return required_kind(session, project_id) is not None


def _refusal(session: Session, project_id: int) -> str | None:
    """Why the project may not be delivered now (None: it may): the latest assessment of its
    current destination must be approved (a later rejection withdraws an approval; one of an
    earlier destination covers none of this one's deliveries), and where the rules ask for a
    security assessment, the latest security assessment of that destination must be an
    approved one."""
    need = required_kind(session, project_id)
    if need is None:
        return None
    row = session.get(ExportSetting, project_id)
    return _refusal_to(session, project_id, row.destination if row is not None else None, need)


def _refusal_to(session: Session, project_id: int, dest: str | None, need: str) -> str | None:
    """Why the project's data may not go to ``dest`` now, which needs a ``need`` assessment."""
    latest = _latest(session, project_id, destination=dest)
    if latest is None or latest.conclusion != "approved":
        if latest is not None:
            state = f"the latest for {dest} is {latest.conclusion!r}"
        else:
            other = _latest(session, project_id)
            state = (f"none is recorded for {dest}" if other is None else
                     f"none is recorded for {dest} (the latest assessed "
                     f"{other.destination or 'no destination'}: a changed destination needs a "
                     "new assessment)")
        return f"delivery needs an approved export assessment of destination {dest}, and {state}"
    if need == "security_assessment":
        sec = _latest(session, project_id, kind="security_assessment", destination=dest)
        if sec is None or sec.conclusion != "approved":
            state = (f"only a self-assessment is recorded for {dest}" if sec is None
                     else f"the latest one for {dest} is {sec.conclusion!r}")
            return f"its destination's rule asks for an approved security assessment, and {state}"
    return None


_ANY: Final = object()


def _latest(session: Session, project_id: int, kind: str | None = None,
            destination: str | object | None = _ANY) -> ExportAssessment | None:
    q = select(ExportAssessment).where(ExportAssessment.project_id == project_id)
    if kind is not None:
        q = q.where(ExportAssessment.kind == kind)
    if destination is not _ANY:
        q = q.where(ExportAssessment.destination == destination if isinstance(destination, str)
                    else ExportAssessment.destination.is_(None))
    return session.scalars(q.order_by(ExportAssessment.id.desc()).limit(1)).first()


def record_assessment(
    session: Session, actor: User, project_id: int, *, conclusion: str, notes: str = "",
    kind: str = "self_assessment",
) -> dict[str, Any]:
    """Record an export risk assessment (the data-security office: admins, data-security
    officers) of the project's current destination: it covers deliveries there only, so a
    change of destination needs a new one (None while the project is domestic)."""
    if conclusion not in CONCLUSIONS:
        raise InvalidInput(f"conclusion must be one of {', '.join(CONCLUSIONS)}",
                           field="conclusion", value=conclusion, allowed=list(CONCLUSIONS),
                           reason_code="assessment_conclusion")
    if kind not in KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(KINDS)}", field="kind",
                           value=kind, allowed=list(KINDS), reason_code="assessment_kind")
    _project(session, project_id)
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    # auditors read it beside the conclusion: no control or text-direction character (h6)
    check_note(notes, "notes", most=10_000)
    setting = session.get(ExportSetting, project_id)
    dest = setting.destination if setting is not None and setting.cross_border else None
    row = ExportAssessment(project_id=project_id, kind=kind, conclusion=conclusion,
                           notes=notes, assessed_by=actor.id, destination=dest)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="security.export_assessed",
                 object_type="export_assessment", object_id=row.id, project_id=project_id,
                 data={"conclusion": conclusion, "kind": kind, "destination": dest})
    return _assessment_dict(row)


def _assessment_dict(row: ExportAssessment) -> dict[str, Any]:
    return {"id": row.id, "project_id": row.project_id, "kind": row.kind,
            "conclusion": row.conclusion, "notes": row.notes, "assessed_by": row.assessed_by,
            "assessed_at": row.assessed_at, "destination": row.destination}


def export_status(session: Session, project_id: int) -> dict[str, Any]:
    _project(session, project_id)
    row = session.get(ExportSetting, project_id)
    latest = _latest(session, project_id)
    need = required_kind(session, project_id)
    return {
        "project_id": project_id,
        "cross_border": bool(row and row.cross_border),
        "destination": row.destination if row else None,
        "assessment_required": need is not None,
        "assessment_kind": need,
        "latest_assessment": _assessment_dict(latest) if latest else None,
        "delivery_allowed": _refusal(session, project_id) is None,
    }


def _project_name(session: Session, project_id: int) -> str:
    """The project's name for a refusal ("project 5" told a person nothing); production's table
    is read through the shared metadata (compliance imports no domain), else its id."""
    table = Base.metadata.tables.get("projects")
    name = None if table is None else session.scalar(
        select(table.c.name).where(table.c.id == project_id))
    return repr(name) if name else str(project_id)


def check_delivery_allowed(session: Session, project_id: int) -> None:
    """Raise :class:`ExportNotAssessed` while a cross-border project lacks an approved
    assessment (the latest one counts: a later rejection withdraws an approval) or, where its
    destination's rule asks for a security assessment, an approved security assessment."""
    state = _refusal(session, project_id)
    if state is not None:
        dest = session.get(ExportSetting, project_id)
        raise ExportNotAssessed(
            f"project {_project_name(session, project_id)} exports data abroad "
            f"({dest.destination if dest else '?'}): {state}",
            project_id=project_id, project=_project_name(session, project_id), destination=dest.destination if dest else "?",
            reason="export_not_assessed", reason_code="export_not_assessed",
        )


def check_transfer_allowed(session: Session, project_id: int, destination: str) -> None:
    """The delivery guard for a transfer of the project's data to ``destination`` (ISO alpha-2)
    other than the project's own deliveries (a catalog licence sold abroad): where the rules
    list that destination, the latest assessment of the project recorded for it must be
    approved (a security assessment where its rule asks for one), whatever the project's own
    export flag says. Raises :class:`ExportNotAssessed` (``reason`` ``export_not_assessed``)."""
    dest = _country(destination)
    need = _required_for(session, dest)
    state = None if need is None else _refusal_to(session, project_id, dest, need)
    if state is not None:
        raise ExportNotAssessed(
            f"project {_project_name(session, project_id)}'s data would go abroad ({dest}): "
            f"{state} (the data-security office flags the project cross-border to {dest} and "
            "records the assessment)",
            project_id=project_id, project=_project_name(session, project_id), destination=dest, reason="export_not_assessed",
            reason_code="export_not_assessed",
        )


def add_export_rule(session: Session, actor: User, country: str, *,
                    requirement: str = "self_assessment", note: str = "") -> dict[str, Any]:
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    code = _country(country)
    if requirement not in KINDS:
        raise InvalidInput(f"requirement must be one of {', '.join(KINDS)}", field="requirement",
                           value=requirement, allowed=list(KINDS), reason_code="assessment_kind")
    check_note(note, "note", most=2_000)
    row = session.get(ExportRule, code) or ExportRule(country=code)
    row.requirement, row.note = requirement, note
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="security.export_rule_set",
                 object_type="export_rule", data={"country": code, "requirement": requirement})
    return {"country": code, "requirement": requirement, "note": note}


def remove_export_rule(session: Session, actor: User, country: str) -> None:
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    row = session.get(ExportRule, _country(country))
    if row is None:
        raise NotFound(f"no export rule for {country!r}")
    session.delete(row)
    session.flush()
    record_audit(session, actor_id=actor.id, action="security.export_rule_removed",
                 object_type="export_rule", data={"country": row.country})


#: who reads the export rules: the office that manages them, auditors (``view_audit``) and
#: the people who deliver (``deliver``: project managers), whose deliveries the rules guard
RULE_READERS: Final = (Action.MANAGE_DATA_SECURITY, Action.VIEW_AUDIT, Action.DELIVER)


def export_rule_readers() -> list[str]:
    """The roles that may read the export rules (see :data:`RULE_READERS`)."""
    return [r.value for r in Role
            if any(role_scope(r, a) is not Scope.NONE for a in RULE_READERS)]


def read_export_rules(session: Session, actor: User) -> dict[str, Any]:
    """:func:`list_export_rules` for a person: the data-security office, auditors and project
    managers; never annotators, vendors' people or customers."""
    refusals = [check(session, actor, a) for a in RULE_READERS]
    if all(r is not None for r in refusals):
        first = refusals[0]
        if first is not None and first.reason != "role":
            raise Forbidden(first.message)
        raise Forbidden(f"role {actor.role!r} may not read the export rules; they are for "
                        f"{', '.join(export_rule_readers())}", reason="export_rule_reader")
    return list_export_rules(session)


def list_export_rules(session: Session) -> dict[str, Any]:
    rows = session.scalars(select(ExportRule).order_by(ExportRule.country)).all()
    return {
        "configured": _settings(session).export_assessment_countries,
        "rules": [{"country": r.country, "requirement": r.requirement, "note": r.note}
                  for r in rows],
    }


def customer_abroad(session: Session, project_id: int) -> str | None:
    """The registered country (ISO alpha-2) of the customer whose order the project serves
    (ledger project → order → contract → customer) when it is not the home country; None for
    a domestic customer or a project with no order. Read through the shared metadata
    (compliance imports no domain)."""
    from datamill.ledger.settings import LedgerSettings  # noqa: PLC0415 - a plain model

    tables = Base.metadata.tables
    names = ("ledger_projects", "ledger_orders", "ledger_contracts", "ledger_customers")
    if not all(n in tables for n in names):
        return None
    lp, order, contract, cust = (tables[n] for n in names)
    country = session.scalar(
        select(cust.c.country)
        .join(contract, contract.c.customer_id == cust.c.id)
        .join(order, order.c.contract_id == contract.c.id)
        .join(lp, lp.c.order_id == order.c.id)
        .where(lp.c.production_project_id == project_id))
    code = (country or "").strip().upper()
    return code if code and code != LedgerSettings().home_country.strip().upper() else None


def delivery_guard(session: Session, project_id: int) -> None:
    """The ``datamill.delivery_guards`` entry point: production calls it before every delivery.
    A delivery to a customer registered abroad is an export whatever the project's flag says
    (as a catalog licence to one is): the rules and assessments of that destination apply."""
    check_delivery_allowed(session, project_id)
    abroad = customer_abroad(session, project_id)
    if abroad is not None:
        check_transfer_allowed(session, project_id, abroad)
