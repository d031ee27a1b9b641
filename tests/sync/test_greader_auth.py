"""Google Reader API: ClientLogin, the token on every call, the T token on writes, and the admin's switch;
through a real HTTP server, on SQLite and PostgreSQL."""

from datetime import timedelta

import httpx

from newsdesk.accounts import disable_user
from newsdesk.model import TokenKind
from newsdesk.sync.greader_auth import READER_TOKEN_IDLE
from newsdesk.timeutil import utcnow
from tests.sync.conftest import serve
from tests.sync.desk import PASSWORD, Reader

READING_LIST = "user/-/state/com.google/reading-list"


def test_client_login_answers_sid_lsid_and_auth_lines(live):
    answer = httpx.post(f"{live.url}/accounts/ClientLogin", data={"Email": "ada", "Passwd": PASSWORD})
    assert answer.status_code == 200
    lines = dict(line.split("=", 1) for line in answer.text.strip().split("\n"))
    assert set(lines) == {"SID", "LSID", "Auth"} and lines["Auth"]
    as_json = httpx.post(f"{live.url}/accounts/ClientLogin", data={"Email": "ada", "Passwd": PASSWORD,
                                                                   "output": "json"}).json()
    assert as_json["Auth"] and as_json["Auth"] != lines["Auth"]       # a fresh token each login


def test_a_wrong_password_or_name_is_bad_authentication(live):
    for form in ({"Email": "ada", "Passwd": "not the password"}, {"Email": "nobody", "Passwd": PASSWORD}, {}):
        answer = httpx.post(f"{live.url}/accounts/ClientLogin", data=form)
        assert answer.status_code == 401
        assert answer.text.strip() == "Error=BadAuthentication"


def test_repeated_failures_are_slowed_down(live):
    codes = [httpx.post(f"{live.url}/accounts/ClientLogin", data={"Email": "ada", "Passwd": "guess"}).status_code
             for _ in range(6)]
    assert codes[:5] == [401] * 5 and codes[5] == 429
    assert httpx.post(f"{live.url}/accounts/ClientLogin", data={"Email": "ada", "Passwd": PASSWORD}).status_code == 429


def test_a_disabled_user_cannot_log_in(desk, live):
    disable_user(desk.storage, desk.bob)
    answer = httpx.post(f"{live.url}/accounts/ClientLogin", data={"Email": "bob", "Passwd": PASSWORD})
    assert answer.status_code == 401 and "AccountDisabled" in answer.text


def test_token_and_user_info(reader):
    assert reader.get("/reader/api/0/token").text == reader.token
    info = reader.get("/reader/api/0/user-info").json()
    assert info["userName"] == "ada" and info["userId"] == info["userProfileId"]


def _refused(answer: httpx.Response) -> bool:
    return answer.status_code == 401 and answer.headers.get("x-reader-google-bad-token") == "true"


def test_calls_without_a_right_token_are_refused(live, reader):
    anonymous = Reader(live.url)
    assert _refused(anonymous.get("/reader/api/0/subscription/list"))
    assert _refused(Reader(live.url, "ndr_not-a-token").get("/reader/api/0/unread-count"))
    assert _refused(Reader(live.url, reader.token + "x").get("/reader/atom/" + READING_LIST))
    bearer = httpx.get(f"{live.url}/reader/api/0/user-info", headers={"Authorization": f"Bearer {reader.token}"})
    assert _refused(bearer)
    assert _refused(httpx.get(f"{live.url}/reader/api/0/user-info", params={"auth": reader.token}))


def test_a_revoked_token_is_refused(desk, reader):
    assert reader.get("/reader/api/0/user-info").status_code == 200
    desk.storage.delete_user_tokens(desk.ada.id, TokenKind.READER)
    assert _refused(reader.get("/reader/api/0/user-info"))


def test_a_disabled_users_token_is_refused(desk, other):
    disable_user(desk.storage, desk.bob)
    assert _refused(other.get("/reader/api/0/user-info"))


def test_a_token_unused_too_long_expires(desk, reader):
    storage = desk.storage
    token_id = next(t["id"] for t in storage.user_tokens(desk.ada.id) if t["kind"] == TokenKind.READER)
    storage.touch_user_token(token_id, utcnow() - READER_TOKEN_IDLE - timedelta(hours=1))
    answer = reader.get("/reader/api/0/user-info")
    assert _refused(answer) and "expired" in answer.text
    assert not [t for t in storage.user_tokens(desk.ada.id) if t["kind"] == TokenKind.READER]
    assert reader.login("ada").status_code == 200 and reader.get("/reader/api/0/user-info").status_code == 200


def test_a_used_token_records_its_use(desk, reader):
    reader.get("/reader/api/0/user-info")
    used = [t for t in desk.storage.user_tokens(desk.ada.id) if t["kind"] == TokenKind.READER]
    assert used and used[0]["last_used_at"] is not None


def test_writes_need_the_t_token(desk, reader, other):
    article = desk.articles["ferry"]
    edit = {"i": str(article), "a": "user/-/state/com.google/read"}
    missing = reader.post("/reader/api/0/edit-tag", edit, with_t=False)
    assert _refused(missing) and "T token" in missing.text
    wrong = reader.http.post("/reader/api/0/edit-tag", data={**edit, "T": "ndr_wrong"}, headers=reader.headers)
    assert _refused(wrong)
    borrowed = reader.http.post("/reader/api/0/edit-tag", data={**edit, "T": other.token}, headers=reader.headers)
    assert _refused(borrowed) and "not the logged-in user's" in borrowed.text
    assert article in reader.ids(READING_LIST, xt="user/-/state/com.google/read")      # nothing changed
    assert reader.post("/reader/api/0/edit-tag", edit).text == "OK"
    assert article not in reader.ids(READING_LIST, xt="user/-/state/com.google/read")


def test_t_alone_authenticates_a_write_as_miniflux_does(desk, reader):
    answer = httpx.post(f"{reader.base}/reader/api/0/edit-tag",
                        data={"i": str(desk.articles["match"]), "a": "user/-/state/com.google/starred",
                              "T": reader.token})
    assert answer.status_code == 200 and answer.text == "OK"
    assert reader.ids("user/-/state/com.google/starred") == [desk.articles["match"]]


def test_switched_off_every_sync_route_says_so(desk, db_url):
    with serve(db_url, sync_api=False) as server:
        client = Reader(server.url)
        calls = [client.http.post("/accounts/ClientLogin", data={"Email": "ada", "Passwd": PASSWORD}),
                 client.get("/reader/api/0/token"), client.get("/reader/api/0/user-info"),
                 client.get("/reader/api/0/subscription/list"), client.get("/reader/api/0/tag/list"),
                 client.get("/reader/api/0/unread-count"), client.get("/reader/api/0/stream/items/ids", s=READING_LIST),
                 client.get(f"/reader/api/0/stream/contents/{READING_LIST}"),
                 client.post("/reader/api/0/stream/items/contents", {"i": "1"}),
                 client.post("/reader/api/0/edit-tag", {"i": "1", "a": "user/-/state/com.google/read"}),
                 client.post("/reader/api/0/mark-all-as-read", {"s": READING_LIST}),
                 client.get(f"/reader/atom/{READING_LIST}")]
        for answer in calls:
            assert answer.status_code == 404, answer.request.url
            assert "switched off" in answer.text and "sync_api" in answer.text
        assert client.http.get("/").status_code == 200          # the desk itself is still served
        client.close()
