"""Every benchmark script in ``bench/`` runs to its end at tiny sizes.

The scripts measure, they are never timed here: each runs in a process of its own (forked from
the tests' fork server, :func:`tests._forkserver.run_script`, which has imported datamill once:
a new interpreter spent ~1 s of CPU a script on the same imports; the repository root as
working directory) with the smallest options that still take it down its whole path, and must
exit 0 with its final line (``SUMMARY ...`` for most) in its output. This
keeps them from rotting when the code under them changes (a bulk insert that predates a schema
change, a helper that lost its decorator).

The PostgreSQL legs run against the test server (``DATAMILL_TEST_PG_URL``, via
:func:`datamill.testing.fixtures.pg_url`): the script gets this worker's test database as
``--pg-url`` and makes its own scratch database beside it (``<db>_bench_<pid>``, see
``bench/_util.scratch_database``), which the test drops afterwards should the script not have.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from datamill.testing.fixtures import pg_url
from tests._forkserver import run_script
from tests._tools import require_module, require_tool

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
CHROMIUM = Path("/usr/bin/chromium")


@dataclass(frozen=True)
class Bench:
    script: str
    args: tuple[str, ...]
    #: the start of the line the script ends with
    final: str
    #: also in the output (whitespace collapsed: rich wraps long lines)
    expect: tuple[str, ...] = ()
    #: "postgresql", "chromium", "espeak-ng", "sox", "tesseract", "fonts", "plate-fonts", "locales"
    tools: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    timeout_s: int = 120
    slow: bool = False
    name: str = ""

    @property
    def id(self) -> str:
        return self.name or self.script.removesuffix(".py")


BENCHES = [
    Bench("aggregation.py",
          ("--labels", "2000", "--per-item", "5", "--workers", "20", "--glad-labels", "500",
           "--glad-iter", "2", "--pairs", "1000", "--items-bt", "50", "--bt-iter", "5",
           "--repeat", "1"),
          "SUMMARY majority_vote", ("bradley_terry",), modules=("crowdkit",)),
    Bench("audit_page.py", ("--n", "250", "--loads", "1"), "SUMMARY audit page sqlite:",
          ("postgresql: resumed/full",), tools=("postgresql",), slow=True),
    # the passes timed apart and the pre-annotator on one of the two matched files (--timed 1;
    # default both: ~4 s more CPU, the same decoder calls again)
    Bench("calibrate_consistency.py", ("--good", "2", "--swapped", "1", "--partial", "1",
                                       "--timed", "1"),
          "preannotator per-voice WER:", tools=("espeak-ng",), timeout_s=180, slow=True),
    Bench("checks_heldout.py", ("--speech", "1", "--tts", "1", "--images", "2"),
          "SUMMARY checks_heldout", ("clipped x4, then -6 dB", "held-out: other languages"),
          tools=("espeak-ng",), timeout_s=240, slow=True),
    Bench("checks_heldout_sox.py", ("--n", "2"), "SUMMARY checks_heldout_sox",
          ("truncated file (header unchanged)",), tools=("espeak-ng", "sox")),
    Bench("checks_throughput.py", ("--m", "4", "--repeat", "1", "--m-consistency", "2"),
          "SUMMARY checks_throughput", ("+consistency",), tools=("espeak-ng",)),
    # the bare server (no datamill app) under the same clients: cheap to start, one process
    Bench("claim_floor.py", ("--tasks", "120", "--claims", "16", "--warmup", "4", "--clients", "4",
                             "--single", "4", "--workers", "1"),
          "SUMMARY claim_floor", ("PostgreSQL p99",), tools=("postgresql",)),
    # the same server running datamill's own statements on a schema datamill migrated: every
    # claimed task distinct and every submit a 201 (the script exits 1 otherwise)
    Bench("claim_floor.py", ("--rules", "--tasks", "120", "--claims", "16", "--warmup", "4",
                             "--clients", "4", "--single", "4", "--workers", "1"),
          "SUMMARY claim_floor --rules", ("PostgreSQL p99", "datamill's 20 statements"),
          tools=("postgresql",), name="claim_floor_rules"),
    Bench("claim_lane.py", ("--rounds", "1", "--block", "3"), "SUMMARY claim_lane:",
          ("PostgreSQL hot lane", "PostgreSQL FastAPI routes"), tools=("postgresql",)),
    # this checkout against itself (the baseline's src is this one's), SQLite only: two servers
    # (with PostgreSQL four, ~40 s; its leg is the same code on another URL) of one process each
    # (`datamill serve --workers 1`; the default 2 costs ~11 s more CPU, uvicorn's worker
    # processes each building the app, and proves nothing more about the script)
    Bench("claim_ab.py", ("--baseline-src", "src", "--rounds", "2", "--block", "3",
                          "--workers", "1"),
          "SUMMARY claim_ab:", ("SQLite p99",), timeout_s=180, slow=True),
    # one server process (--workers 2, `datamill serve --workers 2`, costs ~15 s more CPU)
    Bench("claim_latency.py",
          ("--tasks", "60", "--claims", "16", "--warmup", "2", "--clients", "4", "--single", "4",
           "--sweep", "1,2", "--sweep-claims", "4"),
          "SUMMARY claim_latency", ("PostgreSQL p50", "SWEEP PostgreSQL: p99"), tools=("postgresql",), slow=True),
    Bench("coco_export.py", ("--boxes", "200"), "SUMMARY coco_export"),
    Bench("corpus_selection.py",
          ("--sizes", "500", "--n", "20", "--naive-n", "10", "--naive-sizes", "500"),
          "SUMMARY ", ("same=yes",)),
    Bench("corpus_selection.py",
          ("--synthetic", "--sizes", "1000", "--n", "20", "--naive-n", "10",
           "--naive-sizes", "1000"),
          "SUMMARY ", ("same=yes",), name="corpus_selection-synthetic"),
    # one photo in the masking job (each of the seven backend runs masks it: ~1 s of CPU a
    # photo; --m-images 2 cost ~6 s more CPU and takes no other path)
    Bench("engine_ray_vs_local.py",
          ("--m", "4", "--repeat", "1", "--batch", "2", "--m-images", "1"),
          "SUMMARY engine", ("ray(2) warm",), tools=("espeak-ng",), modules=("ray",),
          timeout_s=180, slow=True),
    # each label part once, at the 10 % the SUMMARY line reports (--flips 10; the default 5,10
    # runs each part's evaluator twice on the same path, ~6 s more CPU)
    Bench("effect_evaluation.py", ("--per-voice", "1", "--voices", "1", "--texts", "40",
                                   "--pairs", "40", "--scenes", "12", "--frames", "12",
                                   "--flips", "10"),
          "SUMMARY effect speech held-out", ("text: zh 10% precision", "llm: train 10% precision",
                                             "image: 640 10% precision",
                                             "pointcloud: 10% precision"),
          tools=("espeak-ng",),
          modules=("sklearn",), slow=True),
    Bench("export_items.py", ("--n", "200", "--masked"), "SUMMARY export_items n=200:",
          ("GOAL export hf", "BOUND textgrid", "RATIO masked/plain kaldi"), slow=True),
    Bench("export_memory.py", ("--n", "50", "--exports", "2"), "SUMMARY export_memory n=50",
          slow=True),
    Bench("image_checks.py", ("--n", "4", "--width", "320", "--height", "240", "--repeat", "1"),
          "SUMMARY image_checks"),
    # the default 3840x2160 image: the server's preview rendition is only made above 1920 px
    Bench("image_workbench_tti.py", ("--loads", "1", "--objects", "20"),
          "SUMMARY image_workbench_tti", tools=("chromium",), modules=("playwright",),
          slow=True),
    Bench("import_items.py", ("--n", "200"), "SUMMARY import_items n=200:",
          ("in place PostgreSQL new", "copy import"), tools=("postgresql",)),
    # 4 of scikit-image's LFW face crops and 4 non-faces (the default, all 200, cost ~8 s more
    # CPU; tests/unit/compliance/test_image_masking.py measures face recall on them)
    Bench("mask_recall.py", ("--n", "4", "--negatives", "2", "--faces", "4"),
          "SUMMARY masking plates",
          ("faces recall=",), tools=("plate-fonts",), modules=("cv2", "skimage"), slow=True),
    Bench("language_check.py", ("--n", "20"), "SUMMARY language_check english refused",
          ("it (should be refused)", "english refused (llm path)"), tools=("locales",)),
    Bench("near_copy_fingerprint.py", ("--prompts", "1", "--voices", "3", "--speeds", "1"),
          "SUMMARY near_copy gap", ("other noise seed",), tools=("espeak-ng",)),
    Bench("ocr_accuracy.py", ("--n", "2"), "SUMMARY ocr_accuracy", ("rapidocr", "tesseract"),
          tools=("tesseract", "fonts"), modules=("rapidocr",)),
    Bench("page_scans.py", ("--pages", "1", "--seeds", "2"), "SUMMARY page_scans held-out",
          ("tuning", "held-out")),
    Bench("pii_heldout.py", (), "SUMMARY pii_heldout sentences="),
    Bench("pii_recall.py", ("--n", "200"), "SUMMARY pii precision="),
    Bench("pii_scaling.py", ("--min-chars", "500", "--max-chars", "2000", "--old-up-to", "1000"),
          "SUMMARY pii_scaling worst growth"),
    Bench("pointcloud.py", ("--frames", "2", "--files", "3", "--repeat", "1", "--big-points", "20000"),
          "SUMMARY pointcloud"),
    Bench("prompt_check_voices.py", ("--per-voice", "1"), "CPU: ", ("held-out voices",),
          tools=("espeak-ng",), timeout_s=180, slow=True),
    Bench("prompt_overspoken.py", ("--per-voice", "1", "--voices", "1"),
          "SUMMARY prompt_overspoken:", ("held-out",), tools=("espeak-ng",), slow=True),
    Bench("prompt_rate_heldout.py", ("--prompts", "1"), "SUMMARY prompt_rate held-out:",
          ("tuning:",), tools=("espeak-ng",), slow=True),
    Bench("prompt_overspoken_zh.py", ("--prompts", "1", "--voices", "1"),
          "SUMMARY prompt_overspoken_zh fresh:", ("reverse coverage",), tools=("espeak-ng",),
          slow=True),
    Bench("snr_calibration.py", ("--sentences", "2"), "SUMMARY snr", tools=("espeak-ng",)),
    Bench("sqlite_writer_hold.py", ("--clients", "2", "--claims", "16"), "claim over HTTP,",
          ("writer lock held per write transaction",), slow=True),
    # two servers (SQLite, PostgreSQL) of one process each (the script's own --serve, as
    # claim_latency's; the default `datamill serve --workers 2` costs ~15 s more CPU, uvicorn's
    # worker processes each building the app), 2 annotators x 2 held tasks each
    Bench("submit_throughput.py", ("--clients", "2", "--projects", "2", "--workers", "1"),
          "SUMMARY submit_throughput:", ("PostgreSQL",), tools=("postgresql",), slow=True),
    Bench("tts_prealign.py", ("--n", "2"), "the spread is a draft", tools=("espeak-ng",)),
    Bench("workbench_tti.py",
          ("--long-s", "20", "--short-s", "2", "--loads", "1", "--peaks-s", "30", "--repeat", "1"),
          "SUMMARY workbench_tti", tools=("chromium",), modules=("playwright",), slow=True),
    Bench("dense_text.py", ("--units", "50"), "SUMMARY dense_text"),
]

# Not run by test_bench_script_runs_small:
LEFT_OUT = {
    # Opt-in: it measures Label Studio, which only its --install makes (a large install into a
    # venv of its own, never done by the tests); test_peer_label_studio_without_install runs
    # its no-install mode instead.
    "peer_label_studio.py",
}


def _require(bench: Bench) -> None:
    for tool in bench.tools:
        if tool == "postgresql" and pg_url() is None:
            require_tool("PostgreSQL not configured (DATAMILL_TEST_PG_URL); scripts/test.sh sets it")
        elif tool == "chromium" and not CHROMIUM.exists():
            require_tool("/usr/bin/chromium is not installed; scripts/setup.sh --dev installs it")
        elif tool in ("espeak-ng", "tesseract", "sox") and shutil.which(tool) is None:
            require_tool(f"{tool} is not installed (scripts/setup.sh installs it)")
        elif tool == "fonts":
            from datamill.testing.images import fonts_available

            if not fonts_available():
                require_tool("DejaVu and WenQuanYi fonts (fonts-dejavu-core, fonts-wqy-zenhei)")
        elif tool == "locales":
            if not any(Path("/usr/share/locale").glob("de/LC_MESSAGES/*.mo")):
                require_tool("Debian's message translations under /usr/share/locale (they come "
                             "with coreutils, bash, apt ...; a dpkg path-exclude removes them)")
        elif tool == "plate-fonts":
            from datamill.testing.plates import plate_fonts_available

            if not plate_fonts_available():
                require_tool("DejaVu and WenQuanYi fonts (fonts-dejavu-core, fonts-wqy-zenhei)")
    for module in bench.modules:
        require_module(module)


def _start(argv: list[str]) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATAMILL_BENCH_PG_URL"}
    return subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)


def _finish(proc: subprocess.Popen[str], timeout_s: int) -> str:
    """The script's output (stdout + stderr); past ``timeout_s`` its whole process group (its
    servers, pools) is killed and the test fails."""
    try:
        out, _ = proc.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        pytest.fail(f"ran past {timeout_s} s; its output ended:\n{out[-4000:]}")
    return out


def _drop_scratch(server_url: str, pid: int) -> None:
    """Drop the script's scratch database if a killed run left it behind."""
    import psycopg

    dbname = server_url.rpartition("/")[2].partition("?")[0]
    name = f"{dbname}_bench_{pid}"
    with psycopg.connect(server_url, autocommit=True) as conn:
        for tag in ("", "_a", "_b"):  # claim_ab.py makes two, tagged
            conn.execute(f'DROP DATABASE IF EXISTS "{name}{tag}" WITH (FORCE)')


