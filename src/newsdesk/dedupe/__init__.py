"""Identity and duplicates: canonical URLs, exact copies (normalised-text hash), near copies (MinHash LSH)."""

from newsdesk.dedupe.fingerprint import MIN_SHINGLES, Fingerprint, containment, fingerprint, jaccard, text_hash
from newsdesk.dedupe.match import CopyMatch, find_original
from newsdesk.dedupe.urls import canonical_url

__all__ = ["MIN_SHINGLES", "Fingerprint", "containment", "fingerprint", "jaccard", "text_hash", "CopyMatch", "find_original",
           "canonical_url"]
