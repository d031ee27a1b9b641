"""Run by tests/sync/test_fever_client.py inside a venv holding PyPI's freshrss-api (a Fever client written for
FreshRSS): log in to the desk, list groups and feeds, fetch unread and saved items, mark the first unread
article read and saved, and print what it saw as one JSON line. Standard library and the client only."""

import json
import sys

from freshrss_api import FreshRSSAPI


def main(host: str, name: str, password: str, article_id: str) -> None:
    api = FreshRSSAPI(host=host, username=name, password=password, verify_ssl=False)
    groups = api.get_groups()
    feeds = api.get_feeds()
    unread = api.get_unreads()
    saved_before = api.get_saved()
    target = int(article_id)
    read_answer = api.set_mark("read", target)
    saved_answer = api.set_mark("saved", target)
    saved_after = api.get_saved()
    unread_after = api.get_unreads()
    print(json.dumps({
        "groups": [g["title"] for g in groups["groups"]],
        "feeds": sorted(f["title"] for f in feeds["feeds"]),
        "feeds_groups": feeds["feeds_groups"],
        "unread": [{"id": i.id, "feed_id": i.feed_id, "title": i.title, "is_read": i.is_read, "url": i.url}
                   for i in unread],
        "saved_before": [i.id for i in saved_before],
        "read_answer_keys": sorted(read_answer),
        "saved_answer_keys": sorted(saved_answer),
        "saved_after": [{"id": i.id, "is_saved": i.is_saved} for i in saved_after],
        "unread_after": [i.id for i in unread_after],
    }))


if __name__ == "__main__":
    main(*sys.argv[1:])
