"""``datamill catalog``: owned datasets, releases, licences and transfer links; ``datamill
retention``: deleting custom-project backups after the contract period.

Every command acts for ``--as USERNAME`` and is checked by the same services as the API.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from datamill.cli._catalog_sheet import print_sheet as _print_sheet
from datamill.cli._common import (
    Force,
    emit,
    fresh_output,
    get_runtime,
    handle_errors,
    out,
)
from datamill.cli._unit_words import unit_after
from datamill.cli._words import code, say, say_count
from datamill.core.errors import InvalidInput

__all__ = ["app", "retention_app"]

app = typer.Typer(help="Catalog datasets: releases, licences, transfer links, reports.",
                  no_args_is_help=True)
retention_app = typer.Typer(help="Retention of custom-project backups (deletion certificates).",
                            no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsUser = Annotated[str, typer.Option("--as", help="Username of the person acting.")]
LicenceRef = Annotated[str, typer.Argument(
    metavar="LICENCE", help="The licence's number (YYMMDD/ABC, as its package prints it) or id.")]
Root = Annotated[Path | None, typer.Option("--out", help="Release/transfer folder "
                                           "(default: <home>/catalog).")]


def _user(s: Any, username: str) -> Any:
    from datamill.compliance.users import get_user

    return get_user(s, username)


def _licence(s: Any, user: Any, ref: str) -> int:
    from datamill.catalog.licences import licence_id_of

    return licence_id_of(s, user, ref)


def _root(rt: Any, root: Path | None) -> Path:
    return (root or rt.settings.home / "catalog").resolve()


def _day(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise InvalidInput(f"{value!r} is not a date (YYYY-MM-DD)") from err


def _line(text: str) -> Any:
    return lambda _v: out.print(text, highlight=False)


def _datasets(rows: list[Any]) -> None:
    for d in rows:
        price = (say("catalog.price", price=d.price, currency=d.currency, low=d.price_low,
                     high=d.price_high) if d.price else "")
        # every modality in its own unit (hours, images, frames, …); small sets (a demo's
        # minutes) keep four decimals: "0.00 hours" would read as empty
        v = d.volume
        shown = f"{v.value:.{2 if v.value >= 1 else 4}f}".rstrip("0").rstrip(".") if v else ""
        volume = (say("catalog.volume", value=shown, unit=unit_after(shown, v.unit))
                  if v else "")
        out.print(f"{d.id:>4} {d.name} · {d.modality} · {','.join(d.languages)} · "
                  f"{d.scenario or '-'} · {code('status', d.status)}{volume}{price}",
                  highlight=False)


@app.command("create")
@handle_errors
def create_cmd(
    name: str, user: AsUser,
    title: Annotated[str, typer.Option(help="Entry title.")],
    modality: Annotated[str, typer.Option(help="e.g. speech.asr, speech.tts, image.")],
    language: Annotated[list[str], typer.Option(help="BCP-47 tag (repeat).")],
    scenario: str = "", description: str = "", price: str | None = None,
    price_low: str | None = None, price_high: str | None = None,
    currency: Annotated[str, typer.Option(help="ISO 4217 code of the price and band.")] = "CNY",
    copyright_no: Annotated[str | None, typer.Option("--copyright")] = None,
    device: Annotated[list[str] | None, typer.Option(help="Recording device (repeat).")] = None,
    planned_hours: Annotated[str | None, typer.Option(
        help="Planned hours (speech; older name of --planned-volume).")] = None,
    budget: str | None = None,
    survey: Annotated[str, typer.Option(help="Market-survey note.")] = "",
    unlisted: bool = False, as_json: JsonOpt = False,
    planned_volume: Annotated[str | None, typer.Option(
        help="Planned volume in the modality's unit (hours, images, frames, dialogues).")
    ] = None,
) -> None:
    """Register a catalog dataset (in development) with its entry fields."""
    from datamill.catalog.datasets import create_dataset

    with get_runtime().session() as s:
        d = create_dataset(s, _user(s, user), name=name, title=title, modality=modality,
                           languages=language, scenario=scenario, description=description,
                           price=price, price_low=price_low, price_high=price_high,
                           currency=currency, copyright_no=copyright_no, devices=device, planned_hours=planned_hours,
                           budget=budget, market_survey=survey, listed=not unlisted,
                           planned_volume=planned_volume)
    emit(d, as_json, lambda d: out.print(say("catalog.created", id=d.id, name=d.name,
                                             status=code("status", d.status)), highlight=False))


@app.command("update")
@handle_errors
def update_cmd(
    dataset_id: int, user: AsUser, price: str | None = None, price_low: str | None = None,
    price_high: str | None = None, title: str | None = None, scenario: str | None = None,
    listed: Annotated[bool | None, typer.Option("--listed/--unlisted")] = None,
    survey: str | None = None, as_json: JsonOpt = False,
) -> None:
    """Change an entry's price, band, title, scenario, listing or survey note (audited)."""
    from datamill.catalog.datasets import update_dataset

    with get_runtime().session() as s:
        d = update_dataset(s, _user(s, user), dataset_id, price=price, price_low=price_low,
                           price_high=price_high, title=title, scenario=scenario, listed=listed,
                           market_survey=survey)
    emit(d, as_json, _line(say("catalog.updated", id=dataset_id)))


