"""A throwaway static harness for the image workbench: ``http.server`` on 127.0.0.1 over a temp
folder holding the web static files, a rendered test image and harness pages rendered from
``templates/image/workbench.html``. The server records every POST (draft and submit) and can be
told to fail the next N of them (to exercise offline retries).

The browser is the session ``browser`` fixture of ``tests/e2e/conftest.py`` (Debian Chromium).
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from jinja2 import Environment, FileSystemLoader

WEB = Path(__file__).resolve().parents[3] / "src" / "datamill" / "web"

SCHEMA: dict[str, Any] = {
    "type": "image_label_schema", "schema_version": 1,
    "labels": [
        {"name": "car", "kinds": ["box", "rotated_box", "polygon", "mask"],
         "attributes": [{"name": "occluded", "type": "boolean"}]},
        {"name": "person", "kinds": ["box", "keypoints"], "skeleton": "person"},
        {"name": "lane", "kinds": ["polyline"]},
        {"name": "text", "kinds": ["text_line"],
         "attributes": [{"name": "script", "type": "select", "values": ["latin", "han"]}]},
    ],
    "skeletons": [{"name": "person", "keypoints": ["head", "left_hand", "right_hand"],
                   "edges": [[0, 1], [0, 2]]}],
    "image_classes": ["day", "night", "indoor"],
}
WIDTH, HEIGHT = 800, 600
RECT = (200, 150, 400, 300)  # the red rectangle in the test image: x0, y0, x1, y1 (exclusive)


def render_image(path: Path, width: int = WIDTH, height: int = HEIGHT) -> Path:
    """A grey image with a red rectangle (``RECT``) and a blue disc."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (width, height), (128, 128, 128))
    draw = ImageDraw.Draw(img)
    draw.rectangle((RECT[0], RECT[1], RECT[2] - 1, RECT[3] - 1), fill=(220, 30, 30))
    draw.ellipse((width * 0.65, height * 0.55, width * 0.85, height * 0.85), fill=(30, 40, 200))
    img.save(path, quality=90) if path.suffix == ".jpg" else img.save(path)
    return path


PAGE = """<!doctype html>{% from 'image/assets.html' import image_workbench_css, image_workbench_js %}
<html lang="{{ lang | default('en') }}"><head><meta charset="utf-8">
<meta name="csrf-token" content="test-csrf"><title>image workbench harness</title>
{{ image_workbench_css() }}</head>
<body style="margin:0">{% include 'image/workbench.html' %}{{ image_workbench_js() }}</body></html>"""


def render_page(folder: Path, name: str, **ctx: Any) -> str:
    """Write ``name``.html: the workbench fragment rendered with ``ctx`` in a bare page, its
    strings the web catalogue's in ``ctx["lang"]`` (default English), as the app renders it."""
    from datamill.web.i18n import translator
    from datamill.web.i18n_image import EN_IMAGE

    env = Environment(loader=FileSystemLoader(str(WEB / "templates")), autoescape=True)
    env.globals["IMAGE_STRING_KEYS"] = tuple(EN_IMAGE)
    env.globals["t"] = translator(ctx.get("lang", "en"))
    (folder / f"{name}.html").write_text(env.from_string(PAGE).render(**ctx), encoding="utf-8")
    return f"/{name}.html"


@dataclass
class Harness:
    url: str
    folder: Path
    posts: list[dict[str, Any]] = field(default_factory=list)
    fail_next: int = 0
    status: dict[str, int] = field(default_factory=dict)  # path -> the status to answer
    replies: dict[str, Any] = field(default_factory=dict)  # path -> the JSON body to answer
    delay_s: dict[str, float] = field(default_factory=dict)  # path -> seconds before answering
    lock: threading.Lock = field(default_factory=threading.Lock)

    def page(self, name: str, **ctx: Any) -> str:
        """Render a harness page; defaults: the test image, ``SCHEMA``, draft and submit URLs."""
        base = {"image_url": "/image.png", "annotation": {"objects": [], "classes": []},
                "label_schema": SCHEMA, "draft_url": f"/draft/{name}",
                "submit_url": f"/submit/{name}", "base_version": 3}
        base.update(ctx)
        return self.url + render_page(self.folder, name, **base)

    def posted(self, prefix: str) -> list[dict[str, Any]]:
        with self.lock:
            return [p for p in self.posts if p["path"].startswith(prefix)]


def _handler(harness: Harness, folder: Path) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def end_headers(self) -> None:  # pages are rewritten between loads: never cache
            self.send_header("Cache-Control", "no-store")
            super().end_headers()

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            with harness.lock:
                failing = harness.fail_next > 0
                if failing:
                    harness.fail_next -= 1
                harness.posts.append({"path": self.path, "failed": failing,
                                      "csrf": self.headers.get("X-CSRF-Token"),
                                      "body": json.loads(body or b"null")})
                status = 503 if failing else harness.status.get(self.path, 200)
                given = harness.replies.get(self.path)
                delay = harness.delay_s.get(self.path, 0.0)
            if delay:
                time.sleep(delay)  # a slow answer, so that the page's timers run meanwhile
            reply = json.dumps(given if given is not None else {"ok": True} if status == 200
                               else {"title": "refused"}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

    return Handler


def start_harness(folder: Path) -> tuple[Harness, ThreadingHTTPServer]:
    """Copy the static files and the test image into ``folder`` and serve it on a free port."""
    shutil.copytree(WEB / "static", folder / "static", dirs_exist_ok=True)
    harness = Harness(url="", folder=folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(harness, folder))
    harness.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return harness, server


@pytest.fixture(scope="module")
def harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    folder = tmp_path_factory.mktemp("image-wb")
    render_image(folder / "image.png")
    from PIL import Image

    with Image.open(folder / "image.png") as img:  # a half-size rendition for preview tests
        img.resize((WIDTH // 2, HEIGHT // 2)).save(folder / "preview.png")
    h, server = start_harness(folder)
    yield h
    server.shutdown()
    server.server_close()


@pytest.fixture
def ctx(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()
