"""The package a licensee receives: the licensed release with its licence's terms inside.

A catalog dataset is licensed, never sold (domain §7), so the data never travels without its
terms. :func:`build_package` writes one tar per licence and release::

    <dataset>-v<version>-<manifest12>/
        LICENCE.md              the licence's terms, for people (English): the first member
        licence.json            the same terms, for machines (:data:`TERMS_FORMAT`)
        LICENCE.zh-CN.md        the same terms in Chinese (for people reading zh-CN)
        <the release's files>   as listed in manifest.json
        manifest.json           {"files": {path: sha256}}: its canonical JSON names the release
        SHA256SUMS              every file but itself with its sha256 (``sha256sum -c``)

The terms state the licence number, the licensee, the dataset and release, the scope granted
(territory, term, usage scope, acceptance criteria, last day), the issue day, the price and
currency (a licence names its dataset, price and acceptance criteria), and tie themselves to the
files: ``content.manifest_sha256`` is the release's name, the sha256 of ``manifest.json``'s
``files`` as canonical JSON (sorted keys, no spaces), which lists every data file's sha256.

The package is built byte for byte the same every time (fixed times, owners and modes, the
terms from the licence row as issued): a second link of a licence finds the package its first
link was issued for. Its path names the terms files' own digest, so a package built before the terms
travelled with the data, or under other terms, is never handed out again in their place; a
link issued for a package without terms no longer downloads (:func:`carries_terms`, reason
``link_without_terms``: the seller issues a new link).
The licensee has no language preference on record (a customer row keeps none): every package
carries the terms in English and in Chinese (:func:`terms_files`, which takes one language when
a preference is known, English staying ``LICENCE.md``).
Nothing here checks whether the licence may be delivered: :mod:`datamill.catalog.licences`
refuses a revoked or expired licence before it asks for a package.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from datamill.business_clock import business_day
from datamill.catalog.models import CatalogDataset, CatalogLicence, CatalogRelease, TransferLink
from datamill.config import session_settings
from datamill.core.money import to_cents
from datamill.storage.blobstore import sha256_file

__all__ = [
    "LICENCE_JSON",
    "LICENCE_MD",
    "LICENCE_MD_ZH",
    "SUMS",
    "TERMS_FORMAT",
    "as_utc",
    "build_package",
    "carries_terms",
    "current_package",
    "licence_json",
    "licence_markdown",
    "licence_markdown_zh",
    "licence_terms",
    "package_path",
    "terms_files",
    "terms_of",
]

LICENCE_MD = "LICENCE.md"
LICENCE_MD_ZH = "LICENCE.zh-CN.md"
LICENCE_JSON = "licence.json"
SUMS = "SHA256SUMS"
#: the version of licence.json's layout (a reader checks it before it reads the rest)
TERMS_FORMAT = "datamill.catalog.licence/1"


def as_utc(value: datetime) -> datetime:
    """``value`` as aware UTC (SQLite hands naive UTC back)."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def licence_terms(lic: CatalogLicence, rel: CatalogRelease, ds: CatalogDataset, *,
                  licensee: str, licensee_country: str, renews: str | None = None) -> dict[str, Any]:
    """The licence's terms as licence.json states them: only what the licence records (no
    seats, derivatives or resale: the licence model has none; its usage scope says what use is
    granted). The dataset is described as released (the release's catalog entry)."""
    entry = rel.entry or {}
    return {
        "format": TERMS_FORMAT,
        "licence": {"number": lic.number, "issued_on": lic.issued_on.isoformat(),
                    "renews": renews},
        "licensee": {"name": licensee, "country": licensee_country},
        "dataset": {"name": entry.get("name") or ds.name,
                    "title": entry.get("title") or ds.title,
                    "modality": entry.get("modality") or ds.modality,
                    "languages": list(entry.get("languages") or ds.languages or []),
                    "copyright_no": entry.get("copyright_no", ds.copyright_no)},
        "release": {"version": rel.version,
                    "released_on": business_day(as_utc(rel.created_at)).isoformat()},
        "scope": {"territory": lic.territory, "term": lic.term, "usage_scope": lic.usage_scope,
                  "acceptance_criteria": lic.acceptance_criteria,
                  "expires_on": lic.expires_on.isoformat() if lic.expires_on else None},
        "price": {"amount": str(to_cents(lic.price)), "currency": lic.currency},
        "content": {"manifest": "manifest.json", "manifest_sha256": rel.manifest_sha256,
                    "digest": "sha256 of manifest.json's files as canonical JSON: "
                              '{"files": {...}} with sorted keys and no spaces',
                    "files": SUMS},
    }


