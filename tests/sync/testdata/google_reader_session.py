"""Run by tests/sync/test_google_reader_client.py in a venv of its own (Python 3.12, PyPI's google-reader):
one session of that client against a live desk, printed as JSON for the test to check. Usage:
python google_reader_session.py BASE_URL NAME PASSWORD FEED_STREAM"""

import json
import sys

import google_reader as gr

base, name, password, feed = sys.argv[1:5]
client = gr.Client(base)
out = {}

try:
    client.login(name, "not the password")
    out["wrong_password"] = "accepted"
except gr.AuthenticationError:
    out["wrong_password"] = "refused"

auth = client.login(name, password)
token = client.get_token(auth)
out["token"] = bool(token)
info = client.get_user_info(auth)
out["user"] = {"id": info.user_id, "name": info.user_name}
out["subscriptions"] = [{"id": s.id, "title": s.title, "url": s.url, "folders": [t.label for t in s.categories]}
                        for s in client.list_subscriptions(auth)]
out["tags"] = [t.id for t in client.list_tags(auth)]

everything = client.get_stream_items_ids(auth, gr.STREAM_READING_LIST, limit=1000)
out["reading_list"] = [int(r.id) for r in everything.item_refs]
out["unread"] = [int(r.id) for r in client.get_stream_items_ids(auth, gr.STREAM_READING_LIST,
                                                                 exclude_target=gr.STREAM_READ).item_refs]
pages, continuation = [], None
while True:
    page = client.get_stream_items_ids(auth, gr.STREAM_READING_LIST, limit=2, continuation=continuation)
    pages += [int(r.id) for r in page.item_refs]
    continuation = page.continuation
    if not continuation:
        break
out["paged"] = pages
out["oldest_first"] = [int(r.id) for r in client.get_stream_items_ids(auth, gr.STREAM_READING_LIST,
                                                                       direction="asc").item_refs]
out["feed"] = [int(r.id) for r in client.get_stream_items_ids(auth, feed).item_refs]

chosen = out["unread"][:3]
contents = client.get_stream_items_contents(auth, token, [gr.get_long_item_id(i) for i in chosen])
out["contents"] = [{"id": item.id, "title": item.title, "origin": item.origin.stream_id, "url": item.alternate[0].href,
                    "has_content": bool(item.content.content), "categories": item.categories}
                   for item in contents.items]

first = chosen[0]
client.edit_tags(auth, token, [gr.get_long_item_id(first)], add_tags=[gr.STREAM_READ])
client.edit_tags(auth, token, [str(chosen[1])], add_tags=[gr.STREAM_STARRED])
out["marked_read"] = first
out["starred_id"] = chosen[1]
out["unread_after_edit"] = [int(r.id) for r in client.get_stream_items_ids(
    auth, gr.STREAM_READING_LIST, exclude_target=gr.STREAM_READ).item_refs]
out["starred"] = [int(r.id) for r in client.get_stream_items_ids(auth, gr.STREAM_STARRED).item_refs]
try:
    client.edit_tags(auth, token, ["not an id"], add_tags=[gr.STREAM_READ])
    out["bad_edit"] = "accepted"
except gr.ClientError:
    out["bad_edit"] = "refused"

client.mark_all_as_read(auth, token, feed)
out["feed_unread_after_mark_all"] = [int(r.id) for r in client.get_stream_items_ids(
    auth, feed, exclude_target=gr.STREAM_READ).item_refs]
try:
    client.mark_all_as_read(auth, token, "feed/http://127.0.0.1:9/no-such-feed.xml")
    out["unknown_feed"] = "accepted"
except gr.ResourceNotFoundError:
    out["unknown_feed"] = "not found"

try:
    client.get_user_info(gr.AuthToken("GoogleLogin", "ndr_not-a-token"))
    out["bad_token"] = "accepted"
except gr.AuthenticationError:
    out["bad_token"] = "refused"

print(json.dumps(out))
