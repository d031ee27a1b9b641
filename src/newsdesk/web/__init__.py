"""The web desk: pages, JSON API, Atom feeds. `create_app(storage_url_or_storage, settings)`."""

from newsdesk.web.app import create_app
from newsdesk.web.auth import PASSWORD_KEY, new_token, revoke_sessions, session_secret, set_password
from newsdesk.web.entity_data import entity_document, find_entities_json, story_entities_json

__all__ = ["PASSWORD_KEY", "create_app", "entity_document", "find_entities_json", "new_token", "revoke_sessions",
           "session_secret", "set_password", "story_entities_json"]
