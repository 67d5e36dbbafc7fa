"""``datamill user``: create users, change their roles, issue, list and revoke API tokens,
passwords, deactivation and reactivation.

A password (``user create``, ``user password``) is never needed on the command line, where the
shell history and ``ps`` would keep it: without ``--password`` it is asked for, hidden and
twice (the prompt on stderr), and ``--password-stdin`` reads it as one line from stdin for
scripts (``printf '%s\n' "$PW" | datamill user password ann1 --as admin --password-stdin``).

Writes act for ``--as USERNAME``, checked like the API: creating, deactivating and reactivating
users needs ``manage_users`` (admins); a token or a password is one's own or an admin's
business. Until the first admin exists, ``user create`` runs as the server's operator without
``--as`` (bootstrap).
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from datamill.cli._common import (
    AsUser,
    JsonOpt,
    acting_user,
    console,
    emit,
    get_runtime,
    handle_errors,
    json_time,
    out,
)
from datamill.cli._words import say
from datamill.compliance.roles import Action, Role
from datamill.core.storable import digits

ROLE_HELP = ", ".join(r.value for r in Role) + " (see 'datamill user roles')"

app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)
OptionalAs = Annotated[str | None, typer.Option(
    "--as", help="Username of the admin acting (needed once an admin exists).")]


PasswordOpt = Annotated[str | None, typer.Option(
    help="The password itself (kept by the shell history and visible in ps: prefer the hidden "
         "prompt, asked for twice when neither this nor --password-stdin is given, or "
         "--password-stdin).")]
PasswordStdin = Annotated[bool, typer.Option(
    "--password-stdin", help="Read the password as one line from stdin (for scripts).")]


def _password(given: str | None, from_stdin: bool, prompt: str) -> str:
    """The password from ``--password``, one line of stdin (``--password-stdin``), or a hidden
    prompt asked twice (on stderr, so ``--json`` output stays JSON)."""
    from datamill.core.errors import InvalidInput

    if given is not None and from_stdin:
        raise InvalidInput("give the password once: --password or --password-stdin, not both",
                           field="password", reason_code="password_given_twice")
    if given is not None:
        return given
    if from_stdin:
        line = sys.stdin.readline().removesuffix("\n").removesuffix("\r")
        if not line:
            raise InvalidInput("--password-stdin: stdin held no password (one line expected)",
                               field="password", reason_code="password_stdin_empty")
        return line
    try:  # asked twice, in DATAMILL_LANG (Click's own confirmation speaks English only)
        while True:
            first = str(typer.prompt(say(prompt), hide_input=True, err=True))
            if first == str(typer.prompt(say("user.repeat"), hide_input=True, err=True)):
                return first
            console.print(say("user.mismatch"), highlight=False)
    except typer.Abort:  # end of input (no terminal, nothing piped) or Ctrl+C
        raise InvalidInput("no password given: type it at the hidden prompt on a terminal, or "
                           "pass one line on stdin with --password-stdin", field="password",
                           reason_code="password_missing") from None


def _self_or_admin(s: Any, actor_name: str, target: Any, what: str) -> Any:
    """The acting user, who must be ``target`` themself or may manage users."""
    from datamill.compliance.permissions import check
    from datamill.core.errors import Forbidden

    actor = acting_user(s, actor_name)
    if actor.id != target.id and check(s, actor, Action.MANAGE_USERS) is not None:
        raise Forbidden(f"{actor.username!r} may not {what} of {target.username!r}: only their "
                        "own, or an admin", reason_code="self_or_admin", actor=actor.username,
                        target=target.username, what=what)
    return actor


@app.command("create")
@handle_errors
def create_cmd(
    username: str,
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    password: PasswordOpt = None,
    password_stdin: PasswordStdin = False,
    user: OptionalAs = None,
    display_name: Annotated[str, typer.Option(
        "--display-name", help="The name shown on pages (default: the username).")] = "",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Create a user (password stored as an argon2 hash): asked for hidden, twice, unless
    --password-stdin (one line of stdin) or --password gives it."""
    from datamill.compliance.users import check_new_user, create_user

    check_new_user(username, role, display_name)  # refused before any home is started
    # the first user (no --as) may start a new installation; a later one acts in an existing one.
    # The first admin naming themself (--as NAME for NAME) is that first user too (trial h6: it
    # was refused with "no user named 'admin'", the README's --as taken as always needed)
    first = user is not None and user == username and role == "admin"
    rt = get_runtime(start_home=user is None or first)
    with rt.session() as s:  # who acts, and what create_user would refuse whatever the
        _creator(s, user, first=first)  # password, before anyone is asked for one
        check_new_user(username, role, display_name, session=s)
    secret = _password(password, password_stdin, "user.password")
    with rt.session() as s:
        actor_id = _creator(s, user, first=first)
        made = _user_row(create_user(s, username, secret, role, display_name=display_name,
                                     actor_id=actor_id))
    from datamill.cli._common import cli_language
    from datamill.core.record_words import role_word

    emit(made, as_json, lambda v: out.print(say("user.created", role=role_word(
        v["role"], cli_language()), username=v["username"]), highlight=False))