def terms_of(session: Session, lic: CatalogLicence, rel: CatalogRelease,
             ds: CatalogDataset) -> dict[str, Any]:
    """:func:`licence_terms` of an issued licence: its customer and the licence it renews."""
    from datamill.ledger.models import LedgerCustomer

    cust = session.get(LedgerCustomer, lic.customer_id)
    renews = session.scalar(select(CatalogLicence.number).where(
        CatalogLicence.id == lic.renews_id)) if lic.renews_id is not None else None
    return licence_terms(lic, rel, ds, licensee=cust.name if cust else "",
                         licensee_country=cust.country if cust else "", renews=renews)


def licence_json(terms: dict[str, Any]) -> bytes:
    """licence.json: the terms, UTF-8, keys sorted, two-space indent, one final newline."""
    return (json.dumps(terms, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _cell(text: Any) -> str:
    """A value in one Markdown table cell (no line break or column bar of its own)."""
    return " ".join(str(text).split()).replace("|", "\\|") or "—"


def _quoted(text: str) -> str:
    """Free text the licence records, verbatim as a Markdown block quote (a Chinese
    paragraph's ideographic-space indent ``　　`` kept, the first one's too)."""
    return "\n".join(f"> {line}".rstrip(" \t") for line in
                     (text.strip(" \t\r\n") or "—").splitlines())


def _amount(amount: str) -> str:
    whole, _, cents = amount.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}.{cents or '00'}"


def licence_markdown(terms: dict[str, Any]) -> bytes:
    """LICENCE.md: the same terms as licence.json, for people (English)."""
    lic, who, ds = terms["licence"], terms["licensee"], terms["dataset"]
    rel, scope, price = terms["release"], terms["scope"], terms["price"]
    content = terms["content"]
    ends = (f"{scope['expires_on']} (its last day)" if scope["expires_on"]
            else "no end date")
    rows = [("Licence number", lic["number"]), ("Issued on", lic["issued_on"]),
            ("Licensee", f"{who['name']} ({who['country']})"),
            ("Dataset", f"{ds['name']}: {ds['title']}"),
            ("Modality", ds["modality"]), ("Languages", ", ".join(ds["languages"]) or "—"),
            ("Copyright registration", ds["copyright_no"] or "—"),
            ("Release", f"v{rel['version']}, released {rel['released_on']}"),
            ("Territory", scope["territory"]), ("Term", scope["term"]), ("Ends", ends),
            ("Price", f"{_amount(price['amount'])} {price['currency']}")]
    if lic["renews"]:
        rows.insert(2, ("Renews licence", lic["renews"]))
    table = "\n".join(f"| {k} | {_cell(v)} |" for k, v in rows)
    text = f"""# Licence {lic['number']}

This package holds release v{rel['version']} of the dataset {ds['name']}, licensed (not sold)
to {who['name']} under licence {lic['number']} on the terms below. The data travels with these
terms; {LICENCE_JSON} states the same terms for machines.

| Term | Granted |
|---|---|
{table}

## Use granted

{_quoted(scope['usage_scope'])}

## Acceptance criteria

{_quoted(scope['acceptance_criteria'])}

## The files these terms cover

Every file listed in {content['manifest']}. The release's content digest is

    {content['manifest_sha256']}

the sha256 of {content['manifest']}'s files as canonical JSON (sorted keys, no spaces), and
{content['manifest']} lists the sha256 of every data file. {content['files']} lists every file
of this package with its sha256, these terms included: check them with
`sha256sum -c {content['files']}`.
"""
    return text.encode()


def licence_markdown_zh(terms: dict[str, Any]) -> bytes:
    """LICENCE.zh-CN.md: the same terms as LICENCE.md, in Chinese (the free text the licence
    records, such as its usage scope, verbatim as written)."""
    lic, who, ds = terms["licence"], terms["licensee"], terms["dataset"]
    rel, scope, price = terms["release"], terms["scope"], terms["price"]
    content = terms["content"]
    ends = f"{scope['expires_on']}（含当日）" if scope["expires_on"] else "无终止日期"
    rows = [("授权编号", lic["number"]), ("签发日期", lic["issued_on"]),
            ("被授权方", f"{who['name']}（{who['country']}）"),
            ("数据集", f"{ds['name']}：{ds['title']}"),
            ("模态", ds["modality"]), ("语言", "、".join(ds["languages"]) or "—"),
            ("著作权登记号", ds["copyright_no"] or "—"),
            ("版本", f"v{rel['version']}，发布于 {rel['released_on']}"),
            ("授权地域", scope["territory"]), ("授权期限", scope["term"]), ("终止日期", ends),
            ("价格", f"{_amount(price['amount'])} {price['currency']}")]
    if lic["renews"]:
        rows.insert(2, ("续期的授权", lic["renews"]))
    table = "\n".join(f"| {k} | {_cell(v)} |" for k, v in rows)
    # one line a paragraph: a Markdown reader turns a line break into a space, which Chinese
    # text does not have
    intro = (f"本数据包包含数据集 {ds['name']} 的 v{rel['version']} 版本，依据授权许可 "
             f"{lic['number']} 按下列条款授权（而非出售）给 {who['name']} 使用。数据始终附带"
             f"这些条款；{LICENCE_JSON} 以机器可读的形式载明相同条款，{LICENCE_MD} 为英文版本。")
    digest = (f"即 {content['manifest']} 中 files 部分按规范 JSON（键排序、无空格）计算的 "
              f"sha256；{content['manifest']} 列出了每个数据文件的 sha256。{content['files']} "
              "列出本数据包中每个文件（包括这些条款）的 sha256，可用 "
              f"`sha256sum -c {content['files']}` 校验。")
    text = f"""# 授权许可 {lic['number']}

{intro}

| 条款 | 授予内容 |
|---|---|
{table}

## 授权使用范围

{_quoted(scope['usage_scope'])}

## 验收标准

{_quoted(scope['acceptance_criteria'])}

## 本条款涵盖的文件

{content['manifest']} 中列出的每个文件。本版本的内容摘要为

    {content['manifest_sha256']}

{digest}
"""
    return text.encode()


def terms_files(terms: dict[str, Any], language: str | None = None) -> dict[str, bytes]:
    """The terms files of a package, by name, in the order the tar holds them: LICENCE.md
    (English) and licence.json first (:func:`carries_terms`), then LICENCE.zh-CN.md. A
    licensee known to read English (``language`` ``en``; no preference is recorded yet) gets
    the English alone; any other, or none known, both (LICENCE.md opens every package).

    >>> list(terms_files(_example()))
    ['LICENCE.md', 'licence.json', 'LICENCE.zh-CN.md']
    >>> list(terms_files(_example(), "en"))
    ['LICENCE.md', 'licence.json']
    """
    files = {LICENCE_MD: licence_markdown(terms), LICENCE_JSON: licence_json(terms)}
    if language is None or language.lower().startswith("zh"):
        files[LICENCE_MD_ZH] = licence_markdown_zh(terms)
    return files


def _example() -> dict[str, Any]:
    """Terms for the doctests."""
    return {"licence": {"number": "240105/ABC", "issued_on": "2024-01-05", "renews": None},
            "licensee": {"name": "Acme", "country": "US"},
            "dataset": {"name": "d", "title": "D", "modality": "image", "languages": [],
                        "copyright_no": None},
            "release": {"version": 1, "released_on": "2024-01-02"},
            "scope": {"territory": "PRC", "term": "perpetual", "usage_scope": "training",
                      "acceptance_criteria": "ok", "expires_on": None},
            "price": {"amount": "1.00", "currency": "CNY"},
            "content": {"manifest": "manifest.json", "manifest_sha256": "ab" * 32,
                        "files": SUMS}}


def _terms_digest(files: dict[str, bytes]) -> str:
    """The digest a package's path names: of its terms files, names and bytes (other terms,
    other wording or other languages: another package)."""
    digest = hashlib.sha256()
    for name, data in files.items():
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()


def package_path(root: Path, rel: CatalogRelease, ds: CatalogDataset, licence_id: int,
                 terms_sha256: str) -> Path:
    """Where the licence's package of ``rel`` under the terms of digest ``terms_sha256`` lies:
    one folder per licence and terms, the tar named after the release."""
    return (Path(root) / "transfers" / f"licence-{licence_id}" / terms_sha256[:16]
            / f"{ds.name}-v{rel.version}-{rel.manifest_sha256[:12]}.tar")


def build_package(rel: CatalogRelease, ds: CatalogDataset, root: Path, licence_id: int,
                  terms: dict[str, Any], src: Path | None = None) -> Path:
    """The release as one tar with the licence's terms (see the module's text), byte for byte
    the same every time it is built (fixed times, owners and modes)."""
    documents = terms_files(terms)
    target = package_path(root, rel, ds, licence_id, _terms_digest(documents))
    target.parent.mkdir(parents=True, exist_ok=True)
    # a partial file of its own: two links issued at once each write a whole package (the
    # same bytes) and the second rename wins, instead of both writing into one file
    partial = target.with_name(f"{target.name}.{uuid.uuid4().hex}.partial")
    src = Path(rel.path) if src is None else src  # ``src``: a release fetched from S3
    files = json.loads((src / "manifest.json").read_text(encoding="utf-8"))["files"]
    listed = {**files, "manifest.json": sha256_file(src / "manifest.json"),
              **{name: hashlib.sha256(data).hexdigest() for name, data in documents.items()}}
    sums = "".join(f"{digest}  {name}\n" for name, digest in sorted(listed.items())).encode()
    when = int(as_utc(rel.created_at).timestamp())

    def fixed(info: tarfile.TarInfo) -> tarfile.TarInfo:
        info.mtime, info.uid, info.gid, info.uname, info.gname = when, 0, 0, "", ""
        info.mode = 0o644
        return info

    def put(tar: tarfile.TarFile, name: str, data: bytes) -> None:
        info = fixed(tarfile.TarInfo(f"{top}/{name}"))
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))

    top = target.stem
    try:
        with tarfile.open(partial, "w", format=tarfile.PAX_FORMAT) as tar:
            for name, data in documents.items():  # first: whoever unpacks or streams the
                put(tar, name, data)  # package meets them (LICENCE.md, then licence.json)
            for name in [*sorted(files), "manifest.json"]:
                tar.add(src / name, arcname=f"{top}/{name}", recursive=False, filter=fixed)
            put(tar, SUMS, sums)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def carries_terms(path: Path) -> bool:
    """Whether the package at ``path`` opens with its licence's terms (LICENCE.md, then
    licence.json, in its top folder, as :func:`build_package` writes them): a package built
    before the terms travelled with the data does not. Reads the first two headers only (a
    package of 10,000 files, 660 MB: 0.6 ms, against 1.6 s to walk every header)."""
    want = [LICENCE_MD, LICENCE_JSON]
    try:
        with tarfile.open(path) as tar:
            for m in tar:
                if not (m.isfile() and m.name.count("/") == 1
                        and m.name.split("/", 1)[1] == want.pop(0)):
                    return False
                if not want:
                    return True
    except (OSError, tarfile.TarError):
        return False
    return False


