"""The IP wall: custom-delivered data belongs to the customer and never enters a catalog dataset.

Every production item has an owner: ``company`` (product development), ``customer`` (custom
service and processing-only: the data is the customer's once accepted). Third-party files carry
``third_party`` and enter only with recorded sub-licensing rights. An item is refused when

* ``project``: its project is not product development (the type is fixed at creation);
* ``owner``: its own ``owner`` column says anything but ``company``;
* ``content``: its bytes are those of an item of a customer-owned project (a re-import or
  re-export of the customer's file, whatever the project it now sits in);
* ``masked``: its bytes are a masked derivative (desensitization) of a customer item, or the
  original a customer item was masked from;
* ``lineage``: its ``meta`` declares an origin (``derived_from`` / ``origin_item_id`` /
  ``origin_sha256``: re-annotated, re-exported, copied) that is, transitively, customer data;
* ``annotation``: one of its annotations continues (``parent_id``) an annotation of another
  project's item that is customer data (labels copied over from a custom job).

:func:`wall_violations` returns every refusal with its reason; the release build refuses all of
them at once, naming the items.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from datamill.compliance.security_models import MaskedBlob
from datamill.core.errors import Conflict
from datamill.core.storable import digits
from datamill.production.models import Annotation, Item, Project

__all__ = ["CUSTOMER_TYPES", "ORIGIN_KEYS", "Violation", "customer_bytes", "item_owner",
           "refuse_violations", "wall_violations"]

#: project types whose data is the customer's
CUSTOMER_TYPES = ("custom_service", "processing_only")
#: ``Item.meta`` keys that declare where an item came from
ORIGIN_KEYS = ("derived_from", "origin_item_id", "origin_sha256")
_CHUNK = 500


@dataclass(frozen=True)
class Violation:
    item_id: int
    external_id: str
    rule: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"item_id": self.item_id, "external_id": self.external_id, "rule": self.rule,
                "reason": self.reason}


def item_owner(project_type: str) -> str:
    """The owner the project type gives its items."""
    return "customer" if project_type in CUSTOMER_TYPES else "company"


def _chunks(values: list[Any]) -> Iterable[list[Any]]:
    for i in range(0, len(values), _CHUNK):
        yield values[i:i + _CHUNK]


def _customer_item_filter() -> Any:
    return Project.project_type.in_(CUSTOMER_TYPES) | (Item.owner != "company")


def _customer_shas(session: Session, shas: set[str]) -> dict[str, str]:
    """sha256 → why it is customer data (an original, a masked derivative or its original)."""
    found: dict[str, str] = {}
    values = sorted(shas)
    for part in _chunks(values):
        for sha, pname, ext in session.execute(
                select(Item.sha256, Project.name, Item.external_id)
                .join(Project, Project.id == Item.project_id)
                .where(Item.sha256.in_(part), _customer_item_filter())):
            found.setdefault(sha, f"content:same bytes as customer item {ext!r} of project "
                                  f"{pname!r}")
        for masked, pname in session.execute(
                select(MaskedBlob.sha256_masked, Project.name)
                .join(Item, Item.id == MaskedBlob.item_id)
                .join(Project, Project.id == Item.project_id)
                .where(MaskedBlob.sha256_masked.in_(part), _customer_item_filter())):
            found.setdefault(masked, f"masked:a masked derivative of a customer item of project "
                                     f"{pname!r}")
        for original, pname in session.execute(
                select(MaskedBlob.sha256_original, Project.name)
                .join(Item, Item.id == MaskedBlob.item_id)
                .join(Project, Project.id == Item.project_id)
                .where(MaskedBlob.sha256_original.in_(part), _customer_item_filter())):
            found.setdefault(original, f"masked:the original of a masked customer item of "
                                       f"project {pname!r}")
    return found


def customer_bytes(session: Session, shas: set[str]) -> dict[str, str]:
    """Which of ``shas`` are customer data (an item of a customer project, a masked derivative
    of one or its original), with why: third-party files are checked with this too, so a
    customer's file registered as a "bought" dataset is refused as well."""
    return {sha: why.partition(":")[2] for sha, why in _customer_shas(session, shas).items()}


def _origins(meta: dict[str, Any] | None) -> tuple[list[int], list[str]]:
    ids: list[int] = []
    shas: list[str] = []
    for key in ORIGIN_KEYS:
        raw = (meta or {}).get(key)
        for v in raw if isinstance(raw, list) else [raw]:
            if isinstance(v, bool) or v is None:
                continue
            if isinstance(v, int) or (isinstance(v, str) and digits(v) and len(v) < 19):
                ids.append(int(v))
            elif isinstance(v, str) and v:
                shas.append(v.lower())
    return ids, shas


