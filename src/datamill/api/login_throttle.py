"""The app's sign-in throttle for ``POST /auth/token`` (the class and its rules:
:mod:`datamill.compliance.login_throttle`; the web's sign-in form reads the same count from
``app.state.login_throttle``)."""

from __future__ import annotations

from fastapi import FastAPI, Request

from datamill.compliance.login_throttle import LoginThrottle, app_throttle

__all__ = ["LoginThrottle", "install_login_throttle", "login_throttle"]


def install_login_throttle(app: FastAPI) -> None:
    """Give ``app`` its own throttle (a fresh count per app)."""
    app.state.login_throttle = LoginThrottle()


def login_throttle(request: Request) -> LoginThrottle:
    """The app's throttle (one is made on first use when the app has none yet)."""
    return app_throttle(request.app.state)
