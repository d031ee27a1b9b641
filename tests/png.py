"""Reading PNG files in tests, with no imaging library: enough of the format to check what the project draws."""

from __future__ import annotations

import struct
import zlib

import numpy as np


def read_png(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit RGB PNG as a (height, width, 3) array, checking its signature and chunks."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length:position + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks[kind] = chunks.get(kind, b"") + body
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour, interlace) == (8, 2, 0), "8-bit RGB, not interlaced"
    assert b"IEND" in chunks
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), np.uint8).reshape(height, 1 + width * 3)
    rows = np.zeros((height + 1, width * 3), np.int32)
    for y in range(height):
        kind, line, above = raw[y, 0], raw[y, 1:].astype(np.int32), rows[y]
        if kind == 0:
            rows[y + 1] = line
        elif kind == 2:
            rows[y + 1] = (line + above) % 256
        else:   # Sub, Average, Paeth: byte by byte
            out = rows[y + 1]
            for i in range(width * 3):
                left = out[i - 3] if i >= 3 else 0
                corner = above[i - 3] if i >= 3 else 0
                if kind == 1:
                    guess = left
                elif kind == 3:
                    guess = (left + above[i]) // 2
                else:
                    p = left + above[i] - corner
                    guess = min((abs(p - left), 0, left), (abs(p - above[i]), 1, above[i]),
                                (abs(p - corner), 2, corner))[2]
                out[i] = (line[i] + guess) % 256
    return rows[1:].reshape(height, width, 3).astype(np.uint8)
