"""Shared CLI plumbing: the runtime, errors with exit codes, JSON output, progress.

Exit codes (every command; documented in ``datamill --help``):

====  ==========================================================================
0     done
1     unexpected failure (a bug: the traceback goes to stderr)
2     invalid input (bad arguments, bad spec, bad file; also command-line usage errors)
3     not found (unknown project, id or user)
4     conflict (stale version, wrong state, already exists)
5     unauthorized
6     forbidden (role or project membership does not allow it)
10    nothing to do (e.g. ``work next``: no task left at this stage) — stop looping
====  ==========================================================================

With ``--json`` a command prints JSON on stdout in every case: its result on success,
``{"task": null, "reason": "..."}``-style objects when there is nothing to do, and
``{"error": {"code": "...", "message": "...", ...}}`` on failure.

Text is never read as rich markup (``[noise]`` prints as ``[noise]``): both consoles have
markup off; colour goes through ``style=`` or :func:`styled`. Use :func:`esc` for any text put
into a rich markup string elsewhere (progress labels, ``Text.from_markup``).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import DataError
from typer.core import TyperGroup

from datamill.cli._json_out import (  # re-exported: the JSON every --json command prints
    _json_requested,
    _write_json,
    error_payload,
    json_text,
    json_time,
)
from datamill.cli._refusal_scope import _ACTOR_PARAMS, _told_actor, _unseen_project_refusal
from datamill.cli._words_input_h1 import input_refusal
from datamill.core.errors import DatamillError, InvalidInput, NotFound
from datamill.core.storable import driver_refusal
from datamill.modalities.problem_words import problem_language, word_error

__all__ = [
    "EXIT_CODES",
    "EXIT_HELP",
    "EXIT_NOTHING_TO_DO",
    "MAX_WORKERS",
    "AsUser",
    "DatabaseUnavailable",
    "Force",
    "JsonAwareGroup",
    "JsonOpt",
    "NoHome",
    "NothingToDo",
    "Workers",
    "acting_user",
    "cli_language",
    "console",
    "counted",
    "emit",
    "error_payload",
    "esc",
    "fresh_output",
    "get_runtime",
    "handle_errors",
    "json_text",
    "json_time",
    "open_runtime",
    "owning_project",
    "printable",
    "progress_bar",
    "styled",
]

#: control characters (ESC, BEL, C1 …) that data must never send to a terminal; \t and \n stay
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` with control characters shown as ``\\x1b`` rather than sent: a vendor name or an
    item id holding ``ESC [2J`` must not clear (or retitle, or rewrite) the reader's terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


class _DataConsole(Console):
    """A rich console that prints every string it is given (tables' cells too) through
    :func:`printable`; its own colours are unaffected."""

    def render_str(self, text: str, **kwargs: Any) -> Text:  # noqa: D102 - rich's
        return super().render_str(printable(text), **kwargs)

    def print(self, *objects: Any, **kwargs: Any) -> None:  # noqa: D102 - rich's
        """Tables never cut a value short: a column too narrow for an identifier (a file name,
        a task id) folds it onto the next line instead of ending it with "…"; and where the
        output is not a terminal (a pipe, a file) and ``COLUMNS`` does not say otherwise, the
        page is as wide as the widest table needs, so each row stays one line to grep."""
        tables = [o for o in objects if isinstance(o, Table)]
        for table in tables:
            for column in table.columns:
                if column.overflow == "ellipsis":  # rich's default
                    column.overflow = "fold"
        if not tables or self.is_terminal or os.environ.get("COLUMNS"):
            super().print(*objects, **kwargs)
            return
        wide = self.options.update(max_width=_WIDEST_PAGE)
        needed = max(Measurement.get(self, wide, t).maximum for t in tables)
        if needed <= self.width:
            super().print(*objects, **kwargs)
            return
        before = self._width  # None: the width is read afresh (COLUMNS, the terminal) each time
        self.width = min(needed, _WIDEST_PAGE)
        try:
            super().print(*objects, **kwargs)
        finally:
            self._width = before


#: the widest a page printed into a pipe or file grows to fit a table
_WIDEST_PAGE = 1000


# markup off: data (utterances, reasons, names) is printed literally, brackets and all
console = _DataConsole(stderr=True, markup=False)
out = _DataConsole(markup=False)
EXIT_CODES = {"invalid_input": 2, "usage": 2, "not_found": 3, "conflict": 4, "unauthorized": 5,
              "forbidden": 6}
EXIT_NOTHING_TO_DO = 10
EXIT_HELP = (
    "Exit codes: 0 done; 1 unexpected failure; 2 invalid input or usage; 3 not found; "
    "4 conflict; 5 unauthorized; 6 forbidden; 7 audit trail broken (audit verify); "
    "10 nothing to do (e.g. no task left: stop looping). "
    "With --json, stdout is JSON in every case; failures print "
    '{"error": {"code": ..., "message": ...}}.'
)

P = ParamSpec("P")
R = TypeVar("R")
_runtime: list[Any] = []
#: (runtime, home) where ``DATAMILL_HOME`` named a folder that did not exist and this process
#: started it: an empty home, nobody in it yet
_started_home: list[tuple[Any, Path]] = []
#: the acting ``--as`` username of the command running (set by :func:`handle_errors`) and,
#: once looked up, the language of the customer organisation it speaks for: what the CLI
#: speaks where ``DATAMILL_LANG`` is not set (:func:`cli_language`)
_acting: dict[str, str | None] = {}


#: the person a write acts for; required, and checked like an API caller (see acting_user)
AsUser = Annotated[str, typer.Option(
    "--as", help="Username of the person acting (required); checked like an API caller.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]
#: ``--force``: a file option may replace a file that is already there
Force = Annotated[bool, typer.Option("--force", help="Replace the output file if it exists.")]
#: the most processes a command may be asked to start (a typo of 100000 is refused, not spawned)
MAX_WORKERS = 256
#: ``--workers``: processes for a batch job
Workers = Annotated[int | None, typer.Option(
    min=1, max=MAX_WORKERS, help=f"Processes, 1 to {MAX_WORKERS} (default: all cores).")]


def fresh_output(path: Path | None, force: bool, option: str) -> None:
    """Refuse to write a command's output over a file that is already there, unless ``--force``
    (an operator running as root once replaced /etc/passwd with an audit CSV), and over a
    folder in any case; check before any work is done."""
    if path is None:
        return
    if path.is_dir():
        raise InvalidInput(f"{option} {path} is a folder; name a file", field=option)
    if (path.exists() or path.is_symlink()) and not force:
        raise InvalidInput(f"{option} {path} already exists; pass --force to replace it",
                           field=option)


def acting_user(session: Any, username: str, action: Any = None, *,
                project_id: int | None = None, project_ref: str | int | None = None) -> Any:
    """The user a CLI write acts for (``--as NAME``): they must exist and, given ``action``,
    be allowed it by :func:`datamill.compliance.permissions.authorize` (on ``project_id``:
    membership and clearance), exactly as the API checks its caller. ``project_ref``: what
    the person typed to name that project (an id or a name); then a refusal on a project they
    may not see answers as a project never created, as the API's 404 does (no probing)."""
    from datamill.compliance.permissions import authorize
    from datamill.compliance.users import get_user
    from datamill.core.errors import Forbidden

    user = get_user(session, username)
    if not user.is_active:
        raise Forbidden(f"{username!r} is deactivated")
    if action is not None:
        try:
            authorize(session, user, action, project_id=project_id)
        except Forbidden:
            if project_ref is not None and project_id is not None:
                from datamill.compliance.access import sees_project
                from datamill.production.projects import missing_project

                if not sees_project(session, user, project_id):
                    raise missing_project(project_ref) from None
            raise
    return user


def owning_project(session: Any, *, batch_id: int | None = None,
                   inspection_id: int | None = None, delivery_id: int | None = None) -> int:
    """The production project a batch, inspection or delivery belongs to (NotFound if none)."""
    from datamill.core.errors import NotFound
    from datamill.db.lookup import get_or_raise
    from datamill.production.models import Batch, Delivery, Inspection

    if inspection_id is not None:
        insp = get_or_raise(session, Inspection, inspection_id, "inspection", inspection_id=inspection_id)
        batch_id = insp.batch_id
    if delivery_id is not None:
        d = get_or_raise(session, Delivery, delivery_id, "delivery", delivery_id=delivery_id)
        return int(d.project_id)
    if batch_id is None:
        raise NotFound("no batch given", batch_id=batch_id)
    return int(get_or_raise(session, Batch, batch_id, "batch", batch_id=batch_id).project_id)


def esc(text: object) -> str:
    """``text`` escaped for a rich markup string (``[noise]`` stays ``[noise]``)."""
    return escape(printable(str(text)))


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """``1 item``, ``3 items`` (``plural`` where adding an s is wrong: ``deliveries``)."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def amount(value: float | None, places: int = 4) -> str:
    """A volume to ``places`` decimals without trailing zeros (18 images, 1.25 hours); "–"
    for none (:func:`datamill.core.shown_numbers.shown_volume`, the rule of every face)."""
    from datamill.core.shown_numbers import shown_volume

    return shown_volume(value, places)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A rich ``Text`` from plain strings and ``(text, style)`` pairs; nothing is markup and
    control characters are shown, not sent (:func:`printable`)."""
    return Text.assemble(*(printable(p) if isinstance(p, str) else (printable(p[0]), p[1])
                           for p in parts))


class NothingToDo(Exception):  # noqa: N818 - not an error: an outcome with its own exit code
    """Raised inside a command when there is nothing to do (exit 10, not an error).

    ``payload`` is the JSON printed with ``--json`` (``reason`` is added), e.g.
    ``NothingToDo("no task left", task=None)`` prints ``{"task": null, "reason": "no task left"}``.
    ``said`` is the sentence a person reads in ``DATAMILL_LANG`` (``message``, the English
    ``reason`` of the JSON, where not given).
    """

    def __init__(self, message: str, *, said: str | None = None, **payload: Any) -> None:
        super().__init__(message)
        self.message = message
        self.said = said or message
        self.payload = payload


class DatabaseUnavailable(DatamillError):
    """The configured database cannot be opened (server down, wrong address, unwritable file):
    exit 1 with one line naming it, not a traceback."""

    code = "database_unavailable"
    status = 503


class NoHome(NotFound):
    """No datamill home where the command looked (the default ``./.datamill`` of the current
    folder) and nothing named one: exit 3, instead of starting a new, empty one silently."""

    code = "no_home"


def _missing_named_home(settings: Any) -> Path | None:
    """The SQLite home ``DATAMILL_HOME`` names when that folder does not exist yet (it will be
    started, and the command says so); None otherwise."""
    if "home" not in settings.model_fields_set or settings.database_url:
        return None
    home = Path(settings.home).resolve()
    return None if home.exists() else home


def _missing_default_home(settings: Any) -> Path | None:
    """The default home (``./.datamill``, resolved) when neither ``DATAMILL_HOME`` nor
    ``DATAMILL_DATABASE_URL`` is set and it does not exist yet; else None. A home or database
    someone named is theirs to start; only the implicit one depends on the current folder."""
    if settings.model_fields_set & {"home", "database_url"} or settings.database_url:
        return None
    home = Path(settings.home).resolve()
    return None if home.exists() else home


#: the Python modules of the database drivers datamill's URLs name, and the extra that has each
_DRIVER_EXTRAS = {"psycopg": "pg", "psycopg2": "pg", "psycopg_binary": "pg"}


def _shown_url(url: str) -> str:
    """``url`` with its password hidden."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("@", 1)[-1] if "@" in url else url


def open_runtime() -> Any:
    """A new Runtime (database migrated to head); a database that cannot be used — an unknown
    URL scheme, a driver that is not installed, a server that does not answer — is a
    :class:`DatamillError` naming ``DATAMILL_DATABASE_URL``, not a traceback."""
    from sqlalchemy.exc import ArgumentError, InterfaceError, NoSuchModuleError, OperationalError

    from datamill.config import get_settings
    from datamill.core.errors import InvalidInput
    from datamill.runtime import Runtime

    settings = get_settings()
    settings.check_home()  # a PostgreSQL URL without DATAMILL_HOME: refused before any file
    try:
        return Runtime.from_settings(settings)
    except (NoSuchModuleError, ArgumentError) as err:
        raise InvalidInput(
            f"DATAMILL_DATABASE_URL {_shown_url(settings.resolved_database_url())!r} is not a "
            f"database datamill can use ({err}); e.g. postgresql://user@host/db, or unset it "
            "for SQLite under DATAMILL_HOME", field="DATAMILL_DATABASE_URL") from None
    except ModuleNotFoundError as err:
        extra = _DRIVER_EXTRAS.get((err.name or "").split(".")[0])
        if extra is None:
            raise
        raise InvalidInput(
            f"the database {_shown_url(settings.resolved_database_url())!r} needs the "
            f"{err.name} driver, which is not installed: pip install 'datamill[{extra}]' "
            "(or .venv/bin/pip install -e '.[pg]' in a checkout)",
            field="DATAMILL_DATABASE_URL") from None
    except (OperationalError, InterfaceError) as err:
        reason = str(getattr(err, "orig", None) or err).strip().splitlines()[0][:300]
        raise DatabaseUnavailable(
            f"cannot open the database {_shown_url(settings.resolved_database_url())!r}: "
            f"{reason} (check DATAMILL_DATABASE_URL, or DATAMILL_HOME for SQLite)") from None


def get_runtime(*, start_home: bool = False) -> Any:
    """The process's Runtime (database migrated to head on first use).

    Run from a folder without a datamill home (and no ``DATAMILL_HOME``), or with a
    ``DATAMILL_HOME`` naming a folder that does not exist (a typo), a command refuses
    (:class:`NoHome`) rather than start a new, empty one that would read as if the data were
    gone; the commands that start an installation (``db-upgrade``, the first ``user create``;
    ``demo`` and ``serve`` open their own) pass ``start_home`` and say on stderr where the new
    home is."""
    if not _runtime:
        from datamill.config import get_settings

        settings = get_settings()
        missing = _missing_default_home(settings)
        if missing is not None and not start_home:
            raise NoHome(
                f"no datamill home at {missing} (the current folder's .datamill); cd to your "
                "project's folder or set DATAMILL_HOME to its home, or start one here with "
                "`datamill demo` or `datamill user create NAME --role admin`",
                reason_code="no_home_here", home=str(missing))
        named = _missing_named_home(settings)
        if named is not None and not start_home:  # a mistyped DATAMILL_HOME: never started
            raise NoHome(
                f"no datamill home at {named} (DATAMILL_HOME names a folder that does not "
                "exist): check DATAMILL_HOME for a typo, or start a home there with `datamill "
                "db-upgrade` or `datamill user create NAME --role admin`",
                reason_code="no_home_named", home=str(named))
        _runtime.append(open_runtime())
        if missing is not None or named is not None:
            from datamill.cli._words import say

            if named is not None:
                _started_home.append((_runtime[0], named))
            console.print(say("home.started_here" if missing else "home.started_named",
                              home=missing or named), highlight=False, soft_wrap=True)
    return _runtime[0]


def _exit_code(err: DatamillError) -> int:
    """The exit code of an error: its own code's, else that of the nearest base class with one
    (a plugin's ``text_not_decodable`` is an ``invalid_input``, exit 2)."""
    for cls in type(err).__mro__:
        code = getattr(cls, "code", None)
        if isinstance(code, str) and code in EXIT_CODES:
            return EXIT_CODES[code]
    return 1


def _worded(message: str, details: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """An error as a person reads it in ``DATAMILL_LANG`` (en or zh-CN), as the API and the
    web pages word it (the one registry of the coded refusals): the sentence, and the details
    to print (a modality's ``problems`` each with its ``detail``; in Chinese ``message_en``
    keeps the English). English words a modality's ``problems`` for people too, as the web
    pages do (the per-problem sentences, objects counted from 1), the English line kept as
    ``message_en`` (``--json``'s message): "objects[0].kind: Unable to extract tag using
    discriminator 'kind'" read "object 1 (car): the object has no kind"."""
    lang = cli_language()
    if lang == "en" and "message_en" not in details:
        from datamill.cli._problems_said import problems_said

        return problems_said(message, details)
    return word_error(message, details, lang)


def _acting_language() -> str | None:
    """The language of the customer organisation the running command's ``--as`` account
    speaks for (``ledger customer-language``), looked up once; None for staff, an unknown
    name, or no database to ask."""
    if "language" not in _acting:
        _acting["language"] = None
        name = _acting.get("username")
        if name:
            from sqlalchemy.exc import SQLAlchemyError

            from datamill.catalog.access import customer_language
            from datamill.compliance.users import get_user
            from datamill.db.session import reads_first

            # an unknown name, no home or no database: English, as before. The command's own
            # session may hold SQLite's writer lock: this lookup reads without it (reads_first;
            # with a BEGIN it waited 30 s for the command, then spoke English)
            with contextlib.suppress(DatamillError, SQLAlchemyError), \
                    get_runtime().session() as s, reads_first(s):
                _acting["language"] = customer_language(s, get_user(s, name))
    return _acting["language"]


def cli_language() -> str:
    """The language the CLI speaks to people in: ``DATAMILL_LANG`` (en or zh-CN; English where
    the setting itself is wrong); where it is not set, the language of the customer
    organisation the acting ``--as`` account speaks for (``ledger customer-language``), else
    English."""
    from datamill.config import BadSetting, get_settings

    try:
        settings = get_settings()
    except BadSetting:  # the error being reported may be a setting: report it in English
        return "en"
    if "lang" not in settings.model_fields_set and (theirs := _acting_language()):
        return problem_language(theirs)
    return problem_language(settings.lang)


def _fail(
    code: str, message: str, as_json: bool, details: dict[str, Any], exit_code: int | None = None
) -> typer.Exit:
    if as_json:
        _write_json(error_payload(code, message, **details))
    else:  # "error (code): ..." in DATAMILL_LANG; the code stays as it is, for a search
        from datamill.cli._words import say

        console.print(styled((say("cli.error"), "red"), say("cli.error_tail", code=code,
                                                            message=message)),
                      highlight=False, soft_wrap=True)  # one line, however long
    return typer.Exit(exit_code if exit_code is not None else EXIT_CODES.get(code, 1))


def _validation_message(err: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or '(input)'}: {e['msg']}" for e in err.errors()
    )


#: errors of a path someone named (missing, a folder, a file, no permission, a link loop):
#: bad input, not a bug
_PATH_ERRNOS = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.EACCES, errno.EPERM,
                          errno.ELOOP, errno.ENAMETOOLONG, errno.EEXIST, errno.EROFS,
                          errno.ENOTEMPTY})


