"""The demo's projects beside the speech one: images, NER text, LLM preferences and lidar
cuboids, corpus design, browser collection and TTS, then the catalog and the money story. Each part lives in its own module; this runs them in order and
hands back printable lines."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from datamill.demo.script import DemoResult
from datamill.runtime import Runtime

__all__ = [
    "EXTRA_PROJECTS", "run_catalog", "run_extra_projects", "run_image_money", "run_money",
    "run_month_end", "run_speech_design",
]

#: (modality shown to people, slug, module, function) of the demo's further projects
EXTRA_PROJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("image", "demo-image", "datamill.demo.image_demo", "run_image_demo"),
    ("text", "demo-ner", "datamill.demo.text_demo", "run_text_demo"),
    ("llm", "demo-llm-pref", "datamill.demo.llm_demo", "run_llm_demo"),
    ("pointcloud", "demo-lidar", "datamill.demo.pointcloud_demo", "run_pointcloud_demo"),
)


def run_extra_projects(
    rt: Runtime, workdir: Path, *, full: bool, modalities: set[str], say: Callable[[str], None]
) -> list[tuple[str, DemoResult]]:
    """Run each further project whose modality is in ``modalities``; ``say`` gets its lines."""
    done: list[tuple[str, DemoResult]] = []
    for modality, slug, module, function in EXTRA_PROJECTS:
        if modality not in modalities:
            continue
        run: Callable[..., DemoResult] = getattr(import_module(module), function)
        say(f"— {slug} ({modality}) —")
        result = run(rt, workdir, full=full)
        for step in result.steps:
            say(f"• {step}")
        done.append((slug, result))
    return done


def run_money(rt: Runtime, speech_project_id: int | None, say: Callable[[str], None]) -> None:
    """The §9 money story over the delivered speech project (its months are closed at the end
    of the demo, :func:`run_month_end`)."""
    from datamill.demo.money_demo import run_money_demo

    say("— money (contract, orders, procurement, settlement, invoice, payment, period close) —")
    for line in run_money_demo(rt, speech_project_id):
        say(f"• {line}")


def run_image_money(rt: Runtime, image_project_id: int, say: Callable[[str], None]) -> None:
    """The image project's accounts (contract, type-3 order in images, budget, costs), its
    accepted images recognised as revenue, like the speech projects' in the money story."""
    from datamill.demo.image_money import run_image_money_demo

    say("— money for demo-image (order in images, costs, revenue on accepted images) —")
    for line in run_image_money_demo(rt, image_project_id):
        say(f"• {line}")


def run_month_end(rt: Runtime, say: Callable[[str], None]) -> None:
    """The demo's last step: every month it posted in that has ended is closed (run and
    confirmed), oldest first, as a company's books stand on a working day."""
    from datamill.demo.money_demo import close_ended_months

    say("— month-end close (every month that has ended) —")
    for line in close_ended_months(rt):
        say(f"• {line}")


def run_catalog(rt: Runtime, workdir: Path, say: Callable[[str], None]) -> None:
    """The catalog: datasets released and licensed to three customers, revenue in the ledger."""
    from datamill.demo.catalog_demo import run_catalog_demo

    say("— catalog —")
    for line in run_catalog_demo(rt, workdir):
        say(f"• {line}")


def run_speech_design(rt: Runtime, workdir: Path, chosen: set[str],
                      say: Callable[[str], None]) -> dict[str, str | None]:
    """Speech beyond read-speech ASR: corpus design and browser collection with consent and
    quotas (``collect``), and studio TTS data to delivery (``tts``). Returns each TTS
    project's delivery path (None when its batch was not accepted)."""
    deliveries: dict[str, str | None] = {}
    if "collect" in chosen:
        from datamill.demo.collection import build_collection_demo
        from datamill.demo.corpus import design_demo_corpus

        say("— corpus design (prompts chosen for phone/syllable coverage) —")
        for lang, report in design_demo_corpus(workdir / "corpus").items():
            cov = ", ".join(f"{kind} {c['covered']}/{c['available']} (random {c['random_covered']})"
                            for kind, c in report["coverage"].items())
            say(f"• {lang}: {len(report['chosen'])} of {report['pool']['sentences']} sentences "
                f"chosen; {cov}; report {report['written'].get('report')}")
        say("— demo-collect (consent, speaker quotas, recordings through the collection page) —")
        col = build_collection_demo(rt, workdir)
        for sub in col["subjects"]:
            say(f"• subject {sub['subject_id']}: {sub['passed']}/{sub['recorded']} recordings "
                f"passed the checks (invitation {sub['path']})")
        if col["refused"]:
            say(f"• a third subject was refused: {col['refused']}")
    if "tts" in chosen:
        from datamill.demo.tts import build_tts_demo

        say("— demo-tts (studio recordings, phone/prosody tiers, TextGrid/MFA/ESPnet) —")
        result = build_tts_demo(rt, workdir)
        for step in result["steps"]:
            say(f"• {step}")
        for lang in ("en", "zh"):
            if lang in result:
                path = result[lang].get("delivery_path")
                deliveries[f"demo-tts-{lang}"] = None if path is None else str(path)
    return deliveries
