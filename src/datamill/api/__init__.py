"""The HTTP face: FastAPI routers over the service layer, under ``/api/v1``
(``app.install_api``; the app itself is built by :mod:`datamill.server`).

Routers only translate HTTP to service calls and back; every rule lives in the services.
Errors are RFC 9457 problem details (``problem.py``); authentication is a bearer token
(``deps.py``).
"""
