"""The web desk from the command line: `serve` (web only); `run` and `demo` in desk.py use `serve_app`."""

from __future__ import annotations

import asyncio
import signal
import socket
from collections.abc import Awaitable, Callable
from contextlib import contextmanager

import typer

from newsdesk.cli.common import console, fail, open_store, state
from newsdesk.config import Settings

HOST_OPTION = typer.Option("127.0.0.1", "--host", envvar="NEWSDESK_HOST", help="Address to listen on.")
PORT_OPTION = typer.Option(8000, "--port", envvar="NEWSDESK_PORT", min=0, max=65535,
                           help="Port to listen on (0 = any free port).")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(ctx: typer.Context, host: str = HOST_OPTION, port: int = PORT_OPTION) -> None:
    """Serve the web desk (pages, JSON API, Atom feeds) without polling sources."""
    settings = state(ctx).settings()
    with open_store(settings):
        pass                      # creates or upgrades the database first, with a clear error if it cannot
    serve_app(settings, host, port)


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc} (choose another with --port)")
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve_app(settings: Settings, host: str, port: int,
              background: Callable[[asyncio.Event], Awaitable[None]] | None = None,
              banner: str = "newsdesk") -> None:
    """Serve the web app until SIGINT/SIGTERM; `background(stop)` runs on the same event loop meanwhile."""
    import uvicorn

    from newsdesk.web import create_app

    sock = listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    from newsdesk.storage import StorageError
    try:
        app = create_app(settings.database_url(), settings)
    except StorageError as exc:
        sock.close()
        fail(str(exc))
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5)

    class Server(uvicorn.Server):
        @contextmanager
        def capture_signals(self):          # the loop below owns SIGINT/SIGTERM
            yield

    server = Server(config)

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()

        def on_signal() -> None:
            stop.set()
            server.should_exit = True

        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, on_signal)
        task = asyncio.create_task(background(stop)) if background else None
        console.print(f"{banner}: open http://{shown}:{bound}/ (Ctrl-C stops it)", highlight=False)
        try:
            await server.serve(sockets=[sock])
        finally:
            stop.set()
            if task is not None:
                await task

    asyncio.run(main())
    console.print("stopped.")
