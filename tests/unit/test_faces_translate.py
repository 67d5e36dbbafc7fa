"""Issue 10 §2: read models and rules leave the faces. The web pages and the CLI call services;
they build no ORM query of their own (``select(...)``, ``session.get/scalar(s)/execute``)."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "datamill"
QUERY = re.compile(r"\bselect\(|\bsession\.(?:get|scalars?|execute)\(|\bs\.(?:scalars?|execute)\(")
# none: even the web sign-in gets its user from the compliance service (compliance.sessions)
ALLOWED: set[str] = set()


def test_web_and_cli_build_no_queries() -> None:
    found = []
    for face in ("web", "cli"):
        for path in sorted((SRC / face).rglob("*.py")):
            rel = path.relative_to(SRC).as_posix()
            if rel in ALLOWED:
                continue
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if QUERY.search(line.split("#")[0]):
                    found.append(f"{rel}:{n}: {line.strip()}")
    assert not found, "move these reads into a domain service:\n" + "\n".join(found)
