"""Encrypting the blobs stored before a master key was configured.

:func:`encrypt_existing` walks the blob store and encrypts every plaintext blob in place under
the blob data key (``EncryptingBlobStore.encrypt_in_place``). It is idempotent (encrypted blobs
are skipped, after their data key id matched), resumable (each blob is replaced atomically, so
an interrupted run is simply run again) and reports progress through a callback. A wrong
master key fails on the wrapped data key before any blob is touched.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.errors import InvalidInput
from datamill.storage.blobstore import BlobStore
from datamill.storage.encrypted import EncryptingBlobStore

__all__ = ["encrypt_existing"]

Progress = Callable[[int, int], None]


def encrypt_existing(
    session: Session, blobs: BlobStore, *, actor: User, progress: Progress | None = None,
) -> dict[str, Any]:
    """Encrypt every plaintext blob (the data-security office: admins and data-security
    officers). Returns counts and the digests left plaintext because their content does not
    match their name (``mismatched``)."""
    require(session, actor, Action.MANAGE_DATA_SECURITY)
    if not isinstance(blobs, EncryptingBlobStore):
        raise InvalidInput("encryption at rest is off: set DATAMILL_MASTER_KEY_FILE first")
    key_id = blobs.load_key(session).key_id  # a wrong master key raises DecryptionError here
    digests = blobs.digests()
    counts = {"encrypted": 0, "already": 0, "mismatch": 0}
    mismatched: list[str] = []
    for i, digest in enumerate(digests, 1):
        outcome = blobs.encrypt_in_place(digest)
        counts[outcome] += 1
        if outcome == "mismatch":
            mismatched.append(digest)
        if progress is not None:
            progress(i, len(digests))
    result: dict[str, Any] = {
        "total": len(digests), "encrypted": counts["encrypted"],
        "already_encrypted": counts["already"], "mismatched": mismatched,
        "data_key_id": key_id,
    }
    record_audit(session, actor_id=actor.id, action="security.blobs_encrypted",
                 object_type="blob_store",
                 data={k: v for k, v in result.items() if k != "mismatched"}
                 | {"mismatched": len(mismatched)})
    return result
