"""Content-Encoding decoding whose output is bounded, so a small compressed body cannot blow up in memory.

httpx's own decoders inflate each network chunk in one go (a 64 KB chunk of a gzip bomb becomes ~64 MB
before anyone can count it); these inflate at most `limit` bytes per call instead."""

from __future__ import annotations

import zlib


class UnsupportedEncoding(Exception):
    pass


class CorruptBody(Exception):
    pass


ACCEPT_ENCODING = "gzip, deflate"


class _Identity:
    def feed(self, data: bytes, limit: int) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class _Zlib:
    def __init__(self, gzip: bool):
        self._gzip = gzip
        self._raw_deflate = False
        self._started = False
        self._d = self._new()

    def _new(self):
        if self._gzip:
            return zlib.decompressobj(zlib.MAX_WBITS | 16)
        return zlib.decompressobj(-zlib.MAX_WBITS if self._raw_deflate else zlib.MAX_WBITS)

    def feed(self, data: bytes, limit: int) -> bytes:
        """Inflate `data`, returning at most `limit` bytes; reaching `limit` means the caller's cap is hit
        (input may then be left unconsumed, which no longer matters)."""
        out = bytearray()
        while data and len(out) < limit:
            try:
                out += self._d.decompress(data, limit - len(out))
            except zlib.error as exc:
                if not self._gzip and not self._started and not self._raw_deflate:
                    # "deflate" servers often send raw DEFLATE without the zlib wrapper.
                    self._raw_deflate = True
                    self._d = self._new()
                    continue
                raise CorruptBody(f"{'gzip' if self._gzip else 'deflate'} data is corrupt: {exc}") from None
            self._started = True
            if self._d.unconsumed_tail:
                data = self._d.unconsumed_tail
            elif self._d.eof and self._d.unused_data and self._gzip:
                data = self._d.unused_data      # another gzip member follows
                self._d = self._new()
            else:
                data = b""
        return bytes(out)

    def flush(self) -> bytes:
        try:
            return self._d.flush()
        except zlib.error as exc:
            raise CorruptBody(f"compressed data is corrupt: {exc}") from None


def decoder_for(content_encoding: str | None):
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity()
    if len(codings) == 1 and codings[0] in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if len(codings) == 1 and codings[0] == "deflate":
        return _Zlib(gzip=False)
    raise UnsupportedEncoding(", ".join(codings))
