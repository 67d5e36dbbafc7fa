"""The web header names the signed-in person's role: every role by its own label (English and
Chinese), and a vendor's manager as a vendor manager (trial: a vendor manager, on the
``vendor_worker`` base role like every vendor's person, was labelled "vendor worker")."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from datamill.compliance.models import User
from datamill.compliance.roles import Role
from datamill.compliance.users import create_user
from datamill.runtime import Runtime
from datamill.server import create_app
from datamill.web.i18n import translator
from datamill.workforce.vendors import create_vendor, register_worker
from tests.known_issues._web import web_login

_ROLE = re.compile(r'<span data-testid="role">(.*?)</span>')


def _header_role(app: object, username: str, lang: str) -> str:
    web = TestClient(app, headers={"Accept-Language": lang})  # type: ignore[arg-type]
    web_login(web, username)
    page = web.get("/")
    assert page.status_code == 200, page.text
    found = _ROLE.search(page.text)
    assert found, page.text
    return found.group(1)


def test_every_role_is_labelled_as_itself(runtime: Runtime, users: dict[str, User]) -> None:
    with runtime.session() as s:
        for role in Role:
            create_user(s, f"u-{role.value}", "password1", role.value)
        admin = users["admin"]
        vendor = create_vendor(s, admin, name="acme", kind="studio", fee_rate="0.1",
                               agreement_no="FA-1")
        for name, role in (("boss", "vendor_worker"), ("chief", "vendor_manager")):
            register_worker(s, admin, create_user(s, name, "password1", role),
                            vendor_id=vendor.id, is_manager=True)
    app = create_app(runtime)
    labels = {lang: translator(lang) for lang in ("en", "zh-CN")}
    for lang, tr in labels.items():
        shown = {role: _header_role(app, f"u-{role.value}", lang) for role in Role}
        for role, got in shown.items():
            label = tr(f"role.{role.value}")
            assert label != f"role.{role.value}", (lang, role)  # in the catalogue
            assert got == tr("sp.paren").format(label), (lang, role, got)
        assert len(set(shown.values())) == len(Role), (lang, shown)  # no two roles alike
        manager = tr("sp.paren").format(tr("role.vendor_manager"))
        assert _header_role(app, "boss", lang) == manager, lang  # was "(vendor worker)"
        assert _header_role(app, "chief", lang) == manager, lang
