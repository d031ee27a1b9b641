"""An article's identity is its canonical URL."""

from __future__ import annotations

from urllib.parse import urlsplit

from courlan import normalize_url

# Parameters that say where a click came from, not which article it is .
_TRACKING_PREFIXES = ("utm_", "mc_", "at_", "pk_", "hsa_")
_TRACKING_NAMES = {"fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "ocid", "cmpid", "ito", "smid",
                   "rss", "feed", "ref", "ref_src", "src", "cmp", "guccounter", "_ga", "spm"}


def canonical_url(url: str) -> str:
    """Lower-case scheme and host, no default port, no fragment, tracking parameters removed, the rest sorted
    (courlan's normalisation; its strict mode also drops parameters that identify articles, so not that)."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https", "file", "urn") or (parts.scheme in ("http", "https") and not parts.netloc):
        raise ValueError(f"not an article URL: {url!r}")
    if parts.scheme not in ("http", "https"):
        return url
    parts = urlsplit(normalize_url(url))
    kept = [p for p in parts.query.split("&")
            if p and not p.split("=", 1)[0].lower().startswith(_TRACKING_PREFIXES)
            and p.split("=", 1)[0].lower() not in _TRACKING_NAMES]
    return parts._replace(query="&".join(kept), fragment="").geturl()
