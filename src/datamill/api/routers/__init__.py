"""One router module per domain; ``ROUTERS`` is what the app factory mounts under /api/v1."""

from __future__ import annotations

from datamill.api.routers import (
    audit,
    auth,
    catalog,
    delivery,
    ledger,
    procurement,
    projects,
    quality,
    security,
    users,
    work,
    workforce,
)

__all__ = ["DOMAIN_ROUTERS", "ROUTERS"]

ROUTERS = (
    auth.router,
    users.router,
    projects.router,
    work.router,
    quality.router,
    delivery.router,
    audit.router,
    security.router,
)

# Business-domain routers carry their own /api/v1 prefix.
DOMAIN_ROUTERS = (ledger.router, workforce.router, procurement.router, catalog.router)
