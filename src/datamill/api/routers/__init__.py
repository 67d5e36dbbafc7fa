"""One router module per domain; ``ROUTERS`` is what the app factory mounts under /api/v1.

Every router declares its own prefix relative to /api/v1 (or none) and never imports
:mod:`datamill.api.app`; :func:`datamill.api.app.install_api` mounts them all one way.
"""

from __future__ import annotations

from datamill.api.routers import (
    audit,
    auth,
    catalog,
    catalog_requests,
    collect,
    corpus,
    delivery,
    ledger,
    procurement,
    projects,
    prompt_check,
    quality,
    security,
    users,
    work,
    workforce,
)

__all__ = ["ROUTERS"]

ROUTERS = (
    auth.router,
    users.router,
    projects.router,
    work.router,
    quality.router,
    delivery.router,
    audit.router,
    security.router,
    ledger.router,
    workforce.router,
    procurement.router,
    catalog.router,
    catalog_requests.router,
    corpus.router,
    collect.router,
    prompt_check.router,
)
