"""Who hears where an item's file lies on the server: a refusal naming an in-place file's path
or URL (``in_place_moved``, ``in_place_changed``, ``in_place_too_large``) is said whole to those
who may manage projects (who put the file right) and, to anyone else, only that the file cannot
be read now (``in_place_unavailable``), the path and URL left out. One rule for the faces: the
API and the pages (:func:`datamill.http_deps.told_caller`) and the CLI acting ``--as`` someone
(h4 trial)."""

from __future__ import annotations

from datamill.compliance.permissions import Scope, role_scope
from datamill.compliance.roles import Action
from datamill.core.errors import DatamillError

__all__ = ["WHERE_FILES_LIE", "told_role"]

#: refusals whose wording names where an item's file lies on the server (a folder's path, a
#: bucket's URL)
WHERE_FILES_LIE = frozenset({"in_place_moved", "in_place_changed", "in_place_too_large"})


class _FileUnavailable(DatamillError):
    """What an annotator, a vendor or a customer hears of an in-place file that cannot be read:
    that it cannot, not where it lies (status and code stay the refusal's)."""


def told_role(role: str | None, error: DatamillError) -> DatamillError:
    """``error`` as a person of ``role`` may hear it (None: no one named, the operator at the
    server's own shell, who hears it whole)."""
    if error.code not in WHERE_FILES_LIE or role is None:
        return error
    if role_scope(role, Action.MANAGE_PROJECT) is not Scope.NONE:
        return error
    told = _FileUnavailable(
        "This item's file cannot be read at the moment: a project manager can see why and put "
        "it right.", reason_code="in_place_unavailable")
    told.code, told.status = error.code, error.status
    return told
