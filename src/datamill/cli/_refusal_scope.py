"""What the person acting ``--as`` may hear of a refusal (:func:`datamill.cli._common.handle_errors`
asks): a project they may not see is answered as never created, and where an in-place file
lies on the server is said whole only to those who may manage projects, as on the API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import DataError

from datamill.core.errors import DatamillError, NotFound

__all__: list[str] = []


#: the parameters that name the person acting (``--as``), in the order looked at (``security
#: surveying-grant`` has ``actor`` for ``--as`` and ``user`` for the person granted)
_ACTOR_PARAMS = ("actor", "as_user", "viewer", "user")
#: the parameters that name a production project (by id, or by id or name) or a work package
_PROJECT_PARAMS = ("project", "production_project", "project_id")
_PACKAGE_PARAMS = ("package_id",)
#: the books' commands: they follow the ledger's reader and writer rules (member or not;
#: cleared for the project, else 403 on every face, as the API's /ledger routes), not this one;
#: ``ledger project-open`` answers a project above one's clearance as missing in the service
#: (``access.project_to_open``), as the API
_BOOKS_MODULES = ("datamill.cli.ledger", "datamill.cli.ledger_c2c", "datamill.cli.ledger_plan")


def _unseen_project_refusal(fn: Callable[..., Any], kwargs: Mapping[str, Any],
                            err: DatamillError) -> DatamillError:
    """``err``, or, for a refusal (``forbidden``) of a command acting ``--as`` someone who may
    not see the project it names (no member, or not cleared:
    :func:`datamill.compliance.access.sees_project`), the NotFound of a project never
    created, word for word; likewise for a work package of such a project. The CLI's
    counterpart of the API's ``hide_unseen_projects``: it covers the refusals made in the
    services, not only the commands' own lookups. Whoever sees the project still hears why
    they are refused (exit 6)."""
    from datamill.core.errors import Forbidden

    if not isinstance(err, Forbidden) or fn.__module__ in _BOOKS_MODULES:
        return err
    username = next((v for k in _ACTOR_PARAMS if isinstance(v := kwargs.get(k), str)), None)
    projects = [v for k in _PROJECT_PARAMS
                if isinstance(v := kwargs.get(k), str | int) and not isinstance(v, bool)]
    packages = [v for k in _PACKAGE_PARAMS if isinstance(v := kwargs.get(k), int)]
    if username is None or not (projects or packages):
        return err
    from datamill.cli._common import get_runtime

    with get_runtime().session() as s:
        return _hidden(s, username, projects, packages) or err


def _hidden(s: Any, username: str, projects: list[str | int],
            packages: list[int]) -> NotFound | None:
    """The NotFound of the first project (or package) in ``projects`` (``packages``) that
    ``username`` may not see or that does not exist; None if they see them all."""
    from datamill.compliance.access import sees_project
    from datamill.compliance.users import get_user
    from datamill.db.lookup import not_found
    from datamill.production.models import WorkPackage
    from datamill.production.projects import find_project, missing_project

    try:
        user = get_user(s, username)
        if not user.is_active:  # refused as deactivated: told so, whatever the project
            return None
        for ref in projects:
            try:
                pid = find_project(s, ref).id
            except NotFound as missing:
                return missing
            if not sees_project(s, user, pid):
                return missing_project(ref)
        for package_id in packages:
            pkg = s.get(WorkPackage, package_id)
            if pkg is None or not sees_project(s, user, pkg.project_id):
                return not_found("work package", package_id, package_id=package_id)
    except (NotFound, OverflowError, DataError):  # no such user; an id beyond the database's
        return None
    return None


def _told_actor(kwargs: Mapping[str, Any], err: DatamillError) -> DatamillError:
    """``err`` as the person acting ``--as`` may hear it: a refusal naming where an in-place
    file lies on the server is said whole to those who may manage projects only, as on the API
    (:func:`datamill.compliance.file_whereabouts.told_role`); without ``--as`` the operator at
    the server's shell hears it whole."""
    from datamill.compliance.file_whereabouts import WHERE_FILES_LIE, told_role

    if err.code not in WHERE_FILES_LIE:
        return err
    username = next((v for k in _ACTOR_PARAMS if isinstance(v := kwargs.get(k), str)), None)
    if username is None:
        return err
    from datamill.cli._common import get_runtime
    from datamill.compliance.users import get_user

    with get_runtime().session() as s:
        try:
            role = get_user(s, username).role
        except NotFound:
            role = ""
    return told_role(role, err)
