"""The whole-item ``classes`` question that image and point-cloud answers share under overlap.

An annotator's classes are one answer (``"a|b"``); one who gave none where another gave some
answers ``""`` (none applies), so "night" against nothing is a split, not a 1.0 agreement; a
project where nobody classifies asks nothing. The merge takes the decided answer, else the
first answer's classes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

__all__ = ["class_units", "decided_classes", "no_class_rows"]


def class_units(classes: Sequence[str]) -> dict[str, str]:
    """``{"classes": "a|b"}`` (sorted, once each), or ``{}`` when none was given.

    Examples:
        >>> class_units(["night", "day", "night"])
        {'classes': 'day|night'}
        >>> class_units([])
        {}
    """
    given = sorted(set(classes))
    return {"classes": "|".join(given)} if given else {}


def no_class_rows(given: Mapping[int, Sequence[str]]) -> list[tuple[int, str, str]]:
    """``(author, "classes", "")`` for each author who gave no class where another gave one.

    Examples:
        >>> no_class_rows({1: ["night"], 2: []})
        [(2, 'classes', '')]
        >>> no_class_rows({1: [], 2: []})
        []
    """
    if not any(given.values()):
        return []
    return [(a, "classes", "") for a, classes in given.items() if not classes]


def decided_classes(decided: Mapping[str, str], first: Sequence[str]) -> list[str]:
    """The decided ``classes`` answer as a list, else ``first`` (the first answer's classes)."""
    chosen = decided.get("classes")
    return [c for c in chosen.split("|") if c] if chosen is not None else list(first)
