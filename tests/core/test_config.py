from pathlib import Path

import pytest

from core.config import ConfigError, load_settings

NO_SECRETS = Path("/nonexistent/secrets.toml")


def test_nothing_configured_means_demo_mode_on_a_local_sqlite_file():
    settings = load_settings({}, NO_SECRETS)
    assert settings.demo_mode
    assert settings.database_url.startswith("sqlite:///")
    assert len(settings.cookie_key) >= 32


def test_a_database_url_without_a_cookie_key_refuses_to_start_and_says_what_to_set():
    with pytest.raises(ConfigError, match="AMHE_COOKIE_KEY") as error:
        load_settings({"AMHE_DATABASE_URL": "postgresql://db/amhe"}, NO_SECRETS)
    assert "32 characters" in str(error.value)
    with pytest.raises(ConfigError):
        load_settings(
            {"AMHE_DATABASE_URL": "postgresql://db/amhe", "AMHE_COOKIE_KEY": "short"}, NO_SECRETS
        )


def test_production_settings_from_the_environment():
    settings = load_settings(
        {"AMHE_DATABASE_URL": "postgresql://db/amhe", "AMHE_COOKIE_KEY": "k" * 32}, NO_SECRETS
    )
    assert not settings.demo_mode
    assert settings.database_url == "postgresql://db/amhe"


def test_settings_from_secrets_toml(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[amhe]\ndatabase_url = "sqlite:///x.db"\ncookie_key = "' + "s" * 40 + '"\n')
    settings = load_settings({}, secrets)
    assert settings.database_url == "sqlite:///x.db"
    assert not settings.demo_mode
    assert settings.cookie_key == "s" * 40


def test_demo_flag_with_an_explicit_database():
    settings = load_settings(
        {"AMHE_DATABASE_URL": "sqlite:///t.db", "AMHE_DEMO": "1", "AMHE_COOKIE_KEY": "k" * 32},
        NO_SECRETS,
    )
    assert settings.demo_mode


def test_demo_switched_off_without_a_database_is_an_error():
    with pytest.raises(ConfigError, match="AMHE_DATABASE_URL"):
        load_settings({"AMHE_DEMO": "0"}, NO_SECRETS)


def test_command_line_tools_need_no_cookie_key():
    settings = load_settings(
        {"AMHE_DATABASE_URL": "sqlite:///t.db"}, NO_SECRETS, require_cookie_key=False
    )
    assert settings.database_url == "sqlite:///t.db"


def test_a_short_cookie_key_is_refused_in_demo_mode_too_when_one_is_given():
    with pytest.raises(ConfigError, match="32 characters"):
        load_settings({"AMHE_DEMO": "1", "AMHE_COOKIE_KEY": "abc"}, NO_SECRETS)


def test_demo_mode_on_a_named_database_needs_a_real_cookie_key():
    named = {"AMHE_DEMO": "1", "AMHE_DATABASE_URL": "sqlite:////tmp/other.db"}
    with pytest.raises(ConfigError, match="AMHE_COOKIE_KEY"):
        load_settings(named, NO_SECRETS)
    assert load_settings({**named, "AMHE_COOKIE_KEY": "k" * 32}, NO_SECRETS).demo_mode
