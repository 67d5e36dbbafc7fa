"""Why a pre-labelled import left an object out reads the same in the CLI (``data import``'s
``import.left_out.<code>``) and on the import page (``imp.left_out.<code>``), in English and
zh-CN: both take :data:`datamill.core.code_words.IMPORT_LEFT_OUT_WORDS`, where the CLI
(``_words_import_h18``, ``_words_image_h1``) and the web catalogues held copies."""

from __future__ import annotations

from datamill.cli._words import CLI_WORDS
from datamill.core.code_words import IMPORT_LEFT_OUT_WORDS
from datamill.modalities.image.plugin import _TINY
from datamill.web.i18n import CATALOGUES


def test_every_left_out_code_reads_alike_on_both_faces() -> None:
    for lang in ("en", "zh-CN"):
        words = IMPORT_LEFT_OUT_WORDS[lang]
        assert set(words) == set(_TINY), lang  # every code the image import leaves out
        for code, said in words.items():
            assert CLI_WORDS[lang][f"import.left_out.{code}"] == said
            assert CATALOGUES[lang][f"imp.left_out.{code}"] == said
        cli = {k for k in CLI_WORDS[lang] if k.startswith("import.left_out.")}
        web = {k for k in CATALOGUES[lang] if k.startswith("imp.left_out.")}
        assert {k.removeprefix("import.") for k in cli} == {k.removeprefix("imp.") for k in web}
