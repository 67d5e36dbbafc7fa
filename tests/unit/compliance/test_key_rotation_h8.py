"""Trial h8: encryption is the data-security office's (roles: ``manage_data_security``), so a
data-security officer rotates the master key, a refusal names that action (not "manage
users"), and a rotation run twice (before the configuration points at the new key) is safe."""

from __future__ import annotations

import pytest

from datamill.compliance.crypto import DecryptionError, MasterKey
from datamill.compliance.keystore import data_key, rotate_master_key, stored_data_key
from datamill.compliance.users import create_user
from datamill.core.errors import Forbidden
from datamill.runtime import Runtime


def test_officer_rotates_twice_safely(sqlite_runtime: Runtime) -> None:
    old, new = MasterKey.generate(), MasterKey.generate()
    with sqlite_runtime.session() as s:
        dso = create_user(s, "dso", "password1", "data_security_officer")
        pm = create_user(s, "pm", "password1", "project_manager")
        key = data_key(s, old)
        data_key(s, old, "project:1")
    with sqlite_runtime.session() as s:
        with pytest.raises(Forbidden) as err:
            rotate_master_key(s, old, new, actor=pm)
        assert err.value.details["action"] == "manage_data_security"
        assert rotate_master_key(s, old, new, actor=dso) == {
            "rewrapped": 2, "master_key_id": new.key_id}
    with sqlite_runtime.session() as s:  # the same command again, configuration still on old
        again = rotate_master_key(s, old, new, actor=dso)
        assert again == {"rewrapped": 0, "master_key_id": new.key_id, "already_wrapped": 2}
        unwrapped = stored_data_key(s, new)
        assert unwrapped is not None and unwrapped.key == key.key
        with pytest.raises(DecryptionError):  # a third, unrelated key still changes nothing
            rotate_master_key(s, MasterKey.generate(), MasterKey.generate(), actor=dso)
