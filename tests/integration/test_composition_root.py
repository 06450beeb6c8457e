"""main.py: settings from the environment, refusals in production, CLI commands."""

from __future__ import annotations

import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

import main
import settings
from settings import ConfigError, Settings
from tests.support.api import PRODUCTION_REQUIRED, Api, make_settings

STRONG = "x" * 32


def test_settings_come_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "APP_ENV": "production",
            "SECRET_KEY": STRONG,
            "JWT_SECRET_KEY": "y" * 40,
            "DATABASE_URL": "sqlite:////tmp/x.db",
            "ACCESS_TOKEN_TTL_SECONDS": "300",
            "REFRESH_TOKEN_TTL_SECONDS": "3600",
            "SESSION_TTL_SECONDS": "7200",
            "JWT_ISSUER": "https://id.example",
            "JWT_AUDIENCE": "api.example",
            "MAX_BODY_BYTES": "1024",
            "PASSWORD_MIN_LENGTH": "15",
            "PASSWORD_REQUIRE_COMPOSITION": "true",
            "ARGON2_PROFILE": "owasp-minimum",
            "LOG_LEVEL": "debug",
            **PRODUCTION_REQUIRED,
        }
    )
    assert settings.env == "production"
    assert settings.access_token_ttl == timedelta(minutes=5)
    assert settings.session_ttl == timedelta(hours=2)
    assert (settings.jwt_issuer, settings.jwt_audience) == ("https://id.example", "api.example")
    assert (settings.max_body_bytes, settings.password_min_length) == (1024, 15)
    assert settings.password_require_composition
    assert STRONG not in repr(settings)  # secrets stay out of reprs and logs


