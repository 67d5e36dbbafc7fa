"""A transfer link's signature and URL (:mod:`datamill.catalog.licences` issues and checks
them): HMAC-SHA256 over the link, its licence and its expiry, keyed from the session secret."""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import parse_qs, urlsplit

from datamill.catalog.licence_package import as_utc
from datamill.catalog.models import TransferLink
from datamill.catalog.schemas import TransferLinkOut
from datamill.config import Settings
from datamill.core.errors import InvalidInput

__all__ = ["link_params"]


def _key(settings: Settings) -> bytes:
    from datamill.compliance.keys import session_secret

    return hmac.new(session_secret(settings).encode(), b"datamill catalog transfer link",
                    hashlib.sha256).digest()


def _signature(settings: Settings, link_id: int, licence_id: int, expires: int) -> str:
    msg = f"{link_id}:{licence_id}:{expires}".encode()
    return hmac.new(_key(settings), msg, hashlib.sha256).hexdigest()


def _link_out(settings: Settings, link: TransferLink) -> TransferLinkOut:
    expires = int(as_utc(link.expires_at).timestamp())
    sig = _signature(settings, link.id, link.licence_id, expires)
    return TransferLinkOut(
        id=link.id, licence_id=link.licence_id,
        url=f"/api/v1/catalog/transfers/{link.id}/download?expires={expires}&signature={sig}",
        expires_at=link.expires_at, max_downloads=link.max_downloads, downloads=link.downloads,
        package_sha256=link.package_sha256, revoked=link.revoked)


def link_params(url: str) -> tuple[int, int, str]:
    """``(link_id, expires, signature)`` from a transfer link's URL."""
    parts = urlsplit(url)
    m = re.search(r"/transfers/(\d+)/download$", parts.path)
    qs = parse_qs(parts.query)
    try:
        return int(m[1]) if m else 0, int(qs["expires"][0]), qs["signature"][0]
    except (KeyError, ValueError, IndexError) as err:
        raise InvalidInput("not a transfer link") from err