def _creator(s: Any, user: str | None, *, first: bool) -> int | None:
    """The id of the admin creating a user (``--as``); None for the installation's first."""
    from datamill.compliance.users import active_admin_exists
    from datamill.core.errors import InvalidInput

    if first and not active_admin_exists(s):
        return None
    if user is not None:
        return int(acting_user(s, user, Action.MANAGE_USERS).id)
    if active_admin_exists(s):
        raise InvalidInput("an admin exists: say who creates the user with --as ADMIN",
                           field="as")
    return None


def _user_row(user: Any) -> dict[str, Any]:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "role": user.role, "is_active": user.is_active,
            "created_at": json_time(user.created_at)}


@app.command("list")
@handle_errors
def list_cmd(
    user: AsUser,
    include_inactive: Annotated[bool, typer.Option(
        "--all", help="Deactivated accounts too.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The accounts, by username (admins: the manage_users permission)."""
    from rich.table import Table

    from datamill.cli._common import cli_language
    from datamill.compliance.users import active_users
    from datamill.core.record_words import role_word

    with get_runtime().session() as s:
        acting_user(s, user, Action.MANAGE_USERS)
        rows = [_user_row(u) for u in active_users(s, include_inactive=include_inactive)]

    def render(v: list[dict[str, Any]]) -> None:
        t = Table(*(say(f"user.col.{c}") for c in ("username", "role", "name", "active",
                                                    "created")))
        lang = cli_language()
        for r in v:
            t.add_row(r["username"], role_word(r["role"], lang), r["display_name"],
                      say("user.yes" if r["is_active"] else "user.no"), r["created_at"][:10])
        out.print(t)

    emit(rows, as_json, render)


@app.command("roles")
@handle_errors
def roles_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the matrix as JSON.")] = False,
) -> None:
    """The permission matrix: what each role may do, and where (any, member, own)."""
    from datamill.compliance.permissions import Scope, matrix_markdown, matrix_rows
    from datamill.compliance.roles import Action

    rows = matrix_rows()
    value = {
        "scopes": {
            Scope.ANY.value: "everywhere",
            Scope.MEMBER.value: "on projects the user is a member of",
            Scope.OWN.value: "on the user's own vendor or own records",
        },
        "roles": [r.value for r in Role],
        "actions": [{"action": a.value, "kind": next(r["kind"] for r in rows
                                                      if r["action"] == a.value)}
                    for a in Action],
        "matrix": {r.value: {c["action"]: c["scope"] for c in rows if c["role"] == r.value
                             and c["scope"] != Scope.NONE.value} for r in Role},
    }
    emit(value, as_json, lambda _v: out.print(_matrix_words() or matrix_markdown(),
                                              highlight=False, soft_wrap=True))


def _matrix_words() -> str | None:
    """The permission matrix as Markdown in the CLI's language: roles, actions and scopes as
    words (None in English: the codes, as scripts read them)."""
    from datamill.cli._common import cli_language
    from datamill.cli._words import say
    from datamill.compliance.permissions import Scope, role_scope
    from datamill.core.record_words import role_word
    from datamill.modalities._reason_words import ZH_CN_ACTIONS

    lang = cli_language()
    if lang == "en":
        return None
    head = f"| {say('roles.role')} | " + " | ".join(ZH_CN_ACTIONS.get(a.value, a.value)
                                                    for a in Action) + " |"
    rows = [f"| {role_word(r.value, lang)} | " + " | ".join(
        say(f"scope.{s.value}") if (s := role_scope(r, a)) is not Scope.NONE else "–"
        for a in Action) + " |" for r in Role]
    return "\n".join([head, "|" + "---|" * (len(Action) + 1), *rows])


def _revoke(username: str, which: str, actor_name: str) -> list[int]:
    from datamill.compliance.users import get_user, list_tokens, revoke_token
    from datamill.core.errors import InvalidInput

    with get_runtime().session() as s:
        user = get_user(s, username)
        actor = _self_or_admin(s, actor_name, user, "revoke the tokens")
        if which == "all":
            live = [int(str(t["id"])) for t in list_tokens(s, user) if t["active"]]
            for token_id in live:
                revoke_token(s, user, token_id=token_id, actor_id=actor.id)
            return live
        if which.startswith("dm_"):
            return [revoke_token(s, user, token=which, actor_id=actor.id)]
        if not digits(which):
            raise InvalidInput(f"--revoke takes a token id, a token (dm_...) or 'all', not "
                               f"{which!r}", field="revoke")
        return [revoke_token(s, user, token_id=int(which), actor_id=actor.id)]


@app.command("token")
@handle_errors
def token_cmd(
    username: str,
    user: AsUser,
    name: str = "cli",
    expires_days: Annotated[int | None, typer.Option(
        "--expires-days", help="Lifetime in days (default DATAMILL_TOKEN_DAYS, 30).")] = None,
    revoke: Annotated[str | None, typer.Option(
        "--revoke", help="Revoke instead: a token id (see 'datamill user tokens'), the token itself, "
        "or 'all'.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Issue an API token for a user (shown once), or revoke tokens with --revoke."""
    from datamill.compliance.users import create_token, get_user

    if revoke is not None:
        revoked = _revoke(username, revoke, user)
        emit({"revoked": revoked}, as_json,
             lambda r: out.print(say("user.tokens_revoked", n=len(r["revoked"]),
                                     username=username), highlight=False))
        return
    rt = get_runtime()
    with rt.session() as s:
        target = get_user(s, username)
        actor = _self_or_admin(s, user, target, "issue a token")
        # 0 is a lifetime create_token refuses, not "the default" (it issued 30-day tokens)
        days = rt.settings.token_days if expires_days is None else expires_days
        token = create_token(s, target, name, expires_days=days, actor_id=actor.id)
    emit({"token": token, "expires_days": days}, as_json,
         lambda r: out.print(r["token"], highlight=False))


@app.command("tokens")
@handle_errors
def tokens_cmd(
    username: str,
    user: AsUser,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List a user's API tokens (ids, names, expiry; never the secrets): one's own, or an
    admin's."""
    from datamill.compliance.users import get_user, list_tokens

    with get_runtime().session() as s:
        target = get_user(s, username)
        _self_or_admin(s, user, target, "list the tokens")
        rows = list_tokens(s, target)

    def render(rows: list[dict[str, object]]) -> None:
        for r in rows:
            state = "active" if r["active"] else ("revoked" if r["revoked_at"] else "expired")
            out.print(f"{r['id']:>5}  {r['name']!s:<20} {say(f'user.token.{state}'):<8} "
                      + say("user.expires", at=r["expires_at"]), highlight=False)

    emit(rows, as_json, render)


@app.command("password")
@handle_errors
def password_cmd(
    username: str,
    user: AsUser,
    password: PasswordOpt = None,
    password_stdin: PasswordStdin = False,
    as_json: JsonOpt = False,
) -> None:
    """Set a user's password; all their web sessions and API tokens are revoked. The new
    password is asked for hidden, twice, unless --password-stdin (one line of stdin) or
    --password gives it."""
    from datamill.compliance.users import get_user, set_password

    if password is None:  # ask only someone who may set it
        with get_runtime().session() as s:
            _self_or_admin(s, user, get_user(s, username), "set the password")
    secret = _password(password, password_stdin, "user.new_password")
    with get_runtime().session() as s:
        target = get_user(s, username)
        actor = _self_or_admin(s, user, target, "set the password")
        revoked = set_password(s, target, secret, actor_id=actor.id)
    emit({"username": username, "revoked": revoked}, as_json, lambda _v: out.print(
        say("user.password_changed", username=username, sessions=revoked["sessions"],
            tokens=revoked["tokens"]), highlight=False))


@app.command("deactivate")
@handle_errors
def deactivate_cmd(username: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Block a user from signing in; all their web sessions and API tokens are revoked, and the
    open work they held (claimed tasks, unfinished packages) goes back to the pool."""
    from datamill.compliance.users import deactivate_user, get_user

    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.MANAGE_USERS)
        done = deactivate_user(s, get_user(s, username), actor_id=actor.id)
    revoked = {k: done[k] for k in ("sessions", "tokens")}
    released = {k: done[k] for k in ("released_tasks", "unassigned_packages")}
    emit({"username": username, "revoked": revoked, **released}, as_json, lambda _v: out.print(
        say("user.deactivated", username=username, sessions=revoked["sessions"],
            tokens=revoked["tokens"], tasks=released["released_tasks"],
            packages=released["unassigned_packages"]), highlight=False))


@app.command("reactivate")
@handle_errors
def reactivate_cmd(username: str, user: AsUser, as_json: JsonOpt = False) -> None:
    """Let a deactivated user sign in again (no session, token or work comes back)."""
    from datamill.compliance.users import get_user, reactivate_user

    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.MANAGE_USERS)
        reactivate_user(s, get_user(s, username), actor_id=actor.id)
    emit({"username": username, "is_active": True}, as_json, lambda _v: out.print(
        say("user.reactivated", username=username), highlight=False))


@app.command("set-role")
@handle_errors
def set_role_cmd(
    username: str,
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    user: AsUser,
    as_json: JsonOpt = False,
) -> None:
    """Change a user's role (admins: manage_users), audited. Their API tokens and web sessions
    act with the new role at once; open work the new role may not do goes back to the pool.
    The last active admin keeps the role."""
    from datamill.cli._common import cli_language
    from datamill.compliance.role_change import set_role
    from datamill.compliance.users import get_user
    from datamill.core.record_words import role_word

    with get_runtime().session() as s:
        actor = acting_user(s, user, Action.MANAGE_USERS)
        done = set_role(s, get_user(s, username), role, actor_id=actor.id)

    def render(v: dict[str, Any]) -> None:
        lang = cli_language()
        said = say("user.role_changed", username=v["username"], role=role_word(v["role"], lang),
                   previous=role_word(v["previous_role"], lang))
        if v["released_tasks"] or v["unassigned_packages"]:
            said += say("user.role_released", tasks=v["released_tasks"],
                        packages=v["unassigned_packages"])
        out.print(said, highlight=False)

    emit(done, as_json, render)