@pytest.mark.parametrize(
    ("environ", "reason"),
    [
        ({"JWT_SECRET_KEY": STRONG}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": STRONG}, "JWT_SECRET_KEY must be set"),
        ({"SECRET_KEY": STRONG, "JWT_SECRET_KEY": "short"}, "at least 32 bytes"),
        ({"SECRET_KEY": "s" * 31, "JWT_SECRET_KEY": STRONG}, "at least 32 bytes"),
        ({"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG, "FLASK_DEBUG": "1"}, "debug"),
        (
            {"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG, "ARGON2_PROFILE": "cheapest"},
            "cheapest",
        ),
        ({"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG, "ARGON2_PROFILE": "md5"}, "ARGON2"),
        (
            {"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG, "MAX_BODY_BYTES": "lots"},
            "whole number",
        ),
    ],
)
def test_s18_s34_production_refuses_missing_short_or_unsafe_settings(
    environ: dict[str, str], reason: str
) -> None:
    with pytest.raises(ConfigError, match=reason):
        main.load_settings({"APP_ENV": "production", **PRODUCTION_REQUIRED, **environ})


def test_unknown_environment_and_bad_lifetimes_are_refused() -> None:
    with pytest.raises(ConfigError, match="APP_ENV"):
        Settings(secret_key=STRONG, jwt_secret_key=STRONG, env="staging")
    with pytest.raises(ConfigError, match="lifetimes"):
        Settings(secret_key=STRONG, jwt_secret_key=STRONG, refresh_token_ttl=timedelta(days=100))
    with pytest.raises(ConfigError, match="PASSWORD_MIN_LENGTH"):
        Settings(secret_key=STRONG, jwt_secret_key=STRONG, password_min_length=4)
    with pytest.raises(ConfigError, match="AUDIT_RETENTION_DAYS"):
        Settings.from_env(
            {"SECRET_KEY": STRONG, "JWT_SECRET_KEY": STRONG, "AUDIT_RETENTION_DAYS": "0"}
        )


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("nonsense", "DATABASE_URL is not a database URL"),
        ("mongodb://root:hunter2@db/accounts", "DATABASE_URL must be one of"),
    ],
)
def test_a_database_url_of_no_supported_backend_is_refused_unquoted(url: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason) as refused:
        Settings(secret_key=STRONG, jwt_secret_key=STRONG, database_url=url)
    assert "hunter2" not in str(refused.value)


def test_s34_production_start_fails_with_a_one_line_reason(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import main; main.create_app()"],
        env={"APP_ENV": "production", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        cwd=Path(main.__file__).parent,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "accounts: refusing to start: SECRET_KEY and JWT_SECRET_KEY and PUBLIC_URL and MAIL_URL"
        " and MAIL_FROM and MFA_ENCRYPTION_KEY must be set in production"
    ]


def test_s34_gunicorn_refuses_once_instead_of_respawning_workers() -> None:
    """The check runs in gunicorn's master: a worker that exited while booting
    would only be replaced by the next one, printing the reason forever."""
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "main:create_app()",
        ],
        env={
            "APP_ENV": "production",
            "SECRET_KEY": "short",
            "PATH": "/usr/bin:/bin",
            **PRODUCTION_REQUIRED,
        },
        capture_output=True,
        text=True,
        cwd=Path(main.__file__).parent,
        check=False,
        timeout=30,
    )
    assert result.returncode == 1
    refusals = [line for line in result.stderr.splitlines() if "refusing to start" in line]
    assert refusals == ["accounts: refusing to start: JWT_SECRET_KEY must be set in production"]


def test_development_makes_secrets_once_with_mode_0600(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "INSTANCE", tmp_path / "instance")
    first = Settings.from_env({})
    second = Settings.from_env({})
    secrets_file = tmp_path / "instance" / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert (first.secret_key, first.jwt_secret_key) == (second.secret_key, second.jwt_secret_key)
    assert len(first.jwt_secret_key) >= 32
    assert first.secret_key != first.jwt_secret_key
    assert list((tmp_path / "instance").iterdir()) == [secrets_file]  # no temporary left
    assert Settings.from_env({"JWT_SECRET_KEY": "z" * 32}).jwt_secret_key == "z" * 32


def test_create_admin_reads_the_password_from_stdin(app: Flask, api: Api) -> None:
    runner = app.test_cli_runner()
    args = ["create-admin", "--email", "boss@example.com", "--name", "Boss"]
    assert runner.invoke(args=args, input="a strong admin pass\n").exit_code != 0
    result = runner.invoke(args=[*args, "--password-stdin"], input="a strong admin pass\n")
    assert result.exit_code == 0, result.output
    assert "a strong admin pass" not in result.output
    tokens = api.tokens("boss@example.com", "a strong admin pass")
    assert tokens["user"]["role"] == "admin"
    again = runner.invoke(args=[*args, "--password-stdin"], input="a strong admin pass\n")
    assert again.exit_code == 1
    assert "already exists" in again.output
    weak = runner.invoke(
        args=["create-admin", "--email", "b@example.com", "--name", "B", "--password-stdin"],
        input="password\n",
    )
    assert weak.exit_code == 1
    assert "too common" in weak.output


def test_db_commands_migrate(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = main.create_app(make_settings(url)).test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade", "head"]).exit_code == 0


def test_create_app_without_settings_refuses_in_one_line_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("APP_ENV", "production")
    for name, value in PRODUCTION_REQUIRED.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("JWT_SECRET_KEY", STRONG)
    monkeypatch.setenv("ARGON2_PROFILE", "md5")
    with pytest.raises(SystemExit) as stopped:
        main.create_app()
    assert stopped.value.code == 1
    assert capsys.readouterr().err == (
        "accounts: refusing to start: ARGON2_PROFILE must be one of "
        "rfc9106-low-memory, owasp-minimum, cheapest\n"
    )


def test_create_app_without_settings_reads_them_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    database = tmp_path / "from-the-environment.db"
    for name, value in {
        "APP_ENV": "development",
        "SECRET_KEY": STRONG,
        "JWT_SECRET_KEY": STRONG,
        "ARGON2_PROFILE": "cheapest",
        "DATABASE_URL": f"sqlite:///{database}",
    }.items():
        monkeypatch.setenv(name, value)
    app = main.create_app()
    assert app.extensions[main.DATABASE_ENGINE].url.database == str(database)


def test_a_log_format_other_than_json_or_text_is_refused() -> None:
    with pytest.raises(ConfigError, match="LOG_FORMAT"):
        Settings(secret_key=STRONG, jwt_secret_key=STRONG, log_format="xml")
