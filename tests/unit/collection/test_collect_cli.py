"""``datamill collect``: prompts, consent text, invitations, quotas — every --json prints JSON."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.unit.cli.test_cli import run

from .helpers import collect_spec


def test_collect_cli(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / "spec.yaml").write_text(yaml.safe_dump(collect_spec(name="cli-col")),
                                        encoding="utf-8")
    run(home, "user", "create", "root", "--role", "admin", "--password", "password1")
    run(home, "project", "create", str(tmp_path / "spec.yaml"), "--as", "root", "--json")
    (tmp_path / "prompts.txt").write_text("one two three\n\nfour five six\none two three\n",
                                          encoding="utf-8")
    added = json.loads(run(home, "collect", "prompts", "add", "cli-col", "--file",
                           str(tmp_path / "prompts.txt"), "--as", "root", "--json").stdout)
    assert (added["added"], added["skipped"], added["total"]) == (2, 1, 2)
    # a prompts file from a Chinese Windows editor: GBK, or UTF-8 with a byte-order mark
    (tmp_path / "gbk.txt").write_bytes("请把灯打开。\n".encode("gbk"))
    refused = run(home, "collect", "prompts", "add", "cli-col", "--file",
                  str(tmp_path / "gbk.txt"), "--as", "root", "--json", ok=False)
    assert refused.returncode == 2
    assert "--encoding gbk" in json.loads(refused.stdout)["error"]["message"]
    run(home, "collect", "prompts", "add", "cli-col", "--file", str(tmp_path / "gbk.txt"),
        "--encoding", "gbk", "--as", "root")
    (tmp_path / "bom.txt").write_text("\ufeff今天天气很好。\n", encoding="utf-8")
    run(home, "collect", "prompts", "add", "cli-col", "--file", str(tmp_path / "bom.txt"),
        "--as", "root")
    listed = json.loads(run(home, "collect", "prompts", "list", "cli-col", "--as", "root",
                            "--json").stdout)
    assert [r["text"] for r in listed][2:] == ["请把灯打开。", "今天天气很好。"]
    # a speaker list saved by Notepad (BOM); a Chinese code is refused in plain words
    (tmp_path / "spk.json").write_text('[{"code": "A", "name": "客服"}]', encoding="utf-8-sig")
    rows = json.loads(run(home, "project", "speakers", "set", "cli-col", str(tmp_path / "spk.json"),
                          "--as", "root", "--json").stdout)
    assert [(r["code"], r["name"]) for r in rows] == [("A", "客服")]
    (tmp_path / "zh.json").write_text('[{"code": "A"}, {"code": "甲"}]', encoding="utf-8")
    bad = run(home, "project", "speakers", "set", "cli-col", str(tmp_path / "zh.json"), "--as",
              "root", "--json", ok=False)
    message = json.loads(bad.stdout)["error"]["message"]
    assert "speaker 2: code must be 1 to 40 ASCII letters" in message and "pydantic" not in message
    (tmp_path / "consent.txt").write_text("I agree.", encoding="utf-8")
    text = json.loads(run(home, "collect", "consent-text", "cli-col", "--file",
                          str(tmp_path / "consent.txt"), "--as", "root", "--json").stdout)
    assert text["version"] == 1
    inv = json.loads(run(home, "collect", "invite", "cli-col", "spk-1", "--as", "root",
                         "--days", "3", "--json").stdout)
    assert inv["path"].startswith("/collect/") and len(inv["token"]) >= 40
    quotas = json.loads(run(home, "collect", "quotas", "cli-col", "--as", "root", "--json").stdout)
    assert quotas["configured"] and [c["label"] for c in quotas["cells"]][:2] == [
        "young women", "young men"]
    assert not any(c["full"] for c in quotas["cells"])
    plain = run(home, "collect", "quotas", "cli-col", "--as", "root").stdout
    assert "young women" in plain and "open" in plain
    revoked = json.loads(run(home, "collect", "revoke", str(inv["id"]), "--as", "root",
                             "--json").stdout)
    assert revoked["state"] == "revoked"
    subjects = json.loads(run(home, "collect", "subjects", "cli-col", "--as", "root",
                              "--json").stdout)
    assert subjects[0]["subject_id"] == "spk-1" and subjects[0]["consent_id"] is None
    bad = run(home, "collect", "rerecord", "999", "--reason", "hum", "--as", "root", "--json",
              ok=False)
    assert bad.returncode != 0 and json.loads(bad.stdout)["error"]["code"] == "not_found"
    missing = run(home, "collect", "quotas", "nope", "--as", "root", "--json", ok=False)
    assert json.loads(missing.stdout)["error"]["code"] == "not_found"
