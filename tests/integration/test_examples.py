"""The examples run as they are documented."""

from __future__ import annotations

import subprocess
import sys

from settings import ROOT


def test_the_embedded_example_registers_logs_in_lists_sessions_and_events_without_flask() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "examples.embedded"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    lines = result.stdout.splitlines()
    assert lines[:2] == ["  event: user_registered", "  event: mail_queued"]
    assert lines[2].startswith("registered ada@example.com (")
    assert "3 sessions:" in lines
    assert lines[-4].startswith("  desk (this one), started ")
    assert lines[-1] == "5 events stored, the newest: login_succeeded"
    assert lines.count("  event: login_succeeded") == 3
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines()}
    assert not {"flask", "werkzeug", "sqlalchemy"} & imported  # no framework, no database
