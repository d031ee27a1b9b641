"""Lead images are fetched by the desk and served from its own origin: the reader's browser never contacts
an outlet (no tracking, and a strict img-src 'self')."""

from __future__ import annotations

import asyncio
from dataclasses import fields

from newsdesk.config import Settings
from newsdesk.fetch import Fetcher, FetchError, FetchSettings
from newsdesk.web.data import LRU, StorePool

IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/avif"}   # never SVG (it can script)
MAX_IMAGE_BYTES = 3 * 1024 * 1024
_SIGNATURES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


def _allow(settings: Settings) -> dict:
    """The fetch allowlist (intranet feeds, the demo server) when this version of fetch has one."""
    names = {f.name for f in fields(FetchSettings)}
    return {"allow": getattr(settings, "fetch_allow", "")} if "allow" in names else {}


class ImageProxy:
    def __init__(self, pool: StorePool, settings: Settings):
        self.pool = pool
        self.settings = settings
        self._fetcher: Fetcher | None = None
        self._cache = LRU(64)                 # article id → (bytes, content type)
        self._failed = LRU(1024, ttl=600.0)   # article id → reason, not asked again for ten minutes
        self._locks: dict[int, asyncio.Lock] = {}

    def _fetcher_now(self) -> Fetcher:
        if self._fetcher is None:
            s = self.settings
            self._fetcher = Fetcher(FetchSettings(connect_timeout=min(s.connect_timeout, 5.0), total_timeout=10.0,
                                                  max_bytes=MAX_IMAGE_BYTES, max_redirects=s.max_redirects,
                                                  per_host_concurrency=4, per_host_delay=0.0,
                                                  user_agent=s.user_agent, **_allow(s)))
        return self._fetcher

    async def get(self, article_id: int) -> tuple[bytes, str] | str:
        """The image of an article as (body, media type), or the reason there is none."""
        hit = self._cache.get(article_id) or self._failed.get(article_id)
        if hit is not None:
            return hit
        lock = self._locks.setdefault(article_id, asyncio.Lock())
        async with lock:
            hit = self._cache.get(article_id) or self._failed.get(article_id)
            if hit is not None:
                return hit
            found = await self._load(article_id)
            (self._cache if isinstance(found, tuple) else self._failed).put(article_id, found)
        self._locks.pop(article_id, None)
        return found

    async def _load(self, article_id: int) -> tuple[bytes, str] | str:
        article = await asyncio.to_thread(lambda: self.pool.get().articles_by_ids([article_id], with_text=False))
        url = article[article_id].image_url if article_id in article else None
        if not url:
            return "no image for this article"
        try:
            result = await self._fetcher_now().fetch(url)
        except FetchError as exc:
            return f"image not available: {exc}"
        except Exception as exc:   # a hostile or broken server must never break the page
            return f"image not available: {exc!r}"
        kind = result.content_type or ""
        if kind not in IMAGE_TYPES:
            kind = next((k for sig, k in _SIGNATURES.items() if result.body.startswith(sig)), "")
        if kind not in IMAGE_TYPES or not result.body:
            return "not an image the desk serves"
        return result.body, kind

    async def aclose(self) -> None:
        if self._fetcher is not None:
            await self._fetcher.aclose()
            self._fetcher = None
