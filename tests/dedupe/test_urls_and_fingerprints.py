from datetime import datetime, timedelta, timezone

import pytest

from newsdesk.dedupe import canonical_url, containment, find_original, fingerprint, jaccard, text_hash
from newsdesk.model import Candidate

T = datetime(2026, 11, 5, 12, tzinfo=timezone.utc)

BODY = ("The harbour authority of Kestrel Bay said on Tuesday that the northern breakwater would close for "
        "six weeks of repairs after storm damage was found during a routine inspection. Ferry services to the "
        "outer islands will use the southern pier instead, and timetables will change from Monday. The "
        "authority's director, Ines Calder, said the damage was not a danger to ships but could worsen "
        "in winter storms. Repairs are expected to cost about four million crowns, paid from the port's "
        "maintenance fund. Fishing crews said the closure would add about half an hour to each trip. "
        "A public meeting on the works is planned for Thursday evening at the town hall.")


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://News.Example.COM:443/world/story?utm_source=rss&utm_medium=feed&id=7#comments",
     "https://news.example.com/world/story?id=7"),
    ("https://news.example.com/a?b=2&a=1&fbclid=xyz&gclid=1", "https://news.example.com/a?a=1&b=2"),
    ("http://news.example.com/a?ocid=rss&smid=tw-share", "http://news.example.com/a"),
])
def test_canonical_url_strips_tracking_and_normalises(url, expected):
    assert canonical_url(url) == expected


@pytest.mark.parametrize("bad", ["ftp://example.com/x", "not a url", "http://", "javascript:alert(1)"])
def test_canonical_url_rejects_non_article_urls(bad):
    with pytest.raises(ValueError):
        canonical_url(bad)


def test_text_hash_ignores_case_punctuation_and_spacing():
    assert text_hash("Hello,   World!\n\nSecond para.") == text_hash("hello world second para")
    assert text_hash("hello world") != text_hash("hello there world")


def test_fingerprint_of_short_text_has_no_minhash():
    fp = fingerprint("Too short to compare.")
    assert fp.minhash is None
    assert fp.band_keys == []


def test_reprint_with_credit_and_trim_is_a_near_copy_and_a_rewrite_is_not():
    original = fingerprint(BODY)
    reprint_text = BODY.rsplit(" A public meeting", 1)[0] + " (With agency inputs) Sign up for our morning briefing."
    reprint = fingerprint(reprint_text)
    rewrite = fingerprint(
        "Repairs to Kestrel Bay's northern breakwater will shut it for six weeks, port officials announced, "
        "after inspectors found storm damage. Island ferries are moving to the southern pier with new timetables "
        "from Monday. Director Ines Calder told reporters ships were not at risk, though winter weather could make "
        "the damage worse. The bill, roughly four million crowns, comes out of the maintenance fund; fishers expect "
        "longer trips.")
    assert set(original.band_keys) & set(reprint.band_keys)
    assert containment(original.minhash, original.shingle_count, reprint.minhash, reprint.shingle_count) > 0.8
    assert containment(original.minhash, original.shingle_count, rewrite.minhash, rewrite.shingle_count) < 0.2
    assert jaccard(original.minhash, original.minhash) == 1.0


def _stored(fp, id=1, time=T, original_id=None, original_time=None):
    return Candidate(id=id, time=time, shingle_count=fp.shingle_count, minhash=fp.minhash, original_id=original_id,
                     original_time=original_time)


def test_find_original_points_at_the_root_and_notices_an_earlier_arrival():
    fp = fingerprint(BODY)
    # the stored candidate is itself a copy of article 5: the match is article 5
    match = find_original(fp, T, [], [_stored(fp, id=9, original_id=5, original_time=T - timedelta(hours=2))], 0.6)
    assert (match.original_id, match.method, match.new_is_earlier) == (5, "near", False)
    # the new text was published before the stored one: it becomes the original
    match = find_original(fp, T - timedelta(days=1), [_stored(fp, id=3)], [], 0.6)
    assert (match.original_id, match.method, match.similarity, match.new_is_earlier) == (3, "exact", 1.0, True)


def test_find_original_below_threshold_is_none():
    a, b = fingerprint(BODY), fingerprint(BODY[: len(BODY) // 3] + " Completely different ending " * 20)
    assert find_original(b, T, [], [_stored(a)], 0.95) is None