@pytest.mark.parametrize(
    "bench",
    [pytest.param(b, id=b.id, marks=[*([pytest.mark.slow] if b.slow else []),
                                     *([pytest.mark.pg] if "postgresql" in b.tools else [])])
     for b in BENCHES],
)
def test_bench_script_runs_small(bench: Bench, tmp_path: Path) -> None:
    _require(bench)
    args = list(bench.args)
    url = pg_url() if "postgresql" in bench.tools else None
    if url is not None:
        args += ["--pg-url", url]
    env = {k: v for k, v in os.environ.items() if k != "DATAMILL_BENCH_PG_URL"}
    run = run_script(BENCH / bench.script, args, env, ROOT, tmp_path / "output.txt")
    try:
        code, out = run.finish(bench.timeout_s)
    finally:
        if url is not None:
            _drop_scratch(url, run.pid)
    if code is None:
        pytest.fail(f"ran past {bench.timeout_s} s; its output ended:\n{out[-4000:]}")
    tail = out[-6000:]
    assert code == 0, f"{bench.script} exited {code}:\n{tail}"
    assert re.search(rf"^{re.escape(bench.final)}", out, re.MULTILINE), (
        f"{bench.script}: no line starting {bench.final!r}:\n{tail}")
    flat = " ".join(out.split())
    for text in bench.expect:
        assert text in flat, f"{bench.script}: {text!r} not in its output:\n{tail}"
    assert "WARNING: migrations failed" not in out, tail


def test_peer_label_studio_without_install(tmp_path: Path) -> None:
    """Its no-install mode: without Label Studio in ``--venv`` it stops with a clear message
    (and installs nothing)."""
    venv = tmp_path / "no-label-studio"
    proc = _start([sys.executable, str(BENCH / "peer_label_studio.py"), "--venv", str(venv),
                   "--n", "10"])
    out = _finish(proc, 60)
    assert proc.returncode == 1, out
    assert "pass --install" in out and "Traceback" not in out, out
    assert not venv.exists()


def test_every_bench_script_is_run_here() -> None:
    scripts = {p.name for p in BENCH.glob("*.py") if not p.name.startswith("_")}
    covered = {b.script for b in BENCHES} | LEFT_OUT
    assert scripts == covered, f"not run: {sorted(scripts - covered)}; gone: {sorted(covered - scripts)}"
