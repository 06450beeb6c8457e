"""Serve the app with gunicorn and ``gunicorn.conf.py``: ``python -m serve`` (``make run``).

The same as ``gunicorn -c gunicorn.conf.py "main:create_app()"``, less one
trap: gunicorn reads ``WEB_CONCURRENCY`` as it is imported, before any
configuration file can speak, and a value that is not a number stops it
with a traceback, and so does an empty one. Here a wrong value is a one-line
refusal, like every other setting, and an empty one means the default.
Extra arguments go to gunicorn, but ``--with-mail-relay`` (``make run``),
which starts the mail relay (``flask --app main mail relay``) beside the web
workers and stops it with them; in production the relay is a process of its own.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from settings import load_dotenv_file

ROOT = Path(__file__).resolve().parent
RELAY_FLAG = "--with-mail-relay"


def main(argv: list[str]) -> None:
    load_dotenv_file()  # before gunicorn.conf.py reads HOST, PORT and WEB_CONCURRENCY
    workers = os.environ.get("WEB_CONCURRENCY", "")
    if not workers:  # set but empty (compose's ${WEB_CONCURRENCY:-}): gunicorn.conf.py's default
        os.environ.pop("WEB_CONCURRENCY", None)
    elif not (workers.isdigit() and int(workers) > 0):
        print(
            "accounts: refusing to start: WEB_CONCURRENCY must be a whole number above 0",
            file=sys.stderr,
        )
        raise SystemExit(1)
    from gunicorn.app.wsgiapp import run

    if RELAY_FLAG in argv:
        argv = [arg for arg in argv if arg != RELAY_FLAG]
        os.environ["MAIL_RELAY_BESIDE"] = "1"  # gunicorn.conf.py starts and stops it
    sys.argv = ["gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), *argv, "main:create_app()"]
    run()


if __name__ == "__main__":
    main(sys.argv[1:])
