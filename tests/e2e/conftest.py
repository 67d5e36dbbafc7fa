"""A real datamill server (uvicorn, SQLite) and Debian's Chromium driven by Playwright.

Never runs ``playwright install``: the browser is ``/usr/bin/chromium``. Screenshots of every
page under test go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import contextlib
import shutil
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from datamill.compliance.models import User
from datamill.compliance.users import add_member, create_user
from datamill.production.checking import run_checks
from datamill.production.importing import import_source
from datamill.production.models import Annotation, Item
from datamill.production.projects import create_project
from datamill.production.tasks import create_packages
from datamill.runtime import Runtime
from datamill.testing.fixtures import make_runtime
from datamill.testing.sentences import SENTENCES
from datamill.testing.server import free_port
from datamill.testing.synth import espeak_available, synthesize
from tests._tools import require_tool

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PASSWORD = "password1"  # noqa: S105 - test credential
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
ROLES = [("admin", "admin"), ("pm", "project_manager"), ("ann1", "annotator"),
         ("ann2", "annotator"), ("rev", "reviewer"), ("insp", "inspector")]
_names = count(1)


@dataclass
class Site:
    """The running server, its runtime, and the people in it."""

    url: str
    rt: Runtime
    users: dict[str, User]
    folder: Path
    projects: list[int] = field(default_factory=list)

    def scratch(self, prefix: str) -> Path:
        """A new empty folder under the session's pytest temporary folder (never a stray
        ``mkdtemp`` in /tmp): a test's source files, named ``prefix`` and a running number."""
        folder = self.folder.parent / f"{prefix.strip('-')}-{next(_names)}"
        folder.mkdir()
        return folder

    def project(self, n: int = 2, *, pre: bool = True, bad: bool = False,
                source: Path | None = None, **spec: Any) -> int:
        """A fresh project with everyone in it: ``n`` checked utterances (or the files of
        ``source``), pre-annotated with a model that drops the last word, packaged for
        annotation and review."""
        folder = source or self.scratch("speech-project")
        for i in range(0 if source else n):
            for ext in ("wav", "txt"):
                shutil.copyfile(self.folder / f"utt{i:03d}.{ext}", folder / f"utt{i:03d}.{ext}")
        if bad:
            import soundfile as sf

            sf.write(folder / "silent.wav", np.zeros(16000 * 2, dtype=np.float32), 16000,
                     subtype="PCM_16")
        body = {
            "name": f"e2e-{next(_names)}", "modality": "speech.asr", "language": "en-US",
            "project_type": "custom_service", "stages": ["annotate", "review"],
            "package_size": 10, "sampling": {"inspection_level": "II", "aql": 2.5},
            "acceptance": {"character_accuracy": 0.97, "sentence_accuracy": 0.9},
            "requirements": {"read_speech": False},
        }
        body.update(spec)
        with self.rt.session() as s:
            p = create_project(s, body)
            for u in self.users.values():
                add_member(s, p.id, u, actor_id=None)
        with self.rt.session() as s:
            import_source(s, self.rt.blobs, p.id, folder)
        with self.rt.session() as s:
            run_checks(s, self.rt.blobs, p.id, workers=1)
        if pre:
            with self.rt.session() as s:
                for item in s.query(Item).filter_by(project_id=p.id, status="passed"):
                    words = (item.prompt or "").lower().rstrip(".").split()
                    text = " ".join(words[:-1])  # the "model" misses the last word
                    ann = Annotation(
                        item_id=item.id, version=1, stage="preannotate", kind="preannotation",
                        model="test-model", text=text,
                        segments=[{"start_ms": 0, "end_ms": item.attributes["duration_ms"], "text": text,
                                   "speaker": None, "noise": []}],
                    )
                    s.add(ann)
                    s.flush()
                    item.current_annotation_id, item.current_version = ann.id, 1
                    item.status = "preannotated"
        with self.rt.session() as s:
            create_packages(s, p.id, "annotate")
            create_packages(s, p.id, "review")
        self.projects.append(p.id)
        return p.id


