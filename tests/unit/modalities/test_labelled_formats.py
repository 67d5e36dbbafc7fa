"""Every pre-labelled format a user can import is named where users read the formats: the
``tts_textgrid`` importer (registered, and read by TTS projects) was missing from ``datamill
data import --help`` (English and zh-CN) and from the API's ``format`` description, which
listed "image: coco, yolo, voc; speech: kaldi, textgrid" only (5 of 10 importers). The list is
:mod:`datamill.modalities.labelled_formats`; these tests fail when an importer registered
under the ``datamill.importers`` entry points, or one a plugin reads, is missing from it."""

from __future__ import annotations

from importlib.metadata import entry_points

import pytest
import typer.main

from datamill.cli._usage_words import ZH_CN_HELP
from datamill.cli.main import app
from datamill.modalities.labelled_formats import LABELLED_FORMATS, all_formats
from datamill.modalities.registry import get_modality, modalities

REGISTERED = sorted(ep.name for ep in entry_points(group="datamill.importers"))


def test_the_list_holds_every_registered_importer() -> None:
    assert sorted(all_formats()) == REGISTERED
    assert "tts_textgrid" in REGISTERED


@pytest.mark.parametrize("modality", modalities.names())
def test_the_list_is_what_each_plugin_reads(modality: str) -> None:
    names = tuple(getattr(get_modality(modality), "importer_names", ()))
    assert LABELLED_FORMATS.get(modality, ()) == names


def _format_help() -> str:
    root = typer.main.get_command(app)
    command = root.commands["data"].commands["import"]  # type: ignore[attr-defined]
    (option,) = [p for p in command.params if "--format" in getattr(p, "opts", ())]
    return str(option.help)


def test_cli_help_names_every_format_in_english_and_chinese() -> None:
    english = _format_help()
    chinese = ZH_CN_HELP[" ".join(english.split())]
    assert [n for n in REGISTERED if n not in english] == []
    assert [n for n in REGISTERED if n not in chinese] == []
    assert "语音合成：tts_textgrid" in chinese


def test_api_format_description_names_every_format() -> None:
    from datamill.api.routers.projects import ImportRequest

    said = str(ImportRequest.model_fields["format"].description)
    assert [n for n in REGISTERED if n not in said] == []
