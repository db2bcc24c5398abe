"""``needle serve`` and ``needle token``: the web app of a workspace, and its login secret."""

from __future__ import annotations

from typing import Annotated

import typer

from needle.cli.context import open_workspace
from needle.web.auth import is_loopback, login_token


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; off loopback a login "
                                           "token is required.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
) -> None:
    """Serve the workspace's pages (and their JSON twins) until Ctrl-C."""
    import uvicorn

    from needle.web import create_app

    workspace = open_workspace(ctx)
    app = create_app(workspace.root, ctx.find_root().obj.overrides, host)
    where = f"http://{host}:{port}/"
    note = "" if is_loopback(host) else " (log in with the token `needle token --login` prints)"
    typer.echo(f"Needle serves {workspace.root} at {where}{note}; Ctrl-C stops it.", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def token(
    ctx: typer.Context,
    login: Annotated[bool, typer.Option("--login", help="The login token of the web app.")]
    = False,
    renew: Annotated[bool, typer.Option(help="Make a new token; the old one stops working.")]
    = False,
) -> None:
    """Print a token of the workspace."""
    if not login:
        raise typer.BadParameter("name the token: --login", param_hint="--login")
    typer.echo(login_token(open_workspace(ctx).state_dir, renew))
