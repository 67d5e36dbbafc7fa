"""``data check`` tells the project manager what to do with an item it sets aside: import a
corrected file under the same id (it used to say only "set aside for re-collection", which
reads oddly for a text or LLM record and names no step)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.unit.cli._text_project import imported_text_project
from tests.unit.cli.test_cli import run


def test_check_names_the_step_for_items_set_aside(tmp_path: Path) -> None:
    home = imported_text_project(tmp_path, "check-cli", {
        "ok.txt": "张伟在北京的清华大学工作。", "short.txt": "好"})  # under min_chars 2
    shown = run(home, "data", "check", "check-cli", "--as", "root").stdout
    assert "2 checked: 1 passed, 1 set aside" in shown
    assert "import a corrected file under the same id to replace one" in shown
    assert "length: 1 character, outside 2..200" in shown
    again = json.loads(run(home, "data", "check", "check-cli", "--as", "root", "--json").stdout)
    assert again["checked"] == 0
    # counts read as English: one package, one item ("created 1 annotate packages" before)
    made = run(home, "work", "package", "check-cli", "--stage", "annotate", "--as", "root").stdout
    assert "created 1 annotate package\n" in made
    shown = run(home, "project", "show", "check-cli").stdout
    assert "2 items" in shown


def test_counted() -> None:
    from datamill.cli._common import counted

    assert counted(1, "item") == "1 item" and counted(0, "item") == "0 items"
    assert counted(2, "delivery", "deliveries") == "2 deliveries"