def _os_message(err: OSError) -> str:
    """``cannot use adir: Is a directory`` for an OSError about a path."""
    paths = " → ".join(str(p) for p in (err.filename, err.filename2) if p is not None)
    reason = err.strerror or str(err)
    return f"cannot use {paths}: {reason}" if paths else reason


def _in_new_home(err: DatamillError) -> DatamillError:
    """``err`` itself, or, for a person not found in a home this process has just started
    (``DATAMILL_HOME`` named a folder that did not exist: nobody is in it), :class:`NoHome`
    saying so (a mistyped folder reads as "no user named 'admin'" otherwise)."""
    username = err.details.get("username")
    started = [home for rt, home in _started_home if _runtime and rt is _runtime[0]]
    if err.code != "not_found" or not isinstance(username, str) or not started:
        return err
    return NoHome(f"no user named {username!r}: {started[0]} did not exist, so this command "
                  "started a new, empty datamill home there; check DATAMILL_HOME (a mistyped "
                  "folder?)", reason_code="no_home_started", username=username,
                  home=str(started[0]))


def handle_errors(fn: Callable[P, R]) -> Callable[P, R]:
    """Map outcomes to exit codes (see the module doc); ``DATAMILL_ENV=debug`` re-raises.

    A DatamillError prints one line on stderr (or, with ``--json``, an error object on
    stdout); :class:`NothingToDo` prints its message (or JSON) and exits 10.
    """

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        as_json = _json_requested(kwargs)
        outer = dict(_acting)
        _acting.clear()  # this command speaks its own --as account's language
        _acting["username"] = next(
            (v for k in _ACTOR_PARAMS if isinstance(v := kwargs.get(k), str)), None)
        try:
            return fn(*args, **kwargs)
        except NothingToDo as nothing:
            if as_json:
                _write_json({**nothing.payload, "reason": nothing.message})
            else:
                out.print(nothing.said, highlight=False)
            raise typer.Exit(EXIT_NOTHING_TO_DO) from None
        except DatamillError as err:
            if _debug():
                raise
            err = _in_new_home(_unseen_project_refusal(fn, kwargs, err))
            exit_code = _exit_code(err)
            err = _told_actor(kwargs, err)
            said, details = _worded(err.message, err.details)
            if exit_code == 3 and said == err.message:  # an uncoded "not found", headed
                from datamill.cli._not_found_words import not_found_sentence

                said = not_found_sentence(said, cli_language())
            if as_json:  # the English message and the reason_code; the sentence as ``detail``
                english = str(details.pop("message_en", err.message))
                if said != english:
                    details["detail"] = said
                raise _fail(err.code, english, as_json, details, exit_code) from None
            raise _fail(err.code, said, as_json, details, exit_code) from None
        except ValidationError as err:
            if _debug():
                raise
            raise _fail("invalid_input", _validation_message(err), as_json, {}) from None
        except (OverflowError, DataError) as exc:  # a number beyond what the database holds
            if _debug():
                raise
            # (the driver's own words, "Python int too large to convert to SQLite INTEGER",
            # say nothing a person can act on; a NUL in text is no number)
            if driver_refusal(exc) == "nul":
                raise _fail("invalid_input", "a text contains a NUL character (U+0000): control "
                            "characters are not allowed", as_json, {}) from None
            raise _fail("invalid_input", "a number is out of range: ids and counts are whole "
                        "numbers from 1 to 9223372036854775807 (2^63-1)", as_json, {}) from None
        except OSError as err:  # a path the person gave: missing, a folder, unreadable, a loop
            if _debug() or err.errno not in _PATH_ERRNOS:
                if as_json:
                    _write_json(error_payload("internal", f"{type(err).__name__}: {err}"))
                raise
            raise _fail("invalid_input", _os_message(err), as_json,
                        {"path": None if err.filename is None else str(err.filename)}) from None
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except Exception as err:
            if (bad := input_refusal(err, cli_language(), as_json)) is not None and not _debug():
                raise _fail("invalid_input", bad[0], as_json, bad[1]) from None
            if as_json:  # a bug: stdout still parses, the traceback goes to stderr
                _write_json(error_payload("internal", f"{type(err).__name__}: {err}"))
            raise
        finally:  # the account's language ends with its command (a test runs many in one process)
            _acting.clear()
            _acting.update(outer)

    return wrapper


