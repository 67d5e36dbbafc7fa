"""Ledger projects: one per performance order (1:1), type fixed at creation, own accounts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.core.errors import Conflict, InvalidInput
from datamill.db.lookup import get_or_raise, lock_or_raise
from datamill.ledger.models import LedgerProject
from datamill.ledger.orders import check_unit_fits_modality, order_row
from datamill.ledger.schemas import ProjectOut
from datamill.production.models import Project

__all__ = [
    "change_project_type",
    "get_ledger_project",
    "ledger_project_id_for",
    "ledger_project_row",
    "list_ledger_projects",
    "open_ledger_project",
]


def open_ledger_project(
    session: Session, production_project_id: int, *, order_id: int | None = None,
    is_major: bool = False, actor_id: int | None = None,
) -> ProjectOut:
    """Open the accounts of a production project, matched to its order.

    The type is copied from the production project (fixed by its spec). Custom and
    processing-only projects need a custom-service order; product development has none.
    """
    prod = get_or_raise(session, Project, production_project_id, "production project",
                        project_id=production_project_id)
    existing = session.scalars(
        select(LedgerProject).where(LedgerProject.production_project_id == production_project_id)
    ).first()
    if existing is not None:
        raise Conflict(f"production project {prod.name!r} already has ledger project "
                       f"{existing.id}", ledger_project_id=existing.id,
                       reason_code="ledger_project_exists", prod_name=str(prod.name))
    if prod.project_type == "product_development":
        if order_id is not None:
            raise InvalidInput(
                f"project {prod.name!r} is product development (R&D expense): it has no "
                "performance order; licence orders are recognised with recognise_licence",
                field="order_id",
                reason_code="rnd_project_no_order", prod_name=str(prod.name))
    else:
        if order_id is None:
            raise InvalidInput(f"project {prod.name!r} is {prod.project_type}: give the "
                               "performance order it fulfils", field="order_id",
                               reason_code="project_order_missing", prod_name=str(prod.name),
                               project_type=str(prod.project_type))
        order = order_row(session, order_id)
        if order.offering != "custom":
            raise InvalidInput(f"order {order.number} is a {order.offering} order; a "
                               f"{prod.project_type} project fulfils a custom order",
                               field="order_id",
                               reason_code="order_offering_mismatch", number=str(order.number),
                               offering=str(order.offering), project_type=str(prod.project_type))
        check_unit_fits_modality(order.number, order.volume_unit, prod.modality, prod.name)
        taken = session.scalars(
            select(LedgerProject).where(LedgerProject.order_id == order_id)
        ).first()
        if taken is not None:
            raise Conflict(f"order {order.number} already has project {taken.id}; one "
                           "performance order → exactly one project", order_id=order_id,
                           reason_code="order_has_project", number=str(order.number),
                           taken_id=taken.id)
    row = LedgerProject(production_project_id=production_project_id, order_id=order_id,
                        project_type=prod.project_type, is_major=is_major)
    session.add(row)
    session.flush()
    record_audit(session, actor_id=actor_id, action="ledger.project.opened",
                 object_type="ledger_project", object_id=row.id, project_id=prod.id,
                 data={"order_id": order_id, "project_type": row.project_type})
    return ProjectOut.model_validate(row)


def ledger_project_row(session: Session, project_id: int, *, lock: bool = False) -> LedgerProject:
    """The ledger project, or NotFound; ``lock``: locked until the transaction ends and read
    afresh (a posting checked against the budget: two at once read each other's spend)."""
    if lock:
        session.flush()  # read afresh below: nothing of this transaction's is lost
    fetch = lock_or_raise if lock else get_or_raise
    row = fetch(session, LedgerProject, project_id, "ledger project", project_id=project_id)
    return row


def get_ledger_project(session: Session, project_id: int) -> ProjectOut:
    return ProjectOut.model_validate(ledger_project_row(session, project_id))


def list_ledger_projects(session: Session) -> list[ProjectOut]:
    rows = session.scalars(select(LedgerProject).order_by(LedgerProject.id))
    return [ProjectOut.model_validate(r) for r in rows]


def change_project_type(session: Session, project_id: int, new_type: str) -> ProjectOut:
    """Always refused for a different type: the type is chosen once, at set-up (§6.2)."""
    row = ledger_project_row(session, project_id)
    if new_type != row.project_type:
        raise Conflict(
            f"project {project_id} is {row.project_type}; a project's type is fixed at "
            f"creation and cannot become {new_type}. Open a separate project instead",
            project_id=project_id,
            reason_code="project_type_fixed", project_type=str(row.project_type),
            new_type=str(new_type))
    return ProjectOut.model_validate(row)


def ledger_project_id_for(session: Session, production_project_id: int) -> int | None:
    """The id of a production project's ledger accounts (None when not opened yet)."""
    lp = session.scalar(select(LedgerProject.id).where(
        LedgerProject.production_project_id == production_project_id))
    return int(lp) if lp is not None else None
