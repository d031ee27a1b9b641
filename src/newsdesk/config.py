"""Settings: defaults, then the TOML file, then NEWSDESK_* environment variables, then command-line options."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from datetime import tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newsdesk.entities import MAX_CHARS
from newsdesk.errors import NewsdeskError
from newsdesk.timeutil import local_zone


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "newsdesk"


def config_path() -> Path:
    explicit = os.environ.get("NEWSDESK_CONFIG")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "newsdesk" / "config.toml"


class ConfigError(NewsdeskError):
    pass


@dataclass
class Settings:
    db: str = ""                       # SQLite path or sqlite:/// / postgresql:// URL; default in data_dir()
    poll_interval: float = 900.0       # seconds between polls of a healthy source
    max_backoff: float = 24 * 3600.0   # longest wait after repeated errors
    fetch_full_text: bool = True       # fetch each entry's page and extract the full article
    respect_robots: bool = True        # robots.txt for article pages
    connect_timeout: float = 10.0
    total_timeout: float = 30.0
    idle_timeout: float = 10.0         # longest silence while a response is being read
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    per_host_concurrency: int = 2
    per_host_delay: float = 1.0
    max_parallel_sources: int = 8
    extract_workers: int = 0           # 0 = one per CPU core
    duplicate_threshold: float = 0.6   # containment of word shingles above which a text is a copy
    stories: bool = True               # group articles into stories
    story_pages: bool = True           # and write each touched story's page
    entities: bool = True              # with the people, organisations and places it names (spaCy NER)
    entity_chars: int = MAX_CHARS      # characters of an article's text the NER reads after its title
    story_window_hours: float = 72.0   # an article joins only stories with an article this close to it in time
    storylines: bool = True            # link the stories (events) of one developing matter into storylines
    user_agent: str = ""
    timezone: str = ""                 # the desk's IANA time zone, e.g. "Europe/Paris"; empty = the machine's
    # Networks and host names the fetcher may reach although they are private, loopback etc.; read from the
    # environment even by Settings built in code (the demo, the benchmarks, tests), so NEWSDESK_FETCH_ALLOW
    # reaches every fetcher.
    fetch_allow: str = field(default_factory=lambda: os.environ.get("NEWSDESK_FETCH_ALLOW", ""))
    llm_url: str = ""                  # OpenAI-compatible chat endpoint; set = story pages by the LLM writer
    llm_model: str = ""
    llm_api_key: str = ""
    llm_timeout: float = 120.0         # seconds for one chat completion
    public_read: bool = True           # web: anyone may read; False = reading needs a user's login or token
    session_hours: float = 14 * 24.0   # web: how long a login lasts
    sync_api: bool = True              # the sync APIs reader apps speak (Google Reader's, Fever's); False = off
    # Alerts (issue 25): links in e-mails and webhooks point at `desk_url`; e-mail goes out through SMTP.
    desk_url: str = ""                 # the desk's public address, e.g. "https://news.example.org"
    smtp_host: str = ""                # empty = no e-mail (alerts and digests by e-mail are then refused)
    smtp_port: int = 587
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_starttls: bool = True         # upgrade the connection with STARTTLS (port 587)
    smtp_ssl: bool = False             # TLS from the first byte (port 465) instead
    smtp_ca_file: str = ""             # trust this CA bundle for the SMTP server (a private CA); default: the system's
    smtp_from: str = ""                # the From address; default newsdesk@HOSTNAME
    smtp_timeout: float = 30.0
    alert_poll_seconds: float = 5.0    # how often the delivery worker looks for due pushes from other processes
    alert_retry_seconds: float = 30.0  # the first retry of a failed push; doubled each time
    alert_retry_max_seconds: float = 6 * 3600.0
    alert_attempts: int = 8            # attempts of one push before it is given up
    webhook_disable_after: int = 10    # failed webhook attempts in a row that disable the hook
    webhook_timeout: float = 10.0      # seconds for one webhook POST, all in
    html_retention_days: float = 30.0  # keep each fetched page's HTML (for re-extraction) this long; 0 = forever
    extra: dict = field(default_factory=dict)

    def database_url(self) -> str:
        if self.db:
            return self.db
        return str(data_dir() / "newsdesk.db")

    def zone(self) -> tzinfo:
        name = self.timezone.strip()
        if not name:
            return local_zone()
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
            raise ConfigError(f"setting 'timezone': no time zone named {name!r} (an IANA name such as "
                              "'Europe/Paris', or empty for the machine's own)") from exc


def _coerce(name: str, raw, kind):
    try:
        if kind is bool:
            if isinstance(raw, bool):
                return raw
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        return kind(raw)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"setting {name!r}: cannot read {raw!r} as {kind.__name__}") from exc


def load_settings(path: Path | None = None, env: dict[str, str] | None = None, **overrides) -> Settings:
    env = os.environ if env is None else env
    path = path or config_path()
    values: dict = {}
    if path.exists():
        try:
            values.update(tomllib.loads(path.read_text(encoding="utf-8")))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
    settings = Settings(fetch_allow="")
    types = {f.name: type(getattr(settings, f.name)) for f in fields(Settings) if f.name != "extra"}
    for name, kind in types.items():
        raw = values.pop(name, None)
        env_raw = env.get(f"NEWSDESK_{name.upper()}")
        if env_raw is not None:
            raw = env_raw
        if overrides.get(name) is not None:
            raw = overrides[name]
        if raw is not None:
            setattr(settings, name, _coerce(name, raw, kind))
    settings.extra = values
    if settings.story_window_hours <= 0:
        raise ConfigError(f"setting 'story_window_hours': must be above 0, not {settings.story_window_hours}")
    if settings.entity_chars < 1:
        raise ConfigError(f"setting 'entity_chars': must be 1 or more, not {settings.entity_chars}")
    settings.zone()                    # an unknown time zone name is an error now, not when a page is written
    return settings
