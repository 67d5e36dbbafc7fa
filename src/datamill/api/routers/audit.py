"""``/audit``: verify the audit trail and write a signed checkpoint (verify: admins, auditors, data-security officers; sign: admins and data-security officers)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from datamill.api.deps import Require, RuntimeDep, SessionDep
from datamill.compliance.audit import verify_audit, write_checkpoint
from datamill.compliance.models import User
from datamill.compliance.roles import Action

__all__ = ["router"]

router = APIRouter(prefix="/audit", tags=["audit"])
Auditor = Annotated[User, Depends(Require(Action.VIEW_AUDIT))]
Signer = Annotated[User, Depends(Require(Action.SIGN_AUDIT))]


@router.get("/verify")
def verify_endpoint(session: SessionDep, runtime: RuntimeDep, user: Auditor) -> dict[str, Any]:
    """Check the chain, each record's HMAC and the signed checkpoints. ``ok`` is false, and
    ``problems`` lists what was found, when rows were edited, re-hashed or deleted."""
    return verify_audit(session, runtime.settings).to_dict()


@router.post("/checkpoint")
def checkpoint_endpoint(session: SessionDep, runtime: RuntimeDep, user: Signer) -> dict[str, Any]:
    """Sign the current head of the chain (record id, count, hash), so that deleting any record
    up to it is detected."""
    cp = write_checkpoint(session, runtime.settings)
    if cp is None:
        return {"record_id": None, "record_count": 0}
    return {"record_id": cp.record_id, "record_count": cp.record_count, "at": cp.at}
