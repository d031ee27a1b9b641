from zoneinfo import ZoneInfo

import pytest

from newsdesk.config import ConfigError, data_dir, load_settings


def test_precedence_defaults_toml_env_options(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('poll_interval = 600\nper_host_delay = 2.5\nfetch_full_text = false\ndb = "/from/toml.db"\n')
    settings = load_settings(path, env={"NEWSDESK_PER_HOST_DELAY": "0.5"}, db="/from/option.db")
    assert settings.poll_interval == 600.0            # from the file
    assert settings.per_host_delay == 0.5             # the environment beats the file
    assert settings.fetch_full_text is False
    assert settings.database_url() == "/from/option.db"  # an option beats both
    assert settings.max_redirects == 5                # default


def test_bad_values_are_named(tmp_path):
    with pytest.raises(ConfigError, match="poll_interval"):
        load_settings(tmp_path / "none.toml", env={"NEWSDESK_POLL_INTERVAL": "soon"})
    broken = tmp_path / "broken.toml"
    broken.write_text("poll_interval = [")
    with pytest.raises(ConfigError, match="broken.toml"):
        load_settings(broken, env={})


def test_default_database_lives_in_the_xdg_data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert data_dir() == tmp_path / "newsdesk"
    assert load_settings(tmp_path / "none.toml", env={}).database_url() == str(tmp_path / "newsdesk" / "newsdesk.db")


def test_the_story_window_is_a_setting_and_must_be_positive(tmp_path):
    assert load_settings(tmp_path / "none.toml", env={}).story_window_hours == 72.0
    assert load_settings(tmp_path / "none.toml", env={"NEWSDESK_STORY_WINDOW_HOURS": "12"}).story_window_hours == 12.0
    with pytest.raises(ConfigError, match="story_window_hours"):
        load_settings(tmp_path / "none.toml", env={"NEWSDESK_STORY_WINDOW_HOURS": "0"})


def test_the_time_zone_is_named_by_a_setting(tmp_path):
    settings = load_settings(tmp_path / "none.toml", env={"NEWSDESK_TIMEZONE": "Europe/Paris"})
    assert settings.zone() == ZoneInfo("Europe/Paris")


def test_the_time_zone_comes_from_the_file_too(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('timezone = "Asia/Tokyo"\n')
    assert load_settings(path, env={}).zone() == ZoneInfo("Asia/Tokyo")


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../etc/passwd"])
def test_an_unknown_time_zone_is_named_in_the_error(tmp_path, name):
    with pytest.raises(ConfigError, match="timezone") as raised:
        load_settings(tmp_path / "none.toml", env={"NEWSDESK_TIMEZONE": name})
    assert name in str(raised.value)


def test_without_a_time_zone_the_desk_uses_the_machines(tmp_path, monkeypatch):
    monkeypatch.setenv("TZ", "America/Chicago")
    assert load_settings(tmp_path / "none.toml", env={}).zone() == ZoneInfo("America/Chicago")


def test_how_much_of_an_article_the_ner_reads_is_a_setting(tmp_path):
    settings = load_settings(tmp_path / "none.toml", env={"NEWSDESK_ENTITY_CHARS": "5000"})
    assert settings.entity_chars == 5000


def test_the_ner_must_read_something(tmp_path):
    with pytest.raises(ConfigError, match="entity_chars"):
        load_settings(tmp_path / "none.toml", env={"NEWSDESK_ENTITY_CHARS": "0"})
