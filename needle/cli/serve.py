"""``needle serve`` and ``needle token``: the web app of a workspace (pages, and the capture API
the product's SDKs send events to), its project token and its login secret."""

from __future__ import annotations

import socket
import sys
from typing import Annotated

import typer

from needle.cli.context import open_workspace
from needle.cli.output import JsonFlag, print_json
from needle.cli.shapes import json_shape
from needle.errors import UserError
from needle.web.auth import is_loopback, login_token

SWITCH_INTERVAL = 0.0005  # seconds


def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on; off loopback a login "
                                           "token is required.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (0: any free port).", min=0,
                                      max=65535)] = 8765,
) -> None:
    """Serve the workspace's pages and capture the product's events until Ctrl-C.

    Pages have JSON twins; PostHog's SDKs send events to the same address with the project
    token `needle token` prints.
    """
    import uvicorn

    from needle.web import create_app

    workspace = open_workspace(ctx)
    app = create_app(workspace.root, ctx.find_root().obj.overrides, host)
    # Claim the capture log and the port before announcing anything: a second server on the
    # workspace, or a port in use, is a one-line error rather than a traceback after the banner.
    app.state.capture.start()
    try:
        listener = _listen(host, port)
    except UserError:
        app.state.capture.stop()
        raise
    where = f"http://{host}:{listener.getsockname()[1]}/"
    note = "" if is_loopback(host) else " (log in with the token `needle token --login` prints)"
    typer.echo(f"Needle serves {workspace.root} at {where}{note}; Ctrl-C stops it.", err=True)
    typer.echo(f"Events: point PostHog's SDKs at {where} with the project token "
               f"{workspace.project_token}.", err=True)
    # The log's writer thread must get the GIL back quickly to acknowledge requests: the default
    # 5 ms switch interval, on a busy event loop, would put 5-10 ms in every acknowledgement.
    sys.setswitchinterval(SWITCH_INTERVAL)
    # One process, no workers or reloader: after it ends, however it ends, nothing holds the port.
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass  # Ctrl-C is how it stops: by now the app's lifespan has emptied the log
    finally:
        app.state.capture.stop()  # already stopped by the app's lifespan unless it never ran
    if not server.started:
        raise typer.Exit(3)  # uvicorn has logged why it could not start, as uvicorn.run does


def _listen(host: str, port: int) -> socket.socket:
    """A socket listening on ``host:port`` (IPv4 or IPv6, as the address resolves)."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}",
                        field="port", value=port) from None


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