@app.command("list")
@handle_errors
def list_cmd(
    user: AsUser, modality: str | None = None, language: str | None = None,
    scenario: str | None = None,
    min_hours: Annotated[float | None, typer.Option(
        help="At least these hours (datasets counted in hours).")] = None,
    price_band: Annotated[str | None, typer.Option(help="low, mid or high.")] = None,
    status: str | None = None, text: str | None = None, as_json: JsonOpt = False,
    min_volume: Annotated[float | None, typer.Option(
        help="At least this volume in the unit of --modality (hours, images, frames, ...).")
    ] = None,
) -> None:
    """Search and browse the catalog (a customer sees listed entries only, without prices)."""
    from datamill.catalog.datasets import search_datasets
    from datamill.catalog.releases import with_volume

    with get_runtime().session() as s:
        rows = [with_volume(s, r) for r in search_datasets(
            s, _user(s, user), modality=modality, language=language, scenario=scenario,
            min_hours=min_hours, price_band=price_band, status=status, text=text,
            min_volume=min_volume)]
    # an empty catalog (or no match) says so, rather than printing nothing
    emit(rows, as_json, lambda v: _datasets(v) if v else out.print(
        say("catalog.no_datasets"), highlight=False))


@app.command("show")
@handle_errors
def show_cmd(dataset_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """One catalog entry."""
    from datamill.catalog.datasets import get_dataset
    from datamill.catalog.releases import with_volume

    with get_runtime().session() as s:
        d = with_volume(s, get_dataset(s, _user(s, user), dataset_id))
    emit(d, as_json, lambda d: _datasets([d]))


@app.command("third-party-add")
@handle_errors
def third_party_cmd(
    name: str, folder: Path, user: AsUser,
    supplier: Annotated[str, typer.Option()], contract_ref: Annotated[str, typer.Option()],
    sublicensable: Annotated[bool, typer.Option("--sublicensable/--no-sublicensable")] = False,
    permanent: bool = False, consent: str = "", cost: str = "0", as_json: JsonOpt = False,
) -> None:
    """Record a bought dataset with its rights (only sub-licensable ones enter a release)."""
    from datamill.catalog.datasets import register_third_party

    rt = get_runtime()
    with rt.session() as s:
        t = register_third_party(s, rt.blobs, _user(s, user), name=name, supplier=supplier,
                                 contract_ref=contract_ref, folder=folder,
                                 sublicensable=sublicensable, permanent=permanent,
                                 consent_basis=consent, cost=cost)
    emit(t, as_json, _line(say("catalog.third_party", id=t.id, name=t.name, files=t.files)))


@app.command("source-add")
@handle_errors
def source_add_cmd(
    dataset_id: int, user: AsUser, batch: int | None = None,
    third_party: int | None = None, as_json: JsonOpt = False,
) -> None:
    """Build the dataset from an accepted product-development batch or a third-party dataset."""
    from datamill.catalog.datasets import add_source

    with get_runtime().session() as s:
        src = add_source(s, _user(s, user), dataset_id, batch_id=batch, third_party_id=third_party)
    emit(src, as_json, _line(say("catalog.source_added", id=src.id, kind=src.kind,
                                 dataset=dataset_id)))


@app.command("source-remove")
@handle_errors
def source_remove_cmd(
    dataset_id: int, source_id: int, user: AsUser, as_json: JsonOpt = False,
) -> None:
    """Take a source out of a dataset no release was built from it yet (audited)."""
    from datamill.catalog.datasets import remove_source

    with get_runtime().session() as s:
        src = remove_source(s, _user(s, user), dataset_id, source_id)
    emit(src, as_json, _line(say("catalog.source_removed", id=src.id, kind=src.kind,
                                 dataset=dataset_id)))


@app.command("release")
@handle_errors
def release_cmd(dataset_id: int, user: AsUser, root: Root = None, as_json: JsonOpt = False) -> None:
    """Build the next immutable release (refused if any item is customer data)."""
    from datamill.catalog.releases import build_release

    rt = get_runtime()
    with rt.session() as s:
        r = build_release(s, rt.blobs, _user(s, user), dataset_id, _root(rt, root))
    emit(r, as_json, _line(say("catalog.released", id=r.id, version=r.version,
                               sha=r.manifest_sha256, files=r.items, path=r.path)))


@app.command("release-withdraw")
@handle_errors
def release_withdraw_cmd(
    release_id: int, user: AsUser, reason: Annotated[str, typer.Option(help="Why.")],
    as_json: JsonOpt = False,
) -> None:
    """Withdraw a release: no new licence or link names it and its links stop downloading;
    licences issued on it stay (renew them onto a later release)."""
    from datamill.catalog.releases import withdraw_release

    with get_runtime().session() as s:
        r = withdraw_release(s, _user(s, user), release_id, reason=reason)
    emit(r, as_json, _line(say("catalog.release_withdrawn", id=r.id, version=r.version,
                               on=r.withdrawn_on)))


@app.command("releases")
@handle_errors
def releases_cmd(dataset_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """A dataset's releases."""
    from datamill.catalog.releases import list_releases

    with get_runtime().session() as s:
        rows = list_releases(s, _user(s, user), dataset_id)

    def show(rows: Any) -> None:
        for r in rows:
            gone = (say("catalog.release_gone", on=r.withdrawn_on, reason=r.withdraw_reason)
                    if r.withdrawn_on else "")
            out.print(say("catalog.release_row", id=f"{r.id:>4}", version=r.version,
                          sha=r.manifest_sha256[:16], files=r.items, gone=gone),
                      highlight=False)

    emit(rows, as_json, show)


@app.command("verify")
@handle_errors
def verify_cmd(release_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Re-hash a release against its manifest (exit 4 when it no longer matches); catalog
    staff only."""
    from datamill.catalog.releases import verify_release_as
    from datamill.core.errors import Conflict

    with get_runtime().session() as s:
        report = verify_release_as(s, _user(s, user), release_id)
    emit(report, as_json, lambda r: out.print(
        say("catalog.intact" if r.intact else "catalog.tampered", id=r.release_id, files=r.files)
        + "".join(f"\n  {p}" for p in r.problems), highlight=False))
    if not report.intact:
        if as_json:
            raise typer.Exit(4)
        raise Conflict(f"release {release_id} no longer matches its manifest")


@app.command("datasheet")
@handle_errors
def datasheet_cmd(release_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """The datasheet generated from a release's items (counts, distributions, labels)."""
    from datamill.catalog.releases import datasheet

    with get_runtime().session() as s:
        sheet = datasheet(s, _user(s, user), release_id)
    emit(sheet, as_json, _print_sheet)


@app.command("licence-add")
@handle_errors
def licence_add_cmd(
    dataset_id: int, customer_id: int,
    number: Annotated[str | None, typer.Argument(
        help="YYMMDD/ABC, starting with the issue date (default: the issue day's first free "
             "number).")] = None,
    *, user: AsUser,
    price: Annotated[str, typer.Option()], territory: Annotated[str, typer.Option()],
    term: Annotated[str, typer.Option()], usage: Annotated[str, typer.Option()],
    criteria: Annotated[str, typer.Option(help="Acceptance criteria.")],
    currency: Annotated[str | None, typer.Option(
        help="ISO 4217 code the price is in (default: the dataset's price currency).")] = None,
    fx_rate: Annotated[str | None, typer.Option(
        help="CNY per unit of a foreign currency on the issue date (needed unless CNY).")
    ] = None,
    release: int | None = None,
    issued_on: Annotated[str | None, typer.Option(
        help="YYYY-MM-DD (default: the number's date, else today).")] = None,
    expires_on: Annotated[str | None, typer.Option(
        help="The licence's last day, YYYY-MM-DD (default: no end date).")] = None,
    band_reason: str | None = None,
    quote: Annotated[int | None, typer.Option(
        help="The approved out-of-band quote a price outside the band is issued on (default: "
             "the approved quote of the same customer, price and currency).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """License a released dataset to a customer (number YYMMDD/ABC, from the issue date); a
    price outside the band needs an approved out-of-band quote (catalog band-quote)."""
    from datamill.catalog.licences import create_licence

    with get_runtime().session() as s:
        lic = create_licence(s, _user(s, user), dataset_id=dataset_id, customer_id=customer_id,
                             number=number, price=price, territory=territory, term=term,
                             usage_scope=usage, acceptance_criteria=criteria, release_id=release,
                             issued_on=_day(issued_on), currency=currency, fx_rate=fx_rate,
                             band_reason=band_reason, expires_on=_day(expires_on),
                             band_quote_id=quote)
    emit(lic, as_json, _issued)


def _issued(lic: Any) -> None:
    ends = say("catalog.issued_ends", on=lic.expires_on) if lic.expires_on else ""
    renews = say("catalog.issued_renews", id=lic.renews_id) if lic.renews_id else ""
    out.print(say("catalog.issued", id=lic.id, number=lic.number, dataset=lic.dataset_name,
                  customer=lic.customer_name, price=lic.price, currency=lic.currency,
                  issued=lic.issued_on, ends=ends, renews=renews), highlight=False)


def _state(x: Any) -> str:
    if x.status == "revoked":
        return say("catalog.state_revoked", on=x.revoked_on)
    ends = say("catalog.state_ends", on=x.expires_on) if x.expires_on else ""
    expired = say("catalog.state_expired") if x.expired else ""
    return f"{code('licence_status', x.status)}{ends}{expired}"


def _licences(rows: Any) -> None:
    for x in rows:
        out.print(say("catalog.licence_row", id=f"{x.id:>4}", number=x.number,
                      dataset=x.dataset_name, dataset_id=x.dataset_id, customer=x.customer_name,
                      customer_id=x.customer_id, price=x.price, currency=x.currency,
                      territory=x.territory, state=_state(x)), highlight=False)


@app.command("licence-revoke")
@handle_errors
def licence_revoke_cmd(
    licence: LicenceRef, user: AsUser, reason: Annotated[str, typer.Option(help="Why.")],
    on: Annotated[str | None, typer.Option(help="YYYY-MM-DD (default: today).")] = None,
    as_json: JsonOpt = False,
) -> None:
    """End a licence now: its links stop; an unaccepted one's ledger contract is cancelled."""
    from datamill.catalog.licences import revoke_licence

    with get_runtime().session() as s:
        u = _user(s, user)
        lic = revoke_licence(s, u, _licence(s, u, licence), reason=reason, on=_day(on))
    emit(lic, as_json, _line(say("catalog.licence_revoked", number=lic.number,
                                 on=lic.revoked_on)))


@app.command("licence-renew")
@handle_errors
def licence_renew_cmd(
    licence: LicenceRef, user: AsUser, price: Annotated[str, typer.Option()],
    expires_on: Annotated[str | None, typer.Option(
        help="The renewal's last day, YYYY-MM-DD (default: no end date).")] = None,
    number: Annotated[str | None, typer.Option(help="YYMMDD/ABC (default: the next free).")
                      ] = None,
    release: Annotated[int | None, typer.Option(help="Release id (default: the latest).")
                       ] = None,
    term: str | None = None, territory: str | None = None, usage: str | None = None,
    issued_on: str | None = None, fx_rate: str | None = None, band_reason: str | None = None,
    quote: Annotated[int | None, typer.Option(
        help="The approved out-of-band quote a price outside the band is issued on.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Renew a licence: a new licence (priced and booked again) on the same terms unless
    changed, on the dataset's latest release unless --release says otherwise."""
    from datamill.catalog.licences import renew_licence

    with get_runtime().session() as s:
        u = _user(s, user)
        lic = renew_licence(s, u, _licence(s, u, licence), price=price,
                            expires_on=_day(expires_on), number=number, release_id=release,
                            term=term, territory=territory, usage_scope=usage,
                            issued_on=_day(issued_on), fx_rate=fx_rate, band_reason=band_reason,
                            band_quote_id=quote)
    emit(lic, as_json, _issued)


@app.command("licence-upgrade")
@handle_errors
def licence_upgrade_cmd(
    licence: LicenceRef, user: AsUser,
    release: Annotated[int, typer.Option(help="The newer release of the same dataset.")],
    reason: Annotated[str, typer.Option(help="Why (a corrected release ...).")],
    as_json: JsonOpt = False,
) -> None:
    """Move a live licence to a newer release of its dataset at no charge (same price, end
    date and ledger order; nothing booked), audited; its links issued so far stop."""
    from datamill.catalog.licence_upgrade import upgrade_licence

    with get_runtime().session() as s:
        u = _user(s, user)
        lic = upgrade_licence(s, u, _licence(s, u, licence), release_id=release,
                              reason=reason)
    emit(lic, as_json, _line(say("catalog.upgraded", number=lic.number,
                                 release=lic.release_id)))


@app.command("links")
@handle_errors
def links_cmd(licence: LicenceRef, user: AsUser, as_json: JsonOpt = False) -> None:
    """A licence's transfer links (a customer sees its own licence's)."""
    from datamill.catalog.licences import list_links

    rt = get_runtime()
    with rt.session() as s:
        u = _user(s, user)
        rows = list_links(s, rt.settings, u, _licence(s, u, licence))

    def show(rows: Any) -> None:
        for x in rows:
            state = (say("catalog.link_state_revoked") if x.revoked else
                     say("catalog.link_downloads", done=x.downloads, max=x.max_downloads))
            out.print(say("catalog.link_row", id=f"{x.id:>4}", url=x.url,
                          until=f"{x.expires_at:%Y-%m-%d %H:%M}", state=state), highlight=False)
        if not rows:
            out.print(say("catalog.no_links"), highlight=False)

    emit(rows, as_json, show)


@app.command("link-revoke")
@handle_errors
def link_revoke_cmd(link_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Stop one transfer link (the licence stays)."""
    from datamill.catalog.licences import revoke_link

    rt = get_runtime()
    with rt.session() as s:
        link = revoke_link(s, rt.settings, _user(s, user), link_id)
    emit(link, as_json, _line(say("catalog.link_revoked", id=link.id)))


@app.command("licences")
@handle_errors
def licences_cmd(user: AsUser, dataset: int | None = None, as_json: JsonOpt = False) -> None:
    """Licences (a customer sees its own): dataset and customer by name, price and currency."""
    from datamill.catalog.access import viewer
    from datamill.catalog.licences import list_licences

    with get_runtime().session() as s:
        caller = _user(s, user)
        rows = list_licences(s, caller, dataset)
        view = viewer(s, caller)
        name = caller.username
    unlinked = not view.everything and view.customer_id is None

    def show(rows: Any) -> None:
        _licences(rows)
        if unlinked:  # trial: a customer account saw [] and no reason (--json stays a list)
            out.print(say("catalog.customer_unlinked", user=name), highlight=False)

    emit(rows, as_json, show)


@app.command("licence")
@handle_errors
def licence_cmd(licence: LicenceRef, user: AsUser, as_json: JsonOpt = False) -> None:
    """One licence (a customer sees its own)."""
    from datamill.catalog.licences import get_licence

    with get_runtime().session() as s:
        u = _user(s, user)
        lic = get_licence(s, u, _licence(s, u, licence))
    emit(lic, as_json, lambda x: _licences([x]))


@app.command("link")
@handle_errors
def link_cmd(
    licence: LicenceRef, user: AsUser, root: Root = None, hours: int = 72,
    max_downloads: int = 3,
    as_json: JsonOpt = False,
) -> None:
    """Package the licensed release and issue an expiring, signed, download-counted link."""
    from datamill.catalog.licences import issue_transfer_link

    rt = get_runtime()
    with rt.session() as s:
        u = _user(s, user)
        link = issue_transfer_link(s, rt.settings, u, _licence(s, u, licence), _root(rt, root),
                                   hours=hours, max_downloads=max_downloads)
    emit(link, as_json, lambda v: _print_link(v.url, say(
        "catalog.link", max=v.max_downloads, until=f"{v.expires_at:%Y-%m-%d %H:%M}")))


def _print_link(url: str, terms: str) -> None:
    """A transfer link on a line of its own, never broken: a terminal narrower than the link
    wraps it on screen only, so that it is copied (or selected with a double click) whole;
    its terms on the next line."""
    out.print(url, soft_wrap=True, highlight=False, overflow="ignore", crop=False)
    out.print(terms, soft_wrap=True, highlight=False)


def _download_target(out_path: Path | None, force: bool) -> Path | None:
    """Where ``--out`` puts the package: the file it names, or inside the folder it names
    (under the package's own name, known once the link is read; see :func:`_into`). Refused
    before the download counts: a folder that does not exist, a file already there without
    ``--force``."""
    if out_path is None:
        return None
    target = out_path.expanduser()
    if target.is_dir():
        return target.resolve()
    parent = target.parent
    if not parent.is_dir():
        raise InvalidInput(f"--out {out_path}: the folder {parent} does not exist; create it "
                           "first or name another", field="--out", path=str(out_path))
    fresh_output(target, force, "--out")
    return target.resolve()


def _into(target: Path, package: Path, force: bool) -> Path:
    """The file ``--out`` names (``target`` a folder: the package's name inside it)."""
    if not target.is_dir():
        return target
    inside = target / package.name
    fresh_output(inside, force, "--out")
    return inside


@app.command("download")
@handle_errors
def download_cmd(
    url: str,
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="Write the package to this file (or into this folder under its own "
                      "name); the folder must exist. Default: print where the package is.")
    ] = None,
    force: Force = False,
    as_json: JsonOpt = False,
) -> None:
    """Fetch through a transfer link (as the customer would): prints the package's path, or
    copies it to --out and prints that path."""
    import shutil

    from datamill.catalog.licences import download, link_params

    target = _download_target(out_path, force)  # refused before a download is counted
    rt = get_runtime()
    link_id, expires, signature = link_params(url)
    part: Path | None = None
    try:
        with rt.session() as s:
            got = download(s, rt.settings, link_id, expires=expires, signature=signature)
            if target is not None:  # copied before the download is committed: a failed copy
                target = _into(target, Path(got.path), force)  # counts no download
                part = target.with_name(target.name + ".part")
                shutil.copyfile(got.path, part)
    except BaseException:
        if part is not None:
            part.unlink(missing_ok=True)
        raise
    if target is not None and part is not None:
        part.replace(target)
        got = got.model_copy(update={"path": str(target)})
    emit(got, as_json, _line(say("catalog.downloaded", path=got.path, sha=got.sha256,
                                 n=got.downloads, max=got.max_downloads)))


@app.command("accept")
@handle_errors
def accept_cmd(licence: LicenceRef, user: AsUser, on: str | None = None, note: str = "",
               as_json: JsonOpt = False) -> None:
    """Record the buyer's acceptance (revenue follows at the next "datamill ledger sync")."""
    from datamill.catalog.licences import accept_licence

    with get_runtime().session() as s:
        u = _user(s, user)
        lic = accept_licence(s, u, _licence(s, u, licence), accepted_on=_day(on),
                             note=note)
    emit(lic, as_json, _line(say("catalog.accepted", number=lic.number, on=lic.accepted_on)))


@app.command("customer-link")
@handle_errors
def customer_link_cmd(username: str, customer_id: int, user: AsUser,
                      as_json: JsonOpt = False) -> None:
    """Let a customer-role user see ledger customer CUSTOMER_ID's licences."""
    from datamill.catalog.access import link_customer_user

    with get_runtime().session() as s:
        res = link_customer_user(s, _user(s, user), _user(s, username), customer_id)
    emit(res, as_json, _line(say("catalog.customer_link", user=username,
                                 customer=customer_id)))


@app.command("report")
@handle_errors
def report_cmd(user: AsUser, as_json: JsonOpt = False) -> None:
    """Per dataset: licences, revenue, development cost, margin."""
    from datamill.catalog.licences import dataset_report

    with get_runtime().session() as s:
        rows = dataset_report(s, _user(s, user))

    def show(rows: Any) -> None:
        for r in rows:
            priced = say("collect.sep").join(f"{v} {k}" for k, v in r.licensed.items())
            out.print(say_count(
                "catalog.report_row", r.licences, name=r.name, licences=r.licences,
                accepted=r.accepted,
                revoked=say("catalog.report_revoked", n=r.revoked) if r.revoked else "",
                priced=say("catalog.report_priced", priced=priced) if priced else "",
                revenue=r.revenue, currency=r.currency, cost=r.development_cost,
                margin=r.margin), highlight=False)

    emit(rows, as_json, show)


@app.command("pipeline")
@handle_errors
def pipeline_cmd(user: AsUser, as_json: JsonOpt = False) -> None:
    """New datasets per year and datasets in development (catalog staff only)."""
    from datamill.catalog.datasets import pipeline_counts

    with get_runtime().session() as s:
        p = pipeline_counts(s, _user(s, user))

    def show(p: Any) -> None:
        for y in p.years:
            out.print(say("catalog.pipeline_row", year=y["year"], new=y["new"],
                          dev=y["in_development"]), highlight=False)

    emit(p, as_json, show)


@app.command("listing")
@handle_errors
def listing_cmd(release_id: int, user: AsUser, path: Path, as_json: JsonOpt = False) -> None:
    """Write a public data-exchange listing file for a release."""
    from datamill.catalog.listing import write_listing

    with get_runtime().session() as s:
        res = write_listing(s, _user(s, user), release_id, path)
    emit(res, as_json, _line(say("catalog.listing", path=path)))


@retention_app.command("run")
@handle_errors
def retention_run_cmd(
    user: Annotated[str, typer.Option("--as", "--approved-by",
                                      help="The approving backup admin / security officer.")],
    today: Annotated[str | None, typer.Option(
        help="Run as of this day (YYYY-MM-DD; today or earlier, later only with --dry-run).")
    ] = None,
    dry_run: bool = False, as_json: JsonOpt = False,
) -> None:
    """Delete custom-project backups past their retention period (certificates logged)."""
    from datamill.catalog.retention import run_retention

    rt = get_runtime()
    with rt.session() as s:
        res = run_retention(s, rt.blobs, _user(s, user), today=_day(today), dry_run=dry_run)

    def show(r: Any) -> None:
        for d in r.deleted:
            out.print(say("catalog.would_delete" if r.dry_run else "catalog.deleted",
                          kind=d.kind, what=d.what, sha=d.sha256), highlight=False)
        if not r.deleted:
            out.print(say("catalog.nothing_to_delete"), highlight=False)

    emit(res, as_json, show)


@retention_app.command("hold")
@handle_errors
def hold_cmd(project_id: int, user: AsUser, reason: Annotated[str, typer.Option()],
             item: int | None = None, as_json: JsonOpt = False) -> None:
    """Put a project (or one item) under a dispute / legal hold."""
    from datamill.catalog.retention import set_hold

    with get_runtime().session() as s:
        h = set_hold(s, _user(s, user), project_id, reason, item_id=item)
    emit(h, as_json, _line(say("catalog.hold", id=h.id, project=h.project_id)))


@retention_app.command("release-hold")
@handle_errors
def release_hold_cmd(hold_id: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Lift a hold."""
    from datamill.catalog.retention import release_hold

    with get_runtime().session() as s:
        h = release_hold(s, _user(s, user), hold_id)
    emit(h, as_json, _line(say("catalog.hold_released", id=h.id)))


@retention_app.command("period")
@handle_errors
def period_cmd(contract_id: int, months: int, user: AsUser, as_json: JsonOpt = False) -> None:
    """Set a contract's backup retention period in months (default 6)."""
    from datamill.catalog.retention import set_retention_months

    with get_runtime().session() as s:
        res = set_retention_months(s, _user(s, user), contract_id, months)
    emit(res, as_json, _line(say("catalog.retention", contract=contract_id, months=months)))


@retention_app.command("certificates")
@handle_errors
def certificates_cmd(user: AsUser, project: int | None = None, as_json: JsonOpt = False) -> None:
    """Deletion certificates."""
    from datamill.catalog.retention import list_deletions

    with get_runtime().session() as s:
        rows = list_deletions(s, _user(s, user), project)

    def show(rows: Any) -> None:
        for d in rows:
            out.print(say("catalog.certificate", id=d.id, on=f"{d.deleted_at:%Y-%m-%d}",
                          project=d.project_id, kind=d.kind, what=d.what, sha=d.sha256,
                          by=d.approved_by, reason=d.reason), highlight=False)

    emit(rows, as_json, show)


# the out-of-band quote commands register themselves on this app
from datamill.cli import catalog_quotes as _quotes  # noqa: E402, F401
from datamill.cli import catalog_requests as _requests  # noqa: E402, F401
