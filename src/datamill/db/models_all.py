"""Import every domain's models so ``Base.metadata`` is complete (Alembic, create_all)."""

from __future__ import annotations

import datamill.catalog.models
import datamill.compliance.models
import datamill.compliance.security_models
import datamill.ledger.models
import datamill.production.models
import datamill.web.models
import datamill.workforce.golden
import datamill.workforce.models
import datamill.workforce.procurement_models  # noqa: F401

__all__: list[str] = []
