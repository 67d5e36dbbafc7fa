"""``datamill catalog`` / ``datamill retention`` end to end, JSON in every case."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.cli import _common
from datamill.cli.main import app
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, speech_files

#: today's licence-number prefix: a licence is never dated before its release (made now)
DAY = f"{business_today():%y%m%d}"


@pytest.fixture
def cli(runtime: Runtime, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    return CliRunner()


def _run(cli: CliRunner, *args: Any, code: int = 0) -> Any:
    r = cli.invoke(app, [str(a) for a in args] + ["--json"])
    assert r.exit_code == code, r.stdout + r.stderr
    return json.loads(r.stdout)


def test_catalog_cli_flow(cli: CliRunner, runtime: Runtime, tmp_path: Path) -> None:
    people(runtime)
    cust = customer(runtime)
    with runtime.session() as s:
        _, batch = seed_product_batch(s, runtime, "prod-cli", speech_files("cli"), workdir=tmp_path)
    ds = _run(cli, "catalog", "create", "cli-asr", "--title", "CLI ASR", "--modality",
              "speech.asr", "--language", "zh-CN", "--scenario", "driving", "--price", "300000",
              "--price-low", "200000", "--price-high", "400000", "--as", "pm")
    assert ds["status"] == "in_development"
    refused = _run(cli, "catalog", "licence-add", ds["id"], cust, f"{DAY}/ABC", "--price",
                   "300000", "--territory", "PRC", "--term", "3 years", "--usage", "training",
                   "--criteria", "ok", "--as", "sales", code=4)
    assert "only a released dataset" in refused["error"]["message"]
    _run(cli, "catalog", "source-add", ds["id"], "--batch", batch, "--as", "pm")
    rel = _run(cli, "catalog", "release", ds["id"], "--out", tmp_path / "rel", "--as", "pm")
    assert _run(cli, "catalog", "verify", rel["id"], "--as", "sales")["intact"] is True
    found = _run(cli, "catalog", "list", "--language", "zh", "--scenario", "driving", "--as",
                 "sales")
    assert [d["name"] for d in found] == ["cli-asr"] and found[0]["price_band"] == "mid"
    lic = _run(cli, "catalog", "licence-add", ds["id"], cust, f"{DAY}/ABC", "--price", "300000",
               "--territory", "PRC", "--term", "3 years", "--usage", "training", "--criteria",
               "ok", "--as", "sales")
    dup = _run(cli, "catalog", "licence-add", ds["id"], cust, f"{DAY}/ABC", "--price", "300000",
               "--territory", "PRC", "--term", "3 years", "--usage", "training", "--criteria",
               "ok", "--as", "sales", code=4)
    assert "already used" in dup["error"]["message"]
    link = _run(cli, "catalog", "link", lic["id"], "--out", tmp_path / "rel", "--max-downloads",
                1, "--as", "sales")
    got = _run(cli, "catalog", "download", link["url"])
    assert Path(got["path"]).is_file()
    over = _run(cli, "catalog", "download", link["url"], code=6)
    assert "used 1 of 1" in over["error"]["message"]
    _run(cli, "catalog", "accept", lic["id"], "--as", "sales")
    links = _run(cli, "catalog", "links", lic["id"], "--as", "sales")
    assert [x["downloads"] for x in links] == [1]
    again = _run(cli, "catalog", "licence-add", ds["id"], cust, "--price", "300000",
                 "--territory", "PRC", "--term", "3 years", "--usage", "training", "--criteria",
                 "ok", "--as", "sales", code=4)  # the same terms again: renew instead
    assert "renew or revoke" in again["error"]["message"]
    nan = _run(cli, "catalog", "licence-renew", lic["id"], "--price", "NaN", "--as", "sales",
               code=2)
    assert nan["error"]["message"] == "price 'NaN' is not a number"
    renewal = _run(cli, "catalog", "licence-renew", lic["id"], "--price", "310000",
                   "--expires-on", "2999-12-31", "--as", "sales")
    assert renewal["renews_id"] == lic["id"] and renewal["expires_on"] == "2999-12-31"
    revoked = _run(cli, "catalog", "licence-revoke", renewal["id"], "--reason", "unpaid",
                   "--as", "sales")
    assert revoked["status"] == "revoked" and revoked["active"] is False
    _run(cli, "ledger", "sync", "--as", "admin")
    report = _run(cli, "catalog", "report", "--as", "sales")
    assert report[0]["revenue"] == "300000.00" and report[0]["licences"] == 2
    # the revoked renewal was never sold: not in what the licences were priced at
    assert report[0]["revoked"] == 1 and report[0]["licensed"] == {"CNY": "300000.00"}
    assert _run(cli, "catalog", "pipeline", "--as", "pm")["released"] == 1
    listing = _run(cli, "catalog", "listing", rel["id"], tmp_path / "listing.json", "--as", "sales")
    assert listing["release_sha256"] == rel["manifest_sha256"]
    forbidden = _run(cli, "catalog", "create", "x", "--title", "x", "--modality", "image",
                     "--language", "en", "--as", "ann", code=6)
    assert forbidden["error"]["code"] == "forbidden"
    run = _run(cli, "retention", "run", "--approved-by", "dso", "--dry-run")
    assert run["deleted"] == []
