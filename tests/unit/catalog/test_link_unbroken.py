"""A new-user trial's finding: ``datamill catalog link`` printed the transfer link inside a
sentence that the console broke at the terminal's width, so the link, copied from the screen
(or from a pipe, 80 columns), came with line breaks and did not open. The link is now a line of
its own that is never broken, its terms on the next line (en and zh-CN)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from datamill.business_clock import business_today
from datamill.cli import _common
from datamill.cli.main import app
from datamill.config import get_settings
from datamill.demo.catalog_demo import seed_product_batch
from datamill.runtime import Runtime
from tests.unit.catalog.helpers import customer, people, speech_files


def _run(cli: CliRunner, *args: object, **env: str) -> str:
    get_settings.cache_clear()
    try:
        r = cli.invoke(app, [str(a) for a in args], env=env)
    finally:
        get_settings.cache_clear()
    assert r.exit_code == 0, r.stdout + r.stderr
    return r.stdout


def test_the_transfer_link_is_printed_whole(runtime: Runtime, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_common, "_runtime", [runtime])
    cli = CliRunner()
    people(runtime)
    cust = customer(runtime)
    with runtime.session() as s:
        _, batch = seed_product_batch(s, runtime, "prod-link", speech_files("link"),
                                      workdir=tmp_path)
    ds = json.loads(_run(cli, "catalog", "create", "link-asr", "--title", "Link ASR",
                         "--modality", "speech.asr", "--language", "zh-CN", "--price", "300000",
                         "--price-low", "200000", "--price-high", "400000", "--as", "pm",
                         "--json"))
    _run(cli, "catalog", "source-add", ds["id"], "--batch", batch, "--as", "pm")
    _run(cli, "catalog", "release", ds["id"], "--out", tmp_path / "rel", "--as", "pm")
    lic = json.loads(_run(cli, "catalog", "licence-add", ds["id"], cust,
                          f"{business_today():%y%m%d}/LNK", "--price", "300000", "--territory",
                          "PRC", "--term", "3 years", "--usage", "training", "--criteria", "ok",
                          "--as", "sales", "--json"))
    for lang, terms in (("en", "downloads; the link is the line above, whole"),
                        ("zh-CN", "链接为上一行的完整内容")):
        shown = _run(cli, "catalog", "link", lic["id"], "--out", tmp_path / "rel", "--as",
                     "sales", COLUMNS="40", DATAMILL_LANG=lang)
        url, rest = shown.split("\n", 1)
        assert "/transfers/" in url and "signature=" in url and len(url) > 40
        assert " " not in url and terms in rest.replace("\n", "")
