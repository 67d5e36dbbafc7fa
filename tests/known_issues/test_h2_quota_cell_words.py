"""A speaker-quota cell without a ``name`` was shown by its codes, under zh-CN and in English
alike (``age_band=18-39 / gender=female``, ``everyone``): on the project page's quota table, in
``datamill collect quotas``, and in a full cell's reason on the items page, in ``data items``
and on the subject's collection page. People now read the cell in words in their language
(``female, 18–39``; ``女，18–39 岁``; ``所有人``); ``--json`` and the API keep the codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import soundfile as sf
from fastapi.testclient import TestClient

from datamill.collection import staff
from datamill.compliance.models import User
from datamill.compliance.users import add_member
from datamill.production.importing import import_source
from datamill.production.projects import create_project
from datamill.runtime import Runtime
from datamill.server import create_app
from tests._api import web_sign_in
from tests._cli import run_cli
from tests.unit.collection.helpers import collect_spec

CELLS = [{"age_band": "18-39", "gender": "female", "speakers": 1},
         {"name": "older people", "age_band": "40-99", "speakers": 3},
         {"items": 50}]
CODES = "age_band=18-39 / gender=female"
WORDS = {"en": ("female, 18–39", "everyone"), "zh-CN": ("女，18–39 岁", "所有人")}


def _text(html: str, testid: str) -> str:
    """The text of each element ``testid`` (a quota row: its first cell, the cell's label)."""
    cells = re.findall(rf'data-testid="{testid}"[^>]*>\s*(?:<td[^>]*>)?(.*?)</td>', html,
                       re.DOTALL)
    return " | ".join(re.sub(r"<[^>]+>", " ", c) for c in cells)


def _project(runtime: Runtime, users: dict[str, User], tmp_path: Path) -> tuple[int, str]:
    """The project of CELLS, its second young woman's take set aside, and an invitation."""
    rows = []
    for i, spk in enumerate(("w1", "w2")):  # the second young woman's cell is full
        tone = 0.1 * np.sin(np.linspace(0, (900 + 100 * i) * np.pi, 16000))
        sf.write(tmp_path / f"u{i}.wav", tone.astype(np.float32), 16000, subtype="PCM_16")
        rows.append({"path": f"u{i}.wav", "speaker_id": spk, "gender": "female", "age": 25})
    manifest = tmp_path / "m.jsonl"
    manifest.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    with runtime.session() as s:
        pid = create_project(s, collect_spec("cellwords", cells=CELLS, on_full="set_aside")).id
        add_member(s, pid, users["pm"], actor_id=None)
        staff.set_consent_text(s, s.merge(users["pm"]), pid, "I agree.")
        import_source(s, runtime.blobs, pid, manifest)
        s.commit()
        token = str(staff.create_invite(s, s.merge(users["pm"]), pid, "subj-1")["token"])
        s.commit()
    return pid, token


def test_pages_word_unnamed_cells(runtime: Runtime, users: dict[str, User],
                                  tmp_path: Path) -> None:
    pid, token = _project(runtime, users, tmp_path)
    with TestClient(create_app(runtime)) as c:
        web_sign_in(c, "pm")
        for lang, (cell, everyone) in WORDS.items():
            head = {"Accept-Language": lang}
            shown = _text(c.get(f"/projects/{pid}", headers=head).text, "quota-cell")
            assert shown == f"{cell} | older people | {everyone}", (lang, shown)
            cells = json.loads(re.findall(  # the subject's page words a full cell's refusal
                r'id="collect-cells">(.*?)</script>', c.get(f"/collect/{token}",
                                                             headers=head).text)[0])
            assert cells[CODES] == cell and cells["everyone"] == everyone, cells
        zh_items = _text(c.get(f"/projects/{pid}/items?status=rejected",
                               headers={"Accept-Language": "zh-CN"}).text, "item-reasons")
        assert "配额单元“女，18–39 岁”已满：1/1 名说话人" in zh_items, zh_items
        assert "age_band" not in zh_items and "quota cell" not in zh_items, zh_items


def test_cli_words_unnamed_cells(runtime: Runtime, users: dict[str, User],
                                 tmp_path: Path) -> None:
    pid, _token = _project(runtime, users, tmp_path)
    env = {"DATAMILL_DATABASE_URL": str(runtime.settings.database_url)}
    for lang, (cell, everyone) in WORDS.items():
        table = run_cli(runtime.settings.home, "collect", "quotas", str(pid), "--as", "pm",
                        DATAMILL_LANG=lang, **env).stdout
        assert cell in table and everyone in table and "older people" in table, table
        assert "age_band=" not in table and "gender=" not in table, table
        data = json.loads(run_cli(runtime.settings.home, "collect", "quotas", str(pid), "--as",
                                  "pm", "--json", DATAMILL_LANG=lang, **env).stdout)
        assert [c["label"] for c in data["cells"]] == [CODES, "older people", "everyone"]
    items = run_cli(runtime.settings.home, "data", "items", str(pid), "--status", "rejected",
                    "--as", "pm", DATAMILL_LANG="zh-CN", **env).stdout
    # the table wraps the reason: its two halves
    assert "配额单元“女，18–39" in items and "岁”已满：1/1 名说话人" in items, items
    assert "age_band=" not in items and "quota cell" not in items, items
    en_items = run_cli(runtime.settings.home, "data", "items", str(pid), "--status", "rejected",
                       "--as", "pm", DATAMILL_LANG="en", **env).stdout
    assert "quota cell" in en_items, en_items  # English shows the stored reason
