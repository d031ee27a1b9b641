"""The web desk: server-rendered pages, the JSON API and Atom feeds, behind one FastAPI app."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from newsdesk.accounts import adopt_single_admin
from newsdesk.config import Settings
from newsdesk.storage import ReadOnlyError, Storage, StorageError, mask_password
from newsdesk.sync import fever_router, google_reader_router
from newsdesk.web import alerts, api, entities, entity_follow, feeds, pages, watchlists_api
from newsdesk.web import account, changes_feed, corrections, login, marks, reading_api, updated, users
from newsdesk.web import ask, coverage, storylines
from newsdesk.web.access import READ_ONLY, UserCache, is_admin_without_storage, refuse_writes_when_read_only
from newsdesk.web.auth import LoginLimiter, session_secret
from newsdesk.web.data import Reader, StorePool
from newsdesk.web.images import ImageProxy
from newsdesk.web.params import names_nothing
from newsdesk.web.render import Renderer

STATIC = Path(__file__).parent / "static"
T = TypeVar("T")
UNAVAILABLE = "the desk's database is not available at the moment: try again shortly"


class SecurityHeaders:
    """A fresh CSP nonce per request (in `request.state.nonce`) and the security headers on every response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if scope["method"] == "HEAD":      # answered as GET; the server sends no body for HEAD
            scope = {**scope, "method": "GET"}
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["nonce"] = nonce
        csp = (f"default-src 'none'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self'; "
               "connect-src 'self'; manifest-src 'self'; font-src 'self'; form-action 'self'; "
               "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")

        started = False

        async def send_with_headers(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                headers += [(b"content-security-policy", csp.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"x-frame-options", b"DENY"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"cross-origin-opener-policy", b"same-origin"),
                            (b"cross-origin-resource-policy", b"same-origin"),
                            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()")]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            # Starlette answers a crash outside every middleware, so without these headers: answer it here.
            api = scope["path"].startswith("/api/")
            body = b'{"error": "internal error"}' if api else b"internal error"
            kind = b"application/json" if api else b"text/plain; charset=utf-8"
            await send_with_headers({"type": "http.response.start", "status": 500,
                                     "headers": [(b"content-type", kind), (b"content-length", b"%d" % len(body))]})
            await send({"type": "http.response.body", "body": body})
            raise


class Web:
    """What the routes share: settings, storage (a connection per thread), caches, secrets, the limiter."""

    def __init__(self, storage: Storage | str, settings: Settings):
        self.settings = settings
        self.pool = StorePool(storage)
        self.read_only = self.pool.main.read_only
        self.reader = Reader(self.pool)
        self.secret = session_secret(self.pool.main)
        adopt_single_admin(self.pool.main)      # a desk made before accounts: its admin becomes the user "admin"
        self.limiter = LoginLimiter(lambda: self.storage)
        self.users = UserCache(lambda: self.storage)
        self.renderer = Renderer(self)
        self.images = ImageProxy(self.pool, settings)
        self.static_version = _static_version()

    @property
    def storage(self) -> Storage:
        return self.pool.get()

    async def read(self, function: Callable[..., T], *args, **kwargs) -> T:
        """A slow read (search) from an async endpoint. SQLite works in this process: running it here saves the
        thread hand-off and the GIL contention of a thread pool (the CPU is the limit either way). PostgreSQL
        makes the process wait on the server, so the read goes to the thread pool and the loop serves others."""
        if self.pool.dialect == "sqlite":
            return function(*args, **kwargs)
        return await run_in_threadpool(function, *args, **kwargs)


def _static_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC.iterdir()):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def create_app(storage: Storage | str, settings: Settings | None = None, *,
               background: Callable[[], Awaitable[None]] | None = None) -> FastAPI:
    """The web app over a storage URL (a connection is opened per worker thread) or an open Storage.
    `background`, when given, runs alongside the server for its lifetime (the feed scheduler of `run`)."""
    settings = settings or Settings()
    web = Web(storage, settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        task = asyncio.create_task(background()) if background else None
        try:   # the related-stories index is built before the first request, not under the first minutes of load
            await asyncio.wait_for(asyncio.wrap_future(web.reader.centroids.warm()), timeout=60)
        except Exception as exc:
            logging.getLogger(__name__).warning("related-stories index not ready at start (%s); it is read "
                                                "again in the background", exc)
        try:   # search by meaning's model too: loading it under a reader's first search took 2.2 s on a quiet core
            from newsdesk.pipeline import warm_meaning_search

            await asyncio.to_thread(warm_meaning_search)
        except Exception as exc:      # a missing model is said on the search page, as before
            logging.getLogger(__name__).warning("search by meaning not ready at start (%s)", exc)
        try:
            yield
        finally:
            web.reader.centroids.close()
            if task is not None:
                task.cancel()
                try:
                    await task
                except (asyncio.CancelledError, Exception):
                    pass
            await web.images.aclose()
            web.pool.close()

    app = FastAPI(title="newsdesk", version="1", docs_url=None, redoc_url=None, lifespan=lifespan,
                  dependencies=[Depends(refuse_writes_when_read_only)],
                  description="Read the desk: stories, articles, sources, search. Writes need an admin's API token "
                              "(`Authorization: Bearer …`; `newsdesk user token NAME` or the Account page "
                              "makes one).")
    app.state.web = web
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(api.router)
    app.include_router(entities.api)
    app.include_router(corrections.api)
    app.include_router(corrections.pages)
    app.include_router(alerts.api)
    app.include_router(watchlists_api.api)
    app.include_router(reading_api.router)
    app.include_router(alerts.router)
    app.include_router(changes_feed.router)
    app.include_router(feeds.router)
    app.include_router(entities.feeds)
    app.include_router(pages.router)
    app.include_router(login.router)
    app.include_router(account.router)
    app.include_router(users.router)
    app.include_router(marks.router)
    app.include_router(updated.router)
    app.include_router(fever_router)
    app.include_router(google_reader_router)
    app.include_router(entities.pages)
    app.include_router(entity_follow.router)
    app.include_router(coverage.api)
    app.include_router(coverage.pages)
    app.include_router(ask.api)
    app.include_router(ask.pages)
    app.include_router(storylines.api)
    app.include_router(storylines.pages)
    app.include_router(storylines.feeds)
    app.include_router(storylines.following)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        headers = getattr(exc, "headers", None)
        if wants_json(request):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=headers)
        return web.renderer.error(request, exc.status_code, str(exc.detail), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'request'}: {e['msg']}"
                             for e in exc.errors())
        status = 404 if names_nothing(exc.errors()) else 422
        if wants_json(request):
            return JSONResponse({"error": problems}, status_code=status)
        return web.renderer.error(request, status, problems)

    @app.exception_handler(StorageError)
    async def storage_error(request: Request, exc: StorageError) -> Response:
        """Strangers are told that the database failed; the log and the admin are told how."""
        detail = mask_password(str(exc))
        logging.getLogger(__name__).warning("%s %s: %s", request.method, request.url.path, detail)
        message = READ_ONLY if isinstance(exc, ReadOnlyError) else UNAVAILABLE
        if is_admin_without_storage(request):
            message = f"{message} ({detail})"
        if wants_json(request):
            return JSONResponse({"error": message}, status_code=503)
        return web.renderer.error(request, 503, message)

    return app
