"""A modality's assisted tools over one item (``assist_tools``: the image modality's
``grabcut`` turns a box into a polygon, the point-cloud modality's ``fit_cuboid`` fits a rough
footprint to the points and ``label_points`` labels a frame's points from its boxes), for the
people who annotate, review or inspect: one rule for the web workbench, the API and the CLI.

:func:`prepare_assist` checks in the caller's session (the item exists and they may see it,
their role annotates, reviews or inspects, the tool is the modality's) and returns the work
itself, which reads the item's file and may take a while: the web and the API run it off the
event loop, with no database transaction open.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol, cast

from sqlalchemy.orm import Session

from datamill.compliance import access
from datamill.compliance.models import User
from datamill.compliance.roles import Action, allowed
from datamill.core.errors import Forbidden, InvalidInput
from datamill.db.lookup import get_or_raise
from datamill.modalities.registry import get_modality
from datamill.production.media import item_path
from datamill.production.models import Item, Project
from datamill.storage.blobstore import BlobStore

__all__ = ["assist_tools_of", "prepare_assist"]


class _Assisting(Protocol):
    """The optional ``assist`` hook of a modality that names ``assist_tools``; one whose
    tools follow the spec (``assists_by_requirements``) also takes ``requirements``."""

    def assist(self, tool: str, path: Path, params: Mapping[str, Any],
               requirements: Mapping[str, Any] | None = None) -> dict[str, Any]: ...


def assist_tools_of(modality: str) -> tuple[str, ...]:
    """The assisted tools a modality offers (none for most)."""
    return tuple(getattr(get_modality(modality), "assist_tools", ()))


def prepare_assist(session: Session, blobs: BlobStore, user: User, item_id: int, tool: str,
                   params: Mapping[str, Any]) -> Callable[[], dict[str, Any]]:
    """The tool's run over the item, once ``user`` may use it there (see the module's
    description): NotFound for an item they may not see, Forbidden for a role that neither
    annotates, reviews nor inspects, InvalidInput for a tool the modality lacks or params
    that are not a JSON object. The session's transaction is committed (it only read) before
    the run is returned, so no database lock is held while the tool runs."""
    item = get_or_raise(session, Item, item_id, "item", item_id=item_id)
    access.require_item_view(session, user, item)
    if not any(allowed(user.role, a) for a in (Action.ANNOTATE, Action.REVIEW, Action.INSPECT)):
        raise Forbidden("assisted tools are for annotators, reviewers and inspectors")
    project = get_or_raise(session, Project, item.project_id, "project")
    plugin = get_modality(project.modality)
    offered = tuple(getattr(plugin, "assist_tools", ()))
    if tool not in offered:
        raise InvalidInput(f"the {project.modality} modality has no assisted tool {tool!r}"
                           f" (it has: {', '.join(offered) or 'none'})", field="tool")
    if not isinstance(params, Mapping):
        raise InvalidInput("an assisted tool's parameters are a JSON object", field="params")
    path = item_path(blobs, item)
    options: dict[str, Any] = {}
    if getattr(plugin, "assists_by_requirements", False):
        options["requirements"] = dict(project.spec.get("requirements", {}))
    # the checks only read: end their transaction before the tool runs (on SQLite every
    # transaction holds the one writer lock, and a GrabCut of seconds held it that long, so
    # every write of the server and even GET /readyz waited for it)
    session.commit()
    return functools.partial(cast("_Assisting", plugin).assist, tool, path, dict(params),
                             **options)
