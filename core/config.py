"""Settings, read from the environment first and then ``.streamlit/secrets.toml``.

Pure Python (no Streamlit) so that command-line tools and tests share it.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEMO_DATABASE = PROJECT_ROOT / "data" / "amhe-demo.sqlite"
MIN_COOKIE_KEY_LENGTH = 32
_TRUE = {"1", "true", "yes", "on"}


class ConfigError(RuntimeError):
    """The app is not configured well enough to start; the message says what to set."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    demo_mode: bool
    cookie_key: str
    cookie_name: str = "amhe_auth"
    cookie_expiry_days: float = 1.0
    login_sleep_time: float = 0.2
    disclosure_threshold: int = 5
    #: How many weeks after a quarter ends its figures are due (the quarterly cycle).
    figures_due_weeks: int = 6
    #: Where reminder emails are sent from: an SMTP URL (``smtp://host:port``, or
    #: ``smtps://user:password@host:465``) and the sender's address; empty: no email.
    smtp_url: str = ""
    mail_from: str = ""


def _secrets(path: Path | None = None) -> dict[str, object]:
    path = path or PROJECT_ROOT / ".streamlit" / "secrets.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    section = data.get("amhe", {})
    return section if isinstance(section, dict) else {}


_GENERATED_DEMO_KEY = secrets.token_urlsafe(48)


def load_settings(
    environ: dict[str, str] | None = None,
    secrets_path: Path | None = None,
    *,
    require_cookie_key: bool = True,
) -> Settings:
    """Read the settings; raise :class:`ConfigError` with an actionable message.

    Command-line tools pass ``require_cookie_key=False``: only the web app signs people in.
    """
    env = dict(os.environ if environ is None else environ)
    file = _secrets(secrets_path)
    url = env.get("AMHE_DATABASE_URL") or str(file.get("database_url") or "")
    demo_flag = env.get("AMHE_DEMO", str(file.get("demo", ""))).strip().lower()
    demo = demo_flag in _TRUE or (not url and demo_flag == "")
    if not url:
        if not demo:
            raise ConfigError(
                "No database is configured. Set AMHE_DATABASE_URL (or database_url under "
                "[amhe] in .streamlit/secrets.toml), or set AMHE_DEMO=1 for demo mode."
            )
        url = f"sqlite:///{DEFAULT_DEMO_DATABASE}"
    key = env.get("AMHE_COOKIE_KEY") or str(file.get("cookie_key") or "")
    # Demo mode on the local demo file may make up its own key; anything else (a key
    # given, or any other database, even in demo mode) needs a real one.
    local_demo = demo and url == f"sqlite:///{DEFAULT_DEMO_DATABASE}"
    if require_cookie_key and (key or not local_demo) and len(key) < MIN_COOKIE_KEY_LENGTH:
        raise ConfigError(
            "The sign-in cookie key is missing or too short. Set AMHE_COOKIE_KEY (or "
            f"cookie_key under [amhe] in .streamlit/secrets.toml) to a random string of at "
            f"least {MIN_COOKIE_KEY_LENGTH} characters, for example the output of: "
            'python -c "import secrets; print(secrets.token_urlsafe(48))"'
        )
    threshold = int(env.get("AMHE_DISCLOSURE_THRESHOLD", file.get("disclosure_threshold", 5)))
    due_weeks_text = str(env.get("AMHE_FIGURES_DUE_WEEKS", file.get("figures_due_weeks", 6)))
    if not due_weeks_text.strip().isdigit() or not 0 <= int(due_weeks_text) <= 52:
        raise ConfigError(
            "AMHE_FIGURES_DUE_WEEKS (or figures_due_weeks under [amhe] in "
            f".streamlit/secrets.toml) must be a whole number of weeks from 0 to 52, not "
            f"'{due_weeks_text}'."
        )
    return Settings(
        database_url=url,
        demo_mode=demo,
        cookie_key=key or _GENERATED_DEMO_KEY,
        login_sleep_time=float(env.get("AMHE_LOGIN_SLEEP_TIME", "0.2")),
        disclosure_threshold=threshold,
        figures_due_weeks=int(due_weeks_text),
        smtp_url=env.get("AMHE_SMTP_URL") or str(file.get("smtp_url") or ""),
        mail_from=env.get("AMHE_MAIL_FROM") or str(file.get("mail_from") or ""),
    )
