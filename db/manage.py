"""Command-line administration: schema upgrades, accounts, backups and reminders.

    python -m db.manage upgrade
    python -m db.manage revision -m "what changed"
    python -m db.manage create-user USERNAME --name "Full Name" --role regional_lead --region london
    python -m db.manage reset-password USERNAME [--must-change]
    python -m db.manage backup PATH
    python -m db.manage restore PATH
    python -m db.manage send-reminders

Passwords are asked for at the prompt (or read from AMHE_NEW_PASSWORD, for scripts),
never taken on the command line where they would stay in the shell history. Every
password must pass the one rule of core.passwords (at least 12 characters, not made of
the account's names, hard to guess); --must-change asks for a new one at the next
sign-in.

send-reminders emails each person (with an address and reminders on) one message
listing what needs them, through AMHE_SMTP_URL as AMHE_MAIL_FROM; run it once a day.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from core.config import ConfigError, load_settings
from core.passwords import PASSWORD_HINT
from core.permissions import SYSTEM_ACTOR, Role
from core.reminders import MailSettingsError, ReminderSendError
from db.backup import BackupError, backup, restore
from db.engine import DatabaseUnavailable, get_engine, new_revision, upgrade_schema
from db.reminders import send_reminders
from db.users import create_user, reset_password
from db.writes import WriteRefused
from seed.load import ensure_reference_data


def _password() -> str:
    from_env = os.environ.get("AMHE_NEW_PASSWORD")
    if from_env:
        return from_env
    print(PASSWORD_HINT)
    first = getpass.getpass("New password: ")
    if getpass.getpass("Type it again: ") != first:
        raise WriteRefused("The two passwords were not the same.")
    return first


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m db.manage",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database-url", help="defaults to AMHE_DATABASE_URL or secrets.toml")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("upgrade", help="bring the database schema up to date")
    revision = commands.add_parser(
        "revision", help="write a migration for what changed in db/models.py (autogenerate)"
    )
    revision.add_argument("-m", "--message", required=True, help="what the migration does")
    create = commands.add_parser("create-user", help="add an account")
    create.add_argument("username")
    create.add_argument("--name", required=True, help="the person's name as others see it")
    create.add_argument("--role", required=True, choices=[r.value for r in Role])
    create.add_argument("--region", help="region code or name (regional roles only)")
    create.add_argument("--email", default="")
    reset = commands.add_parser("reset-password", help="set a new password for an account")
    reset.add_argument("username")
    reset.add_argument(
        "--must-change",
        action="store_true",
        help="the person must choose a new password when they next sign in",
    )
    saved = commands.add_parser("backup", help="copy the whole database to a file")
    saved.add_argument("path", type=Path)
    restored = commands.add_parser("restore", help="replace the database with a backup file")
    restored.add_argument("path", type=Path)
    commands.add_parser(
        "send-reminders",
        help="email each person what needs them today (once a day; nothing when nothing "
        "does), through AMHE_SMTP_URL as AMHE_MAIL_FROM",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "revision":
        path, changed = new_revision(args.message)
        print(
            f"Wrote {path}."
            if changed
            else f"Wrote {path}: the models had no changes, so it is empty."
        )
        print("Read it (and add any data changes) before running python -m db.manage upgrade.")
        return 0
    try:
        url = args.database_url or load_settings(require_cookie_key=False).database_url
        engine = get_engine(url)
        if args.command == "restore":
            restore(engine, args.path)
            upgrade_schema(engine)
            print(f"Restored the database from {args.path}.")
            return 0
        upgrade_schema(engine)
        ensure_reference_data(engine)
        if args.command == "backup":
            backup(engine, args.path)
            print(f"Saved a backup to {args.path}.")
        elif args.command == "send-reminders":
            summary = send_reminders(engine, load_settings(require_cookie_key=False))
            print(summary.sentence())
            return 1 if summary.refused else 0
        elif args.command == "upgrade":
            print("The database schema is up to date.")
        elif args.command == "create-user":
            create_user(
                engine,
                SYSTEM_ACTOR,
                args.username,
                args.name,
                _password(),
                args.role,
                args.region,
                args.email,
            )
            print(f"Created the account '{args.username.strip().lower()}'.")
        elif args.command == "reset-password":
            reset_password(
                engine,
                SYSTEM_ACTOR,
                args.username,
                _password(),
                must_change_password=args.must_change,
            )
            print(f"New password set for {args.username.strip().lower()}.")
    except (
        BackupError,
        ConfigError,
        DatabaseUnavailable,
        MailSettingsError,
        ReminderSendError,
        WriteRefused,
    ) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
