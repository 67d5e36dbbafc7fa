"""One item per content: a file whose bytes (sha256) an item of the project already has is a
copy, refused at import (:mod:`datamill.production.importing`) or, for files registered in
place (hashed by the check stage), set aside by the checks with the outcome ``same_bytes``.

Which copy is kept is decided the same way everywhere: the item whose bytes the project knew
first (already stored), else the first in import order (a folder's files sorted by name, a
manifest's rows in order). The reason names the kept item's id and file name. An item the
checks set aside (``rejected``) or a newer take superseded (``superseded``) keeps no place: a
copy of it is imported and checked afresh (a take whose check failed on the server's side may
be sent again as it was, and the take that replaces it supersedes it).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.modalities.base import CheckOutcome
from datamill.production._import_rows import printable
from datamill.production.models import Item
from datamill.production.projects import SUPERSEDED_STATUS

__all__ = ["KEEPS_NO_PLACE", "SAME_BYTES", "CopyIndex", "same_bytes_reason"]

#: the statuses of items whose bytes another item may have: set aside by the checks, or
#: superseded by a newer take
KEEPS_NO_PLACE = ("rejected", SUPERSEDED_STATUS)

#: the code of the refusal (import report) and the name of the check outcome (check report)
SAME_BYTES = "same_bytes"


def same_bytes_reason(digest: str, kept_id: str, kept_file: str) -> str:
    """Why a file is refused whose bytes (``digest``) item ``kept_id`` already has."""
    return (f"same bytes as item {kept_id!r} ({printable(kept_file, 200)}), which is kept: one"
            f" copy is imported, the one stored first, else the first in import order (sha256"
            f" {digest[:12]})")


class CopyIndex:
    """The check stage's view of a project's contents: which item keeps each sha256.

    Built from the items outside the check run that were not set aside, then the run's items
    whose bytes are known are settled in a stable order (those not set aside before first,
    then by id), so a recheck never swaps which copy is kept; the run's files hashed now
    (registered in place) are settled as their hashes arrive.
    """

    def __init__(self, session: Session, project_id: int, checking: Iterable[Item]) -> None:
        run = sorted(checking, key=lambda i: (i.status in KEEPS_NO_PLACE, i.id))
        ids = {i.id for i in run}
        self._kept: dict[str, tuple[int, str, str]] = {}
        for item_id, ext, name, sha in session.execute(
            select(Item.id, Item.external_id, Item.filename, Item.sha256)
            .where(Item.project_id == project_id, Item.sha256 != "",
                   Item.status.not_in(KEEPS_NO_PLACE)).order_by(Item.id)
        ):
            if item_id not in ids and sha not in self._kept:
                self._kept[sha] = (item_id, ext, name)
        self._settled: dict[int, CheckOutcome | None] = {}
        for item in run:
            if item.sha256:
                self._settled[item.id] = self._settle(item.id, item.external_id, item.filename,
                                                      item.sha256)

    def _settle(self, item_id: int, ext: str, name: str, digest: str) -> CheckOutcome | None:
        kept = self._kept.setdefault(digest, (item_id, ext, name))
        if kept[0] == item_id:
            return None
        return CheckOutcome(SAME_BYTES, False, None, same_bytes_reason(digest, kept[1], kept[2]),
                            {"kept": kept[1]})

    def outcomes(self, item: Item) -> list[CheckOutcome]:
        """``same_bytes`` failed when another item keeps ``item``'s bytes; else nothing."""
        if item.id not in self._settled:
            if not item.sha256:
                return []
            self._settled[item.id] = self._settle(item.id, item.external_id, item.filename,
                                                  item.sha256)
        found = self._settled[item.id]
        return [found] if found is not None else []
