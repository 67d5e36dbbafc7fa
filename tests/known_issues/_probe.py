"""Shared by the id-probing tests: a project elsewhere, an id never given out, and answers
made comparable (the asked id, error ids and the instance path neutral), so that a foreign id
and a missing one can be compared word for word on the API and on the web pages."""

from __future__ import annotations

import json
import re
from typing import Any

from fastapi.testclient import TestClient

from tests.known_issues._web import visible_text_nodes

__all__ = ["MISSING", "SPEC", "api_answer", "normal", "web_answer"]

SPEC = {
    "name": "elsewhere",
    "modality": "speech.asr",
    "language": "en-US",
    "project_type": "product_development",
    "stages": ["annotate", "review"],
    "package_size": 2,
    "sampling": {"inspection_level": "II", "aql": 2.5},
    "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
    "requirements": {},
}
MISSING = 987_654_321  # never given out


def normal(text: str, ident: int) -> str:
    """The answer with the asked id and error ids made neutral."""
    text = re.sub(r"\b[0-9a-f]{32}\b", "<error-id>", text)
    return re.sub(rf"\b{ident}\b", "<id>", text)


def api_answer(client: TestClient, headers: dict[str, str], method: str, url: str,
               body: Any, ident: int) -> tuple[int, str]:
    """Status and neutral body of an API request (``instance`` dropped)."""
    r = client.request(method, url, json=body, headers=headers)
    try:
        got = r.json()
    except ValueError:
        return r.status_code, normal(r.text, ident)
    if isinstance(got, dict):
        got.pop("instance", None)
    return r.status_code, normal(json.dumps(got, sort_keys=True), ident)


def web_answer(client: TestClient, csrf: str, method: str, url: str,
               form: dict[str, Any] | None, ident: int) -> tuple[int, str]:
    """Status and neutral visible text (and redirect target) of a page request."""
    if method == "GET":
        r = client.get(url, follow_redirects=False)
    else:
        r = client.post(url, data={**(form or {}), "csrf_token": csrf}, follow_redirects=False,
                        headers={"X-CSRF-Token": csrf})
    if r.headers.get("content-type", "").startswith("text/html"):
        text = " | ".join(visible_text_nodes(r.text))
    else:
        text = r.text
    return r.status_code, normal(text + " -> " + r.headers.get("location", ""), ident)
