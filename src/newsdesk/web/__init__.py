"""The web desk: pages, JSON API, Atom feeds. `create_app(storage_url_or_storage, settings)`."""

from newsdesk.web.access import current_user
from newsdesk.web.app import create_app
from newsdesk.web.auth import session_secret
from newsdesk.web.entity_data import entity_document, find_entities_json, story_entities_json
from newsdesk.web.languages import story_languages_json
from newsdesk.web.storyline_data import storyline_brief, storyline_document, storylines_list
from newsdesk.web.why_data import story_why_json

__all__ = ["create_app", "current_user", "entity_document", "find_entities_json", "session_secret",
           "story_entities_json", "story_languages_json", "story_why_json", "storyline_brief", "storyline_document",
           "storylines_list"]
