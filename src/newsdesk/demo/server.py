"""Serve the demo corpus over HTTP on 127.0.0.1: one feed per outlet and one page per article."""

from __future__ import annotations


class DemoServer:
    """Context manager; `.base_url`, `.feed_urls` (outlet id -> feed URL), `.article_url(article_id)`.
    `revision` chooses which version of updated articles is served (0 = original)."""

    def __init__(self, corpus=None, host: str = "127.0.0.1", port: int = 0, revision: int = 0):
        raise NotImplementedError
