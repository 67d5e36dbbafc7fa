"""The HTTP face: a FastAPI app over the service layer (``create_app``), under ``/api/v1``.

Routers only translate HTTP to service calls and back; every rule lives in the services.
Errors are RFC 9457 problem details (``problem.py``); authentication is a bearer token
(``deps.py``).
"""

from __future__ import annotations

from datamill.api.app import create_app, serve

__all__ = ["create_app", "serve"]