def _lineage_taint(session: Session, start: Item, max_depth: int = 32) -> str | None:
    """Follow declared origins; the reason the chain reaches customer data, else None."""
    seen: set[int] = {start.id}
    frontier = [start]
    for _ in range(max_depth):
        ids: list[int] = []
        shas: list[str] = []
        for it in frontier:
            i, s = _origins(it.meta)
            ids += i
            shas += s
        if shas:
            bad = _customer_shas(session, set(shas))
            if bad:
                return f"derived from customer data ({next(iter(bad.values()))})"
            for it in session.scalars(select(Item).where(Item.sha256.in_(shas))):
                if it.id not in seen:
                    ids.append(it.id)
        ids = [i for i in ids if i not in seen]
        if not ids:
            return None
        rows = list(session.execute(select(Item, Project).join(Project, Project.id == Item.project_id)
                                    .where(Item.id.in_(ids))))
        frontier = []
        for it, proj in rows:
            seen.add(it.id)
            if proj.project_type in CUSTOMER_TYPES or it.owner != "company":
                return (f"derived from customer item {it.external_id!r} of project "
                        f"{proj.name!r} ({proj.project_type})")
            frontier.append(it)
        missing = set(ids) - {it.id for it, _ in rows}
        if missing:
            return f"declares an origin item {sorted(missing)[0]} that does not exist (unknown lineage)"
    return "lineage too deep to prove its origin"


def _annotation_taint(session: Session, item_ids: list[int]) -> dict[int, str]:
    """Items with an annotation continuing an annotation of customer data elsewhere."""
    parent = aliased(Annotation)
    src = aliased(Item)
    out: dict[int, str] = {}
    for part in _chunks(item_ids):
        for item_id, ext, pname, ptype, powner in session.execute(
                select(Annotation.item_id, src.external_id, Project.name, Project.project_type,
                       src.owner)
                .join(parent, parent.id == Annotation.parent_id)
                .join(src, src.id == parent.item_id)
                .join(Project, Project.id == src.project_id)
                .where(Annotation.item_id.in_(part), parent.item_id != Annotation.item_id)):
            if ptype in CUSTOMER_TYPES or powner != "company":
                out.setdefault(item_id, f"labels continue an annotation of customer item "
                                        f"{ext!r} of project {pname!r}")
    return out


def wall_violations(session: Session, item_ids: Iterable[int]) -> list[Violation]:
    """Every reason the IP wall refuses any of ``item_ids`` (empty: all may enter the catalog)."""
    ids = sorted(set(item_ids))
    out: list[Violation] = []
    rows: list[tuple[Item, Project]] = []
    for part in _chunks(ids):
        rows += [(i, p) for i, p in session.execute(
            select(Item, Project).join(Project, Project.id == Item.project_id)
            .where(Item.id.in_(part)))]
    known = {i.id for i, _ in rows}
    out += [Violation(i, "?", "missing", f"item {i} does not exist") for i in ids if i not in known]
    bad_shas = _customer_shas(session, {i.sha256 for i, _ in rows})
    notes = _annotation_taint(session, [i.id for i, _ in rows])
    for item, project in rows:
        def add(rule: str, why: str, item: Item = item) -> None:
            out.append(Violation(item.id, item.external_id, rule, why))

        if project.project_type != "product_development":
            add("project", f"project {project.name!r} is {project.project_type}: its data "
                "belongs to the customer")
        if item.owner != "company":
            add("owner", f"the item is owned by {item.owner!r}, not the company")
        # the item's own bytes match customer data: an own-project duplicate is fine only if the
        # match is not this very item
        why = bad_shas.get(item.sha256)
        if why and (project.project_type == "product_development" and item.owner == "company"):
            rule, _, text = why.partition(":")
            add(rule, text)
        taint = _lineage_taint(session, item)
        if taint:
            add("lineage", taint)
        if item.id in notes:
            add("annotation", notes[item.id])
    return out


def refuse_violations(violations: list[Violation], **details: Any) -> None:
    """Refuse (Conflict, reason ``ip_wall``) when there are violations, naming the first ten
    items with each reason in English and, for the worded sentence, the items (``items``) and
    how many files (``count``); nothing when ``violations`` is empty."""
    if not violations:
        return
    files = {(v.item_id, v.external_id) for v in violations}
    listed = "; ".join(f"item {v.item_id} ({v.external_id}): {v.reason}"
                       for v in violations[:10])
    shown = list(dict.fromkeys(f"{v.external_id}" + (f" (#{v.item_id})" if v.item_id else "")
                               for v in violations))
    raise Conflict(f"IP wall: {len(files)} file(s) are customer data or derived from it and "
                   f"never enter a catalog dataset: {listed}",
                   violations=[v.as_dict() for v in violations[:200]], reason_code="ip_wall",
                   count=len(files), items=", ".join(shown[:10])
                   + (f" … (+{len(shown) - 10})" if len(shown) > 10 else ""), **details)
