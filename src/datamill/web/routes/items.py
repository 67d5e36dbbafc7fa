"""The project's items page (``/projects/{id}/items``): whoever may read the project's items by
the API (``view_project`` on the project, ``GET /api/v1/projects/{id}/items``) reads them a page
at a time, filtered by status, import run, text in the external id or one item exactly
(``?item=<id>``, where the effect page's second-look rows lead), with the same service
call the API and ``datamill data items`` make (:func:`datamill.compliance.access.list_items`),
so the three faces list the same items. Only the page's rows are read (``LIMIT``/``OFFSET``
with a capped page size), never the whole project.

Each row links to the item's media (``/web/api/items/{id}/media``) and, where the reader holds
a task on the item, to the page that shows it (``/tasks/{id}``, ``/review/{id}``).
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from datamill.compliance import access
from datamill.compliance.item_sensitivity import hidden_item_ids
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.users import require
from datamill.core.code_words import ITEM_STATUS_WORDS
from datamill.core.storable import digits
from datamill.http_deps import SessionDep
from datamill.modalities.registry import get_modality
from datamill.production.item_listing import failed_checks, held_tasks, quota_marks
from datamill.production.projects import get_project
from datamill.production.quota_words import quota_reason
from datamill.web.routes._common import HtmlRoute, WebUser, page_language, render
from datamill.workforce.policies import is_business
from datamill.workforce.vendors import list_vendors

__all__ = ["MAX_PAGE_SIZE", "router"]

router = APIRouter(route_class=HtmlRoute, include_in_schema=False)

#: rows a page shows by default, and at most (``?size=``)
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _volume(volume: int | None, per_unit: int) -> str:
    """An item's volume in the modality's unit (``0.0014`` hours), empty when unknown."""
    if volume is None:
        return ""
    value = round(volume / per_unit, 4)
    return str(int(value)) if value == int(value) else f"{value:.4f}".rstrip("0")


def _vendor_names(session: Session, user: User, ids: set[int]) -> dict[int, str]:
    """The names of the page's collection vendors, for readers who see every vendor (the
    business side, auditors); others see the vendor's number."""
    if not ids or not is_business(user):
        return {}
    return {v.id: v.name for v in list_vendors(session, user) if v.id in ids}


def _task_links(session: Session, user: User, ids: list[int]) -> dict[int, dict[str, Any]]:
    """Per item of the page, the link to the task the reader holds on it (see
    :func:`datamill.production.item_listing.held_tasks`)."""
    return {item_id: {"id": task_id, "stage": stage,
                      "url": f"/review/{task_id}" if stage == "review" else f"/tasks/{task_id}"}
            for item_id, (task_id, stage) in held_tasks(session, user.id, ids).items()}


def _id_filter(item: str) -> int | None:
    """The item (or import run) ``?item=`` asks for exactly: none when empty; one that cannot be
    an id (not in the digits 0-9, too long) matches no item (``0``), never every item."""
    text = item.strip()
    if not text:
        return None
    return int(text) if digits(text) and len(text) <= 18 else 0  # noqa: PLR2004 - fits BIGINT


@router.get("/projects/{project_id}/items", response_class=HTMLResponse)
def items_page(  # noqa: PLR0913 - one parameter a filter
    request: Request, project_id: int, session: SessionDep, me: WebUser,
    status: Annotated[str, Query(max_length=24)] = "",
    import_run: Annotated[str, Query(max_length=12)] = "",
    search: Annotated[str, Query(max_length=200)] = "",
    item: Annotated[str, Query(max_length=20)] = "",
    offset: Annotated[int, Query(ge=0, le=2**62)] = 0,
    size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = PAGE_SIZE,
) -> Response:
    """A page of the project's items, oldest first, with the filters the API takes."""
    project = get_project(session, project_id)
    require(session, me.user, Action.VIEW_PROJECT, project_id)
    run = _id_filter(import_run)
    one = _id_filter(item)
    rows, total = access.list_items(
        session, project_id, status=status.strip() or None, limit=size, offset=offset,
        hidden=hidden_item_ids(session, me.user, project_id), import_run_id=run,
        search=search.strip() or None, item_id=one)
    plugin = get_modality(project.modality)
    ids = [r.id for r in rows]
    rejected = [r.id for r in rows if r.status == "rejected"]
    vendors = _vendor_names(session, me.user,
                            {r.supplier_vendor_id for r in rows if r.supplier_vendor_id})
    filters = {"status": status.strip(), "import_run": import_run.strip(),
               "search": search.strip(), "item": item.strip(), "size": size}
    return render(
        request, "project_items.html", me, project=project, items=rows, total=total,
        offset=offset, size=size, filters=filters, statuses=list(ITEM_STATUS_WORDS["en"]),
        unit=plugin.volume_unit, volumes={r.id: _volume(r.volume, plugin.volume_per_unit)
                                          for r in rows},
        vendors=vendors, checks=failed_checks(session, rejected),
        quota_marks=quota_marks(session, rejected),
        tasks=_task_links(session, me.user, ids),
        tquota=partial(quota_reason, page_language(request)))
