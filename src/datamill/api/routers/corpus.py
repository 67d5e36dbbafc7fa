"""``/corpus``: corpus design (语料设计) — choose recording prompts from a pool of sentences.

The pool travels in the request (a list of sentences, or the text of a pool file with one
sentence a line); nothing is stored. Bodies above the server's request limit are refused with
413; an empty pool, unknown unit kinds or an over-long sentence with 422. Allowed to whoever may
design projects (``create_project``: admins, project managers, corpus designers).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import AfterValidator, BaseModel, Field

from datamill.api.deps import Require
from datamill.api.params import Flag
from datamill.compliance.models import User
from datamill.compliance.roles import Action
from datamill.core.errors import InvalidInput
from datamill.corpus.analysis import KINDS, Filters
from datamill.corpus.design import (
    MAX_N,
    MAX_POOL,
    MAX_SENTENCE_CHARS,
    DesignOptions,
    design_corpus_apart,
    read_pool,
)

__all__ = ["router"]

router = APIRouter(prefix="/corpus", tags=["corpus"])
Designer = Annotated[User, Depends(Require(Action.CREATE_PROJECT))]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text must not contain NUL characters")
    return value


Sentence = Annotated[str, Field(max_length=MAX_SENTENCE_CHARS), AfterValidator(_no_nul)]
Word = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_nul)]
Kind = Literal["phone", "diphone", "syllable", "initial", "final"]


class SelectIn(BaseModel):
    """Give the pool as ``sentences`` or as ``pool_text`` (one sentence a line), not both."""

    lang: Literal["en", "zh"]
    n: int = Field(default=100, ge=1, le=MAX_N)
    units: dict[Kind, Annotated[float, Field(gt=0, le=1000)]] | None = Field(
        default=None, description="unit kind → weight; default en phone+diphone, zh syllable+diphone")
    sentences: list[Sentence] | None = Field(default=None, max_length=MAX_POOL)
    pool_text: Annotated[str, AfterValidator(_no_nul)] | None = None
    sensitive: list[Word] = Field(default_factory=list, max_length=10_000)
    min_length: int | None = Field(default=None, ge=0, le=MAX_SENTENCE_CHARS)
    max_length: int | None = Field(default=None, ge=1, le=MAX_SENTENCE_CHARS)
    max_char_rank: int = Field(default=4500, ge=1, le=100_000)
    near_duplicate: float = Field(default=0.8, ge=0.1, le=1.0)
    allow_oov: Flag = False
    allow_digits: Flag = False
    target: float | None = Field(default=None, gt=0, le=1)
    rarity: Flag = True
    fill: Flag = True
    seed: int = Field(default=0, ge=0, le=2**31 - 1)


def _pool(body: SelectIn) -> list[str]:
    if (body.sentences is None) == (body.pool_text is None):
        raise InvalidInput("give the pool as 'sentences' or as 'pool_text', one of them",
                           field="sentences")
    if body.sentences is not None:
        return [s.strip() for s in body.sentences if s.strip()]
    return read_pool(body.pool_text or "")


@router.post("/select")
def select_endpoint(body: SelectIn, user: Designer) -> dict[str, Any]:
    """Choose up to ``n`` prompts covering the most (rare) units per syllable read, after the
    filters. Answers the chosen sentences (units, readability, units added), the rejected ones
    with reasons, coverage per kind against the pool and the target inventory, and the coverage
    curves of the chosen set and of a random set of the same size."""
    units: dict[str, float] = {str(k): w for k, w in (body.units or {}).items()} or (
        {"syllable": 1.0, "diphone": 1.0} if body.lang == "zh" else {"phone": 1.0, "diphone": 1.0})
    bad = sorted(set(units) - set(KINDS[body.lang]))
    if bad:
        raise InvalidInput(f"unit kinds {', '.join(bad)} do not apply to {body.lang}; use "
                           f"{', '.join(KINDS[body.lang])}", field="units")
    filters = Filters(min_length=body.min_length, max_length=body.max_length,
                      max_char_rank=body.max_char_rank, sensitive=tuple(body.sensitive),
                      allow_oov=body.allow_oov,
                      allow_digits=body.allow_digits, near_duplicate=body.near_duplicate)
    opts = DesignOptions(lang=body.lang, n=body.n, units=units, filters=filters,
                         target=body.target, rarity=body.rarity, fill=body.fill, seed=body.seed)
    return design_corpus_apart(_pool(body), opts)  # off this worker's interpreter lock