def current_package(session: Session, lic: CatalogLicence, rel: CatalogRelease,
                    ds: CatalogDataset, root: Path) -> tuple[str, str]:
    """The licence's package of ``rel`` (its path, or its URL when the blob store is S3) and
    its sha256: the one its latest link was issued for when it is still whole and carries the
    licence's terms as they stand (a release never changes), else built again."""
    from datamill.catalog.release_store import (
        publish_transfer_once,
        release_folder,
        transfer_file,
        transfer_where,
    )

    settings = session_settings(session)
    terms = terms_of(session, lic, rel, ds)
    target = package_path(root, rel, ds, lic.id, _terms_digest(terms_files(terms)))
    link = session.scalars(select(TransferLink).where(
        TransferLink.licence_id == lic.id,
        TransferLink.package_path == transfer_where(settings, target, root))
        .order_by(TransferLink.id.desc())).first()
    if link is not None:
        have = transfer_file(session, link)
        if have is not None and carries_terms(have):
            return link.package_path, link.package_sha256
    # built and published under the package's lock: a link issued at the same moment waits and
    # reuses it (it found the tar gone once the first had uploaded it: 503)
    return publish_transfer_once(settings, target, root, lambda: build_package(
        rel, ds, root, lic.id, terms, release_folder(session, rel)))
