"""What erasing a data subject (:func:`datamill.catalog.erasure.erase_subject`) does to the
catalog: the releases and licences that hold the subject's items.

A withdrawal of consent already stops such a release from being licensed, linked or downloaded
(:func:`datamill.catalog.releases.require_intact`) and the next release leaves the subject out;
but the release's folder (its ``data/``, ``samples/`` and ``labels.jsonl``), the transfer
packages built from it for its licences, and the subject's bytes in the blob store (held
"because a catalog release holds them") stayed for good. Erasing the subject now:

* withdraws every such release (``catalog.release.withdrawn``, the reason naming the erasure;
  a dataset left without a live release shows ``withdrawn`` until the next release) and
  deletes its folder — on the object store too — and its caches: nothing can deliver it any
  more, and the rows (files, items, sha256, datasheet) stay for provenance;
* revokes the transfer links of every licence on such a release and deletes their packages;
* records on each of those licences that it held the erased subject's data
  (``catalog.licence.erased_data``: the subject's item count, the release, whether the licensee
  had downloaded it), which the licensee's inbox shows as a request to delete those files
  (:mod:`datamill.catalog.inbox`);
* lets the subject's own bytes go from the blob store (a release of the same bytes through
  another item, another subject's or a third-party file, still keeps them).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_today
from datamill.catalog.models import CatalogLicence, CatalogRelease, CatalogReleaseFile, TransferLink
from datamill.compliance.audit import record_audit
from datamill.config import session_settings
from datamill.storage.blobstore import remote_errors
from datamill.storage.remote_folders import is_remote, remote_fs, remove_folder, unavailable

__all__ = ["purge_releases", "releases_holding"]


def releases_holding(session: Session, item_ids: list[int]) -> list[int]:
    """The releases with a file of any of ``item_ids``, oldest first."""
    return sorted(set(session.scalars(select(CatalogReleaseFile.release_id).where(
        CatalogReleaseFile.item_id.in_(item_ids or [0])))))


def _drop_package(session: Session, link: TransferLink) -> None:
    """Delete ``link``'s transfer package (a local file, or the object on the store) and the
    local cache of it."""
    settings = session_settings(session)
    shutil.rmtree(settings.home / "transfer-cache" / f"link-{link.id}", ignore_errors=True)
    if not is_remote(link.package_path):
        Path(link.package_path).unlink(missing_ok=True)
        return
    fs, key = remote_fs(settings, link.package_path)
    try:
        fs.invalidate_cache(key)
        if fs.exists(key):
            fs.rm(key)
    except remote_errors() as err:
        raise unavailable(link.package_path, err, "catalog store") from None


def _drop_folder(session: Session, rel: CatalogRelease) -> None:
    settings = session_settings(session)
    cache = settings.home / "release-cache" / f"release-{rel.id}"
    if is_remote(rel.path):
        remove_folder(settings, rel.path, [cache], "catalog store")
    else:
        shutil.rmtree(cache, ignore_errors=True)
        shutil.rmtree(rel.path, ignore_errors=True)


def purge_releases(session: Session, actor_id: int, project_id: int, subject_id: str,
                   item_ids: list[int], why: str, *, dry_run: bool = False) -> dict[str, Any]:
    """Withdraw and delete the releases holding ``item_ids`` (the erased subject's), revoke
    and delete their licences' transfer packages, and record on each licence that it held the
    subject's data (see the module doc). ``{"releases": [...], "licences": [...]}`` (ids)."""
    from datamill.catalog.datasets import dataset_row
    from datamill.catalog.releases import latest_licensable

    held = set(item_ids)
    out: dict[str, Any] = {"releases": [], "licences": []}
    for release_id in releases_holding(session, item_ids):
        rel = session.get(CatalogRelease, release_id)
        if rel is None:
            continue
        mine = sum(1 for i in session.scalars(select(CatalogReleaseFile.item_id).where(
            CatalogReleaseFile.release_id == rel.id)) if i in held)
        licences = list(session.scalars(select(CatalogLicence).where(
            CatalogLicence.release_id == rel.id).order_by(CatalogLicence.id)))
        out["releases"].append(rel.id)
        out["licences"] += [lic.id for lic in licences]
        if dry_run:
            continue
        if rel.withdrawn_on is None:
            rel.withdrawn_on = business_today()
            rel.withdraw_reason = f"holds erased data: {why}"
            session.flush()
            ds = dataset_row(session, rel.dataset_id)
            if ds.status == "released" and latest_licensable(session, ds.id) is None:
                ds.status = "withdrawn"
            record_audit(session, actor_id=actor_id, action="catalog.release.withdrawn",
                         object_type="catalog_release", object_id=rel.id,
                         project_id=project_id,
                         data={"dataset_id": rel.dataset_id, "version": rel.version,
                               "manifest_sha256": rel.manifest_sha256,
                               "reason": rel.withdraw_reason,
                               "on": rel.withdrawn_on.isoformat()})
        for lic in licences:
            links = list(session.scalars(select(TransferLink).where(
                TransferLink.licence_id == lic.id).order_by(TransferLink.id)))
            downloads = sum(t.downloads for t in links)
            for link in links:
                _drop_package(session, link)
                link.revoked = True
            record_audit(session, actor_id=actor_id, action="catalog.licence.erased_data",
                         object_type="catalog_licence", object_id=lic.id,
                         project_id=project_id,
                         data={"number": lic.number, "release_id": rel.id,
                               "version": rel.version, "subject_id": subject_id,
                               "items": mine, "downloads": downloads,
                               "delivered": lic.delivered_on is not None or downloads > 0,
                               "reason": why})
        _drop_folder(session, rel)
        record_audit(session, actor_id=actor_id, action="catalog.release.erased_data",
                     object_type="catalog_release", object_id=rel.id, project_id=project_id,
                     data={"subject_id": subject_id, "items": mine, "path": rel.path,
                           "licences": [lic.id for lic in licences]})
    session.flush()
    return out