@contextlib.contextmanager
def serve_in_thread(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on a free loopback port in a daemon thread; yields its URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    if not espeak_available():
        require_tool("espeak-ng is not installed; scripts/setup.sh installs it")

    from datamill.server import create_app

    tmp = tmp_path_factory.mktemp("e2e")
    rt = make_runtime(tmp, "sqlite")
    with rt.session() as s:
        users = {name: create_user(s, name, PASSWORD, role) for name, role in ROLES}
        for u in users.values():
            s.expunge(u)
    folder = tmp / "speech"
    folder.mkdir()
    for i in range(4):
        synthesize(SENTENCES[i], folder / f"utt{i:03d}.wav", seed=i)
        (folder / f"utt{i:03d}.txt").write_text(SENTENCES[i], encoding="utf-8")
    with serve_in_thread(create_app(rt)) as url:
        yield Site(url=url, rt=rt, users=users, folder=folder)
    rt.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        require_tool("/usr/bin/chromium is not installed; scripts/setup.sh --dev installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser: Any, site: Site) -> Iterator[Any]:
    ctx = browser.new_context(base_url=site.url, viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


def shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(context: Any, username: str) -> Any:
    """A new page signed in as ``username`` (by keyboard), on their home page."""
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs  # an XSS would show up here
    page.goto("/login")
    page.focus("input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda u: not u.endswith("/login") and "/login?" not in u)
    return page


# --- projects of the other modalities, shared by the browser tests -------------------------------

def _with_everyone(site: Site, spec: dict[str, Any]) -> int:
    """A new project of ``spec`` with everyone of the site in it; returns its id."""
    with site.rt.session() as s:
        p = create_project(s, spec)
        for u in site.users.values():
            add_member(s, p.id, u, actor_id=None)
        return p.id


def _package(site: Site, pid: int) -> None:
    with site.rt.session() as s:
        create_packages(s, pid, "annotate")
        create_packages(s, pid, "review")


def image_project(site: Site, n: int = 2) -> int:
    """A checked image project of ``n`` rendered object scenes, packaged (no pre-annotation)."""
    from tests.unit.production.image_helpers import make_image_project

    return make_image_project(site.rt, site.users, site.scratch("image"), n)


def pointcloud_spec(name: str) -> dict[str, Any]:
    """A lidar project's spec: car (with an ``occluded`` attribute), pedestrian, cyclist."""
    from datamill.testing.pointclouds import SIZES

    labels: list[dict[str, Any]] = [{"name": k, "typical_size": list(v)} for k, v in SIZES.items()]
    labels[0]["attributes"] = [{"name": "occluded", "type": "select",
                                "values": ["none", "partly", "mostly"]}]
    return {
        "name": name, "modality": "pointcloud", "language": "en-US",
        "project_type": "custom_service", "stages": ["annotate", "review"], "package_size": 10,
        "sampling": {"inspection_level": "II", "aql": 2.5},
        "acceptance": {"cuboid_accuracy": 0.95},
        "requirements": {"cloud": {"min_points": 2000},
                         "labels": {"labels": labels, "scene_classes": ["urban", "highway"]},
                         "iou_threshold": 0.5},
    }


def pointcloud_project(site: Site, *, segment: bool = False) -> tuple[int, dict[str, list[Any]]]:
    """Two rendered lidar frames (.bin, .pcd) of four cars each, checked and packaged; returns
    the project's id and the true cuboids by frame. ``segment``: the spec also names point
    classes (road, the ground, 40; car 10), so every point gets a class."""
    from datamill.testing.pointclouds import render_scene, write_cloud

    folder = site.scratch("pointcloud")
    truth = {}
    for i, suffix in enumerate((".bin", ".pcd")):
        points, cuboids = render_scene(700 + i, objects=4, labels=("car",))
        write_cloud(points, folder / f"drive/frame{i:02d}{suffix}")
        truth[f"drive/frame{i:02d}"] = cuboids
    spec = pointcloud_spec(f"pc-{folder.name}")
    if segment:
        spec["requirements"]["labels"]["point_classes"] = [
            {"name": "road", "id": 40, "ground": True}, {"name": "car", "id": 10}]
    pid = _with_everyone(site, spec)
    with site.rt.session() as s:
        report = import_source(s, site.rt.blobs, pid, folder)
        assert report.imported == 2, report.rejections
    with site.rt.session() as s:
        summary = run_checks(s, site.rt.blobs, pid, workers=1)
        assert summary.passed == 2, summary.rejections
    _package(site, pid)
    return pid, truth


def llm_project(site: Site) -> int:
    """An LLM pairwise-preference project of the test records, checked and packaged."""
    import json

    from tests.unit.modalities.llm._cases import PAIR_RECORDS, spec

    folder = site.scratch("llm")
    src = folder / "records.jsonl"
    src.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in PAIR_RECORDS) + "\n",
                   encoding="utf-8")
    pid = _with_everyone(site, spec("pairwise", name=f"e2e-{folder.name}"))
    with site.rt.session() as s:
        import_source(s, site.rt.blobs, pid, src)
    with site.rt.session() as s:
        run_checks(s, site.rt.blobs, pid, workers=1)
    _package(site, pid)
    return pid
