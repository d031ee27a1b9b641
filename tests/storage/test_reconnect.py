"""A desk on PostgreSQL outlives the server going away for a moment: the statement that meets the lost
connection fails with a StorageError, the next one connects again; a transaction cut in the middle is gone as a
whole."""

from urllib.parse import urlsplit, urlunsplit

import pytest

from newsdesk.storage import StorageError, open_storage
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def through_proxy(pg_url):
    server = urlsplit(pg_url)
    proxy = TcpProxy(server.hostname, server.port or 5432)
    storage = open_storage(urlunsplit(server._replace(netloc=f"{server.username}@127.0.0.1:{proxy.port}")))
    try:
        yield storage, proxy
    finally:
        storage.close()
        proxy.stop()


def test_a_lost_connection_fails_one_statement_and_the_next_connects_again(through_proxy):
    storage, proxy = through_proxy
    storage.add_source("http://127.0.0.1:9/kept.xml")
    proxy.cut()
    with pytest.raises(StorageError):
        storage.list_sources()
    proxy.resume()
    assert [s.feed_url for s in storage.list_sources()] == ["http://127.0.0.1:9/kept.xml"]


def test_while_the_server_is_away_every_statement_fails_clearly(through_proxy):
    storage, proxy = through_proxy
    proxy.cut()
    for _ in range(2):
        with pytest.raises(StorageError, match="PostgreSQL"):
            storage.list_sources()


def test_a_transaction_cut_in_the_middle_leaves_nothing(through_proxy):
    storage, proxy = through_proxy
    with pytest.raises(StorageError):
        with storage.transaction():
            storage.add_source("http://127.0.0.1:9/half.xml")
            proxy.cut()
            storage.add_source("http://127.0.0.1:9/other.xml")
    proxy.resume()
    assert storage.list_sources() == []
