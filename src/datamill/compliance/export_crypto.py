"""Encrypted delivery packages.

When a master key is configured (or the delivery asks for it), a delivery package folder holds,
instead of the plain files, one AES-256-GCM encrypted tar archive (``package.tar.dmenc``, the
chunked stream of ``compliance.crypto``) under the project's export data key (scope
``export:project:<id>``, stored wrapped under the master key like every data key), plus
``encryption.json`` (what is needed besides the key: scope, key id, the context the chunks are
bound to, the ciphertext's sha256) and ``ENCRYPTED.txt`` (how to decrypt).

The project's customer (whoever may accept the delivery) never holds a key: the installation
decrypts for them at download (:func:`open_package_stream`, served by ``GET
/api/v1/deliveries/{id}/package`` as a plain tar archive and written out by ``datamill delivery
download ID --out DIR --as USER``; both audited). On the installation, the people allowed to
deliver the project may also decrypt the folder itself (``datamill security decrypt-export
PACKAGE --out DIR --as USER``, needing the master key and the database that holds the wrapped
key). Either way the archive is authenticated chunk by chunk, extracted with tar's ``data``
filter (no links out, no absolute paths, no devices), and every file is checked against the
package's ``manifest.json``.
"""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.compliance.audit import record_audit
from datamill.compliance.crypto import (
    DataKey,
    KeyRing,
    MasterKey,
    WrappedKey,
    decrypt_file,
    encrypt_file,
    iter_decrypt,
    unwrap_data_key,
)
from datamill.compliance.keystore import data_key
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.compliance.security_models import ProjectKey
from datamill.compliance.users import require
from datamill.core.errors import Forbidden, InvalidInput, NotFound
from datamill.core.hashing import sha256_file as _sha256

__all__ = [
    "ARCHIVE",
    "decrypt_export",
    "encrypt_package",
    "export_scope",
    "extract_package_tar",
    "is_encrypted_package",
    "open_package_stream",
]

ARCHIVE = "package.tar.dmenc"
INFO = "encryption.json"
README = "ENCRYPTED.txt"
_HOWTO = """This delivery package is encrypted (AES-256-GCM, datamill chunked stream).

  {archive}      the whole package (a tar archive), encrypted
  {info}     key scope, key id and the context the ciphertext is bound to

You need no key. The project's customer (anyone who may accept this delivery of
project {project_id}, batch {batch}) gets the decrypted package from the datamill
installation that made it, which decrypts it at download and records who took it:

  API:  GET /api/v1/projects/{project_id}/deliveries      (find the delivery's id)
        GET /api/v1/deliveries/<id>/package              (the package as a tar archive)
  CLI:  datamill delivery download <id> --out <new folder> --as <your username>
  web:  the delivery's page, "Download the package (decrypted)"

The tar holds manifest.json (the sha256 of every file) and datasheet.json: check the files
against it (the CLI does). On the installation, people who may deliver the project can also
decrypt this folder itself (the master key must be configured):

  datamill security decrypt-export <this folder> --out <new folder> --as <your username>

The archive is authenticated chunk by chunk; a wrong key or an altered byte is an error,
never garbage.
"""


def export_scope(project_id: int) -> str:
    return f"export:project:{project_id}"


def encrypt_package(
    session: Session, master: MasterKey | KeyRing | None, project_id: int, batch_name: str,
    folder: Path,
) -> dict[str, Any]:
    """Replace the package in ``folder`` by its encrypted archive; returns what
    ``encryption.json`` records."""
    if master is None:
        raise InvalidInput("an encrypted delivery needs a master key: set "
                           "DATAMILL_MASTER_KEY_FILE (see `datamill security generate-master-key`)")
    scope = export_scope(project_id)
    key = data_key(session, master, scope)
    context = f"delivery-package:{project_id}:{batch_name}"
    sealed = folder.with_name(folder.name + ".sealing")
    shutil.rmtree(sealed, ignore_errors=True)
    sealed.mkdir(mode=0o700)
    plain_tar = sealed / ".package.tar"
    try:
        with tarfile.open(plain_tar, "w", dereference=True) as tar:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=path.relative_to(folder).as_posix())
        encrypt_file(key, plain_tar, sealed / ARCHIVE, context=context)
    finally:
        plain_tar.unlink(missing_ok=True)
    info = {"format": "datamill-encrypted-package/1", "archive": ARCHIVE,
            "scope": scope, "key_id": key.key_id, "context": context,
            "sha256": _sha256(sealed / ARCHIVE), "project_id": project_id, "batch": batch_name}
    (sealed / INFO).write_text(json.dumps(info, indent=2, sort_keys=True))
    (sealed / README).write_text(_HOWTO.format(archive=ARCHIVE, info=INFO,
                                               project_id=project_id, batch=batch_name))
    shutil.rmtree(folder)
    sealed.rename(folder)
    return info


def _stored_key(session: Session, master: MasterKey | KeyRing, scope: str) -> DataKey:
    row = session.scalars(select(ProjectKey).where(ProjectKey.scope == scope)).first()
    if row is None:
        raise NotFound(f"no data key {scope!r} in this database: the package was made elsewhere",
                       scope=scope)
    return unwrap_data_key(master, WrappedKey.from_text(row.wrapped), project_id=scope)


