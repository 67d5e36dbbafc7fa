"""Automatic-check and inspection outcomes in the page's language (display layer only).

Services store English sentences (``Item.reject_reasons``, ``Inspection.reasons``) and each
check's ``name`` and measured ``value``; pages in another language show the catalogue's
``check.fail.<name>`` sentence formatted with the value (see :mod:`datamill.web.i18n_checks`)
and keep the stored English in the element's title, named as such (``check.tip``,
``insp.tip``). English pages show the stored text.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Mapping
from typing import Any

from datamill.core.check_fail_words import check_fail_sentence
from datamill.core.code_words import inspection_reason_key, parse_inspection_reason
from datamill.modalities.check_fail_more import MODALITY_CHECK_FAIL_WORDS
from datamill.web.i18n import CATALOGUES

__all__ = [
    "check_sentence", "coded_sentence", "inspection_reason", "return_reason", "review_reason",
]

#: ``production.inspection``: why a rejected batch's items came back to their annotators
_BATCH_REJECTED = re.compile(
    r"^(?P<batch>.+?) rejected: (?P<reasons>.*?)"
    r"(?:\. The inspector found this item defective(?:; their version: (?P<shown>.*)"
    r"| \(their version is in inspection (?P<inspection>\d+)\)))?$",
    re.DOTALL,
)
#: ``production.delivery.reject_delivery``: the customer's rejection of a whole delivery (the
#: customer's own words after the colon stay as written)
_DELIVERY_REJECTED = re.compile(
    r"^delivery (?P<delivery>\d+) \((?P<batch>.+?)\) rejected by the customer: (?P<reason>.*)$",
    re.DOTALL,
)


def _label(tr: Callable[[str], str], key: str, fallback: str) -> str:
    text = tr(key)
    return fallback if text == key else text


def check_sentence(tr: Callable[[str], str], lang: str) -> Callable[[Mapping[str, Any]], str]:
    """``tcheck(check)`` for templates: ``check`` has ``name``, ``value`` and ``reason``, and
    may have ``extra`` (the outcome's details: a template may name them, e.g. ``{kept}``).
    Worded as the CLI words it (:func:`~datamill.core.check_fail_words.check_fail_sentence`,
    with the modalities' own sentences): the same tables the catalogue's ``check.fail.<name>``,
    ``check.name.<name>`` and ``check.failed`` are built from. English pages (and a language
    without words) show the stored sentence. ``tr`` is the page's translator (unused: kept for
    the templates' call)."""
    del tr
    more = MODALITY_CHECK_FAIL_WORDS.get(lang, {})

    def sentence(check: Mapping[str, Any]) -> str:
        said = check_fail_sentence(check, lang, more)
        if said is not None:
            return said
        return f"{check.get('name') or ''}: {check.get('reason') or 'failed'}"

    return sentence


def inspection_reason(tr: Callable[[str], str], lang: str) -> Callable[[object], str]:
    """``treason(text)`` for templates: a stored inspection reason in the page's language,
    for the shapes :mod:`datamill.production.inspection` writes; other text unchanged."""

    def reason(text: object) -> str:
        raw = str(text)
        if lang == "en":
            return raw
        parsed = parse_inspection_reason(raw)  # the shapes production.inspection stores
        if parsed is None:
            return raw
        code, values = parsed
        if code == "metric_below":
            metric = values["metric"]
            values = {**values, "metric": _label(tr, f"metric.{metric}", metric.replace("_", " "))}
        return tr(f"insp.{inspection_reason_key(code, values)}").format(**values)

    return reason


def review_reason(tr: Callable[[str], str]) -> Callable[[object], str]:
    """``trev(text)`` for templates: a stored review reason (``<label>[: <free text>]``, the
    label in the reviewer's page language, see ``web.routes.work``) with the label shown in this
    page's language; free text and unknown reasons unchanged."""

    def reason(text: object) -> str:
        raw = "" if text is None else str(text)
        head, sep, rest = raw.partition(": ")
        for catalogue in CATALOGUES.values():
            for key, label in catalogue.items():
                if key.startswith("rv.reason.") and label == head:
                    return tr(key) + (tr("sp.colon") if sep else "") + rest
        return raw

    return reason


def return_reason(tr: Callable[[str], str], lang: str) -> Callable[[object], str]:
    """``treturn(text)`` for templates: why a task came back to its annotator, as
    :mod:`datamill.production` stores it (``review: <reason>``, ``<batch> rejected:
    <reasons>[. The inspector found this item defective; their version: ...]`` or ``delivery
    <id> (<batch>) rejected by the customer: <the customer's words>``), in the page's language
    (its colon too); other text unchanged."""
    trev = review_reason(tr)
    treason = inspection_reason(tr, lang)

    def reason(text: object, code: object = None, params: object = None) -> str:
        raw = "" if text is None else str(text)
        if isinstance(params, Mapping) and code in _CODED_RETURNS:
            with contextlib.suppress(KeyError, IndexError, TypeError, ValueError):
                return _CODED_RETURNS[str(code)](tr, trev, params)
        if raw.startswith("review: "):
            return (_label(tr, "stage.review", "review") + tr("sp.colon")
                    + trev(raw.removeprefix("review: ")))
        if lang == "en":
            return raw
        if d := _DELIVERY_REJECTED.match(raw):
            return tr("ret.delivery_rejected").format(
                delivery=d["delivery"], batch=d["batch"], reason=d["reason"])
        m = _BATCH_REJECTED.match(raw)
        if m is None:
            return raw
        out = tr("ret.batch_rejected").format(
            batch=m["batch"], reasons=tr("sp.list_sep").join(treason(r) for r in m["reasons"].split("; ")))
        if m["shown"] is not None:
            out += tr("ret.defective").format(shown=m["shown"])
        elif m["inspection"] is not None:
            out += tr("ret.defective_see").format(inspection=m["inspection"])
        return out

    return reason


def _coded_inspection_reason(tr: Callable[[str], str], r: Mapping[str, Any]) -> str:
    if r["code"] == "metric_below":
        metric = str(r["metric"])
        return tr("insp.metric_below").format(
            metric=_label(tr, f"metric.{metric}", metric.replace("_", " ")),
            value=float(r["value"]), need=float(r["need"]))
    return tr(f"insp.{inspection_reason_key('defects_over', dict(r))}").format(
        defects=r["defects"], sample=r["sample"], accept=r["accept"])


def _batch_rejected(tr: Callable[[str], str], params: Mapping[str, Any]) -> str:
    """A ``batch_rejected`` return (``production.inspection``) from its values, in the page's
    language: the batch, each reason, and whether the inspector found this item defective
    (their transcript, or the inspection that holds their annotation)."""
    out = tr("ret.batch_rejected").format(
        batch=params["batch"],
        reasons=tr("sp.list_sep").join(_coded_inspection_reason(tr, r)
                                       for r in params["reasons"]))
    if params.get("defective") and "shown" in params:
        out += tr("ret.defective").format(shown=params["shown"])
    elif params.get("defective"):
        out += tr("ret.defective_see").format(inspection=params["inspection_id"])
    return out


def _review_rejected(
    tr: Callable[[str], str], trev: Callable[[object], str], params: Mapping[str, Any]
) -> str:
    """A ``review_rejected`` return: the reason chosen from the list in this page's language
    (``rv.reason.<code>``) and the reviewer's note, else the reviewer's words."""
    code = params.get("reason_code")
    if code:
        said = _label(tr, f"rv.reason.{code}", str(code))
        if params.get("note"):
            said += tr("sp.colon") + str(params["note"])
    else:
        said = trev(params["reason"])
    return _label(tr, "stage.review", "review") + tr("sp.colon") + said


def _customer_rejected(
    tr: Callable[[str], str], _trev: Callable[[object], str], params: Mapping[str, Any]
) -> str:
    return tr("ret.delivery_rejected").format(delivery=params["delivery_id"],
                                              batch=params["batch"], reason=params["reason"])


def _customer_refused(
    tr: Callable[[str], str], _trev: Callable[[object], str], params: Mapping[str, Any]
) -> str:
    said = tr("ret.customer_refused").format(delivery=params["delivery_id"])
    return said + (tr("sp.colon") + str(params["note"]) if params.get("note") else "")


#: the coded returns (``production``'s ``return_code`` with its ``return_params``) by code
_CODED_RETURNS: dict[str, Callable[[Callable[[str], str], Callable[[object], str],
                                    Mapping[str, Any]], str]] = {
    "batch_rejected": lambda tr, _trev, params: _batch_rejected(tr, params),
    "review_rejected": _review_rejected,
    "customer_rejected": _customer_rejected,
    "customer_refused": _customer_refused,
}


def coded_sentence(tr: Callable[[str], str], lang: str) -> Callable[..., str]:
    """``tcoded(prefix, code, params, stored)`` for templates: a service reason that carries a
    code and its values (e.g. a ledger event problem's ``reason_code`` and ``reason_params``)
    worded by the catalogue's ``<prefix><code>`` sentence. English pages, reasons without a
    code, codes the catalogue lacks and values that do not fit show ``stored`` (the service's
    English sentence)."""

    def sentence(prefix: str, code: object, params: object, stored: object) -> str:
        raw = "" if stored is None else str(stored)
        if lang == "en" or not isinstance(code, str) or not code:
            return raw
        template = _label(tr, f"{prefix}{code}", "")
        if not template:
            return raw
        values = params if isinstance(params, Mapping) else {}
        try:
            return template.format(**values)
        except (KeyError, IndexError, ValueError):
            return raw

    return sentence