def _debug() -> bool:
    from datamill.config import BadSetting, get_settings

    try:
        return get_settings().env == "debug"
    except BadSetting:  # the error being reported may be that very setting: report it
        return False


class JsonAwareGroup(TyperGroup):
    """The root command group: with ``--json`` on the line, usage errors are JSON too."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        from datamill.cli._help_wrap import rewrap_help

        rewrap_help(self)  # a docstring's line breaks are not the terminal's
        argv = list(sys.argv[1:] if args is None else args)
        lang = cli_language()
        if not standalone_mode or ("--json" not in argv and lang == "en"):
            usage_words = sys.modules.get("datamill.cli._usage_words")
            if usage_words is not None:  # a run before in this process may have spoken zh-CN
                usage_words.speak_typer("en")  # English help pages again
            return super().main(argv, prog_name, complete_var, standalone_mode, **extra)
        from datamill.cli._usage_words import run_root

        return run_root(self, lambda: super(JsonAwareGroup, self).main(
            argv, prog_name, complete_var, False, **extra), as_json="--json" in argv, lang=lang)


def emit(value: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print ``value`` as JSON (``--json``) or with a human renderer."""
    if as_json or render is None:
        _write_json(value)
    else:
        render(value)


@contextmanager
def progress_bar(label: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields an ``advance(n)`` callback.

    ``advance`` is cheap enough to call once per row of a 100k-row import: it adds up and
    moves the bar at most every 50 ms (rich's ``advance`` costs microseconds a call).
    """
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=console, transient=False, disable=not console.is_terminal and total is None,
    ) as bar:
        task = bar.add_task(esc(label), total=total)
        pending = {"n": 0, "at": time.monotonic()}

        def advance(n: int) -> None:
            pending["n"] += n
            if time.monotonic() - pending["at"] >= 0.05:  # noqa: PLR2004
                bar.advance(task, pending["n"])
                pending["n"], pending["at"] = 0, time.monotonic()

        try:
            yield advance
        finally:
            bar.advance(task, pending["n"])
