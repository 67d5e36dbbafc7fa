"""``datamill user``: create users and issue API tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from datamill.cli._common import get_runtime, handle_errors, out

app = typer.Typer(help="Users and API tokens.", no_args_is_help=True)


@app.command("create")
@handle_errors
def create_cmd(
    username: str,
    role: Annotated[str, typer.Option(help="admin, project_manager, annotator, reviewer, inspector")],
    password: Annotated[str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)],
) -> None:
    """Create a user (password stored as an argon2 hash)."""
    from datamill.compliance.users import create_user

    with get_runtime().session() as s:
        create_user(s, username, password, role)
    out.print(f"created {role} {username}")


@app.command("token")
@handle_errors
def token_cmd(username: str, name: str = "cli") -> None:
    """Issue an API token for a user (shown once)."""
    from datamill.compliance.users import create_token, get_user

    with get_runtime().session() as s:
        token = create_token(s, get_user(s, username), name)
    out.print(token)
