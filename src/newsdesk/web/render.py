"""HTML out: the Jinja environment (autoescape on), its filters, CSRF cookies and error pages."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from newsdesk.model import Span
from newsdesk.synthesize import is_update
from newsdesk.timeutil import relative, to_utc, utcnow
from newsdesk.web.access import CSRF_COOKIE, current_user
from newsdesk.web.auth import csrf_token
from newsdesk.web.data import LRU
from newsdesk.web.sanitize import sanitize_html

if TYPE_CHECKING:
    from newsdesk.web.app import Web

TEMPLATES = Path(__file__).parent / "templates"


def as_time(value: datetime | str | None) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return to_utc(value)


def reltime(value: datetime | str | None) -> str:
    return relative(as_time(value), utcnow())


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _abstime(when: datetime) -> str:
    # strftime's "%-d %b %Y, %H:%M UTC" (C locale, year unpadded as glibc prints it) at a third of its cost
    return f"{when.day} {_MONTHS[when.month - 1]} {when.year}, {when.hour:02}:{when.minute:02} UTC"


def _isotime(when: datetime) -> str:
    return f"{when.year}-{when.month:02}-{when.day:02}T{when.hour:02}:{when.minute:02}:{when.second:02}Z"


def abstime(value: datetime | str | None) -> str:
    when = as_time(value)
    return _abstime(when) if when else "unknown time"


def isotime(value: datetime | str | None) -> str:
    when = as_time(value)
    return _isotime(when) if when else ""


def _shortabstime(when: datetime, now: datetime) -> str:
    year = f" {when.year}" if when.year != now.year else ""
    return f"{when.day} {_MONTHS[when.month - 1]}{year}, {when.hour:02}:{when.minute:02} UTC"


def when(value: datetime | str | None, prefix: str = "", now: datetime | None = None) -> Markup:
    """<time> showing the relative time and beside it the absolute one, in UTC ("2 hours ago · 7 Dec, 08:12 UTC",
    the year only when it is not this year); app.js puts the absolute one in the reader's time zone. A function,
    not a filter: pages call it per row."""
    moment = as_time(value)
    if moment is None:
        return Markup(f'<time datetime="" title="unknown time">{escape(prefix)}unknown time</time>')
    now = now or utcnow()
    return Markup(f'<time datetime="{_isotime(moment)}" title="{_abstime(moment)}">'
                  f'{escape(prefix)}<span class="rel">{escape(relative(moment, now))}</span> '
                  f'<span class="abs">· {_shortabstime(moment, now)}</span></time>')


def month(value: datetime | str | None, now: datetime | None = None) -> str:
    """The month of a moment, in UTC ("June", "June 2025" when not this year): "5 events since June"."""
    moment = as_time(value)
    if moment is None:
        return "an unknown time"
    now = now or utcnow()
    name = ("January February March April May June July August September October November December"
            .split()[moment.month - 1])
    return name if moment.year == now.year else f"{name} {moment.year}"


def highlight(snippet: str, spans: Sequence[Span]) -> Markup:
    """A search snippet (plain text) as HTML with each of its matches (`spans`) in <mark>."""
    parts, done = [], 0
    for start, end in spans:
        parts += [str(escape(snippet[done:start])), "<mark>", str(escape(snippet[start:end])), "</mark>"]
        done = end
    parts.append(str(escape(snippet[done:])))
    return Markup("".join(parts))


def paragraphs(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").split("\n") if p.strip()]


def source_options(sources: list, selected: int | None) -> Markup:
    """The <option>s of a source filter (a loop in the template costs more than the rest of the page)."""
    return Markup("".join(f'<option value="{s.id}"{" selected" if s.id == selected else ""}>{escape(s.name)}</option>'
                          for s in sources))


def make_env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True,
                      default_for_string=True), trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters.update(reltime=reltime, abstime=abstime, isotime=isotime, highlight=highlight, month=month,
                       paragraphs=paragraphs, sanitize=lambda html: Markup(sanitize_html(html or "")))
    env.globals["source_options"] = source_options
    env.globals["when"] = when
    env.globals["updated"] = is_update
    env.globals["urlencode"] = lambda **kw: urlencode({k: v for k, v in kw.items() if v not in (None, "")})
    return env


class Renderer:
    def __init__(self, web: "Web"):
        self.web = web
        self.env = make_env()
        self._fragments = LRU(256, ttl=5.0)

    def fragment(self, key: tuple, template: str, **context: Any) -> Markup:
        """A piece of HTML the same for every reader, rendered at most every five seconds per key."""
        html = self._fragments.get((template, key))
        if html is None:
            html = Markup(self.env.get_template(template).render(**context))
            self._fragments.put((template, key), html)
        return html

    def page(self, request: Request, template: str, context: dict[str, Any], *, status: int = 200,
             headers: dict[str, str] | None = None) -> HTMLResponse:
        browser = request.cookies.get(CSRF_COOKIE)
        fresh = None
        if not browser or len(browser) > 100:
            browser = fresh = secrets.token_urlsafe(24)
        settings = self.web.settings
        user = current_user(request)
        html = self.env.get_template(template).render({
            "request": request, "nonce": request.state.nonce, "csrf": csrf_token(self.web.secret, browser),
            "user": user, "admin": user is not None and user.is_admin, "public_read": settings.public_read,
            "v": self.web.static_version, "path": request.url.path, **context})
        response = HTMLResponse(html, status_code=status, headers=headers)
        response.headers.setdefault("cache-control", "no-cache")
        if fresh:
            response.set_cookie(CSRF_COOKIE, fresh, httponly=True, samesite="strict",
                                secure=request.url.scheme == "https", path="/")
        return response

    def error(self, request: Request, status: int, message: str, *,
              headers: dict[str, str] | None = None) -> HTMLResponse:
        titles = {400: "Bad request", 401: "Login needed", 403: "Not allowed", 404: "Not found",
                  422: "Invalid request", 429: "Too many attempts", 503: "Not available"}
        return self.page(request, "error.html", {"status": status, "title": titles.get(status, "Error"),
                                                 "message": message}, status=status, headers=headers)
