"""Development's ``.env``: it fills the environment, never overrides it, and
production ignores it."""

from __future__ import annotations

from pathlib import Path

from settings import load_dotenv_file


def test_dotenv_fills_what_is_unset_and_overrides_nothing(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text('PORT=9000\nSECRET_KEY="from the file"\n# a comment\nEMPTY\n')
    environ = {"SECRET_KEY": "from the environment"}
    load_dotenv_file(dotenv, environ)
    assert environ == {"SECRET_KEY": "from the environment", "PORT": "9000"}


def test_production_and_a_missing_file_read_nothing(tmp_path: Path) -> None:
    dotenv = tmp_path / ".env"
    dotenv.write_text("PORT=9000\n")
    production = {"APP_ENV": "production"}
    load_dotenv_file(dotenv, production)
    assert production == {"APP_ENV": "production"}
    missing: dict[str, str] = {}
    load_dotenv_file(tmp_path / "nowhere.env", missing)
    assert missing == {}
