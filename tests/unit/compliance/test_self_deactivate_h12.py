"""An admin cannot deactivate their own account, on any face (h12).

Only the web users page refused it; the service (``deactivate_user``) and so the CLI let an
admin deactivate themselves (signed out at once). The service refuses it now
(``self_deactivate``, English and zh-CN words) and the web page keeps its own message.
"""

from __future__ import annotations

import json

import pytest

from datamill.compliance.models import User
from datamill.compliance.users import create_user, deactivate_user, get_user
from datamill.core.errors import Conflict
from datamill.runtime import Runtime
from tests._cli import run_cli


def test_an_admin_cannot_deactivate_themselves(runtime: Runtime,
                                               users: dict[str, User]) -> None:
    with runtime.session() as s:  # a second admin: the last-admin refusal does not apply
        create_user(s, "admin2", "a-long-enough-password-2", "admin")
    with runtime.session() as s:
        admin = get_user(s, "admin")
        with pytest.raises(Conflict, match="cannot deactivate their own account") as err:
            deactivate_user(s, admin, actor_id=admin.id)
        assert err.value.details["reason_code"] == "self_deactivate"
    home, url = runtime.settings.home, str(runtime.settings.database_url)
    r = run_cli(home, "user", "deactivate", "admin", "--as", "admin", "--json", ok=False,
                DATAMILL_DATABASE_URL=url)
    assert r.returncode != 0, r.stdout
    assert json.loads(r.stdout)["error"]["reason_code"] == "self_deactivate", r.stdout
    r = run_cli(home, "user", "deactivate", "admin", "--as", "admin", ok=False,
                DATAMILL_DATABASE_URL=url, DATAMILL_LANG="zh-CN")
    assert "不能停用您自己的账号" in r.stdout + r.stderr
    with runtime.session() as s:
        assert get_user(s, "admin").is_active