def decrypt_export(
    session: Session, master: MasterKey | KeyRing | None, package: Path, out_dir: Path, *,
    actor: User,
) -> dict[str, Any]:
    """Decrypt an encrypted delivery package (its folder or its ``encryption.json``'s folder)
    into ``out_dir`` (new or empty); people who may deliver the project only."""
    folder = package.parent if package.is_file() else package
    info_path = folder / INFO
    info, project_id, scope, context, digest = _read_info(folder)
    try:
        require(session, actor, Action.DELIVER, project_id)
    except Forbidden as err:  # say what the customer runs instead
        raise Forbidden(
            f"{err.message}. This is the installation's own decryption, for those who deliver "
            f"project {project_id}; whoever may accept its deliveries gets the package "
            f"decrypted with `datamill delivery download <delivery id> --out <folder> --as "
            f"{actor.username}` or GET /api/v1/deliveries/<delivery id>/package (the ids: "
            f"`datamill delivery list {project_id}`)", **err.details) from err
    if master is None:
        raise InvalidInput("no master key configured: set DATAMILL_MASTER_KEY_FILE")
    if scope != export_scope(project_id):
        raise InvalidInput(f"{info_path} names key scope {scope!r}, not its project's")
    archive = folder / ARCHIVE
    if not archive.is_file() or _sha256(archive) != digest:
        raise InvalidInput(f"{archive} is missing or not the archive {INFO} describes")
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InvalidInput(f"{out_dir} is not empty", path=str(out_dir))
    key = _stored_key(session, master, scope)  # a wrong master key raises DecryptionError
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dm-decrypt-", dir=out_dir.parent) as work:
        plain = Path(work) / "package.tar"
        decrypt_file(key, archive, plain, context=context)  # authenticated before it appears
        with tarfile.open(plain) as tar:
            tar.extractall(out_dir, filter="data")
    files = _verify(out_dir)
    record_audit(session, actor_id=actor.id, action="delivery.package_decrypted",
                 object_type="project", object_id=project_id, project_id=project_id,
                 data={"package": str(folder), "out": str(out_dir), "files": files})
    return {"project_id": project_id, "batch": info.get("batch"), "out": str(out_dir),
            "files": files, "verified": True}


def _verify(out_dir: Path) -> int:
    manifest_path = out_dir / "manifest.json"
    if not manifest_path.is_file():
        raise InvalidInput("the decrypted package has no manifest.json")
    listed: dict[str, str] = json.loads(manifest_path.read_text()).get("files", {})
    bad = [name for name, sha in listed.items()
           if not (out_dir / name).is_file() or _sha256(out_dir / name) != sha]
    if bad:
        raise InvalidInput(f"{len(bad)} file(s) differ from manifest.json", files=bad[:20])
    return len(listed)


def is_encrypted_package(folder: Path) -> bool:
    """Whether the package folder holds an encrypted archive (its ``encryption.json``)."""
    return (folder / INFO).is_file()


def _read_info(folder: Path) -> tuple[dict[str, Any], int, str, str, str]:
    info_path = folder / INFO
    if not info_path.is_file():
        raise InvalidInput(f"{folder} is not an encrypted delivery package (no {INFO})",
                           path=str(folder))
    try:
        info = json.loads(info_path.read_text())
        project_id, scope = int(info["project_id"]), str(info["scope"])
        context, digest = str(info["context"]), str(info["sha256"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{info_path} is unreadable: {exc}") from exc
    return info, project_id, scope, context, digest


def open_package_stream(
    session: Session, master: MasterKey | KeyRing | None, folder: Path, project_id: int,
) -> Iterator[bytes]:
    """The plain tar archive of project ``project_id``'s encrypted package in ``folder``, as
    authenticated chunks. Everything that can be checked before the first byte is (the
    archive's sha256 against ``encryption.json``, the key scope, the key itself); a chunk that
    does not authenticate later stops the stream with ``DecryptionError``. Who may have it is
    the caller's to decide (a delivery's acceptor: ``production.delivery_download``)."""
    _info, owner, scope, context, digest = _read_info(folder)
    if owner != project_id or scope != export_scope(project_id):
        raise InvalidInput(f"{folder / INFO} names project {owner} and key scope {scope!r}, "
                           f"not project {project_id}'s")
    if master is None:
        raise InvalidInput("the package is encrypted and this installation has no master key "
                           "configured: its administrator sets DATAMILL_MASTER_KEY_FILE")
    archive = folder / ARCHIVE
    if not archive.is_file() or _sha256(archive) != digest:
        raise InvalidInput(f"{archive} is missing or not the archive {INFO} describes")
    key = _stored_key(session, master, scope)  # a wrong master key raises DecryptionError

    def chunks() -> Iterator[bytes]:
        with archive.open("rb") as src:
            yield from iter_decrypt(key, src, context)

    return chunks()


def extract_package_tar(chunks: Iterable[bytes], out_dir: Path) -> int:
    """Write a package's tar stream into ``out_dir`` (new or empty): kept whole in a temporary
    file first (nothing appears unless every chunk arrived), extracted with tar's ``data``
    filter, and every file checked against its ``manifest.json``; returns the file count."""
    if out_dir.exists() and any(out_dir.iterdir()):
        raise InvalidInput(f"{out_dir} is not empty", path=str(out_dir))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dm-package-", dir=out_dir.parent) as work:
        plain = Path(work) / "package.tar"
        with plain.open("wb") as dst:
            for chunk in chunks:
                dst.write(chunk)
        with tarfile.open(plain) as tar:
            tar.extractall(out_dir, filter="data")
    return _verify(out_dir)
