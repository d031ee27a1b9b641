"""The web desk: pages, JSON API, Atom feeds. `create_app(storage_url_or_storage, settings)`."""

from newsdesk.web.app import create_app
from newsdesk.web.auth import PASSWORD_KEY, new_token, revoke_sessions, session_secret, set_password

__all__ = ["PASSWORD_KEY", "create_app", "new_token", "revoke_sessions", "session_secret", "set_password"]
