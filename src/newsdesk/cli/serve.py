"""The web desk from the command line: `serve` (web only); `run` and `demo` in desk.py use `serve_app`."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager

import typer

from newsdesk.cli.common import console, fail, open_store, print_error, state
from newsdesk.config import Settings

HOST_OPTION = typer.Option("127.0.0.1", "--host", envvar="NEWSDESK_HOST", help="Address to listen on.")
PORT_OPTION = typer.Option(8000, "--port", envvar="NEWSDESK_PORT", min=0, max=65535,
                           help="Port to listen on (0 = any free port).")
WORKERS_OPTION = typer.Option(0, "--workers", envvar="NEWSDESK_WORKERS", min=0, max=64,
                              help="Web server processes (0 = one per CPU core).")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(ctx: typer.Context, host: str = HOST_OPTION, port: int = PORT_OPTION,
          workers: int = WORKERS_OPTION) -> None:
    """Serve the web desk (pages, JSON API, Atom feeds) without polling sources."""
    settings = state(ctx).settings()
    with open_store(settings):
        pass                      # creates or upgrades the database first, with a clear error if it cannot
    serve_app(settings, host, port, workers=workers or default_workers())


def default_workers() -> int:
    """One web process per CPU core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets that say so, and without it every
    # response written in two parts waits ~40 ms for the client's delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
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
              banner: str = "newsdesk", workers: int = 1) -> None:
    """Serve the web app until SIGINT/SIGTERM; `background(stop)` runs on the same event loop meanwhile.
    With `workers` > 1 the app runs in that many processes sharing the listening socket, and `background` in
    this one (SQLite in WAL mode, and PostgreSQL, serve readers in several processes at once)."""
    import uvicorn

    from newsdesk.web import create_app

    sock = listen(host, port)
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    from newsdesk.storage import StorageError
    if workers > 1:
        _announce_read_only(_prepare_shared_state(settings, sock))
        _serve_workers(settings, sock, workers, background, f"{banner}: open http://{shown}:{bound}/ "
                       f"({workers} web processes; Ctrl-C stops it)")
        console.print("stopped.")
        return
    try:
        app = create_app(settings.database_url(), settings)
    except StorageError as exc:
        sock.close()
        fail(str(exc))
    _announce_read_only(app.state.web.read_only)
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


def _announce_read_only(read_only: bool) -> None:
    if read_only:
        console.print("The database is read-only: serving it read-only (nothing can be changed).")


def _prepare_shared_state(settings: Settings, sock: socket.socket) -> bool:
    """What every worker must share is created once, here, before they start (each would make its own).
    Returns whether the database is read-only."""
    from newsdesk.accounts import adopt_single_admin
    from newsdesk.storage import StorageError, open_storage
    from newsdesk.web import session_secret

    try:
        storage = open_storage(settings.database_url())
        try:
            session_secret(storage)
            adopt_single_admin(storage)      # a desk made before accounts: its admin becomes the user "admin"
            return storage.read_only
        finally:
            storage.close()
    except StorageError as exc:
        sock.close()
        fail(str(exc))


def _worker(settings: Settings, sock: socket.socket, parent_pid: int) -> None:
    """One web process: the app over its own storage connections, serving the shared socket until SIGTERM,
    or until the desk that started it ends (then at once, so that no orphan keeps the port)."""
    from newsdesk.lifeline import die_with_parent

    die_with_parent(parent_pid)
    import uvicorn

    from newsdesk.storage import StorageError
    from newsdesk.web import create_app

    try:
        app = create_app(settings.database_url(), settings)
    except StorageError as exc:
        print_error(str(exc))
        raise SystemExit(1) from None
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[sock])


def _serve_workers(settings: Settings, sock: socket.socket, workers: int,
                   background: Callable[[asyncio.Event], Awaitable[None]] | None, banner: str) -> None:
    """Run `workers` web processes until SIGINT/SIGTERM, starting again any that dies; `background(stop)` runs
    here meanwhile. A worker that fails within seconds of starting (a broken database) stops the server."""
    context = multiprocessing.get_context("spawn")

    def start() -> tuple[multiprocessing.process.BaseProcess, float]:
        process = context.Process(target=_worker, args=(settings, sock, os.getpid()), name="newsdesk-web")
        process.start()
        return process, time.monotonic()

    processes = [start() for _ in range(workers)]
    failure: str | None = None

    async def main() -> None:
        nonlocal failure
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        task = asyncio.create_task(background(stop)) if background else None
        console.print(banner, highlight=False)
        try:
            while not stop.is_set():
                try:
                    await asyncio.wait_for(stop.wait(), timeout=0.5)
                except asyncio.TimeoutError:
                    pass
                for index, (process, started) in enumerate(processes):
                    if process.is_alive() or stop.is_set():
                        continue
                    if time.monotonic() - started < 10:
                        failure = f"a web process exited with status {process.exitcode} right after starting"
                        stop.set()
                        break
                    console.print(f"[yellow]a web process exited (status {process.exitcode}); starting another[/]")
                    processes[index] = start()
        finally:
            stop.set()
            for process, _ in processes:
                if process.is_alive():
                    process.terminate()                  # SIGTERM: uvicorn finishes the requests in flight
            for process, _ in processes:
                process.join(15)
                if process.is_alive():
                    process.kill()
                    process.join(5)
            sock.close()
            if task is not None:
                await task

    asyncio.run(main())
    if failure:
        fail(failure)
