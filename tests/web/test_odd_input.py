"""Odd input gets the normal refusal, never a 500 or a 503: a number no id can be in every id and number
parameter of the app's own route table, on SQLite and PostgreSQL; and CSRF tokens, bearer tokens, session
cookies and passwords that are not ASCII, or are very long, in every comparison with a secret."""

import typing

import pytest
from fastapi import params
from fastapi.dependencies.utils import get_flat_params
from fastapi.testclient import TestClient

from newsdesk.storage import open_storage
from newsdesk.web import create_app
from newsdesk.web.auth import (
    check_csrf, csrf_token, hash_password, hash_token, new_token, read_session, set_password, verify_password,
    verify_token,
)

from .conftest import PASSWORD, web_settings
from .test_access import (
    WRITE_METHODS, csrf_of, desk_state, fill, flat_routes, is_sync, log_in, refused, routes, send,
)

BEYOND_ANY_ID = (2 ** 63, -(2 ** 63) - 1, 10 ** 30)     # one past a 64-bit integer either way, and far past
ODD_TOKENS = ("é" * 64, "\u2603", "0" * 63 + "é", "€" * 10_000)
QUERY_FILLERS = {"q": "river"}


@pytest.fixture
def desk(db_url):
    """An empty desk on either backend with one source, an admin password and an admin token."""
    storage = open_storage(db_url)
    source = storage.add_source("http://127.0.0.1:9/feed.xml", title="A feed")
    set_password(storage, PASSWORD)
    token = new_token(storage)
    storage.close()
    return db_url, token, {"source": source.id, "article": 1, "story": 1}


@pytest.fixture
def app(desk):
    db_url = desk[0]
    return create_app(db_url, web_settings(db=db_url))


def _is_number(annotation) -> bool:
    return annotation is int or int in typing.get_args(annotation)


def id_and_number_parameters(app) -> list[tuple[str, object, str, str]]:
    """(path template, route, "path" or "query", name) of every path parameter (each an id, or a story's id
    or slug) and every whole-number query parameter of the app."""
    found = []
    for path, route in flat_routes(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None or is_sync(path):      # a sync route's path names a stream, not a row (tests/sync)
            continue
        for field in get_flat_params(dependant):
            if isinstance(field.field_info, params.Path):
                found.append((path, route, "path", field.name))
            elif isinstance(field.field_info, params.Query) and _is_number(field.field_info.annotation):
                found.append((path, route, "query", field.name))
    return found


def probe(template: str, route, where: str, name: str, number: int) -> tuple[str, dict]:
    """The path of `template` and the query to send it with: `number` in parameter `name`, the route's other
    required query parameters filled."""
    path = template.replace("{" + name + "}", str(number))
    query = {field.name: QUERY_FILLERS[field.name] for field in get_flat_params(route.dependant)
             if isinstance(field.field_info, params.Query) and field.field_info.is_required()}
    if where == "query":
        query[name] = str(number)
    return path, query


def test_the_route_table_has_ids_to_check(app):
    found = {(template, where, name) for template, _, where, name in id_and_number_parameters(app)}
    assert {("/articles/{article_id}", "path", "article_id"), ("/stories/{key}", "path", "key"),
            ("/api/v1/articles/{article_id}", "path", "article_id"), ("/images/{article_id}", "path", "article_id"),
            ("/feeds/sources/{source_id}.atom", "path", "source_id"), ("/feeds/stories/{key}.atom", "path", "key"),
            ("/api/v1/sources/{source_id}", "path", "source_id"), ("/", "query", "source"),
            ("/api/v1/articles", "query", "source"), ("/feeds/search.atom", "query", "source")} <= found


def test_a_number_no_id_can_be_is_404_in_a_path_and_422_in_a_query(app, desk):
    """Every route, every method, as the admin (so that access lets the request reach its parameters): a path
    id beyond 64 bits names nothing (404), a query number beyond its bounds is invalid (422). On SQLite such a
    number raised OverflowError (500); on PostgreSQL a query one was compared as numeric and answered 200."""
    db_url, token, _ = desk
    before = desk_state(db_url)
    with TestClient(app, raise_server_exceptions=False) as admin:
        admin.headers["Authorization"] = f"Bearer {token}"
        for template, route, where, name in id_and_number_parameters(app):
            for number in BEYOND_ANY_ID:
                path, query = probe(template, route, where, name, number)
                for method in sorted(route.methods):
                    answer = admin.request(method, path, params=query, follow_redirects=False)
                    expected = 404 if where == "path" else 422
                    assert answer.status_code == expected, (method, path, query, answer.status_code,
                                                            answer.text[:200])
    assert desk_state(db_url) == before


def test_a_csrf_token_that_is_not_ascii_is_refused_on_every_write_route(app, desk):
    """In the form field and in X-CSRF-Token, from a stranger and from the admin's logged-in browser: the
    normal refusal (403, or 401 / 303 to the login for a stranger), never the TypeError `hmac.compare_digest`
    raises on non-ASCII text (a 500), and nothing changes."""
    db_url, _, ids = desk
    before = desk_state(db_url)
    with TestClient(app, raise_server_exceptions=False) as stranger, \
            TestClient(app, raise_server_exceptions=False) as admin:
        csrf_of(stranger)                       # each has its nd_csrf cookie, as a browser that opened a form
        log_in(admin)
        for method, template in routes(app, WRITE_METHODS):
            path = fill(template, ids)
            for odd in ODD_TOKENS:
                header = {"X-CSRF-Token": odd.encode("utf-8")}
                from_stranger = send(stranger, method, path, csrf=odd, headers=header)
                assert refused(from_stranger), (method, path, odd[:8], from_stranger.status_code)
                from_admin = send(admin, method, path, csrf=odd, headers=header)
                expected = (401, 429) if is_sync(template) else (403,)     # the session is no key to a sync route
                assert from_admin.status_code in expected, (method, path, odd[:8], from_admin.status_code)
        assert "Log out" in admin.get("/sources").text            # the admin is still logged in
    assert desk_state(db_url) == before


def test_a_client_string_is_compared_with_a_secret_whatever_it_holds():
    """Lone surrogates cannot arrive through HTTP (headers are Latin-1, forms are decoded with replacement),
    but every comparison takes them, as it takes non-ASCII and very long text, and says no."""
    secret = bytes(range(32))
    stored_password, stored_token = hash_password(PASSWORD), hash_token("nd_the-real-token")
    for odd in (*ODD_TOKENS, "\ud800", "x" * 1_000_000 + "é"):
        assert not check_csrf(secret, "browser-id", odd), odd[:8]
        assert not check_csrf(secret, odd, csrf_token(secret, "browser-id")), odd[:8]
        assert not verify_token(odd, stored_token), odd[:8]
        assert not verify_password(odd, stored_password), odd[:8]
        assert read_session(secret, f"{odd}.{odd}", generation="") is None, odd[:8]
