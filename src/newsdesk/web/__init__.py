"""The web desk: pages, JSON API, Atom feeds. `create_app(storage_url_or_storage, settings)`."""

from newsdesk.web.access import current_user
from newsdesk.web.app import create_app
from newsdesk.web.auth import session_secret

__all__ = ["create_app", "current_user", "session_secret"]
