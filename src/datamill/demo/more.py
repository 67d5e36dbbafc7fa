"""The demo's projects beside the speech one: images, NER text and LLM preferences, then the
catalog and the money story. Each part lives in its own module; this runs them in order and
hands back printable lines."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from datamill.demo.script import DemoResult
from datamill.runtime import Runtime

__all__ = ["EXTRA_PROJECTS", "run_catalog", "run_extra_projects", "run_money"]

#: (modality shown to people, slug, module, function) of the demo's further projects
EXTRA_PROJECTS: tuple[tuple[str, str, str, str], ...] = (
    ("image", "demo-image", "datamill.demo.image_demo", "run_image_demo"),
    ("text", "demo-ner", "datamill.demo.text_demo", "run_text_demo"),
    ("llm", "demo-llm-pref", "datamill.demo.llm_demo", "run_llm_demo"),
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
    """The §9 money story over the delivered speech project (run before the other projects,
    so the month it closes holds only the work its contract pays for)."""
    from datamill.demo.money_demo import run_money_demo

    say("— money (contract, orders, procurement, settlement, invoice, payment, period close) —")
    for line in run_money_demo(rt, speech_project_id):
        say(f"• {line}")


def run_catalog(rt: Runtime, workdir: Path, say: Callable[[str], None]) -> None:
    """The catalog: datasets released and licensed to three customers, revenue in the ledger."""
    from datamill.demo.catalog_demo import run_catalog_demo

    say("— catalog —")
    for line in run_catalog_demo(rt, workdir):
        say(f"• {line}")
