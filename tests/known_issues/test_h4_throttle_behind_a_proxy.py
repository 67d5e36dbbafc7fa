"""h4 trial (MEDIUM, the operator): ``datamill serve`` read no ``X-Forwarded-For``, so behind
the TLS proxy on this machine the README asks for (``DATAMILL_ENV=prod``) every request came
from 127.0.0.1: one guesser's 10 refused passwords for ``pm`` locked the project manager out
of signing in for 15 minutes (429 with the right password, from anywhere), and 30 for any
usernames locked out everyone. Now ``serve`` believes the forwarded address from the trusted
proxies (``DATAMILL_TRUSTED_PROXIES``; with ``DATAMILL_ENV=prod`` the loopback), so the
throttle counts each client again; without a trusted proxy nothing forwarded is believed."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from datamill.compliance.models import User
from datamill.runtime import Runtime
from datamill.server import create_app, proxy_options
from tests._api import API

GUESSER, PM = "203.0.113.9", "198.51.100.7"


@pytest.mark.parametrize("runtime", ["sqlite"], indirect=True)
def test_the_throttle_counts_each_client_behind_the_local_proxy(
        runtime: Runtime, users: dict[str, User]) -> None:
    settings = runtime.settings.model_copy(update={"env": "prod", "trusted_proxies": ""})
    options = proxy_options(settings)
    assert options["proxy_headers"] is True  # was always False
    app = ProxyHeadersMiddleware(create_app(runtime),  # as uvicorn wraps it with these options
                                 trusted_hosts=options["forwarded_allow_ips"])
    proxy = TestClient(app, client=("127.0.0.1", 40000))

    def sign_in(password: str, client: str) -> int:
        return proxy.post(f"{API}/auth/token", json={"username": "pm", "password": password},
                          headers={"X-Forwarded-For": client}).status_code

    assert [sign_in(f"guess{i}", GUESSER) for i in range(11)][-1] == 429
    assert sign_in("password1", PM) == 201  # was 429: every request came from 127.0.0.1
    # without a trusted proxy, a forwarded address is not believed
    dev = proxy_options(runtime.settings.model_copy(update={"env": "dev", "trusted_proxies": ""}))
    assert dev == {"proxy_headers": False}
    named = proxy_options(runtime.settings.model_copy(update={"trusted_proxies": "10.0.0.5, "}))
    assert named["forwarded_allow_ips"] == ["10.0.0.5"]
