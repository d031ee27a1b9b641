"""newsdesk: many sources in, one attributed story per event out."""

__version__ = "0.1.0"
USER_AGENT = f"newsdesk/{__version__} (+https://github.com/newsdesk/newsdesk; self-hosted news reader)"
