"""Lookups by id take any id a caller passes (the CLI's `article N`, a `--source` name or id, a story's id
or slug): a number no row can have finds nothing instead of overflowing SQLite's INTEGER (OverflowError) or
being compared as numeric by PostgreSQL, and a name that only looks like a number is still found by name."""

from newsdesk.storage import MAX_ID, row_id

NO_ID_CAN_BE = (MAX_ID + 1, -MAX_ID - 2, 10 ** 30)
NOT_ASCII_DIGITS = ("²", "١٢")          # str.isdigit() says yes; int() refuses the first, reads the second


def test_an_id_beyond_64_bits_finds_nothing(storage):
    storage.add_source("http://127.0.0.1:9/feed.xml", title="A feed")
    for number in NO_ID_CAN_BE:
        for key in (number, str(number)):
            assert storage.get_source(key) is None, key
            assert storage.get_story(key) is None, key
            assert storage.list_articles(source=key) == [], key
        assert storage.get_article(number) is None, number


def test_a_name_of_digits_no_id_can_have_is_found_by_name(storage):
    source = storage.add_source("http://127.0.0.1:9/feed.xml", title=str(MAX_ID + 1))
    assert storage.get_source(str(MAX_ID + 1)).id == source.id


def test_digits_that_are_not_ascii_are_a_name_not_an_id(storage):
    storage.add_source("http://127.0.0.1:9/feed.xml", title="A feed")
    for key in NOT_ASCII_DIGITS:
        assert storage.get_source(key) is None, key
        assert storage.get_story(key) is None, key
        assert storage.list_articles(source=key) == [], key


def test_row_id_reads_only_what_a_row_can_have():
    assert row_id("42") == 42
    assert row_id(str(MAX_ID)) == MAX_ID
    assert row_id(MAX_ID + 1) is None
    assert row_id("0") is None
    assert row_id("-1") is None
    assert row_id("9" * 5000) is None          # longer than int() reads, and far beyond any id
