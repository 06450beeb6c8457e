"""Programs some tests drive (nginx, Chromium): found on the machine, or the
test skips saying how to install them; in CI (``CI=true``) it fails instead,
since ``.ci/run`` installs them."""

from __future__ import annotations

import os
import shutil

import pytest


def required_tool(command: str, package: str, variable: str | None = None) -> str:
    """The path of ``command`` (or of ``$variable``), else skip or, in CI, fail."""
    search = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])
    path = (os.environ.get(variable) if variable else None) or shutil.which(command, path=search)
    if path is None:
        how = f"apt-get install {package}" + (f", or set {variable}" if variable else "")
        if os.environ.get("CI") == "true":
            pytest.fail(f"{command} is missing in CI ({how})")
        pytest.skip(f"{command} is missing: {how}")
    return path
