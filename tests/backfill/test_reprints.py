"""Reprints across a whole backfill without Ray: the band-key shuffle's pairs and the fold, on texts written here;
the fold links as the desk's ingest does (an earlier report becomes the original, copies of a copy follow it)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from newsdesk.backfill.reprints import find_pairs, fold
from newsdesk.dedupe import fingerprint
from newsdesk.model import CopySignature

T0 = datetime(2026, 4, 2, 8, tzinfo=timezone.utc)
THRESHOLD = 0.6

WIRE = ("The harbour authority of Calder Bay closed the northern channel on Thursday after a grain carrier lost "
        "power and drifted onto a sandbank, leaving eleven ships waiting at anchor outside the breakwater. Tugs "
        "from two neighbouring ports were sent to pull the carrier free at high tide, the authority said, and "
        "divers found no damage to its hull. The channel is expected to reopen by Saturday morning.")
WIRE_TRIMMED = WIRE.rsplit(" The channel", 1)[0] + " Local fishermen said the delay would cost them a week of work."
OTHER = ("A travelling exhibition of hand-drawn maps opened at the Ostrava municipal library, showing how the city's "
         "river crossings moved over four centuries; the curators borrowed most of the sheets from private owners "
         "and will take the exhibition to three more towns before the end of the summer.")


def _signature(number: int, text: str, hours: float, **link) -> CopySignature:
    fp = fingerprint(text)
    return CopySignature(number, T0 + timedelta(hours=hours), fp.text_hash, fp.shingle_count, fp.minhash,
                         fp.band_keys, **link)


def _links(signatures: list[CopySignature], pending_from: int = 0) -> dict[int, int | None]:
    changed = fold(signatures, pending_from, find_pairs(signatures, THRESHOLD), THRESHOLD)
    return {article: link.original_id if link else None for article, link in changed.items()}


def test_a_reprint_and_a_trimmed_reprint_fold_into_the_first_report():
    signatures = [_signature(1, WIRE, 0), _signature(2, OTHER, 1), _signature(3, WIRE, 2),
                  _signature(4, WIRE_TRIMMED, 3)]
    assert _links(signatures) == {3: 1, 4: 1}


def test_a_report_published_earlier_but_read_later_becomes_the_original_of_the_family():
    signatures = [_signature(1, WIRE, 5), _signature(2, WIRE_TRIMMED, 6), _signature(3, WIRE, 0)]
    assert _links(signatures) == {1: 3, 2: 3}


def test_the_shuffle_finds_the_same_pairs_in_any_number_of_partitions():
    signatures = [_signature(n, text, n) for n, text in enumerate([WIRE, OTHER, WIRE_TRIMMED, WIRE, OTHER])]
    one = sorted(find_pairs(signatures, THRESHOLD, partitions=1))
    assert sorted(find_pairs(signatures, THRESHOLD, partitions=3)) == one


def test_a_stored_family_takes_new_reprints_and_keeps_its_links():
    stored = [_signature(10, WIRE, 0), _signature(11, WIRE, 1, original_id=10, similarity=1.0, method="exact",
                                                  original_time=T0)]
    pending = [_signature(12, WIRE_TRIMMED, 2), _signature(13, OTHER, 3)]
    assert _links([*stored, *pending], pending_from=2) == {12: 10}
