"""What an alert says, the same wherever it goes: the webhook's JSON, the e-mail's text and HTML parts."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

from newsdesk.config import Settings
from newsdesk.model import Alert, AlertEvent, Watchlist
from newsdesk.storage import Storage
from newsdesk.timeutil import to_iso

EVENT_NAMES = {AlertEvent.NEW: "new story", AlertEvent.GROWS: "story grows", AlertEvent.UPDATE: "notable update"}


@dataclass
class AlertMessage:
    payload: dict
    subject: str
    text: str
    html: str


def desk_link(settings: Settings, path: str) -> str:
    base = settings.desk_url.rstrip("/")
    return f"{base}{path}" if base else path


def story_summary(storage: Storage, story_id: int, sentences: int = 2) -> str:
    story = storage.get_story(story_id)
    try:
        page = json.loads(story.page_json or "{}") if story else {}
    except ValueError:
        page = {}
    items = page.get("summary") or []
    return " ".join(str(i.get("text", "")) if isinstance(i, dict) else str(i) for i in items[:sentences])


def alert_message(storage: Storage, settings: Settings, alert: Alert, watchlist: Watchlist | None) -> AlertMessage:
    story = storage.get_story(alert.story_id)
    slug = story.slug if story else str(alert.story_id)
    article = storage.get_article(alert.article_id) if alert.article_id else None
    summary = story_summary(storage, alert.story_id)
    link = desk_link(settings, f"/stories/{slug}")
    label = watchlist.label if watchlist else alert.watchlist_label
    payload = {
        "id": alert.id, "idempotency_key": alert.key, "event": str(alert.event), "created_at": to_iso(alert.created_at),
        "watchlist": {"id": alert.watchlist_id, "kind": str(watchlist.kind) if watchlist else None, "label": label},
        "story": {"id": story.id if story else alert.story_id, "slug": slug, "headline": alert.headline,
                  "url": link, "sources": alert.sources, "summary": summary},
        "article": ({"id": article.id, "title": article.title, "outlet": article.outlet, "url": article.url}
                    if article else None),
        "detail": alert.detail,
    }
    subject = f"[newsdesk] {label}: {alert.headline}"
    text = (f"{EVENT_NAMES[alert.event].capitalize()} for your watchlist “{label}”\n\n{alert.headline}\n"
            f"{alert.detail}\n\n{summary}\n\n{link}\n")
    e = html.escape
    body = (f"<p>{e(EVENT_NAMES[alert.event].capitalize())} for your watchlist “{e(label)}”</p>"
            f"<h2><a href=\"{e(link)}\">{e(alert.headline)}</a></h2><p><em>{e(alert.detail)}</em></p>"
            f"<p>{e(summary)}</p>")
    return AlertMessage(payload, subject, text, f"<!doctype html><html><body>{body}</body></html>")
