"""``needle serve`` and ``needle token``: the web app of a workspace (pages, and the capture API
the product's SDKs send events to), its project token and its login secret."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape
from needle.web.auth import is_loopback, login_token

SWITCH_INTERVAL = 0.0005  # seconds


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; off loopback a login "
                                           "token is required.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8765,
) -> None:
    """Serve the workspace's pages and capture the product's events until Ctrl-C.

    Pages have JSON twins; PostHog's SDKs send events to the same address with the project
    token `needle token` prints.
    """
    import uvicorn

    from needle.web import create_app

    workspace = open_workspace(ctx)
    app = create_app(workspace.root, ctx.find_root().obj.overrides, host)
    where = f"http://{host}:{port}/"
    note = "" if is_loopback(host) else " (log in with the token `needle token --login` prints)"
    typer.echo(f"Needle serves {workspace.root} at {where}{note}; Ctrl-C stops it.", err=True)
    typer.echo(f"Events: point PostHog's SDKs at {where} with the project token "
               f"{workspace.project_token}.", err=True)
    # The log's writer thread must get the GIL back quickly to acknowledge requests: the default
    # 5 ms switch interval, on a busy event loop, would put 5-10 ms in every acknowledgement.
    sys.setswitchinterval(SWITCH_INTERVAL)
    # One process, no workers or reloader: after it ends, however it ends, nothing holds the port.
    uvicorn.run(app, host=host, port=port, log_level="warning", workers=None, reload=False)


@json_shape("The token asked for.", {"token": "str: the project token (phc_...), or the "
                                               "login token with --login"})
def token(
    ctx: typer.Context,
    login: Annotated[bool, typer.Option("--login", help="The login token of the web app "
                                                        "instead of the project token.")]
    = False,
    renew: Annotated[bool, typer.Option(help="With --login: make a new login token; the old "
                                             "one stops working.")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Print the project token (what the product's SDKs send with events), or the login token."""
    workspace = open_workspace(ctx)
    if renew and not login:
        raise typer.BadParameter("only the login token can be renewed: add --login",
                                 param_hint="--renew")
    value = login_token(workspace.state_dir, renew) if login else workspace.project_token
    if as_json:
        print_json({"token": value})
    else:
        typer.echo(value)
